"""Logboek Dataverwerkingen (Logius/VNG 1.0): one record per processing of a person's data
through the API, per data subject.

A route declares the processing activity it performs with the `verwerking(...)` dependency;
activities are declared once, with name and grondslag, in `REGISTER` (purpose, legal basis
and retention live there, not in each record). The HTTP middleware of `shared.api` writes the
records once the outcome is known, for errors too. Routes without an activity (figures,
OpenAPI) write nothing.

The data subject (the inburgeraar id) is stored encrypted with AES-GCM under the logboek key
(`LOGBOEK_SLEUTEL`), never in plaintext and never as the BSN. Who did it belongs in an audit
log, not here."""

from __future__ import annotations

import base64
import datetime as dt
import os
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Depends, Request

from shared.config import PlatformSettings
from shared.sqlstore import SQLStore

ACTIVITEIT_BASIS = "https://inburgering.example/verwerkingsactiviteiten"
TABEL = "logboek_dataverwerkingen"
_AAD = b"dpl.core.data_subject_id"


@dataclass(frozen=True)
class Verwerkingsactiviteit:
    """An entry of the register of processing activities (art. 30 AVG)."""

    code: str
    naam: str
    grondslag: str

    @property
    def id(self) -> str:
        return f"{ACTIVITEIT_BASIS}/{self.code}"


REGISTER: dict[str, Verwerkingsactiviteit] = {}


def activiteit(code: str, naam: str, grondslag: str) -> Verwerkingsactiviteit:
    """Declare a processing activity once; the same code twice must mean the same thing."""
    nieuw = Verwerkingsactiviteit(code, naam, grondslag)
    bestaand = REGISTER.setdefault(code, nieuw)
    if bestaand != nieuw:
        raise ValueError(f"verwerkingsactiviteit {code!r} is al anders geregistreerd")
    return bestaand


def activiteiten(
    dienst: str, grondslag: str, namen: dict[str, str], **grondslagen: str
) -> dict[str, Verwerkingsactiviteit]:
    """A service's part of the register: code -> name, one grondslag unless `grondslagen`
    names another for a code (keyword: the code with underscores)."""
    return {
        code: activiteit(
            f"{dienst}/{code}", naam, grondslagen.get(code.replace("-", "_"), grondslag)
        )
        for code, naam in namen.items()
    }


@dataclass
class Verwerking:
    """The processing of one request: filled by the route, written by the middleware."""

    activiteit: Verwerkingsactiviteit
    betrokkenen: list[tuple[str, str]] = field(default_factory=list)  # (id, type)
    gemeente: str | None = None
    # When the route names nobody (e.g. 404 on a PIP id), the id from the path stands in.
    uit_pad: tuple[str, str] | None = None

    def noteer(self, betrokkene: uuid.UUID | str, gemeente: str | None = None) -> None:
        entry = (str(betrokkene), "inburgeraar")
        if entry not in self.betrokkenen:
            self.betrokkenen.append(entry)
        if gemeente:
            self.gemeente = gemeente


huidige_verwerking: ContextVar[Verwerking | None] = ContextVar("huidige_verwerking", default=None)


def noteer_betrokkene(inburgeraar_id: uuid.UUID | str, gemeente: str | None = None) -> None:
    """Name the person whose data the current request processes (no-op outside one)."""
    verwerking = huidige_verwerking.get()
    if verwerking is not None:
        verwerking.noteer(inburgeraar_id, gemeente)


def verwerking(act: Verwerkingsactiviteit) -> Any:
    """Route dependency (`dependencies=[verwerking(ACT)]`): this route processes a person's
    data under `act`. Listed first, it runs before authentication, so a 401/403 is logged."""

    async def declare(request: Request) -> Verwerking:
        current = Verwerking(act)
        for name, value in request.path_params.items():
            if name == "gemeentecode":
                current.gemeente = str(value)
            elif name.endswith("_id"):
                current.uit_pad = (str(value), name.removesuffix("_id"))
        if gezocht := request.query_params.get("inburgeraarId"):
            current.noteer(gezocht)
        request.state.verwerking = current
        huidige_verwerking.set(current)
        return current

    return Depends(declare)


