"""Relay: `shared.relay.Relay` publishing the intake event store (PostgreSQL, filled by the
ingest stage) to the run's gemeente topics, next to a bare kafka-python producer sending the
same records (same keys, values, headers: same size) with the same settings (acks=all,
idempotent) to a topic of the same partitioning."""

from __future__ import annotations

import time
from typing import Any

from bench.common import database_url, prefix, servers
from bench.ingest import GEMEENTEN


def settings(schema: str) -> Any:
    from shared.config import PlatformSettings

    return PlatformSettings(
        environment="development",
        database_url=database_url(),
        database_schema=schema,
        kafka_bootstrap_servers=servers(),
        platform_mode="kafka",
        gemeenten=list(GEMEENTEN),
    )


def intake_application(schema: str) -> Any:
    from services.intake.bootstrap import build_application
    from services.intake.config import IntakeSettings

    return build_application(IntakeSettings(**settings(schema).model_dump()))


def gemeente_topics(service: str = "intake") -> list[str]:
    from shared import topics

    return [topics.gemeente_topic(g, service) for g in GEMEENTEN]


def relay(schema: str, positions_schema: str | None = None, batch_size: int = 500) -> Any:
    """Must run inside `run_topics(run)`: the relay writes to the run's topics. Its
    position lives in `positions_schema` (default: beside the event store), so a second
    relay (the profiled one) starts from the beginning again."""
    from shared.bus import ensure_topics, make_producer
    from shared.eventlog import ServiceLog
    from shared.positions import position_store
    from shared.relay import Relay

    ensure_topics(servers(), gemeente_topics())
    application = intake_application(schema)
    producer = make_producer(servers())
    positions = position_store(settings(positions_schema or schema))
    try:
        relay_ = Relay(application, producer, positions, batch_size=batch_size)
        started = time.perf_counter()
        relay_.publish_all()
        seconds = time.perf_counter() - started
        # Records on Kafka: the store's internal bookkeeping events are not published.
        log = ServiceLog(application)
        events = sum(1 for _, ce in log.read(0, log.head()) if ce is not None)
    finally:
        producer.close()
        application.close()
    return {"events": events, "seconds": seconds, "relay_events_per_s": events / seconds}


def raw_produce(schema: str, run: str, batch_size: int = 500) -> dict[str, Any]:
    """The relay's records, produced bare: per batch send, flush and wait for every ack, as
    the relay does, without reading the event store or storing a position."""
    from shared.bus import ensure_topics, make_producer
    from shared.cloudevents import to_kafka
    from shared.eventlog import ServiceLog

    application = intake_application(schema)
    try:
        log = ServiceLog(application)
        records = [to_kafka(ce) for _, ce in log.read(0, log.head()) if ce is not None]
    finally:
        application.close()
    topic = f"{prefix(run)}raw-produce"
    ensure_topics(servers(), [topic])
    producer = make_producer(servers())
    try:
        started = time.perf_counter()
        for start in range(0, len(records), batch_size):
            sends = [
                producer.send(topic, key=key, value=value, headers=headers)
                for key, value, headers in records[start : start + batch_size]
            ]
            producer.flush()
            for send in sends:
                send.get(timeout=30)
        seconds = time.perf_counter() - started
    finally:
        producer.close()
    size = sum(len(v) for _, v, _ in records) / max(1, len(records))
    return {
        "events": len(records),
        "seconds": seconds,
        "mean_value_bytes": size,
        "raw_kafka_produce_per_s": len(records) / seconds,
    }


def run(schema: str, run_: str) -> dict[str, Any]:
    relayed = relay(schema)
    raw = raw_produce(schema, run_)
    return {
        "relay_events": relayed["events"],
        "relay_seconds": relayed["seconds"],
        "relay_events_per_s": relayed["relay_events_per_s"],
        "raw_kafka_produce_per_s": raw["raw_kafka_produce_per_s"],
        "message_bytes": raw["mean_value_bytes"],
        "relay_ratio": relayed["relay_events_per_s"] / raw["raw_kafka_produce_per_s"],
    }
