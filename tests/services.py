"""Where the tests find PostgreSQL and Kafka: environment variables first, then
testcontainers when a Docker engine answers, else a failure that says what to do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

HOW_TO_START = (
    "Start the services with `make services-up` (real PostgreSQL and Kafka on 127.0.0.1) and "
    "export DATABASE_URL=postgresql://inburgering:inburgering@127.0.0.1:5432/inburgering "
    "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092, or run the tests with `make test`, which does both."
)


class ServiceUnavailable(RuntimeError):
    pass


def docker_engine_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        client.ping()
        return True
    except Exception:
        return False


@contextmanager
def postgres_url() -> Iterator[str]:
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    if docker_engine_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:15", driver=None) as container:
            yield container.get_connection_url()
        return
    raise ServiceUnavailable(
        f"No PostgreSQL: DATABASE_URL is not set and no Docker engine answers. {HOW_TO_START}"
    )


@contextmanager
def kafka_bootstrap_servers() -> Iterator[str]:
    if servers := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield servers
        return
    if docker_engine_answers():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as container:
            yield container.get_bootstrap_server()
        return
    raise ServiceUnavailable(
        f"No Kafka: KAFKA_BOOTSTRAP_SERVERS is not set and no Docker engine answers. {HOW_TO_START}"
    )