@dataclass(frozen=True)
class LogboekRecord:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    processing_activity_id: str
    data_subject_id: str | None  # encrypted
    data_subject_id_type: str | None
    status: str  # ok | error
    status_code: int
    start_time: dt.datetime
    end_time: dt.datetime
    gemeente: str | None
    system: str
    version: str


KOLOMMEN = tuple(LogboekRecord.__dataclass_fields__)


class Logboek(Protocol):
    """Where records go: a table here; a Logboek service of the Logius standard elsewhere."""

    def schrijf(self, records: Sequence[LogboekRecord]) -> None: ...

    def records(self) -> list[LogboekRecord]: ...

    def close(self) -> None: ...


class SQLLogboek:
    """The log in PostgreSQL (PG mode) or SQLite (embedded), via shared.sqlstore. The store
    opens on the first write, so an app that processes nobody holds no connection."""

    def __init__(self, settings: PlatformSettings) -> None:
        self._settings = settings
        self._store: SQLStore | None = None

    def _opened(self) -> SQLStore:
        if self._store is None:
            store = SQLStore(self._settings, "logboek")
            columns = ", ".join(f"{c} TEXT" for c in KOLOMMEN if c != "status_code")
            create = f"CREATE TABLE IF NOT EXISTS {TABEL} ({columns}, status_code INTEGER)"
            store.create_tables(create)
            self._store = store
        return self._store

    def schrijf(self, records: Sequence[LogboekRecord]) -> None:
        if not records:
            return
        placeholders = ", ".join("?" for _ in KOLOMMEN)
        rows = [
            [
                v.isoformat() if isinstance(v, dt.datetime) else v
                for v in (getattr(r, c) for c in KOLOMMEN)
            ]
            for r in records
        ]
        with self._opened().transaction() as tx:
            tx.executemany(
                f"INSERT INTO {TABEL} ({', '.join(KOLOMMEN)}) VALUES ({placeholders})", rows
            )

    def records(self) -> list[LogboekRecord]:
        rows = self._opened().query(f"SELECT {', '.join(KOLOMMEN)} FROM {TABEL}")
        result = []
        for row in rows:
            values = dict(zip(KOLOMMEN, row, strict=True))
            for tijd in ("start_time", "end_time"):
                values[tijd] = dt.datetime.fromisoformat(values[tijd])
            result.append(LogboekRecord(**values))
        return sorted(result, key=lambda r: r.start_time)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class BetrokkeneSleutel:
    """AES-GCM (256 bit, from the configured key by HKDF) of data-subject ids: a fresh nonce
    per record, so equal ids do not show as equal ciphertexts."""

    def __init__(self, sleutel: str) -> None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"inburgering logboek"
        ).derive(sleutel.encode())
        self._aead = AESGCM(key)

    def versleutel(self, betrokkene: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, betrokkene.encode(), _AAD)
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def ontsleutel(self, versleuteld: str) -> str:
        raw = base64.urlsafe_b64decode(versleuteld.encode())
        return self._aead.decrypt(raw[:12], raw[12:], _AAD).decode()


def records_van(
    current: Verwerking,
    *,
    sleutel: BetrokkeneSleutel,
    trace_id: str,
    span_id: str,
    parent_span_id: str | None,
    status_code: int,
    start: dt.datetime,
    end: dt.datetime,
    system: str,
    version: str,
) -> list[LogboekRecord]:
    """One record per data subject (one without a subject if none is known, e.g. a
    registration refused as invalid)."""
    subjects: list[tuple[str, str] | None] = list(current.betrokkenen)
    if not subjects:
        subjects = [current.uit_pad]
    return [
        LogboekRecord(
            trace_id=trace_id,
            span_id=span_id,
            parent_span_id=parent_span_id,
            name=current.activiteit.naam,
            processing_activity_id=current.activiteit.id,
            data_subject_id=sleutel.versleutel(subject[0]) if subject else None,
            data_subject_id_type=subject[1] if subject else None,
            status="ok" if status_code < 400 else "error",
            status_code=status_code,
            start_time=start,
            end_time=end,
            gemeente=current.gemeente,
            system=system,
            version=version,
        )
        for subject in subjects
    ]
