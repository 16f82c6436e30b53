"""The key store of crypto-shredding: one random AES-256 key per person within a gemeente.

`Sleutelkluis` is the extension point a real KMS implements. `SQLSleutelkluis` keeps the
keys in a table, on PostgreSQL (PG mode) or SQLite (embedded mode), in one SQL dialect.
Destroying a key deletes its row; what remains is a tombstone naming the person (no key
material), so a later write for a forgotten person cannot silently create a fresh key.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from shared.config import PlatformSettings
from shared.domain import ConcurrencyConflict, NotFound
from shared.sqlstore import SQLStore, Tx, identifier

KEY_BYTES = 32


@dataclass(frozen=True)
class Sleutel:
    sleutel_id: str
    gemeente: str
    persoon: str
    materiaal: bytes


class PersoonVergeten(ConcurrencyConflict):
    """The person's key was destroyed: their personal data is gone for good."""

    status = 409
    title = "Persoonsgegevens al vergeten"
    bron = "art. 17 AVG"


class GeenSleutel(NotFound):
    """No personal data was ever encrypted for this person."""


class Sleutelkluis(Protocol):
    """Extension point: where keys live. A KMS implements these four calls."""

    def sleutel(self, gemeente: str, persoon: str) -> Sleutel:
        """The person's key, created on first use; PersoonVergeten once destroyed."""

    def haal(self, sleutel_id: str) -> Sleutel | None:
        """The key by id; None once destroyed (or never known)."""

    def is_vergeten(self, gemeente: str, persoon: str) -> bool: ...

    def vernietig(self, gemeente: str, persoon: str) -> str:
        """Destroy the key; returns its id. PersoonVergeten when already destroyed."""


class Executor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


Transaction = Callable[[], AbstractContextManager[Executor]]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS {prefix}sleutels (sleutel_id TEXT PRIMARY KEY, "
    "gemeente TEXT NOT NULL, persoon TEXT NOT NULL, materiaal TEXT NOT NULL, "
    "aangemaakt TEXT NOT NULL, UNIQUE (gemeente, persoon))",
    "CREATE TABLE IF NOT EXISTS {prefix}sleutels_vernietigd (gemeente TEXT NOT NULL, "
    "persoon TEXT NOT NULL, sleutel_id TEXT NOT NULL, vernietigd TEXT NOT NULL, "
    "PRIMARY KEY (gemeente, persoon))",
)


class SQLSleutelkluis:
    """Keys in `sleutels`, tombstones in `sleutels_vernietigd` (`?` placeholders)."""

    def __init__(self, transaction: Transaction, schema: str | None = None) -> None:
        self._transaction = transaction
        self._prefix = f"{identifier(schema)}." if schema else ""
        self._ready = False
        self._lock = threading.Lock()

    def _tx(self) -> AbstractContextManager[Executor]:
        if not self._ready:
            with self._lock:
                try:
                    with self._transaction() as tx:
                        for statement in SCHEMA:
                            tx.execute(statement.format(prefix=self._prefix))
                except Exception:
                    # Another process created the tables at the same moment (PostgreSQL's
                    # IF NOT EXISTS is not race-free); if they are there now, all is well.
                    with self._transaction() as tx:
                        tx.execute(f"SELECT 1 FROM {self._prefix}sleutels_vernietigd LIMIT 1")
            self._ready = True
        return self._transaction()

    def sleutel(self, gemeente: str, persoon: str) -> Sleutel:
        p = self._prefix
        with self._tx() as tx:
            if tx.execute(
                f"SELECT 1 FROM {p}sleutels_vernietigd WHERE gemeente = ? AND persoon = ?",
                (gemeente, persoon),
            ):
                raise PersoonVergeten(f"De persoonsgegevens van {persoon} zijn vergeten")
            tx.execute(
                f"INSERT INTO {p}sleutels (sleutel_id, gemeente, persoon, materiaal, aangemaakt) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (gemeente, persoon) DO NOTHING",
                (
                    str(uuid.uuid4()),
                    gemeente,
                    persoon,
                    base64.b64encode(os.urandom(KEY_BYTES)).decode(),
                    dt.datetime.now(dt.UTC).isoformat(),
                ),
            )
            rows = tx.execute(
                f"SELECT sleutel_id, materiaal FROM {p}sleutels WHERE gemeente = ? AND persoon = ?",
                (gemeente, persoon),
            )
        return Sleutel(str(rows[0][0]), gemeente, persoon, base64.b64decode(rows[0][1]))

    def haal(self, sleutel_id: str) -> Sleutel | None:
        with self._tx() as tx:
            rows = tx.execute(
                f"SELECT gemeente, persoon, materiaal FROM {self._prefix}sleutels "
                "WHERE sleutel_id = ?",
                (sleutel_id,),
            )
        if not rows:
            return None
        gemeente, persoon, materiaal = rows[0]
        return Sleutel(sleutel_id, str(gemeente), str(persoon), base64.b64decode(materiaal))

    def is_vergeten(self, gemeente: str, persoon: str) -> bool:
        with self._tx() as tx:
            return bool(
                tx.execute(
                    f"SELECT 1 FROM {self._prefix}sleutels_vernietigd "
                    "WHERE gemeente = ? AND persoon = ?",
                    (gemeente, persoon),
                )
            )

    def vernietig(self, gemeente: str, persoon: str) -> str:
        p = self._prefix
        with self._tx() as tx:
            if tx.execute(
                f"SELECT 1 FROM {p}sleutels_vernietigd WHERE gemeente = ? AND persoon = ?",
                (gemeente, persoon),
            ):
                raise PersoonVergeten(f"De persoonsgegevens van {persoon} zijn al vergeten")
            rows = tx.execute(
                f"SELECT sleutel_id FROM {p}sleutels WHERE gemeente = ? AND persoon = ?",
                (gemeente, persoon),
            )
            # No key yet (nothing personal stored so far): the tombstone alone keeps any
            # later personal data of this person out of the store.
            sleutel_id = str(rows[0][0]) if rows else str(uuid.uuid4())
            tx.execute(
                f"DELETE FROM {p}sleutels WHERE gemeente = ? AND persoon = ?", (gemeente, persoon)
            )
            tx.execute(
                f"INSERT INTO {p}sleutels_vernietigd (gemeente, persoon, sleutel_id, vernietigd) "
                "VALUES (?, ?, ?, ?)",
                (gemeente, persoon, sleutel_id, dt.datetime.now(dt.UTC).isoformat()),
            )
        return sleutel_id


