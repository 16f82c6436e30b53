"""Poison messages on every consumed topic: records that are no CloudEvent, whose data is no
JSON, whose data breaks the published contract, or that are huge, followed by one valid
event. Each unreadable record ends in the topic's dead-letter topic with the reason in its
`dlq_reason` header (CloudEvents Kafka binding 1.0 + the platform's dead-letter convention),
and the consumer goes on: its position moves past them and the valid event takes effect.

A record of a type nobody here knows is no poison: a newer producer's event is skipped
(position moves on, no effect, no dead letter), so old consumers keep running (CloudEvents
spec 1.0, "type": consumers ignore what they do not understand).

The projections only log what they skip (services.projections.main.LoggedOnly): the
services' consumers put the same records on `<topic>.dlq` already. For them the test asserts
the logged reason and the position.

Topics are unique per test (uuid suffix) and have one partition, so offsets are in order."""

from __future__ import annotations

import copy
import json
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from contracts import intake as intake_contract
from services.intake.application import IntakeApplication
from services.intake.consumers import IntakeDuoPolicy
from services.ontzorging.consumers import OntzorgingPolicy
from services.pip.application import PipApplication
from services.pip.consumers import PipPolicy
from services.projections.bronnen import LoggedOnly
from services.projections.config import ProjectionsSettings
from services.projections.gemeente import GEMEENTE_MODELS
from services.projections.projector import Projector
from services.projections.regio import REGIO_MODELS
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.clock import FrozenClock
from shared.cloudevents import source_of, to_kafka
from shared.config import PlatformSettings
from shared.consumer import Consumer, KafkaDeadLetters, KafkaSource, LoggedDeadLetters, LogSource
from shared.contracts import validate_cloudevent
from shared.domain import Ontvangst
from shared.eventlog import ServiceLog
from shared.regional import MemoryLinks, RegionalTranslator
from shared.sqlstore import SQLStore
from shared.topics import dead_letter_topic
from tests.chain import keten
from tests.chain.keten import Apps

pytestmark = [pytest.mark.fuzz, pytest.mark.kafka]

INTAKE_AFGEROND = intake_contract.INTAKE_AFGEROND
INBURGERINGSPLICHT_ONTVANGEN = "nl.inburgering.duo.inburgeringsplicht-ontvangen.v1"
INBURGERAAR_GEREGISTREERD = intake_contract.INBURGERAAR_GEREGISTREERD
PIP_VASTGESTELD = "nl.inburgering.pip.pip-vastgesteld.v1"
REGIO = "Achterhoek"
ACHTERHOEK = ["GM0197", "GM0222", "GM0294", "GM1509", "GM1586", "GM1859", "GM1876", "GM1955"]

Record = tuple[bytes | None, bytes, list[tuple[str, bytes]]]


@pytest.fixture
def apps(tmp_path: Path, clock: FrozenClock) -> Iterator[Apps]:
    """intake -> PIP -> ontzorging on SQLite: one IntakeAfgerond and one PIPVastgesteld
    with ontzorging, the valid events that follow the poison."""
    settings = PlatformSettings(environment="test", data_dir=tmp_path, database_url=None)
    with keten.apps(settings) as made:
        inburgeraar_id = keten.rond_intake_af(made.intake)
        Consumer(
            made.pip, LogSource(made.intake), PipPolicy(made.pip), LoggedDeadLetters()
        ).run_until_idle()
        keten.stel_vast_met_ontzorging(made.pip, inburgeraar_id)
        yield made


def published(application: Any, ce_type: str) -> dict[str, Any]:
    return next(
        ce for _, ce in ServiceLog(application).read(0, 1000) if ce and ce["type"] == ce_type
    )


def poison(valid: dict[str, Any]) -> dict[str, Record]:
    """Unreadable records, named, made from a valid CloudEvent of the topic."""
    key, value, headers = to_kafka(valid)
    broken = copy.deepcopy(valid)
    broken["data"] = {"onbekendVeld": True}  # required fields missing, unknown one added
    broken["id"] = str(uuid.uuid4())
    return {
        "no CloudEvent": (None, b"hallo, ik ben geen event", []),
        "no JSON": (key, b'{"inburgeraarId": ', headers),
        "data breaking the contract": to_kafka(broken),
        "huge payload": (key, b"[" + b"1," * 400_000 + b"1]", headers),
        "wrong specversion": (
            key,
            value,
            [(k, b"0.3" if k == "ce_specversion" else v) for k, v in headers],
        ),
    }


