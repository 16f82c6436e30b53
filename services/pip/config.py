"""Settings of the PIP service."""

from __future__ import annotations

from shared.config import PlatformSettings


class PipSettings(PlatformSettings):
    """All platform settings; the PIP service adds none of its own yet."""
