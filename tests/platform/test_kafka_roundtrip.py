"""Every event type over the real broker in Kafka binary mode, and bad input on the bus
ending in the dead-letter topic while the consumer goes on."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from services.contracten import domain_event_classes
from shared.application import GemeenteApplication
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.clock import FrozenClock
from shared.cloudevents import event_id, from_kafka, to_cloudevent, to_kafka
from shared.config import PlatformSettings
from shared.consumer import Consumer, KafkaDeadLetters, KafkaSource
from shared.contracts import validate_cloudevent
from shared.topics import dead_letter_topic
from tests.platform.test_contracts import real_events, synthetic

pytestmark = pytest.mark.kafka

TYPE = re.compile(r"^nl\.inburgering\.[a-z]+\.[a-z0-9-]+\.v[0-9]+$")
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def read_all(servers: str, topic: str, expected: int) -> list[Any]:
    """Everything on a fresh topic, waiting (bounded) until `expected` records arrived."""
    consumer: KafkaConsumer = make_consumer(servers)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records: list[Any] = []
    deadline = time.monotonic() + 30
    while len(records) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            records += batch
    consumer.close()
    return records


def fresh_topic(servers: str, name: str) -> str:
    topic = f"gm0222.inburgering.{name}-{uuid.uuid4().hex[:8]}"
    ensure_topics(servers, [topic, dead_letter_topic(topic)])
    return topic


def test_every_event_type_round_trips_with_valid_headers_and_data(
    kafka_bootstrap_servers: str, clock: FrozenClock
) -> None:
    events = real_events(clock)
    driven = {type(e) for e in events}
    events += [synthetic(c) for c in domain_event_classes() if c not in driven]
    assert {type(e) for e in events} >= set(domain_event_classes())
    topic = fresh_topic(kafka_bootstrap_servers, "roundtrip")
    producer = make_producer(kafka_bootstrap_servers)
    sent = {}
    for sequence, event in enumerate(events, start=1):
        cloudevent = to_cloudevent(event, gemeente="GM0222", sequence=sequence)
        sent[cloudevent["id"]] = (event, cloudevent)
        key, value, headers = to_kafka(cloudevent)
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()

    records = read_all(kafka_bootstrap_servers, topic, expected=len(events))
    assert len(records) == len(events)
    for record in records:
        received = from_kafka(record.key, record.value, record.headers)
        event, original = sent[received["id"]]
        assert received["id"] == event_id(event.originator_id, event.originator_version)
        assert TYPE.match(received["type"])
        assert RFC3339.match(received["time"])
        assert received["source"].startswith("urn:nld:gemeente:GM0222:systeem:inburgering-")
        assert received["sequence"] == original["sequence"]
        assert record.key == str(event.originator_id).encode()
        names = {name for name, _ in record.headers}
        assert all(re.match(r"^ce_[a-z0-9]{1,20}$", n) for n in names - {"content-type"})
        validate_cloudevent(received)
        assert received["data"] == original["data"]
        for field in getattr(type(event), "persoonsgegevens", ()):
            value = getattr(event, field, None)
            if isinstance(value, str) and len(value) > 3:
                assert all(value.encode() not in v for _, v in record.headers), (
                    f"{field} of {received['type']} leaked into a header"
                )


class Recorder:
    """A policy that remembers what it was given."""

    def __init__(self) -> None:
        self.handled: list[str] = []

    def handles(self, ce_type: str) -> bool:
        return True

    def handle(self, cloudevent: dict[str, Any]) -> None:
        self.handled.append(cloudevent["id"])


def test_poison_messages_go_to_the_dead_letter_topic_and_the_consumer_goes_on(
    kafka_bootstrap_servers: str, clock: FrozenClock, tmp_path: Path
) -> None:
    topic = fresh_topic(kafka_bootstrap_servers, "poison")
    producer = make_producer(kafka_bootstrap_servers)
    good = to_cloudevent(real_events(clock)[0], gemeente="GM0222", sequence=1)
    key, value, headers = to_kafka(good)
    wrong_data = json.dumps({**good["data"], "bsn": 12}).encode()
    partition = 0
    for k, v, h in [
        (b"k", b"not a cloudevent", [("content-type", b"application/json")]),
        (key, b"{not json", headers),
        (key, wrong_data, headers),
        (key, value, headers),
    ]:
        producer.send(topic, key=k, value=v, headers=h, partition=partition).get(timeout=30)

    settings = PlatformSettings(environment="test", data_dir=tmp_path, database_url=None)
    application = GemeenteApplication(env=settings.event_store_env("PoisonTest"))
    policy = Recorder()
    dead_letters = KafkaDeadLetters(producer)
    source = KafkaSource(
        make_consumer(kafka_bootstrap_servers), [topic], dead_letters, validate_cloudevent
    )
    consumer = Consumer(application, source, policy, dead_letters)
    deadline = time.monotonic() + 30
    name = f"kafka:{topic}:{partition}"
    while consumer.position(name) < 4 and time.monotonic() < deadline:
        consumer.run_once()

    assert consumer.position(name) == 4, "the consumer went past every poison message"
    assert policy.handled == [good["id"]]
    letters = read_all(kafka_bootstrap_servers, dead_letter_topic(topic), expected=3)
    letters.sort(key=lambda r: dict(r.headers)["dlq_origin"])
    reasons = [dict(r.headers)["dlq_reason"].decode() for r in letters]
    assert len(reasons) == 3
    assert "missing CloudEvents attributes" in reasons[0]
    assert "data is not JSON" in reasons[1]
    assert "does not match its schema" in reasons[2] and "bsn" in reasons[2]
    assert [dict(r.headers)["dlq_origin"].decode() for r in letters] == [
        f"{topic}:0:{offset}" for offset in range(3)
    ]
