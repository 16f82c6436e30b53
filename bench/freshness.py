"""Freshness: from a command's commit to its effect in the REGIONAL read model, at a fixed
command rate, through the chain as deployed in Kafka mode: the intake worker (relay) ->
Kafka -> the regional publisher -> Kafka -> the projections worker (regio_monitoring).

Each of the three runs as its own process, started with the worker's own `main()` (their
`BackgroundLoop`s with the deployed idle wait) on the run's topics and PostgreSQL schema.
The bench process registers inburgeraars at `rate` commands/s through the intake application
and polls the regional table for each person's pseudonym.

    python -m bench.freshness --role intake|publisher|projections --run R --schema S
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import database_url, percentile, run_topics, servers
from bench.ingest import bsns

REPO = Path(__file__).resolve().parents[1]
GEMEENTE = "GM0222"
ROLES = ("intake", "publisher", "projections")


def environment(schema: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(),
        "DATABASE_SCHEMA": schema,
        "KAFKA_BOOTSTRAP_SERVERS": servers(),
        "PLATFORM_MODE": "kafka",
        "ENVIRONMENT": "development",
        "GEMEENTEN": GEMEENTE,
    }


def role_main(role: str, run: str) -> None:
    """One deployed worker, on the run's topics, until SIGTERM."""
    with run_topics(run):
        if role == "intake":
            from services.intake import worker

            worker.main()
        elif role == "publisher":
            from services.regio import worker as regio_publisher

            regio_publisher.main()
        else:
            from services.projections import worker as projections_worker

            projections_worker.main()


def chain_settings(schema: str) -> dict[str, Any]:
    return {k.lower(): v for k, v in environment(schema).items()}


def ensure_chain_topics(run: str, schema: str) -> None:
    """Every topic of the chain exists before a worker subscribes: a consumer that asked
    for a topic before it existed may not see it until its metadata refreshes."""
    from shared import topics
    from shared.bus import ensure_topics
    from shared.config import PlatformSettings
    from shared.regions import regions_from_settings
    from shared.runtime import ensure_service_topics

    settings = PlatformSettings.model_validate(chain_settings(schema))
    with run_topics(run):
        ensure_service_topics(settings, "intake", "pip", "ontzorging")
        regio = regions_from_settings(settings).regio_van(GEMEENTE)
        assert regio is not None
        ensure_topics(servers(), [topics.regio_topic(regio)])


@contextlib.contextmanager
def workers(run: str, schema: str) -> Iterator[None]:
    env = os.environ | environment(schema)
    ensure_chain_topics(run, schema)
    # The workers' logs, for when a command never shows (see the error).
    logs = {role: open(f"{tempfile.gettempdir()}/bench-{run}-{role}.log", "wb") for role in ROLES}  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.freshness",
                "--role",
                role,
                "--run",
                run,
                "--schema",
                schema,
            ],
            cwd=REPO,
            env=env,
            stderr=logs[role],
        )
        for role in ROLES
    ]
    try:
        yield
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs.values():
            log.close()
    for log in logs.values():  # kept only when the measurement failed
        os.unlink(log.name)


class RegionalTable:
    """Which pseudonyms the active generation of regio_monitoring holds."""

    def __init__(self, schema: str) -> None:
        import psycopg

        self.conn = psycopg.connect(database_url(), autocommit=True)
        self.schema = schema

    def seen(self) -> set[str]:
        import psycopg

        try:
            row = self.conn.execute(
                f"SELECT generation FROM {self.schema}.projection_generations WHERE model = %s",
                ("regio_monitoring",),
            ).fetchone()
            if row is None:
                return set()
            table = f"{self.schema}.regio_monitoring_personen_g{int(row[0])}"
            return {str(r[0]) for r in self.conn.execute(f"SELECT persoon FROM {table}")}
        except psycopg.errors.UndefinedTable:
            return set()  # the projections worker has not created its tables yet

    def close(self) -> None:
        self.conn.close()


def measure(schema: str, commands: int, rate: float, timeout: float = 120.0) -> dict[str, Any]:
    from services.intake.bootstrap import build_application
    from services.intake.config import IntakeSettings
    from services.intake.rules import Doelgroep
    from shared.regional import pseudonym, pseudonym_key
    from shared.regions import regions_from_settings

    settings = IntakeSettings.model_validate(chain_settings(schema))
    regio = regions_from_settings(settings).regio_van(GEMEENTE)
    assert regio is not None
    key = pseudonym_key(settings)
    application = build_application(settings)
    table = RegionalTable(schema)
    committed: dict[str, float] = {}
    visible: dict[str, float] = {}
    people = bsns(200_000_000 + uuid.uuid4().int % 500_000_000, commands)

    def register(bsn: str) -> None:
        state = application.registreer_inburgeraar(
            gemeente=GEMEENTE,
            doelgroep=Doelgroep.GEZINSMIGRANT,
            bsn=bsn,
            naam="Bench",
            geboortedatum=__import__("datetime").date(1990, 1, 1),
            adres=None,
            datum_start_inburgeringsplicht=__import__("datetime").date(2025, 12, 1),
            vestigingsdatum=None,
            gemeenten=[GEMEENTE],
        )
        committed[pseudonym(key, regio, str(state["id"]))] = time.perf_counter()

    def observe() -> None:
        now = time.perf_counter()
        for persoon in table.seen():
            if persoon in committed and persoon not in visible:
                visible[persoon] = now

    try:
        interval = 1.0 / rate
        started = time.perf_counter()
        for n, bsn in enumerate(people):
            register(bsn)
            # Pacing: poll the read model until the next command is due.
            due = started + (n + 1) * interval
            while time.perf_counter() < due:
                observe()
        deadline = time.perf_counter() + timeout
        while len(visible) < len(committed):
            if time.perf_counter() > deadline:
                raise TimeoutError(
                    f"{len(committed) - len(visible)} commands never showed in the regional "
                    f"read model; the workers log to {tempfile.gettempdir()}/bench-*.log"
                )
            observe()
    finally:
        table.close()
        application.close()
    delays = [visible[p] - committed[p] for p in committed]
    return {
        "commands": len(delays),
        "rate_cmd_per_s": rate,
        "freshness_p50_ms": percentile(delays, 50) * 1000,
        "freshness_p99_ms": percentile(delays, 99) * 1000,
        "freshness_max_ms": max(delays) * 1000,
    }


def run(run_: str, schema: str, commands: int, rate: float) -> dict[str, Any]:
    with workers(run_, schema):
        # Warm-up (not measured): the workers start, create their topics and tables.
        measure(schema, 3, rate, timeout=float(os.environ.get("BENCH_WARMUP_TIMEOUT", "180")))
        return measure(schema, commands, rate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.freshness", description=__doc__)
    parser.add_argument("--role", choices=ROLES, required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--schema", required=True)
    args = parser.parse_args(argv)
    role_main(args.role, args.run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
