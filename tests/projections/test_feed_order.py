"""A reader that follows a gemeente feed while the archive is still reading never misses an
event: positions are sequences, so the archive must take a topic's events in sequence order
although Kafka hands out its partitions independently (services/projections/feed.py,
`SequencedKafkaSource`). Here one partition lags (paused) while the others are read."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from services.projections import feed_api
from services.projections.bootstrap import build_projections
from services.projections.config import ProjectionsSettings
from services.projections.feed import FEED_GEMEENTE, SequencedKafkaSource
from services.projections.projector import Projector
from shared.api import create_api
from shared.auth import Rol, TokenVerifier
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.cloudevents import source_of, to_kafka
from shared.config import PlatformSettings
from shared.consumer import KafkaSource, LoggedDeadLetters
from shared.sqlstore import SQLStore

pytestmark = pytest.mark.kafka

EVENTS = 30
PARTITIONS = 3
FEED = "/api/v1/feeds/gemeenten/GM0222/pip"


def cloudevent(sequence: int) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source_of("GM0222", "pip"),
        "type": "nl.inburgering.pip.knm-behaald.v1",
        "subject": str(uuid.uuid4()),
        "time": "2026-01-05T09:00:00Z",
        "datacontenttype": "application/json",
        "sequence": str(sequence),
        "sequencetype": "Integer",
        "partitionkey": str(uuid.uuid4()),
        "gemeente": "GM0222",
        "data": {"examendatum": "2026-01-05"},
    }


@pytest.fixture
def topic(kafka_bootstrap_servers: str) -> Iterator[str]:
    """A topic of its own, with the log's events 1..30 spread over its partitions as the
    relay spreads them (each aggregate its partition)."""
    name = f"feedtest.{uuid.uuid4().hex[:10]}"
    ensure_topics(kafka_bootstrap_servers, [name], partitions=PARTITIONS)
    producer = make_producer(kafka_bootstrap_servers)
    for sequence in range(1, EVENTS + 1):
        key, value, headers = to_kafka(cloudevent(sequence))
        producer.send(name, key=key, value=value, headers=headers, partition=sequence % PARTITIONS)
    producer.flush()
    producer.close()
    yield name
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers.split(","))
    admin.delete_topics([name])
    admin.close()


def lagging_consumer(servers: str, topic: str) -> KafkaConsumer:
    """A consumer whose partition 0 lags: paused until the test resumes it."""
    consumer = make_consumer(servers)
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    consumer.pause(partitions[0])
    return consumer


def follow(
    source: KafkaSource, settings: PlatformSettings, store: SQLStore
) -> tuple[list[list[int]], int]:
    """Archive in small batches; after each, what a reader of the feed sees (sequences); and
    the most records a partition held back at any time."""
    projector = Projector(store, FEED_GEMEENTE, source)
    app = create_api(
        title="t", version="1.0.0", description="", settings=settings, routers=[feed_api.router]
    )
    app.state.store = store
    token = TokenVerifier(settings).issue("i", Rol.INTEGRATOR, ["GM0222"])
    seen: list[list[int]] = []
    most = 0
    with TestClient(app) as client:

        def read() -> None:
            nonlocal most
            page = client.get(f"{FEED}?limit=1000", headers={"Authorization": f"Bearer {token}"})
            seen.append([int(e["sequence"]) for e in page.json()])
            if isinstance(source, SequencedKafkaSource):
                most = max(most, *source.holding().values(), 0)

        for _ in range(6):  # partition 0 lags meanwhile
            projector.run_once(max_records=4)
            read()
        source.consumer.resume(TopicPartition(source.topics[0], 0))
        target = {KafkaSource.tracking_name(p): end for p, end in ends(source).items()}
        while any(projector.position(name) < end for name, end in target.items()):
            projector.run_once(max_records=4)
            read()
    assert not source.consumer.paused(), "every partition reads on at the end"
    source.consumer.close()
    return seen, most


def ends(source: KafkaSource) -> dict[TopicPartition, int]:
    partitions = [TopicPartition(source.topics[0], p) for p in range(PARTITIONS)]
    result: dict[TopicPartition, int] = source.consumer.end_offsets(partitions)
    return result


def is_prefix(sequences: list[int]) -> bool:
    return sequences == list(range(1, len(sequences) + 1))


@pytest.fixture
def store(settings: PlatformSettings) -> Iterator[SQLStore]:
    made = SQLStore(settings, "projections")
    yield made
    made.close()


def test_a_lagging_partition_holds_the_feed_back_instead_of_leaving_a_hole(
    settings: PlatformSettings, store: SQLStore, kafka_bootstrap_servers: str, topic: str
) -> None:
    consumer = lagging_consumer(kafka_bootstrap_servers, topic)
    source = SequencedKafkaSource(consumer, [topic], LoggedDeadLetters(), buffer_limit=6)
    seen, most = follow(source, settings, store)
    assert all(is_prefix(view) for view in seen), seen
    assert seen[5] == [], "nothing passes while a partition may still hold a lower sequence"
    assert seen[-1] == list(range(1, EVENTS + 1))
    assert len({len(view) for view in seen}) > 3, "the feed grew step by step"
    assert most == 6, "what runs ahead is held back, at most buffer_limit records"


def test_without_the_merge_a_reader_would_see_later_events_before_earlier_ones(
    settings: PlatformSettings, store: SQLStore, kafka_bootstrap_servers: str, topic: str
) -> None:
    """Why the archive needs `SequencedKafkaSource`: with a plain `KafkaSource` the feed shows
    positions 2, 4, 5, ... while 3, 6, ... are still on the lagging partition; a reader
    that moved past them would never get them."""
    consumer = lagging_consumer(kafka_bootstrap_servers, topic)
    seen, _ = follow(KafkaSource(consumer, [topic], LoggedDeadLetters()), settings, store)
    assert not all(is_prefix(view) for view in seen)
    assert seen[-1] == list(range(1, EVENTS + 1))


def test_the_projections_service_archives_gemeente_topics_in_sequence_order(
    settings: PlatformSettings, kafka_bootstrap_servers: str
) -> None:
    """The worker (and a rebuild) of services/projections/main.py read the gemeente topics
    of the gemeente feed through `SequencedKafkaSource`."""
    projections = build_projections(
        ProjectionsSettings(
            **settings.model_dump()
            | {"platform_mode": "kafka", "kafka_bootstrap_servers": kafka_bootstrap_servers}
        )
    )
    try:
        assert isinstance(projections.source(FEED_GEMEENTE), SequencedKafkaSource)
        rebuilding = projections.source(FEED_GEMEENTE, rebuild=True)
        assert isinstance(getattr(rebuilding, "source", rebuilding), SequencedKafkaSource)
    finally:
        projections.close()
