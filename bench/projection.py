"""Replay: the caseload (a gemeente read model) rebuilt from gemeente topics into
PostgreSQL with the projector (`services.projections.projector.rebuild`, contract validation
on, as the projections worker reads), next to a bare kafka-python consumer reading the same
topics from offset 0."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from bench.common import database_url, servers


def raw_consume(topics: Sequence[str]) -> dict[str, Any]:
    from kafka import TopicPartition

    from shared.bus import make_consumer

    consumer = make_consumer(servers(), consumer_timeout_ms=10_000)
    try:
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t)
        ]
        total = sum(consumer.end_offsets(partitions).values())
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        started = time.perf_counter()
        count = 0
        for _ in consumer:
            count += 1
            if count >= total:
                break
        seconds = time.perf_counter() - started
    finally:
        consumer.close()
    if count < total:
        raise RuntimeError(f"read {count} of {total} records")
    return {"events": count, "seconds": seconds, "raw_kafka_consume_per_s": count / seconds}


def store(schema: str) -> Any:
    from shared.config import PlatformSettings
    from shared.sqlstore import SQLStore

    settings = PlatformSettings(database_url=database_url(), database_schema=schema)
    return SQLStore(settings, "projections")


def rebuild_model(schema: str, model: Any, topics: Sequence[str], sequenced: bool = False) -> Any:
    """One read model rebuilt from the topics' offset 0 until their end offsets."""
    from services.projections.bronnen import LoggedOnly, UntilCaughtUp
    from services.projections.feed import SequencedKafkaSource
    from services.projections.projector import rebuild
    from shared.bus import make_consumer
    from shared.consumer import KafkaSource
    from shared.contracts import validate_cloudevent

    consumer = make_consumer(servers())
    kind = SequencedKafkaSource if sequenced else KafkaSource
    source = UntilCaughtUp(kind(consumer, list(topics), LoggedOnly(), validate_cloudevent))
    target = store(schema)
    try:
        return rebuild(target, model, source, show_progress=False)
    finally:
        consumer.close()
        target.close()


def run(schema: str, topics: Sequence[str]) -> dict[str, Any]:
    from bench.templates import warm_validators
    from services.projections.gemeente import CASELOAD
    from shared.contracts import validate_cloudevent

    warm_validators(validate_cloudevent)
    raw = raw_consume(topics)
    rebuilt = rebuild_model(schema, CASELOAD, topics)
    if rebuilt["events"] != raw["events"]:
        raise RuntimeError(f"replayed {rebuilt['events']} of {raw['events']} records")
    return {
        "replay_events": rebuilt["events"],
        "replay_seconds": rebuilt["seconds"],
        "replay_events_per_s": rebuilt["events_per_s"],
        "raw_kafka_consume_per_s": raw["raw_kafka_consume_per_s"],
        "replay_ratio": rebuilt["events_per_s"] / raw["raw_kafka_consume_per_s"],
    }
