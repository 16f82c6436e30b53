"""`python -m services.regio.worker`: a gemeente's deployment shares its regional facts
with its arbeidsmarktregio, in Kafka mode, until SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from kafka import TopicPartition

from services.intake.application import IntakeApplication
from services.regio.bootstrap import build_publishers
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.positions import position_store
from shared.regional import pseudonym, pseudonym_key
from shared.relay import Relay
from shared.topics import gemeente_topic, regio_topic
from tests.chain import keten

REPO = Path(__file__).resolve().parents[2]
REGIO_TOPIC = regio_topic("Achterhoek")


def test_a_deployment_publishes_only_for_the_regions_of_its_gemeenten(tmp_path: Path) -> None:
    def publishers(*gemeenten: str) -> list[Any]:
        settings = PlatformSettings(
            environment="test", data_dir=tmp_path, database_url=None, gemeenten=list(gemeenten)
        )
        return build_publishers(settings)

    [achterhoek] = publishers("GM0222", "GM0363")  # Doetinchem; Amsterdam is in no region here
    assert achterhoek.regio == "Achterhoek"
    assert achterhoek.gemeenten == ["GM0222"], "only the served gemeenten of the region"
    assert publishers("GM0363") == []
    for publisher in [achterhoek]:
        publisher.close()


@pytest.mark.kafka
def test_the_publisher_process_carries_an_intake_to_the_regional_topic(
    kafka_bootstrap_servers: str, tmp_path: Path, clock: FrozenClock
) -> None:
    servers = kafka_bootstrap_servers
    intake_topic = gemeente_topic(keten.GEMEENTE, "intake")
    ensure_topics(servers, [intake_topic, REGIO_TOPIC])
    consumer = make_consumer(servers)
    partitions = [
        TopicPartition(REGIO_TOPIC, p) for p in consumer.partitions_for_topic(REGIO_TOPIC)
    ]
    start = consumer.end_offsets(partitions)

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PLATFORM_MODE")}
    env |= {"DATA_DIR": str(tmp_path / "publisher"), "KAFKA_BOOTSTRAP_SERVERS": servers,
            "GEMEENTEN": keten.GEMEENTE}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "services.regio.worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        settings = PlatformSettings(environment="test", data_dir=tmp_path, database_url=None)
        intake = IntakeApplication(
            env=settings.event_store_env(IntakeApplication.name), bsn_sleutel="test-sleutel"
        )
        inburgeraar_id = keten.rond_intake_af(intake)
        Relay(intake, make_producer(servers), position_store(settings)).publish_all()
        persoon = pseudonym(pseudonym_key(settings), "Achterhoek", str(inburgeraar_id))

        consumer.assign(partitions)
        for partition, offset in start.items():
            consumer.seek(partition, offset)
        types: list[str] = []
        deadline = time.monotonic() + 120
        while "nl.inburgering.regio.intake-afgerond.v1" not in types:
            assert time.monotonic() < deadline and process.poll() is None, types
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    if json.loads(record.value).get("persoon") == persoon:
                        types.append(dict(record.headers)["ce_type"].decode())
        assert "nl.inburgering.regio.inburgeraar-geregistreerd.v1" in types
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        consumer.close()
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert "SIGTERM received: stopping" in output
    assert "Traceback" not in output
