"""The thin thread: one eventsourcing application on both event stores, and an event
through a real Kafka broker."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from eventsourcing.domain import event
from kafka import TopicPartition

from shared.application import GemeenteApplication
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.config import PlatformSettings
from shared.domain import GemeenteAggregate


class Aanmelding(GemeenteAggregate):
    @event("Aangemeld")
    def __init__(self, gemeente: str, omschrijving: str) -> None:
        self.gemeente = gemeente
        self.omschrijving = omschrijving

    @event("Gewijzigd")
    def wijzig(self, omschrijving: str) -> None:
        self.omschrijving = omschrijving


class Aanmeldingen(GemeenteApplication):
    def meld_aan(self, gemeente: str, omschrijving: str) -> uuid.UUID:
        aanmelding = Aanmelding(gemeente, omschrijving)
        self.save(aanmelding)
        return aanmelding.id


def test_the_same_application_persists_to_sqlite_and_postgres(
    settings: PlatformSettings,
) -> None:
    env = settings.event_store_env(Aanmeldingen.name)
    app = Aanmeldingen(env=env)
    aanmelding_id = app.meld_aan("GM0222", "eerste")
    aanmelding = app.repository.get(aanmelding_id)
    aanmelding.wijzig("tweede")
    app.save(aanmelding)
    app.close()

    reopened = Aanmeldingen(env=env)
    stored = reopened.get_voor(Aanmelding, aanmelding_id, ["GM0222"])
    assert stored.omschrijving == "tweede"
    assert stored.version == 2
    notifications = reopened.notification_log.select(start=1, limit=10)
    assert [n.topic.rsplit(":", 1)[-1] for n in notifications] == [
        "Aanmelding.Aangemeld",
        "Aanmelding.Gewijzigd",
    ]
    expected_module = "postgres" if settings.database_url else "sqlite"
    assert env["PERSISTENCE_MODULE"] == f"eventsourcing.{expected_module}"


@pytest.mark.kafka
def test_an_event_from_the_store_goes_through_kafka_and_comes_back(
    kafka_bootstrap_servers: str, tmp_path: Path
) -> None:
    settings = PlatformSettings(data_dir=tmp_path, database_url=None)
    app = Aanmeldingen(env=settings.event_store_env("aanmeldingen"))
    aanmelding_id = app.meld_aan("GM0222", "via kafka")
    [notification] = app.notification_log.select(start=1, limit=1)

    topic = f"foundation-{uuid.uuid4().hex[:8]}"
    ensure_topics(kafka_bootstrap_servers, [topic], partitions=1)
    producer = make_producer(kafka_bootstrap_servers)
    metadata = producer.send(
        topic,
        key=str(aanmelding_id).encode(),
        value=notification.state,
        headers=[("ce_type", notification.topic.encode())],
    ).get(timeout=30)
    producer.close()

    consumer = make_consumer(kafka_bootstrap_servers, group_id=None)
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    records = []
    deadline = time.monotonic() + 30
    while not records and time.monotonic() < deadline:
        records = consumer.poll(timeout_ms=1_000, max_records=1).get(partition, [])
    consumer.close()

    [record] = records
    assert record.offset == metadata.offset
    assert record.key == str(aanmelding_id).encode()
    assert json.loads(record.value)["omschrijving"] == "via kafka"
    assert dict(record.headers)["ce_type"] == notification.topic.encode()
