"""What every bench stage shares: the broker and database of this run, run-unique topic
names, scratch PostgreSQL schemas, percentiles and the machine's facts."""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

DEFAULT_DATABASE_URL = "postgresql://inburgering:inburgering@127.0.0.1:5432/inburgering"


def servers() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def database_url() -> str:
    return os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)


def new_run() -> str:
    return uuid.uuid4().hex[:8]


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return float(ordered[rank - 1])


# --- PostgreSQL schemas -------------------------------------------------------------------------


class Schemas:
    """Scratch schemas `bench_<run>_<name>`, dropped by `drop_all()` (unless kept)."""

    def __init__(self, run: str) -> None:
        self.run = run
        self.made: list[str] = []

    def new(self, name: str) -> str:
        import psycopg

        schema = f"bench_{self.run}_{name}"
        with psycopg.connect(database_url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        self.made.append(schema)
        return schema

    def drop_all(self) -> None:
        import psycopg

        with psycopg.connect(database_url(), autocommit=True) as conn:
            for schema in self.made:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self.made.clear()


# --- Topics -------------------------------------------------------------------------------------

# Modules that bind the topic-name functions at import time: the bench points all of them at
# run-unique names, so a run never touches a real gemeente's topics.
_TOPIC_USERS = (
    "shared.topics",
    "shared.relay",
    "shared.runtime",
    "services.projections.bronnen",
    "services.regio.bootstrap",
    "services.regio.publisher",
)


def prefix(run: str) -> str:
    return f"bench-{run}."


@contextlib.contextmanager
def run_topics(run: str) -> Iterator[None]:
    """While active, `gemeente_topic()` and `regio_topic()` everywhere answer
    `bench-<run>.<the real name>`."""
    import importlib

    from shared import topics

    real_gemeente, real_regio = topics.gemeente_topic, topics.regio_topic

    def gemeente_topic(gemeente: str, service: str) -> str:
        return prefix(run) + real_gemeente(gemeente, service)

    def regio_topic(regio: str) -> str:
        return prefix(run) + real_regio(regio)

    patched: list[tuple[Any, str, Callable[..., str]]] = []
    for name in _TOPIC_USERS:
        module = importlib.import_module(name)
        for attr, new in (("gemeente_topic", gemeente_topic), ("regio_topic", regio_topic)):
            if hasattr(module, attr):
                patched.append((module, attr, getattr(module, attr)))
                setattr(module, attr, new)
    try:
        yield
    finally:
        for module, attr, old in patched:
            setattr(module, attr, old)


def delete_run_topics(run: str) -> list[str]:
    """Delete every topic of this run (and its dead-letter topics)."""
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=servers().split(","))
    try:
        mine = [t for t in admin.list_topics() if t.startswith(prefix(run))]
        for start in range(0, len(mine), 100):
            with contextlib.suppress(Exception):
                admin.delete_topics(mine[start : start + 100], timeout_ms=60_000)
        return mine
    finally:
        admin.close()


# --- Machine facts ------------------------------------------------------------------------------


def kafka_version() -> str:
    """The broker's version as kafka-python's probe of its API versions sees it."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=servers().split(","))
    try:
        return ".".join(map(str, admin._client.check_version()))
    finally:
        admin.close()


def machine() -> dict[str, Any]:
    import psutil

    return {
        "cores": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "kafka": kafka_version(),
    }
