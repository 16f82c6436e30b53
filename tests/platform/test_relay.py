"""The relay publishes a service's events to its gemeente's topic as CloudEvents, and a
crash between Kafka's acknowledgement and the relay's bookkeeping re-sends the same ids."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from kafka import KafkaConsumer, TopicPartition

from contracts import intake as intake_contract
from services.intake.application import IntakeApplication
from services.intake.rules import Doelgroep
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.clock import FrozenClock
from shared.cloudevents import from_kafka
from shared.config import PlatformSettings
from shared.positions import position_store
from shared.relay import Relay
from shared.topics import gemeente_topic

pytestmark = pytest.mark.kafka

GEMEENTE = "GM0222"
BSN = "111222333"
NAAM = "Relay Testpersoon"
TOPIC = gemeente_topic(GEMEENTE, "intake")
TYPE = re.compile(r"^nl\.inburgering\.[a-z]+\.[a-z0-9-]+\.v[0-9]+$")


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


@pytest.fixture
def intake(tmp_path: Path, clock: FrozenClock) -> IntakeApplication:
    settings = PlatformSettings(environment="test", data_dir=tmp_path, database_url=None)
    return IntakeApplication(
        env=settings.event_store_env(IntakeApplication.name), bsn_sleutel="test-sleutel"
    )


def register(intake: IntakeApplication) -> UUID:
    state = intake.registreer_inburgeraar(
        gemeente=GEMEENTE,
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn=BSN,
        naam=NAAM,
        geboortedatum=dt.date(1990, 1, 1),
        adres=None,
        datum_start_inburgeringsplicht=dt.date(2025, 12, 1),
        vestigingsdatum=None,
        gemeenten=[GEMEENTE],
    )
    inburgeraar_id = UUID(str(state["id"]))
    intake.leg_vestigingsdatum_vast(inburgeraar_id, dt.date(2025, 12, 15), gemeenten=[GEMEENTE])
    return inburgeraar_id


def end_offsets(servers: str) -> dict[TopicPartition, int]:
    consumer = make_consumer(servers)
    partitions = [TopicPartition(TOPIC, p) for p in consumer.partitions_for_topic(TOPIC) or []]
    offsets: dict[TopicPartition, int] = consumer.end_offsets(partitions)
    consumer.close()
    return offsets


def records_since(
    servers: str, start: dict[TopicPartition, int], key: UUID, expected: int
) -> list[Any]:
    """Read the topic from `start` until `expected` records with this key arrived."""
    consumer: KafkaConsumer = make_consumer(servers)
    consumer.assign(list(start))
    for partition, offset in start.items():
        consumer.seek(partition, offset)
    found: list[Any] = []
    deadline = time.monotonic() + 30
    while len(found) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            found += [r for r in batch if r.key == str(key).encode()]
    consumer.close()
    return found


def test_events_arrive_on_the_gemeente_topic_as_binary_cloudevents(
    intake: IntakeApplication, kafka_bootstrap_servers: str, tmp_path: Path
) -> None:
    ensure_topics(kafka_bootstrap_servers, [TOPIC])
    start = end_offsets(kafka_bootstrap_servers)
    inburgeraar_id = register(intake)
    positions = position_store(PlatformSettings(data_dir=tmp_path, database_url=None))
    relay = Relay(intake, make_producer(kafka_bootstrap_servers), positions)

    relay.publish_all()

    records = records_since(kafka_bootstrap_servers, start, inburgeraar_id, expected=3)
    events = [from_kafka(r.key, r.value, r.headers) for r in records]
    assert [e["type"] for e in events] == [
        intake_contract.INBURGERAAR_GEREGISTREERD,
        intake_contract.VESTIGINGSDATUM_VASTGELEGD,
        intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD,
    ]
    for record, cloudevent in zip(records, events, strict=True):
        assert TYPE.match(cloudevent["type"])
        assert cloudevent["source"] == "urn:nld:gemeente:GM0222:systeem:inburgering-intake"
        assert cloudevent["partitionkey"] == str(inburgeraar_id)
        assert int(cloudevent["sequence"]) > 0
        headers = b" ".join(value for _, value in record.headers)
        assert BSN.encode() not in headers and NAAM.encode() not in headers
    assert relay.position == intake.recorder.max_notification_id()


def test_a_crash_after_the_ack_resends_the_same_event_ids(
    intake: IntakeApplication, kafka_bootstrap_servers: str, tmp_path: Path
) -> None:
    ensure_topics(kafka_bootstrap_servers, [TOPIC])
    start = end_offsets(kafka_bootstrap_servers)
    inburgeraar_id = register(intake)
    positions = position_store(PlatformSettings(data_dir=tmp_path, database_url=None))

    def crash(_: int) -> None:
        raise Crash

    with pytest.raises(Crash):
        Relay(
            intake, make_producer(kafka_bootstrap_servers), positions, after_ack=crash
        ).publish_all()
    assert positions.get(f"relay:{intake.name}") == 0, "the crash came before the bookkeeping"

    Relay(intake, make_producer(kafka_bootstrap_servers), positions).publish_all()

    records = records_since(kafka_bootstrap_servers, start, inburgeraar_id, expected=6)
    ids = [from_kafka(r.key, r.value, r.headers)["id"] for r in records]
    assert len(ids) == 6
    assert ids[:3] == ids[3:], "the re-sent events carry the ids of the first send"
