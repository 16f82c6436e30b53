"""A small SQL store on SQLite (embedded default) or PostgreSQL, with one SQL dialect for
both: `?` placeholders, `INSERT ... ON CONFLICT ... DO UPDATE`, TEXT for JSON and dates.
Read models live here; their positions are stored in the same transaction as their rows."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg_pool import ConnectionPool

from shared.config import PlatformSettings

Row = tuple[Any, ...]
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# One advisory lock for all of the platform's table creation: PostgreSQL's CREATE TABLE IF
# NOT EXISTS is not race-free, and processes starting together on a fresh schema collide.
DDL_LOCK = 7_305_021


def create_postgres_tables(conn: Any, statements: Sequence[str]) -> None:
    """Run CREATE ... IF NOT EXISTS statements on a psycopg connection, one process at a time."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (DDL_LOCK,))
        for statement in statements:
            conn.execute(statement)


def identifier(name: str) -> str:
    """A table or column name built from code, checked before it goes into SQL."""
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


class Tx:
    """One transaction: `execute` returns the rows, if any."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self._cursor = cursor
        self._postgres = postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._cursor.execute(self._sql(sql), tuple(params))
        if self._cursor.description is None:
            return []
        return [tuple(row) for row in self._cursor.fetchall()]

    def executemany(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        if params:
            self._cursor.executemany(self._sql(sql), [tuple(p) for p in params])


class SQLStore:
    def __init__(self, settings: PlatformSettings, name: str) -> None:
        self.postgres = bool(settings.database_url)
        self._pool: ConnectionPool | None = None
        self._path: Path | None = None
        if settings.database_url:
            options = (
                f"-c search_path={identifier(settings.database_schema)}"
                if (settings.database_schema)
                else ""
            )
            self._pool = ConnectionPool(
                settings.database_url,
                kwargs={"options": options} if options else {},
                min_size=1,
                max_size=8,
                open=True,
            )
        else:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            self._path = settings.data_dir / f"{identifier(name)}.sqlite"
            with sqlite3.connect(self._path) as conn:
                conn.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Commits when the block ends normally, rolls back when it raises."""
        if self._pool is not None:
            with self._pool.connection() as conn, conn.transaction():
                yield Tx(conn.cursor(), postgres=True)
            return
        assert self._path is not None
        lite = sqlite3.connect(self._path, timeout=30, isolation_level=None)
        try:
            lite.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(lite.cursor(), postgres=False)
            except BaseException:
                lite.execute("ROLLBACK")
                raise
            lite.execute("COMMIT")
        finally:
            lite.close()

    def create_tables(self, *statements: str) -> None:
        """CREATE ... IF NOT EXISTS, safe against other processes doing the same at once."""
        if self._pool is not None:
            with self._pool.connection() as conn:
                create_postgres_tables(conn, statements)
            return
        with self.transaction() as tx:
            for statement in statements:
                tx.execute(statement)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """A read outside any write transaction."""
        if self._pool is not None:
            with self._pool.connection() as conn:
                return [tuple(r) for r in conn.execute(sql.replace("?", "%s"), tuple(params))]
        assert self._path is not None
        lite = sqlite3.connect(self._path, timeout=30)
        try:
            return [tuple(r) for r in lite.execute(sql, tuple(params)).fetchall()]
        finally:
            lite.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
