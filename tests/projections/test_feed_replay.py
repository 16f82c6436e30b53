"""Replaying through the HTTP feed yields exactly the events on the topic, in order.

A scenario (bench/scenario.py) runs in a gemeente of the Achterhoek and in Amsterdam;
the relays publish the services' logs to the gemeente topics (part of it twice, as after a
crash) and the regional publisher feeds `regio.achterhoek.inburgering`. The archive projects
those topics from where they stood before the scenario, and an integrator pages through the
feeds with a small limit. What it gets is compared with the topics' records read with
kafka-python from the same start offsets. The embedded path (the services' logs, and the
regional translation of them) gives the same feeds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition

from bench import scenario as sc
from services.intake.application import IntakeApplication
from services.ontzorging.application import OntzorgingApplication
from services.pip.application import PipApplication
from services.projections import feed_api
from services.projections.bronnen import regio_log_source
from services.projections.feed import FEED_GEMEENTE, FEED_REGIO, SequencedKafkaSource
from services.projections.projector import Generations, Projector, ReadModel
from services.regio.bootstrap import build_publisher
from shared.api import create_api
from shared.auth import Rol, TokenVerifier
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.cloudevents import from_kafka
from shared.config import PlatformSettings
from shared.consumer import KafkaSource, LoggedDeadLetters, LogSource
from shared.contracts import validate_cloudevent
from shared.eventlog import ServiceLog
from shared.positions import position_store
from shared.regional import (
    SERVICES,
    MemoryLinks,
    RegionalTranslator,
    pseudonym_key,
)
from shared.regions import regions_from_settings
from shared.relay import Relay
from shared.sqlstore import SQLStore
from shared.topics import dead_letter_topic, gemeente_topic, regio_topic

DOETINCHEM, AMSTERDAM = "GM0222", "GM0363"  # in the Achterhoek, and in no configured region
GEMEENTEN = (DOETINCHEM, AMSTERDAM)
REGIO = "Achterhoek"
PAGE = 7  # small, so a replay takes many pages
CloudEvent = dict[str, Any]


@pytest.fixture
def apps(settings: PlatformSettings) -> Iterator[sc.Apps]:
    made = sc.Apps(
        intake=IntakeApplication(
            env=settings.event_store_env(IntakeApplication.name), bsn_sleutel="test-sleutel"
        ),
        pip=PipApplication(env=settings.event_store_env(PipApplication.name)),
        ontzorging=OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name)),
    )
    yield made
    for application in made.all():
        application.close()


@pytest.fixture
def store(settings: PlatformSettings) -> Iterator[SQLStore]:
    made = SQLStore(settings, "projections")
    yield made
    made.close()


def feed_client(settings: PlatformSettings, store: SQLStore, projectors: list[Projector]) -> Any:
    app = create_api(
        title="Projecties", version="1.0.0", description="", settings=settings,
        routers=[feed_api.router],
    )  # fmt: skip
    app.state.store = store
    app.state.projectors = projectors
    return TestClient(app)


def integrator(settings: PlatformSettings) -> dict[str, str]:
    token = TokenVerifier(settings).issue(
        "zaaksysteem", Rol.INTEGRATOR, list(GEMEENTEN), regios=[REGIO]
    )
    return {"Authorization": f"Bearer {token}"}


def replay(client: TestClient, url: str, headers: dict[str, str]) -> list[CloudEvent]:
    """From the start, page by page along rel="next", until a page is empty."""
    events: list[CloudEvent] = []
    url = f"{url}?vanaf=0&limit={PAGE}"
    pages = 0
    while True:
        page = client.get(url, headers=headers)
        assert page.status_code == 200, page.text
        assert page.headers["content-type"] == feed_api.BATCH_MEDIA_TYPE
        batch = page.json()
        assert len(batch) <= PAGE
        if not batch:
            assert page.headers["X-Achterstand"] == "0"
            assert pages > 1 or not events, "a small limit takes several pages"
            return events
        events += batch
        pages += 1
        url = page.links["next"]["url"]


def gemeente_feed(gemeente: str, service: str) -> str:
    return f"/api/v1/feeds/gemeenten/{gemeente}/{service}"


REGIO_FEED = "/api/v1/feeds/regios/achterhoek"


def run_scenarios(apps: sc.Apps) -> None:
    for gemeente in GEMEENTEN:
        sc.run_scenario(apps, gemeente)


# --- Kafka ----------------------------------------------------------------------------------


def end_offsets(servers: str, topics: list[str]) -> dict[TopicPartition, int]:
    consumer = make_consumer(servers)
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        offsets: dict[TopicPartition, int] = consumer.end_offsets(partitions)
    finally:
        consumer.close()
    return offsets


def records_between(
    servers: str, start: dict[TopicPartition, int], end: dict[TopicPartition, int]
) -> list[Any]:
    """Every record from `start` to `end` (exclusive) of each partition, in offset order per
    partition: what an integrator's own kafka-python consumer reads from those offsets."""
    consumer: KafkaConsumer = make_consumer(servers)
    wanted = sorted(p for p in end if end[p] > start[p])
    consumer.assign(wanted)
    for partition in wanted:
        consumer.seek(partition, start[partition])
    records: list[Any] = []
    deadline = time.monotonic() + 60
    while any(consumer.position(p) < end[p] for p in wanted):
        assert time.monotonic() < deadline, "the records did not arrive in time"
        for partition, batch in consumer.poll(timeout_ms=500).items():
            records += [r for r in batch if r.offset < end[partition]]
    consumer.close()
    return records


