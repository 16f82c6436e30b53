"""Where the person links (aggregate id -> inburgeraar id, see `shared.regional.translation`)
are kept: in memory, in a SQLite file (embedded) or in PostgreSQL, beside the positions of
whoever translates."""

from __future__ import annotations

import logging
import sqlite3
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import psycopg

from shared.regional.translation import PersonLinks

if TYPE_CHECKING:
    from shared.config import PlatformSettings

log = logging.getLogger(__name__)


class MemoryLinks:
    def __init__(self) -> None:
        self._links: dict[str, str] = {}

    def get(self, aggregate_id: str) -> str | None:
        return self._links.get(aggregate_id)

    def put(self, aggregate_id: str, person_id: str) -> None:
        self._links.setdefault(aggregate_id, person_id)


class _CachedLinks(ABC):
    """A link never changes, so it is cached once read or written."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def get(self, aggregate_id: str) -> str | None:
        if aggregate_id not in self._cache:
            found = self._select(aggregate_id)
            if found is None:
                return None
            self._cache[aggregate_id] = found
        return self._cache[aggregate_id]

    def put(self, aggregate_id: str, person_id: str) -> None:
        known = self.get(aggregate_id)
        if known is None:
            self._insert(aggregate_id, person_id)
            known = self._select(aggregate_id)
            assert known is not None
            self._cache[aggregate_id] = known
        if known != person_id:
            log.error("Aggregate %s is already linked to another inburgeraar", aggregate_id)

    @abstractmethod
    def _select(self, aggregate_id: str) -> str | None: ...

    @abstractmethod
    def _insert(self, aggregate_id: str, person_id: str) -> None: ...


class SQLiteLinks(_CachedLinks):
    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path
        with sqlite3.connect(self._path) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS regional_person_links "
                "(aggregate_id TEXT PRIMARY KEY, person_id TEXT NOT NULL)"
            )

    def _select(self, aggregate_id: str) -> str | None:
        with sqlite3.connect(self._path) as conn:
            row = conn.execute(
                "SELECT person_id FROM regional_person_links WHERE aggregate_id = ?",
                (aggregate_id,),
            ).fetchone()
        return None if row is None else str(row[0])

    def _insert(self, aggregate_id: str, person_id: str) -> None:
        with sqlite3.connect(self._path) as conn:
            conn.execute(
                "INSERT INTO regional_person_links (aggregate_id, person_id) VALUES (?, ?) "
                "ON CONFLICT (aggregate_id) DO NOTHING",
                (aggregate_id, person_id),
            )


class PostgresLinks(_CachedLinks):
    def __init__(self, url: str, schema: str | None) -> None:
        super().__init__()
        self._url = url
        self._table = f"{schema}.regional_person_links" if schema else "regional_person_links"
        with psycopg.connect(self._url, autocommit=True) as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._table} "
                "(aggregate_id TEXT PRIMARY KEY, person_id TEXT NOT NULL)"
            )

    def _select(self, aggregate_id: str) -> str | None:
        with psycopg.connect(self._url) as conn:
            row = conn.execute(
                f"SELECT person_id FROM {self._table} WHERE aggregate_id = %s", (aggregate_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def _insert(self, aggregate_id: str, person_id: str) -> None:
        with psycopg.connect(self._url) as conn:
            conn.execute(
                f"INSERT INTO {self._table} (aggregate_id, person_id) VALUES (%s, %s) "
                "ON CONFLICT (aggregate_id) DO NOTHING",
                (aggregate_id, person_id),
            )


def link_store(settings: PlatformSettings) -> PersonLinks:
    """PostgreSQL when the settings name a database, else a SQLite file in the data dir."""
    if settings.database_url:
        return PostgresLinks(settings.database_url, settings.database_schema)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteLinks(str(settings.data_dir / "regional_links.sqlite"))
