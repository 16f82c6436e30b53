"""Killing the relay (SIGKILL) between Kafka's acknowledgement and its own bookkeeping:
after a restart the events are sent again with the same ids, and the consumer downstream
ignores the duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from kafka import TopicPartition

from services.pip import bootstrap as pip_bootstrap
from shared.clock import FrozenClock
from shared.cloudevents import from_kafka
from shared.config import PlatformSettings
from shared.eventlog import ServiceLog
from tests.chain import keten
from tests.chain.keten import GEMEENTE, Apps
from tests.chain.test_choreography import (
    INTAKE_TOPIC,
    end_offsets,
    kafka_settings,
    relay,
    run_to_the_end,
    start_at_the_end,
    worker_consumer,
)

pytestmark = pytest.mark.kafka

KILLED_RELAY = """
import os, signal
from services.intake.application import IntakeApplication
from shared.bus import make_producer
from shared.config import PlatformSettings
from shared.positions import position_store
from shared.relay import Relay

settings = PlatformSettings()
app = IntakeApplication(env=settings.event_store_env(IntakeApplication.name),
                        bsn_sleutel="test-sleutel")
def die(_):
    os.kill(os.getpid(), signal.SIGKILL)
Relay(app, make_producer(settings.kafka_bootstrap_servers), position_store(settings),
      after_ack=die).publish_all()
"""


@pytest.fixture
def apps(settings: PlatformSettings, clock: FrozenClock) -> Iterator[Apps]:
    with keten.apps(settings) as made:
        yield made


def environment(settings: PlatformSettings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_SCHEMA")}
    env |= {"DATA_DIR": str(settings.data_dir), "ENVIRONMENT": "test"}
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.kafka_bootstrap_servers
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
        env["DATABASE_SCHEMA"] = settings.database_schema or ""
    return env


def records_after(servers: str, start: dict[TopicPartition, int]) -> list[Any]:
    from shared.bus import make_consumer

    consumer = make_consumer(servers)
    consumer.assign(list(start))
    for partition, offset in start.items():
        consumer.seek(partition, offset)
    ends = consumer.end_offsets(list(start))
    found: list[Any] = []
    deadline = time.monotonic() + 30
    while any(consumer.position(p) < end for p, end in ends.items()):
        assert time.monotonic() < deadline, f"did not reach {ends}"
        for batch in consumer.poll(timeout_ms=500).values():
            found += batch
    consumer.close()
    return found


def test_a_relay_killed_after_the_ack_resends_and_the_consumer_ignores_the_duplicates(
    apps: Apps, settings: PlatformSettings, kafka_bootstrap_servers: str, clients: list[Any]
) -> None:
    kafka = kafka_settings(settings, kafka_bootstrap_servers)
    pip = worker_consumer(pip_bootstrap.build_consumers, kafka, apps.pip, clients)
    start_at_the_end(apps.pip, kafka_bootstrap_servers, INTAKE_TOPIC)
    start = end_offsets(kafka_bootstrap_servers, INTAKE_TOPIC)
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    published = [ce for _, ce in ServiceLog(apps.intake).read(0, 1000) if ce]

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_RELAY],
        env=environment(kafka),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    restarted = relay(kafka, apps.intake, clients)
    assert restarted.position == 0, "killed before its bookkeeping"
    restarted.publish_all()

    ids = [
        from_kafka(r.key, r.value, r.headers)["id"]
        for r in records_after(kafka_bootstrap_servers, start)
        if r.key == str(inburgeraar_id).encode()
    ]
    assert sorted(ids) == sorted([ce["id"] for ce in published] * 2), "each event twice"

    run_to_the_end(pip, kafka_bootstrap_servers, INTAKE_TOPIC)
    draft = apps.pip.pip(keten.pip_id(inburgeraar_id), gemeenten=[GEMEENTE])
    assert draft["versie"] == 1, "the duplicate IntakeAfgerond opened no second draft"
    ontvangen = [
        n for n in apps.pip.recorder.select_notifications(1, 1000) if "Ontvangst" in n.topic
    ]
    assert len(ontvangen) == 1, "the IntakeAfgerond was processed once"
