"""The README's "Replay for integrators" examples run as written: the HTTP replay against a
started embedded platform (`python -m services.embedded`, what `make run` starts), and the
Kafka consumer against the broker."""

from __future__ import annotations

import json
import os
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench import scenario as sc
from contracts import intake
from shared.auth import Rol, TokenVerifier
from shared.bus import make_producer
from shared.config import PlatformSettings
from shared.eventlog import ServiceLog
from shared.positions import position_store
from shared.relay import Relay

REPO = Path(__file__).resolve().parents[2]
SECTION = "## Replay for integrators"


def section() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index(f"\n{SECTION}\n")
    end = text.find("\n## ", start + len(SECTION) + 2)
    return text[start : end if end > 0 else None]


def fenced(language: str, first_line: str) -> str:
    """The section's fenced block of `language` whose first line starts with `first_line`."""
    blocks = re.findall(rf"```{language}\n(.*?)```", section(), flags=re.S)
    [block] = [b for b in blocks if b.startswith(first_line)]
    return str(block)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_until(process: subprocess.Popen[str], marker: str, timeout: float = 60) -> str:
    """The process's output up to the line holding `marker` (blocking reads, bounded)."""
    assert process.stdout is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0 and process.poll() is None, seen
        ready, _, _ = select.select([process.stdout], [], [], left)
        if ready:
            seen += process.stdout.readline()
    return seen


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[str]:
    """`make run` on a free port and its own data directory: the base address."""
    port = free_port()
    keep = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PLATFORM_MODE")}
    env = keep | {"DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "services.embedded", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        read_until(process, "Application startup complete")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for_the_demo_event(base: str) -> None:
    """The background loop archives the seeded inburgeraar; bounded, no sleep."""
    token = TokenVerifier(PlatformSettings()).issue("t", Rol.INTEGRATOR, ["GM0222"])
    url = f"{base}/projections/api/v1/feeds/gemeenten/GM0222/intake?limit=1"
    deadline = time.monotonic() + 30
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            page = client.get(url)
            assert page.status_code == 200, page.text
            if page.json():
                return
            assert time.monotonic() < deadline, "the demo event was not archived"


def test_the_readme_replays_everything_from_the_start_into_your_own_system(
    platform: str, tmp_path: Path
) -> None:
    wait_for_the_demo_event(platform)
    work = tmp_path / "integrator"
    work.mkdir()
    (work / ".venv").symlink_to(REPO / ".venv")
    (work / "replay.py").write_text(fenced("python", "# replay.py"))
    commands = fenced("bash", "export TOKEN=")
    env = os.environ | {"PLATFORM": platform, "PYTHONPATH": str(REPO)}

    def run() -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", commands],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = run()
    assert re.search(r"^intake: [1-9][0-9]* new events, next vanaf=\d+", first, re.M), first
    assert re.search(r"^pip: \d+ new events", first, re.M), first
    assert re.search(r"^ontzorging: \d+ new events", first, re.M), first
    events = [json.loads(line) for line in (work / "mijn-systeem.jsonl").read_text().splitlines()]
    registered = [e for e in events if e["type"] == intake.INBURGERAAR_GEREGISTREERD]
    assert registered and {e["gemeente"] for e in events} == {"GM0222"}

    again = run()
    assert re.search(r"^intake: 0 new events", again, re.M), "it resumes where it stopped"
    lines = (work / "mijn-systeem.jsonl").read_text().splitlines()
    assert len(lines) == len(events), "nothing twice in your system"


@pytest.mark.kafka
def test_the_readme_reads_a_gemeente_topic_from_offset_0(
    kafka_bootstrap_servers: str, tmp_path: Path
) -> None:
    apps = sc.make_apps(tmp_path / "stores")
    try:
        sc.run_scenario(apps, "GM0222")
        settings = PlatformSettings(
            environment="test", data_dir=tmp_path / "stores", database_url=None
        )
        producer = make_producer(kafka_bootstrap_servers)
        Relay(apps.pip, producer, position_store(settings)).publish_all()
        producer.close()
        published = [ce for _, ce in ServiceLog(apps.pip).read(0, 1000) if ce]
    finally:
        for application in apps.all():
            application.close()

    script = tmp_path / "replay_kafka.py"
    script.write_text(fenced("python", "# replay_kafka.py"))
    done = subprocess.run(
        [sys.executable, str(script)],
        env=os.environ | {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    printed = [line.split() for line in done.stdout.splitlines()]
    assert all(len(fields) == 5 for fields in printed), done.stdout[-2000:]
    ids = [fields[4] for fields in printed]
    assert len(ids) == len(set(ids)), "each event once"
    mine = {ce["id"]: (ce["sequence"], ce["type"]) for ce in published}
    assert {i: (s, t) for _, _, s, t, i in printed if i in mine} == mine