def first_of_each_id(records: list[Any]) -> list[tuple[Any, CloudEvent]]:
    """(record, CloudEvent) of each event once: a re-sent record keeps the event's id."""
    seen: set[str] = set()
    kept = []
    for record in records:
        event = from_kafka(record.key, record.value, record.headers)
        if event["id"] not in seen:
            seen.add(event["id"])
            kept.append((record, event))
    return kept


def start_archive_at(store: SQLStore, model: ReadModel, offsets: dict[TopicPartition, int]) -> int:
    """The archive's positions on the shared broker: where the topics stood before the
    scenario (earlier runs' records stay there, from earlier event stores)."""
    generation = Generations(store).ensure(model)
    with store.transaction() as tx:
        tx.executemany(
            "INSERT INTO projection_tracking (model, generation, source, position) "
            "VALUES (?, ?, ?, ?)",
            [(model.name, generation, KafkaSource.tracking_name(p), o) for p, o in offsets.items()],
        )
    return generation


def archive_until(projector: Projector, end: dict[TopicPartition, int]) -> None:
    deadline = time.monotonic() + 60
    while any(projector.position(KafkaSource.tracking_name(p)) < o for p, o in end.items()):
        assert time.monotonic() < deadline, f"the archive did not reach {end}"
        projector.run_once()


def assert_partition_order_kept(
    feed: list[CloudEvent], topic: list[tuple[Any, CloudEvent]]
) -> None:
    """Each partition's records come in the feed in the partition's order."""
    place = {event["id"]: i for i, event in enumerate(feed)}
    partitions = {(r.topic, r.partition) for r, _ in topic}
    for partition in partitions:
        places = [place[e["id"]] for r, e in topic if (r.topic, r.partition) == partition]
        assert places == sorted(places), f"{partition} out of order in the feed"


@pytest.fixture
def servers(kafka_bootstrap_servers: str) -> str:
    topics = [gemeente_topic(g, s) for g in GEMEENTEN for s in SERVICES]
    ensure_topics(
        kafka_bootstrap_servers, [*topics, *map(dead_letter_topic, topics), regio_topic(REGIO)]
    )
    return kafka_bootstrap_servers


