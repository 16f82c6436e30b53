"""The gemeente read models in Kafka mode: the projectors read the served gemeenten's topics
(as `python -m services.projections.worker` does), a model rebuilt from offset 0 equals the
one built while the story was published, and the query API reports the positions and lag of
the gemeente's own topic partitions.

The topics live on the shared local broker and keep earlier runs' records; both builds read
from offset 0, so both include them. The gemeenten are ones no other test publishes for."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.projections.bootstrap import build_projections
from services.projections.config import ProjectionsSettings
from services.projections.gemeente import GEMEENTE_MODELS
from services.projections.main import create_app
from services.projections.projector import Projector, rebuild
from shared.auth import Rol, TokenVerifier
from shared.bus import make_producer
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.consumer import KafkaSource
from shared.positions import position_store
from shared.relay import Relay
from shared.runtime import ensure_service_topics
from tests.projections.conftest import maak_keten, rijen, verhaal

pytestmark = pytest.mark.kafka

HIER, DAAR, ELDERS = "GM0014", "GM0034", "GM0037"  # Groningen, Almere, Stadskanaal
REPO = Path(__file__).resolve().parents[2]


def tot_het_einde(projector: Projector) -> None:
    source = projector.source
    assert isinstance(source, KafkaSource)
    deadline = time.monotonic() + 60
    while source.backlog(projector.position) > 0:
        assert time.monotonic() < deadline, f"{projector.model.name} did not catch up"
        projector.run_once()


def test_on_kafka_a_model_rebuilt_from_offset_0_equals_the_incremental_one(
    tmp_path: Path, kafka_bootstrap_servers: str, clock: FrozenClock, clients: list[Any]
) -> None:
    services = PlatformSettings(
        environment="test", data_dir=tmp_path / "services", database_url=None
    )
    kafka = ProjectionsSettings(
        environment="test",
        data_dir=tmp_path / "projections",
        database_url=None,
        platform_mode="kafka",
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        gemeenten=[HIER, DAAR],
    )
    ensure_service_topics(
        kafka.model_copy(update={"gemeenten": [HIER, DAAR, ELDERS]}), "intake", "pip", "ontzorging"
    )
    projections = build_projections(kafka)
    clients.append(projections)
    projectors = [
        Projector(projections.store, model, projections.source(model)) for model in GEMEENTE_MODELS
    ]
    with maak_keten(services, [HIER, DAAR]) as keten:
        producer = make_producer(kafka_bootstrap_servers)
        clients.append(producer)
        relays = [
            Relay(app, producer, position_store(kafka))
            for app in (keten.intake, keten.pip, keten.ontzorging)
        ]
        for _ in verhaal(keten, clock, HIER, DAAR, ELDERS):
            for relay in relays:
                relay.publish_all()
            for projector in projectors:
                tot_het_einde(projector)

        for projector in projectors:
            model = projector.model
            incremental = rijen(projections.store, model, 1)
            source = projections.source(model, rebuild=True)
            result = rebuild(projections.store, model, source, show_progress=False)
            assert result["generation"] == 2
            assert result["events"] >= sum(len(rows) for rows in incremental.values()) > 0
            assert rijen(projections.store, model, 2) == incremental, model.name

        app = create_app(kafka)
        clients.append(app.state.projections)
        token = TokenVerifier(kafka).issue("kr-1", Rol.KLANTREGISSEUR, [HIER])
        # The local broker keeps every earlier run's GM0222 history: read every page.
        client = TestClient(app)
        headers = {"Authorization": f"Bearer {token}"}
        caseload: set[str] = set()
        for pagina in range(1, 1000):
            response = client.get(
                f"/api/v1/gemeenten/{HIER}/caseload",
                params={"paginaGrootte": 100, "pagina": pagina},
                headers=headers,
            )
            assert response.status_code == 200, response.text
            body = response.json()
            caseload |= {r["inburgeraarId"] for r in body["caseload"]}
            if pagina * 100 >= body["totaal"]:
                break
        ids = {str(keten.ids[n]) for n in ("Gijs", "Farah", "Amal", "Bilal", "Chen", "Hana")}
        assert ids <= caseload
        assert str(keten.ids["Dana"]) not in caseload
        meta = body["meta"]
        assert (meta["achterstand"], meta["generatie"]) == (0, 2)
        assert meta["positie"] and all(
            name.startswith(f"kafka:{HIER.lower()}.inburgering.") for name in meta["positie"]
        ), "the gemeente's own topics"
        assert response.headers["x-achterstand"] == "0"


def test_the_worker_runs_until_sigterm_and_then_stops_cleanly(
    kafka_bootstrap_servers: str, tmp_path: Path
) -> None:
    """`python -m services.projections.worker`: every read model's projector in Kafka
    mode, in the foreground until SIGTERM, then a clean stop (exit code 0)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PLATFORM_MODE")}
    env |= {
        "DATA_DIR": str(tmp_path),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "GEMEENTEN": HIER,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "services.projections.worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while not any("until SIGTERM" in line for line in output):
            remaining = deadline - time.monotonic()
            assert remaining > 0 and process.poll() is None, "".join(output)
            ready, _, _ = select.select([process.stdout], [], [], remaining)
            if ready:
                output.append(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, "".join(output) + rest
    assert "Running 7 tasks until SIGTERM" in "".join(output), "one projector per read model"
    assert "SIGTERM received: stopping" in rest
    assert "Traceback" not in "".join(output) + rest
