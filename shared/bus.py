"""Kafka plumbing: producers that never lose an acknowledged record, and consumers that
commit nothing by themselves (consumers keep their own position beside their read model)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from kafka import KafkaConsumer, KafkaProducer


def make_producer(bootstrap_servers: str, **overrides: Any) -> KafkaProducer:
    """An idempotent producer with acks=all: a retried send cannot duplicate or reorder
    records within a partition."""
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "max_in_flight_requests_per_connection": 5,
        "request_timeout_ms": 15_000,
        "max_block_ms": 20_000,
    }
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(
    bootstrap_servers: str, topics: Sequence[str] = (), **overrides: Any
) -> KafkaConsumer:
    config: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "consumer_timeout_ms": 10_000,
    }
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    if topics:
        consumer.subscribe(list(topics))
    return consumer


def ensure_topics(
    bootstrap_servers: str, topics: Sequence[str], partitions: int = 3, replication: int = 1
) -> None:
    """Create topics that do not exist yet, with unlimited retention (integrators replay
    domain topics from offset 0)."""
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","))
    try:
        existing = set(admin.list_topics())
        new = [
            NewTopic(t, partitions, replication, topic_configs={"retention.ms": "-1"})
            for t in topics
            if t not in existing
        ]
        if new:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(new)
    finally:
        admin.close()
