"""Ingest: commands through the intake HTTP API (uvicorn serving `create_app` in its own
process, on a PostgreSQL event store) from an httpx client with N concurrent workers; each
worker registers an inburgeraar and records an intakegesprek for it. Baseline: single-row
INSERT + COMMIT with psycopg into the same database (a scratch table)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import database_url, percentile

REPO = Path(__file__).resolve().parents[1]
GEMEENTEN = ("GM0222", "GM0197", "GM0150")  # Achterhoek and Twente gemeenten
API = "/api/v1"


def bsns(start: int, count: int) -> list[str]:
    """`count` BSNs that pass the 11-proef, from `start` on."""
    from shared.bsn import is_geldig_bsn

    found: list[str] = []
    candidate = start
    while len(found) < count:
        if is_geldig_bsn(str(candidate)):
            found.append(str(candidate))
        candidate += 1
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_profiled_app() -> Any:
    """The intake app with every thread of the server process under cProfile; the summary
    is written to BENCH_PROFILE when uvicorn shuts the app down (not at exit: uvicorn ends
    by re-raising the SIGTERM it caught)."""
    from bench.report import AllThreads
    from services.intake.main import create_app

    profiler = AllThreads()
    profiler.start()
    app = create_app()

    async def with_profile(scope: Any, receive: Any, send: Any) -> None:
        async def receive_() -> Any:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                profiler.write(Path(os.environ["BENCH_PROFILE"]), "ingest: the intake API")
            return message

        await app(scope, receive_ if scope["type"] == "lifespan" else receive, send)

    return with_profile


@contextlib.contextmanager
def intake_server(schema: str, profile: Path | None = None) -> Iterator[str]:
    """uvicorn serving the intake API on the PostgreSQL schema; yields its base URL."""
    import httpx

    port = free_port()
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "DATABASE_SCHEMA": schema,
        "PLATFORM_MODE": "embedded",
        "ENVIRONMENT": "development",
    }
    factory = "services.intake.main:create_app"
    if profile:
        env["BENCH_PROFILE"] = str(profile)
        factory = "bench.ingest:create_profiled_app"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        factory,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}{API}/openapi.json", timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the intake API did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def token(gemeenten: list[str]) -> str:
    from services.intake.config import IntakeSettings
    from shared.auth import Rol, TokenVerifier

    return TokenVerifier(IntakeSettings(environment="development")).issue(
        "bench", Rol.KLANTREGISSEUR, gemeenten
    )


def registration(bsn: str, n: int) -> dict[str, Any]:
    return {
        "gemeente": GEMEENTEN[n % len(GEMEENTEN)],
        "doelgroep": "asielstatushouder" if n % 3 else "gezinsmigrant",
        "bsn": bsn,
        "naam": f"Inburgeraar {n}",
        "geboortedatum": "1990-05-17",
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
        "vestigingsdatum": "2025-12-08",
    }


def drive(base: str, people: int, workers: int, bsn_start: int) -> dict[str, Any]:
    """`people` registrations, each followed by an intakegesprek: 2 commands per person."""
    import httpx

    queue = list(enumerate(bsns(bsn_start, people)))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    headers = {"Authorization": f"Bearer {token(list(GEMEENTEN))}"}

    def work() -> None:
        with httpx.Client(base_url=f"{base}{API}", headers=headers, timeout=30) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    n, bsn = queue.pop()
                try:
                    took = person(client, n, bsn)
                except Exception as e:
                    errors.append(repr(e))
                    continue
                with lock:
                    latencies.extend(took)

    def person(client: httpx.Client, n: int, bsn: str) -> list[float]:
        took = []
        t0 = time.perf_counter()
        made = client.post("/inburgeraars", json=registration(bsn, n))
        took.append(time.perf_counter() - t0)
        if made.status_code != 201:
            raise RuntimeError(f"{made.status_code} {made.text[:200]}")
        t0 = time.perf_counter()
        gesprek = client.post(
            f"/inburgeraars/{made.json()['id']}/intakegesprekken",
            json={"gespreksdatum": "2025-12-10", "klantregisseur": "kr-bench"},
        )
        took.append(time.perf_counter() - t0)
        if gesprek.status_code != 201:
            raise RuntimeError(f"{gesprek.status_code} {gesprek.text[:200]}")
        return took

    threads = [threading.Thread(target=work) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} commands failed, first: {errors[0]}")
    return {
        "commands": len(latencies),
        "seconds": seconds,
        "workers": workers,
        "ingest_cmd_per_s": len(latencies) / seconds,
        "ingest_p50_ms": percentile(latencies, 50) * 1000,
        "ingest_p99_ms": percentile(latencies, 99) * 1000,
    }


def raw_pg_commit(schema: str, rows: int) -> dict[str, Any]:
    """Single-row INSERT + COMMIT, one connection, a payload the size of a stored event."""
    import psycopg

    payload = b"x" * 600
    with psycopg.connect(database_url()) as conn:
        conn.execute(
            f"CREATE TABLE {schema}.raw_commit (id BIGSERIAL PRIMARY KEY, payload BYTEA NOT NULL)"
        )
        conn.commit()
        started = time.perf_counter()
        for _ in range(rows):
            conn.execute(f"INSERT INTO {schema}.raw_commit (payload) VALUES (%s)", (payload,))
            conn.commit()
        seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "raw_pg_commit_per_s": rows / seconds}


def profile(schema: str, people: int, workers: int, path: Path) -> None:
    """The ingest again, with the server process under cProfile."""
    with intake_server(schema, profile=path) as base:
        drive(base, 1, 1, 900_000_000)
        drive(base, people, workers, 300_000_000)


def run(schema: str, people: int, workers: int, bsn_start: int = 100_000_000) -> dict[str, Any]:
    with intake_server(schema) as base:
        # Warm-up: imports, pools, plans, and tables the API creates on first use (one
        # request alone first: concurrent first requests race to create them).
        drive(base, 1, 1, 900_000_000)
        drive(base, min(10, people), workers, 900_100_000)
        measured = drive(base, people, workers, bsn_start)
    baseline = raw_pg_commit(schema, max(200, measured["commands"]))
    return {
        **measured,
        "raw_pg_commit_per_s": baseline["raw_pg_commit_per_s"],
        "ingest_ratio": measured["ingest_cmd_per_s"] / baseline["raw_pg_commit_per_s"],
    }
