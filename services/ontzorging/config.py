"""Settings of the ontzorging service."""

from __future__ import annotations

from shared.config import PlatformSettings


class OntzorgingSettings(PlatformSettings):
    """All platform settings; the ontzorging service adds none of its own yet."""
