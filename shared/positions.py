"""Where a relay keeps how far it has published: a row per relay, in the service's own
database (SQLite file beside the event store, or a PostgreSQL table)."""

from __future__ import annotations

import sqlite3
from typing import Protocol

import psycopg

from shared.config import PlatformSettings
from shared.sqlstore import create_postgres_tables


class PositionStore(Protocol):
    def get(self, name: str) -> int: ...

    def set(self, name: str, position: int) -> None: ...


class SQLitePositions:
    def __init__(self, path: str) -> None:
        self._path = path
        with sqlite3.connect(self._path) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS relay_positions "
                "(name TEXT PRIMARY KEY, position INTEGER NOT NULL)"
            )

    def get(self, name: str) -> int:
        with sqlite3.connect(self._path) as conn:
            row = conn.execute(
                "SELECT position FROM relay_positions WHERE name = ?", (name,)
            ).fetchone()
        return int(row[0]) if row else 0

    def set(self, name: str, position: int) -> None:
        with sqlite3.connect(self._path) as conn:
            conn.execute(
                "INSERT INTO relay_positions (name, position) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                (name, position),
            )


class PostgresPositions:
    def __init__(self, url: str, schema: str | None) -> None:
        self._url = url
        self._table = f"{schema}.relay_positions" if schema else "relay_positions"
        with psycopg.connect(self._url, autocommit=True) as conn:
            create_postgres_tables(
                conn,
                [
                    f"CREATE TABLE IF NOT EXISTS {self._table} "
                    "(name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
                ],
            )

    def get(self, name: str) -> int:
        with psycopg.connect(self._url) as conn:
            row = conn.execute(
                f"SELECT position FROM {self._table} WHERE name = %s", (name,)
            ).fetchone()
        return int(row[0]) if row else 0

    def set(self, name: str, position: int) -> None:
        with psycopg.connect(self._url) as conn:
            conn.execute(
                f"INSERT INTO {self._table} (name, position) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                (name, position),
            )


def position_store(settings: PlatformSettings) -> PositionStore:
    if settings.database_url:
        return PostgresPositions(settings.database_url, settings.database_schema)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SQLitePositions(str(settings.data_dir / "relay_positions.sqlite"))