def unknown_type(valid: dict[str, Any]) -> Record:
    newer = copy.deepcopy(valid)
    newer["type"] = "nl.inburgering.intake.iets-nieuws.v9"
    newer["id"] = str(uuid.uuid4())
    return to_kafka(newer)


def publish(servers: str, topic: str, records: list[Record]) -> None:
    ensure_topics(servers, [topic, dead_letter_topic(topic)], partitions=1)
    producer = make_producer(servers, max_request_size=2_000_000)
    for key, value, headers in records:
        producer.send(topic, key=key, value=value, headers=headers).get(timeout=30)
    producer.close()


def read_all(servers: str, topic: str, expected: int, timeout: float = 30.0) -> list[Any]:
    consumer = make_consumer(servers)
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    found: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(found) < expected and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            found += batch
    consumer.close()
    return found


def kafka_source(servers: str, topic: str, letters: Any) -> tuple[KafkaSource, KafkaConsumer]:
    """As shared.runtime.kafka_source builds it, on this test's topic."""
    consumer = make_consumer(servers)
    return KafkaSource(consumer, [topic], letters, validate_cloudevent), consumer


def run_until(step: Any, done: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the consumer did not get past the poison"
        step()


def seen(application: Any, cloudevent: dict[str, Any]) -> bool:
    ontvangst = Ontvangst.create_id(bron=cloudevent["source"], bericht_id=cloudevent["id"])
    return bool(application.recorder.select_events(ontvangst, limit=1))


def inburgeringsplicht_ontvangen(like: dict[str, Any]) -> dict[str, Any]:
    """The DUO service's word that a person is inburgeringsplichtig, as intake reads it."""
    made = copy.deepcopy(like)
    made |= {
        "type": INBURGERINGSPLICHT_ONTVANGEN,
        "source": source_of(keten.GEMEENTE, "duo"),
        "id": str(uuid.uuid4()),
        "data": {
            "gemeente": keten.GEMEENTE,
            "notificatieId": str(uuid.uuid4()),
            "gebeurtenisId": "SS139",
            "gedetailleerdeDoelgroep": None,
            "bsn": keten.BSNS[1],
            "naam": "Samir Haddad",
            "geboortedatum": "1991-07-14",
            "doelgroep": "Asielstatushouder",
            "datumStartInburgeringsplicht": keten.START.isoformat(),
        },
    }
    return made


@pytest.mark.parametrize("service", ["intake", "pip", "ontzorging"])
def test_poison_on_a_gemeente_topic_becomes_dead_letters_and_the_policy_goes_on(
    service: str, apps: Apps, kafka_bootstrap_servers: str, tmp_path: Path
) -> None:
    """intake reads the DUO service's topic, pip intake's, ontzorging pip's: every
    unreadable record is a dead letter with its reason, an unknown type is skipped, and the
    valid event after them is handled."""
    servers = kafka_bootstrap_servers
    if service == "intake":
        valid = inburgeringsplicht_ontvangen(published(apps.intake, INTAKE_AFGEROND))
        application: Any = IntakeApplication(
            env=sqlite_env(tmp_path / "intake-poison.sqlite"), bsn_sleutel="test-sleutel"
        )
        policy: Any = IntakeDuoPolicy(application)
    elif service == "pip":
        valid = published(apps.intake, INTAKE_AFGEROND)
        # A fresh PIP store: the fixture's embedded chain handled this event already.
        application = PipApplication(env=sqlite_env(tmp_path / "pip-poison.sqlite"))
        policy = PipPolicy(application)
    else:
        application = apps.ontzorging
        valid = published(apps.pip, PIP_VASTGESTELD)
        policy = OntzorgingPolicy(apps.ontzorging)
    topic = f"poison.{service}.{uuid.uuid4().hex[:12]}"
    bad = poison(valid)
    publish(servers, topic, [*bad.values(), unknown_type(valid), to_kafka(valid)])

    letters = KafkaDeadLetters(make_producer(servers))
    source, kafka_consumer = kafka_source(servers, topic, letters)
    consumer = Consumer(application, source, policy, letters)
    name = KafkaSource.tracking_name(TopicPartition(topic, 0))
    try:
        run_until(consumer.run_once, lambda: consumer.position(name) >= len(bad) + 2)
    finally:
        kafka_consumer.close()
        letters.producer.close()

    assert seen(application, valid), "the valid event after the poison was handled"
    dead = read_all(servers, dead_letter_topic(topic), len(bad))
    reasons = [dict(letter.headers)["dlq_reason"].decode() for letter in dead]
    assert len(dead) == len(bad), f"one dead letter per unreadable record: {reasons}"
    # Unreadable records are dead letters as they are read, refusals as they are handled:
    # the dead-letter topic's order may differ from the input's, the origin says which.
    by_origin = {dict(letter.headers)["dlq_origin"]: letter for letter in dead}
    ordered = [by_origin[f"{topic}:0:{offset}".encode()] for offset in range(len(bad))]
    for (what, (_, value, _)), letter in zip(bad.items(), ordered, strict=True):
        assert dict(letter.headers)["dlq_reason"], what
        assert letter.value == value, f"{what}: the original record is kept"
    reasons = [dict(letter.headers)["dlq_reason"].decode() for letter in ordered]
    assert "InvalidCloudEvent" in reasons[0] and "missing CloudEvents attributes" in reasons[0]
    assert "data is not JSON" in reasons[1]
    if service == "intake":  # no published schema yet: the policy names what is missing
        assert "bsn" in reasons[2]
    else:
        assert "SchemaViolation" in reasons[2] and "does not match its schema" in reasons[2]
    assert "data must be a JSON object" in reasons[3]
    assert "specversion" in reasons[4]
    if service != "ontzorging":
        application.close()


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


@pytest.mark.parametrize("stream", ["gemeente", "regio"])
def test_poison_on_a_topic_the_projections_read_is_skipped_with_the_reason_logged(
    stream: str,
    apps: Apps,
    kafka_bootstrap_servers: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The projector of a gemeente model (intake's topic) and of a regional model (the
    regional topic) skip every unreadable record, log why, and apply the valid event."""
    servers = kafka_bootstrap_servers
    registered = published(apps.intake, INBURGERAAR_GEREGISTREERD)
    if stream == "gemeente":
        model = next(m for m in GEMEENTE_MODELS if m.handles(INBURGERAAR_GEREGISTREERD))
        valid = registered
    else:
        translator = RegionalTranslator(REGIO, ACHTERHOEK, b"test-pseudonym-key", MemoryLinks())
        regional = translator.translate(registered)
        assert regional is not None
        valid = regional
        model = next(m for m in REGIO_MODELS if m.handles(valid["type"]))
    topic = f"poison.projections.{stream}.{uuid.uuid4().hex[:12]}"
    bad = poison(valid)
    publish(servers, topic, [*bad.values(), unknown_type(valid), to_kafka(valid)])

    settings = ProjectionsSettings(
        environment="test", data_dir=tmp_path / "projections", database_url=None
    )
    store = SQLStore(settings, "projections")
    source, kafka_consumer = kafka_source(servers, topic, LoggedOnly())
    projector = Projector(store, model, source)
    name = KafkaSource.tracking_name(TopicPartition(topic, 0))
    try:
        with caplog.at_level(logging.ERROR, logger="services.projections.main"):
            run_until(projector.run_once, lambda: projector.position(name) >= len(bad) + 2)
    finally:
        kafka_consumer.close()
    key = f"{valid['source']}#{valid['id']}"
    rows = store.query("SELECT event_key FROM projection_seen WHERE model = ?", (model.name,))
    store.close()
    assert [row[0] for row in rows] == [key], "only the valid event was applied"
    skipped = [r.getMessage() for r in caplog.records if "Projections skip" in r.getMessage()]
    assert len(skipped) == len(bad), skipped
    assert all(topic in message for message in skipped)
    assert "data must be a JSON object" in skipped[3] and "SchemaViolation" in skipped[2]
    assert json.dumps(valid["data"])  # the valid event stays readable