@pytest.mark.kafka
def test_replaying_the_http_feed_yields_exactly_the_events_on_the_topics(
    apps: sc.Apps, settings: PlatformSettings, store: SQLStore, servers: str, tmp_path: Path
) -> None:
    kafka = settings.model_copy(update={"kafka_bootstrap_servers": servers})
    gemeente_topics = [gemeente_topic(g, s) for g in GEMEENTEN for s in SERVICES]
    regional_topics = [regio_topic(REGIO)]
    start = end_offsets(servers, gemeente_topics + regional_topics)
    publisher = build_publisher(kafka, REGIO, regions_from_settings(kafka))
    publisher.start_at_end()

    # The services work; the relays publish; a crash after Kafka's ack makes one relay send
    # its whole log again; the regional publisher does its part.
    run_scenarios(apps)
    producer = make_producer(servers)
    positions = position_store(kafka)
    for application in apps.all():
        Relay(application, producer, positions).publish_all()
    again = Relay(apps.pip, producer, positions)
    positions.set(again.name, 0)
    assert again.publish_all() > 0
    publisher.run_until_caught_up(timeout=60)
    publisher.close()
    producer.close()
    end = end_offsets(servers, gemeente_topics + regional_topics)

    # The archive reads the topics from the same start, as the projections worker would.
    projectors = []
    for model, topics in ((FEED_GEMEENTE, gemeente_topics), (FEED_REGIO, regional_topics)):
        start_archive_at(store, model, {p: o for p, o in start.items() if p.topic in topics})
        consumer = make_consumer(servers)
        kind = SequencedKafkaSource if model is FEED_GEMEENTE else KafkaSource
        source = kind(consumer, topics, LoggedDeadLetters(), validate_cloudevent)
        projectors.append(Projector(store, model, source))
    try:
        archive_until(projectors[0], {p: o for p, o in end.items() if p.topic in gemeente_topics})
        archive_until(projectors[1], {p: o for p, o in end.items() if p.topic in regional_topics})

        headers = integrator(settings)
        with feed_client(settings, store, projectors) as client:
            for gemeente in GEMEENTEN:
                for service in SERVICES:
                    topic = gemeente_topic(gemeente, service)
                    records = records_between(
                        servers,
                        {p: o for p, o in start.items() if p.topic == topic},
                        {p: o for p, o in end.items() if p.topic == topic},
                    )
                    on_topic = first_of_each_id(records)
                    by_sequence = sorted((e for _, e in on_topic), key=lambda e: int(e["sequence"]))
                    feed = replay(client, gemeente_feed(gemeente, service), headers)
                    assert feed == by_sequence, f"{topic}: the feed is the topic, in order"
                    assert {e["gemeente"] for e in feed} == {gemeente}
                    assert_partition_order_kept(feed, on_topic)
                    logged = [ce for _, ce in ServiceLog(getattr(apps, service)).read(0, 10_000)]
                    mine = [ce for ce in logged if ce and ce["gemeente"] == gemeente]
                    assert feed == mine, "and the topic is the service's log"
                    if service == "pip" and gemeente == DOETINCHEM:
                        assert len(records) > len(on_topic), "the re-sent records are there"

            records = records_between(
                servers,
                {p: o for p, o in start.items() if p.topic in regional_topics},
                {p: o for p, o in end.items() if p.topic in regional_topics},
            )
            on_topic = first_of_each_id(records)
            feed = replay(client, REGIO_FEED, headers)
            assert len(on_topic) >= len(sc.EXAMS), "the region got the scenario's facts"
            assert sorted(feed, key=lambda e: e["id"]) == sorted(
                (e for _, e in on_topic), key=lambda e: e["id"]
            ), "the regional feed is the regional topic, each event once"
            assert {e["data"]["gemeente"] for e in feed} == {DOETINCHEM}
            assert_partition_order_kept(feed, on_topic)
    finally:
        for projector in projectors:
            assert isinstance(projector.source, KafkaSource)
            projector.source.consumer.close()


# --- Embedded -------------------------------------------------------------------------------


def test_the_embedded_path_gives_the_same_feeds_from_the_services_logs(
    apps: sc.Apps, settings: PlatformSettings, store: SQLStore
) -> None:
    """Without Kafka the archive reads the services' logs (and the regional translation of
    them): the gemeente feed is each log's events of the gemeente, in log order; the regional
    feed holds each regional event once, in each log's order."""
    run_scenarios(apps)
    projectors = [Projector(store, FEED_GEMEENTE, LogSource(app)) for app in apps.all()]
    regional = regio_log_source(settings, apps.all())
    projectors.append(Projector(store, FEED_REGIO, regional))
    for projector in projectors:
        projector.run_until_idle()

    headers = integrator(settings)
    with feed_client(settings, store, projectors) as client:
        for service in SERVICES:
            logged = [ce for _, ce in ServiceLog(getattr(apps, service)).read(0, 10_000) if ce]
            for gemeente in GEMEENTEN:
                feed = replay(client, gemeente_feed(gemeente, service), headers)
                assert feed == [ce for ce in logged if ce["gemeente"] == gemeente]
                assert feed, f"the scenario wrote {service} events for {gemeente}"

        feed = replay(client, REGIO_FEED, headers)
    # The same translation done apart, log by log: the feed holds all of it, each event once,
    # and each log's regional events in that log's order.
    regions = regions_from_settings(settings)
    translator = RegionalTranslator(
        REGIO, regions.gemeenten_van(REGIO), pseudonym_key(settings), MemoryLinks()
    )
    expected_ids = set()
    for app in apps.all():
        translated = [
            translator.translate(ce)
            for _, ce in ServiceLog(app).read(0, 10_000)
            if ce and ce["gemeente"] == DOETINCHEM
        ]
        in_order = [t for t in translated if t is not None]
        ids = {t["id"] for t in in_order}
        assert [e for e in feed if e["id"] in ids] == in_order
        expected_ids |= ids
    assert len(feed) == len(expected_ids) == len({e["id"] for e in feed})
    assert {e["data"]["gemeente"] for e in feed} == {DOETINCHEM}
