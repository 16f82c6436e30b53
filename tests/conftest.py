from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from shared.auth import Rol, TokenVerifier
from shared.clock import FrozenClock, set_clock
from shared.config import PlatformSettings
from tests import services

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    try:
        with services.postgres_url() as url:
            yield url
    except services.ServiceUnavailable as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> Iterator[str]:
    try:
        with services.kafka_bootstrap_servers() as servers:
            yield servers
    except services.ServiceUnavailable as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture
def pg_schema(database_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema per test, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield schema
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> PlatformSettings:
    """Platform settings on the embedded default (SQLite) and on PostgreSQL."""
    if request.param == "postgres":
        url = request.getfixturevalue("database_url")
        schema = request.getfixturevalue("pg_schema")
        return PlatformSettings(
            environment="test", data_dir=tmp_path, database_url=url, database_schema=schema
        )
    return PlatformSettings(environment="test", data_dir=tmp_path, database_url=None)


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC))
    previous = set_clock(frozen)
    yield frozen
    set_clock(previous)


TokenFactory = Callable[..., dict[str, str]]


@pytest.fixture
def auth_headers(settings: PlatformSettings) -> TokenFactory:
    """auth_headers(rol=..., gemeenten=[...]) -> an Authorization header for the test API."""
    verifier = TokenVerifier(settings)

    def make(
        rol: Rol = Rol.KLANTREGISSEUR, gemeenten: list[str] | None = None, sub: str = "kr-1"
    ) -> dict[str, str]:
        token = verifier.issue(sub, rol, gemeenten or ["GM0222"])
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def clients() -> Iterator[list[Any]]:
    """The Kafka clients a test makes, closed after it."""
    made: list[Any] = []
    yield made
    for client in made:
        client.close()
