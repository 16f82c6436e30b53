"""The benchmark harness (`make bench`, issue 8 "Proof"): run in a tiny size on the real
PostgreSQL and Kafka, it writes results.json with every figure the issue names, the
baselines and ratios beside them, the machine's facts and a profile of the slowest stage,
and leaves no topic or schema of its run behind. No timing is asserted: only that every
figure was measured and the ratios are what a ratio can be."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from kafka.admin import KafkaAdminClient

pytestmark = [pytest.mark.bench, pytest.mark.postgres, pytest.mark.kafka]

REPO = Path(__file__).resolve().parents[2]
FIGURES = (  # issue 8, "make bench"
    "ingest_cmd_per_s",
    "ingest_p50_ms",
    "ingest_p99_ms",
    "raw_pg_commit_per_s",
    "ingest_ratio",
    "relay_events_per_s",
    "raw_kafka_produce_per_s",
    "relay_ratio",
    "replay_events_per_s",
    "raw_kafka_consume_per_s",
    "replay_ratio",
    "freshness_p50_ms",
    "freshness_p99_ms",
    "national_events",
    "national_rebuild_s",
    "national_peak_rss_mb",
)


def test_a_tiny_bench_run_reports_every_figure_beside_its_baseline(
    tmp_path: Path, database_url: str, kafka_bootstrap_servers: str
) -> None:
    """Issue 8: "writes bench/results.json and a short Markdown table; each figure next to a
    raw baseline measured in the same run"."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--people",
            "10",
            "--freshness-commands",
            "5",
            "--national-events",
            "1500",
            "--out",
            str(tmp_path),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    results = json.loads((tmp_path / "results.json").read_text())
    figures = results["figures"]
    for name in FIGURES:
        assert isinstance(figures[name], int | float), name
        assert math.isfinite(figures[name]) and figures[name] > 0, (name, figures[name])
    for ratio, (figure, baseline) in {
        "ingest_ratio": ("ingest_cmd_per_s", "raw_pg_commit_per_s"),
        "relay_ratio": ("relay_events_per_s", "raw_kafka_produce_per_s"),
        "replay_ratio": ("replay_events_per_s", "raw_kafka_consume_per_s"),
    }.items():
        assert figures[ratio] == pytest.approx(figures[figure] / figures[baseline])
        assert results["ratios"][ratio] == figures[ratio]
        assert results["baselines"][baseline] == figures[baseline]
    assert figures["ingest_p50_ms"] <= figures["ingest_p99_ms"]
    assert figures["freshness_p50_ms"] <= figures["freshness_p99_ms"]

    counts = results["event_counts"]
    assert counts["ingest_commands"] == 20  # ten people, two commands each
    assert counts["relay_events"] >= counts["ingest_commands"]
    assert counts["replay_events"] == counts["national_events"]  # caseload from the national topics
    assert counts["freshness_commands"] == 5
    assert counts["national_events"] == figures["national_events"] > 1000
    rebuilt = results["details"]["national"]["rebuild"]["models"]
    assert {"caseload", "signalen", "monitoring", "regio_monitoring", "regio_inkoop"} <= set(
        rebuilt
    )

    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["python"].startswith("3.") and machine["kafka"]
    assert results["slowest_stage"] in ("ingest", "relay", "replay")
    profile = tmp_path / f"profile-{results['slowest_stage']}.txt"
    assert "by cumulative time" in profile.read_text()
    table = (tmp_path / "results.md").read_text()
    assert all(
        f"| {name} |" in table for name in FIGURES if "raw_" not in name and "ratio" not in name
    )

    run = results["run"]
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers.split(","))
    try:
        assert not [t for t in admin.list_topics() if t.startswith(f"bench-{run}.")]
    finally:
        admin.close()
    with psycopg.connect(database_url) as conn:
        left = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (f"bench_{run}_%",)
        ).fetchall()
    assert left == []
