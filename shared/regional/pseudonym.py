"""The person on a region's stream: HMAC-SHA256(PSEUDONYM_KEY, "persoon" + region slug +
inburgeraar id), the first 32 hex digits. It is the same for one person across all events
of one region, so regional analysts can count persons and follow a path; it differs per
region; without the key it cannot be recomputed from an id, nor reversed.

A regional event gets a new id too: a UUIDv5 of the original source and id under a
namespace derived from the key and the region, so a re-send carries the same id while
nobody without the key can compute which regional event belongs to which gemeente event."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import TYPE_CHECKING

from shared.regions import regio_slug

if TYPE_CHECKING:
    from shared.config import PlatformSettings

PSEUDONYM_HEX_DIGITS = 32


def _mac(key: bytes, *parts: str) -> bytes:
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def pseudonym(key: bytes, regio: str, persoon_id: str) -> str:
    """The person's reference on the region's stream: stable per region, keyed, one-way."""
    if not key:
        raise ValueError("pseudonym key is empty")
    digest = _mac(key, "persoon", regio_slug(regio), persoon_id)
    return digest.hex()[:PSEUDONYM_HEX_DIGITS]


def regional_id(key: bytes, regio: str, source: str, event_id: str) -> str:
    """A new CloudEvents id, the same for every re-send of the same original event."""
    namespace = uuid.UUID(bytes=_mac(key, "bericht", regio_slug(regio))[:16])
    return str(uuid.uuid5(namespace, f"{source}#{event_id}"))


def pseudonym_key(settings: PlatformSettings) -> bytes:
    assert settings.pseudonym_key is not None  # the settings fill in the development key
    return settings.pseudonym_key.get_secret_value().encode()
