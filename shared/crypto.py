"""Crypto-shredding of personal data in events.

Each field an event class names in `persoonsgegevens` is stored, and published on Kafka and
in the replay feeds, in this JSON form (`VERSLEUTELD_SCHEMA`):

    {"versleuteld": "<base64 of 12-byte nonce + AES-256-GCM ciphertext>", "sleutel": "<key id>"}

The plaintext is the field's value in the event store's JSON. The associated data binds the
ciphertext to gemeente, person and event id (`<gemeente>|<persoon>|<CloudEvents id>`), so a
ciphertext moved to another event or person does not decrypt.

Once the person's key is destroyed a field decrypts to "removed":
- in a loaded domain event: `None` when the field may be None, `[]`/`{}` for a list/dict,
  otherwise the string `VERWIJDERD`, so aggregates still load and replay;
- in CloudEvent data (consumers, read models, feeds): `null`, and the event's data gets
  `"verwijderd": [<camelCase names>]`.
A person forgotten before a field is written never gets a key again: the field is stored
as removed straight away. Snapshots would hold aggregate state in plaintext, so the
applications take none.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoder,
    UUIDAsHex,
)

from shared.cloudevents import event_id, jsonable
from shared.domain import VERWIJDERD
from shared.keystore import PersoonVergeten, Sleutel, Sleutelkluis
from shared.transcoding import DateAsISO, restore_dates

log = logging.getLogger(__name__)

NONCE_BYTES = 12
VERSLEUTELD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Each property named in x-persoonsgegevens travels in this form, encrypted "
    "with the person's key (crypto-shredding); its schema above is that of the plaintext.",
    "properties": {
        "versleuteld": {"type": "string", "contentEncoding": "base64"},
        "sleutel": {"type": "string"},
    },
    "required": ["versleuteld", "sleutel"],
    "additionalProperties": False,
}


def is_versleuteld(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"versleuteld", "sleutel"}


def _associated(sleutel: Sleutel, ce_id: str) -> bytes:
    return f"{sleutel.gemeente}|{sleutel.persoon}|{ce_id}".encode()


def versleutel(sleutel: Sleutel, ce_id: str, plaintext: bytes) -> dict[str, str]:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(sleutel.materiaal).encrypt(nonce, plaintext, _associated(sleutel, ce_id))
    return {
        "versleuteld": base64.b64encode(nonce + ciphertext).decode(),
        "sleutel": sleutel.sleutel_id,
    }


def ontsleutel_veld(
    kluis: Sleutelkluis,
    ce_id: str,
    value: Mapping[str, str],
    sleutels: dict[str, Sleutel | None] | None = None,
) -> bytes | None:
    """The plaintext, or None when the key is gone. A wrong binding is an error, not removal.
    `sleutels` caches the keys of one event (its fields share one)."""
    sleutels = {} if sleutels is None else sleutels
    if value["sleutel"] not in sleutels:
        sleutels[value["sleutel"]] = kluis.haal(value["sleutel"])
    sleutel = sleutels[value["sleutel"]]
    if sleutel is None:
        return None
    raw = base64.b64decode(value["versleuteld"])
    try:
        return AESGCM(sleutel.materiaal).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated(sleutel, ce_id)
        )
    except InvalidTag as e:
        raise ValueError(f"ciphertext does not belong to event {ce_id}") from e


def verwijderd_voor(annotation: Any) -> Any:
    """The removed value that an aggregate applying a field of this type tolerates."""
    if annotation is None:
        return None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return verwijderd_voor(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation):
        return None
    if annotation is list or origin is list:
        return []
    if annotation is dict or origin is dict:
        return {}
    if annotation is str:
        return VERWIJDERD
    return None


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls, include_extras=True)
    except (NameError, TypeError):
        return {}


Persoon = tuple[str, str]


class PersoonsgegevensMapper(Mapper[UUID]):
    """Encrypts each event's `persoonsgegevens` per person on the way into the event store
    and decrypts them on the way out (`ontsleutel=False` keeps them encrypted: published).

    The person of an aggregate is named by its creation event: `inburgeraar_id` if it has
    one, else the aggregate itself (the intake's Inburgeraar; a DUO notificatie, whose key
    is then per notificatie). Later events find it through `first_state` (the stored
    creation event, whose gemeente and inburgeraar id are not encrypted).
    """

    def __init__(
        self,
        transcoder: Transcoder,
        kluis: Callable[[], Sleutelkluis],
        first_state: Callable[[UUID], Mapping[str, Any] | None],
    ) -> None:
        super().__init__(transcoder)
        self._kluis = kluis
        self._first_state = first_state
        self._personen: dict[UUID, Persoon] = {}

    @property
    def kluis(self) -> Sleutelkluis:
        return self._kluis()

    def persoon_van(self, originator_id: UUID, state: Mapping[str, Any]) -> Persoon | None:
        known = self._personen.get(originator_id)
        if known is not None:
            return known
        if state.get("originator_version") != 1:
            state = self._first_state(originator_id) or {}
        gemeente = state.get("gemeente")
        if not isinstance(gemeente, str):
            return None
        persoon = state.get("inburgeraar_id") or originator_id
        if len(self._personen) > 100_000:
            self._personen.clear()
        self._personen[originator_id] = (gemeente, str(persoon))
        return self._personen[originator_id]

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        personal: frozenset[str] = getattr(type(domain_event), "persoonsgegevens", frozenset())
        state = dict(vars(domain_event))
        if state["originator_version"] == 1:
            # Known before later events of the same save, which are not stored yet.
            self.persoon_van(state["originator_id"], state)
        fields = [name for name in personal if name in state and state[name] is not None]
        if fields:
            originator_id = state["originator_id"]
            persoon = self.persoon_van(originator_id, state)
            if persoon is None:
                raise ValueError(f"{type(domain_event).__qualname__}: no person to encrypt for")
            ce_id = event_id(originator_id, state["originator_version"])
            sleutel: Sleutel | None
            try:
                sleutel = self.kluis.sleutel(*persoon)
            except PersoonVergeten:
                sleutel = None
            hints = _hints(type(domain_event))
            for name in fields:
                if sleutel is None:
                    state[name] = verwijderd_voor(hints.get(name))
                else:
                    plaintext = self.transcoder.encode({"v": state[name]})
                    state[name] = versleutel(sleutel, ce_id, plaintext)
            copy = object.__new__(type(domain_event))
            object.__setattr__(copy, "__dict__", state)
            domain_event = copy
        return super().to_stored_event(domain_event)

    def to_domain_event(
        self, stored_event: StoredEvent, *, ontsleutel: bool = True
    ) -> DomainEventProtocol[UUID]:
        domain_event = super().to_domain_event(stored_event)
        state = vars(domain_event)
        originator_id = UUID(str(stored_event.originator_id))
        if stored_event.originator_version == 1 and originator_id not in self._personen:
            self.persoon_van(originator_id, state)
        if not ontsleutel:
            restore_dates(type(domain_event), state)
            return domain_event
        encrypted = [name for name, value in state.items() if is_versleuteld(value)]
        if encrypted:
            ce_id = event_id(originator_id, stored_event.originator_version)
            hints = _hints(type(domain_event))
            sleutels: dict[str, Sleutel | None] = {}
            for name in encrypted:
                plaintext = ontsleutel_veld(self.kluis, ce_id, state[name], sleutels)
                state[name] = (
                    verwijderd_voor(hints.get(name))
                    if plaintext is None
                    else self.transcoder.decode(plaintext)["v"]
                )
        restore_dates(type(domain_event), state)
        return domain_event


def ontsleutel_data(
    kluis: Sleutelkluis, cloudevent: Mapping[str, Any], transcoder: Transcoder
) -> dict[str, Any]:
    """A CloudEvent with its encrypted data fields decrypted (camelCase JSON, as published),
    or null plus `data.verwijderd` naming them once the key is destroyed, or when the
    ciphertext does not belong to this event (logged as an error)."""
    data = dict(cloudevent.get("data") or {})
    verwijderd = []
    sleutels: dict[str, Sleutel | None] = {}
    for name, value in data.items():
        if not is_versleuteld(value):
            continue
        try:
            plaintext = ontsleutel_veld(kluis, str(cloudevent["id"]), value, sleutels)
        except ValueError as e:
            # Moved or altered ciphertext (a hand-made or tampered event): it stays unread.
            log.error("%s %s: %s; field %s read as removed", cloudevent.get("type"),
                      cloudevent.get("id"), e, name)  # fmt: skip
            plaintext = None
        if plaintext is None:
            data[name] = None
            verwijderd.append(name)
        else:
            data[name] = jsonable(transcoder.decode(plaintext)["v"])
    if verwijderd:
        data["verwijderd"] = sorted(verwijderd)
    return {**cloudevent, "data": data}


def verwijder_data(kluis: Sleutelkluis, cloudevent: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudEvent as a replay feed shows it: fields still encrypted while the key exists,
    null plus `data.verwijderd` once it is destroyed."""
    data = dict(cloudevent.get("data") or {})
    verwijderd = [
        name
        for name, value in data.items()
        if is_versleuteld(value) and kluis.haal(str(value["sleutel"])) is None
    ]
    for name in verwijderd:
        data[name] = None
    if verwijderd:
        data["verwijderd"] = sorted(verwijderd)
        return {**cloudevent, "data": data}
    return dict(cloudevent)


@functools.cache
def transcoder() -> JSONTranscoder:
    """The event stores' JSON transcoder, to read decrypted plaintext outside an application."""
    json_transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DateAsISO()):
        json_transcoder.register(transcoding)
    return json_transcoder
