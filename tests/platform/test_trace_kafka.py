"""One processing across services is one trace: W3C Trace Context from an HTTP request into
the intake event it saves, over Kafka (the CloudEvents Distributed Tracing extension,
header `ce_traceparent`), into the PIP policy that consumes it and the PIP event that policy
saves. Sources: W3C Trace Context (traceparent); CloudEvents Distributed Tracing extension;
Logboek Dataverwerkingen (standards.md §3: trace context is propagated between systems)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from kafka import TopicPartition

from contracts import intake as intake_contract
from services.intake.config import IntakeSettings
from services.intake.main import create_app as create_intake
from services.pip.application import PipApplication
from services.pip.consumers import PipPolicy
from shared.auth import Rol
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.clock import FrozenClock
from shared.cloudevents import to_kafka
from shared.config import PlatformSettings
from shared.consumer import Consumer, KafkaDeadLetters, KafkaSource
from shared.eventlog import ServiceLog
from tests.conftest import TokenFactory

pytestmark = pytest.mark.kafka

API = "/api/v1"
TRACE = "0af7651916cd43dd8448eb211c80319c"
CALLER = f"00-{TRACE}-b7ad6b7169203331-01"


@pytest.fixture
def intake(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_intake(IntakeSettings(**settings.model_dump()))) as client:
        yield client


def rond_intake_af_via_http(client: TestClient, headers: dict[str, str]) -> tuple[str, str]:
    """The brede intake through the API; the last request (afronding) is part of the
    caller's trace. Returns the inburgeraar id and the afronding's traceparent."""
    registratie = {
        "gemeente": "GM0222",
        "doelgroep": "asielstatushouder",
        "bsn": "111222333",
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
        "vestigingsdatum": "2025-12-08",
    }
    created = client.post(f"{API}/inburgeraars", json=registratie, headers=headers)
    assert created.status_code == 201, created.text
    url = f"{API}/inburgeraars/{created.json()['id']}"
    gesprek = {"gespreksdatum": "2025-12-10", "klantregisseur": "kr-1"}
    assert client.post(f"{url}/intakegesprekken", json=gesprek, headers=headers).is_success
    toets = {
        "resultaat": "b1_route_haalbaar",
        "behaaldeScore": "71,20",
        "benodigdeScore": "60,00",
        "datumAfname": "2025-12-09",
    }
    onderdelen: list[tuple[str, dict[str, Any]]] = [
        ("leerbaarheidstoets", {"uitslag": toets}),
        ("opleiding-en-werkervaring", {"opleidingen": [], "werkervaring": []}),
        ("persoonlijke-omstandigheden", {"fysiekeGezondheid": "-", "mentaleGezondheid": "-"}),
        ("hoofddoel", {"hoofddoel": "werk"}),
        ("leerroute-advies", {"leerroute": "b1"}),
    ]
    for pad, body in onderdelen:
        response = client.put(f"{url}/brede-intake/{pad}", json=body, headers=headers)
        assert response.status_code == 200, response.text
    afgerond = client.post(
        f"{url}/brede-intake/afronding",
        json={"afrondingsdatum": "2026-01-05"},
        headers=headers | {"traceparent": CALLER},
    )
    assert afgerond.status_code == 201, afgerond.text
    return str(created.json()["id"]), afgerond.headers["traceparent"]


def run_to_the_end(consumer: Consumer, servers: str, topic: str) -> None:
    """Poll until the consumer's stored positions reach the topic's end offsets."""
    reader = make_consumer(servers)
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
        ends: dict[TopicPartition, int] = reader.end_offsets(partitions)
    finally:
        reader.close()
    deadline = time.monotonic() + 60
    while not all(
        consumer.position(KafkaSource.tracking_name(p)) >= end for p, end in ends.items()
    ):
        assert time.monotonic() < deadline, f"consumer did not reach {ends}"
        consumer.run_once()


def test_http_intake_kafka_pip_is_one_trace(
    intake: TestClient,
    settings: PlatformSettings,
    auth_headers: TokenFactory,
    kafka_bootstrap_servers: str,
) -> None:
    """The afronding request continues the caller's trace; IntakeAfgerond carries the
    request's traceparent to Kafka as `ce_traceparent`; the PIP policy's processing is a new
    span in the same trace, so the draft PIP it saves carries the same trace id."""
    servers = kafka_bootstrap_servers
    topic = f"test.privacy.trace.{uuid.uuid4().hex[:12]}"
    ensure_topics(servers, [topic, f"{topic}.dlq"])
    inburgeraar_id, request_traceparent = rond_intake_af_via_http(
        intake, auth_headers(Rol.KLANTREGISSEUR)
    )
    assert request_traceparent.split("-")[1] == TRACE

    producer = make_producer(servers)
    pip = PipApplication(env=settings.event_store_env(PipApplication.name))
    consumer = make_consumer(servers)
    try:
        afgerond_headers: list[tuple[str, bytes]] = []
        for _, cloudevent in ServiceLog(intake.app.state.application).read(0, 1000):  # type: ignore[attr-defined]
            if cloudevent is None:
                continue
            key, value, headers = to_kafka(cloudevent)
            producer.send(topic, key=key, value=value, headers=headers).get(timeout=30)
            if cloudevent["type"] == intake_contract.INTAKE_AFGEROND:
                afgerond_headers = headers
        assert ("ce_traceparent", request_traceparent.encode()) in afgerond_headers

        policy_consumer = Consumer(
            pip,
            KafkaSource(consumer, [topic], KafkaDeadLetters(producer)),
            PipPolicy(pip),
            KafkaDeadLetters(producer),
        )
        run_to_the_end(policy_consumer, servers, topic)

        pip_events = [ce for _, ce in ServiceLog(pip).read(0, 1000) if ce]
        assert pip_events, "the policy opened a draft PIP"
        assert pip.zoek_op_inburgeraar(uuid.UUID(inburgeraar_id), gemeenten=["GM0222"])
        for ce in pip_events:
            version, trace_id, span_id, _ = ce["traceparent"].split("-")
            assert (version, trace_id) == ("00", TRACE), "one trace from HTTP to the PIP"
            assert span_id != request_traceparent.split("-")[2], "the policy has its own span"
    finally:
        consumer.close()
        producer.close()
        pip.close()