class _Cursor:
    """A psycopg cursor (dict rows) as an Executor with `?` placeholders."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(sql.replace("?", "%s"), tuple(params))
        if self._cursor.description is None:
            return []
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in self._cursor]


def postgres_kluis(datastore: Any) -> SQLSleutelkluis:
    """On an eventsourcing PostgresDatastore: shares the application's connection pool."""

    @contextmanager
    def transaction() -> Iterator[Executor]:
        with datastore.transaction(commit=True) as cursor:
            yield _Cursor(cursor)

    return SQLSleutelkluis(transaction, schema=getattr(datastore, "schema", None))


_stores: dict[Path, SQLStore] = {}
_stores_lock = threading.Lock()


def sqlite_kluis(data_dir: Path) -> SQLSleutelkluis:
    """Embedded mode: `sleutelkluis.sqlite` beside the services' event stores, shared by all."""
    with _stores_lock:
        store = _stores.get(data_dir)
        if store is None:
            settings = PlatformSettings.model_construct(data_dir=data_dir, database_url=None)
            store = _stores[data_dir] = SQLStore(settings, "sleutelkluis")
    return SQLSleutelkluis(store.transaction)


def sleutelkluis_voor(settings: PlatformSettings) -> SQLSleutelkluis:
    """The key store of a deployment, for processes without an event store of their own."""
    if settings.database_url:
        store = SQLStore(settings, "sleutelkluis")
        return SQLSleutelkluis(store.transaction, schema=settings.database_schema)
    return sqlite_kluis(settings.data_dir)


class GeheugenKluis(SQLSleutelkluis):
    """In memory, for applications on eventsourcing's POPO store (tests)."""

    def __init__(self) -> None:
        import sqlite3

        self._conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._conn_lock = threading.RLock()

        @contextmanager
        def transaction() -> Iterator[Executor]:
            with self._conn_lock:
                self._conn.execute("BEGIN")
                try:
                    yield Tx(self._conn.cursor(), postgres=False)
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")

        super().__init__(transaction)


_geheugen: GeheugenKluis | None = None


def kluis_uit_env(env: Any, datastore: Callable[[], Any]) -> Sleutelkluis:
    """The key store beside an eventsourcing application's event store (its `env`)."""
    global _geheugen
    module = env.get("PERSISTENCE_MODULE") or ""
    if module.endswith("postgres"):
        return postgres_kluis(datastore())
    dbname = env.get("SQLITE_DBNAME") or ""
    if module.endswith("sqlite") and dbname and "memory" not in dbname:
        return sqlite_kluis(Path(dbname).parent)
    if _geheugen is None:
        _geheugen = GeheugenKluis()
    return _geheugen


def kluis_bij_store(store: SQLStore) -> SQLSleutelkluis:
    """The key store beside a read-model store: the same PostgreSQL schema, or the shared
    SQLite file in the same data directory."""
    if store.postgres:
        return SQLSleutelkluis(store.transaction)
    path: Path | None = store._path
    assert path is not None
    return sqlite_kluis(path.parent)
