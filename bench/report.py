"""The bench's outputs: results.json, the Markdown table, and cProfile summaries (of one
thread, or of every thread of a server process)."""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

# (figure, baseline, ratio, unit)
ROWS = (
    ("ingest_cmd_per_s", "raw_pg_commit_per_s", "ingest_ratio", "cmd/s"),
    ("ingest_p50_ms", None, None, "ms"),
    ("ingest_p99_ms", None, None, "ms"),
    ("relay_events_per_s", "raw_kafka_produce_per_s", "relay_ratio", "events/s"),
    ("replay_events_per_s", "raw_kafka_consume_per_s", "replay_ratio", "events/s"),
    ("freshness_p50_ms", None, None, "ms"),
    ("freshness_p99_ms", None, None, "ms"),
    ("national_events", None, None, "events"),
    ("national_rebuild_s", None, None, "s"),
    ("national_peak_rss_mb", None, None, "MB"),
)
RATIO_STAGES = {"ingest": "ingest_ratio", "relay": "relay_ratio", "replay": "replay_ratio"}


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value < 10:
        return f"{value:.3f}"
    return f"{value:,.0f}"


def table(results: dict[str, Any]) -> str:
    figures = results["figures"]
    lines = ["| figure | value | baseline | ratio |", "|---|---:|---:|---:|"]
    for name, baseline, ratio, unit in ROWS:
        base = f"{_number(figures.get(baseline))} ({baseline})" if baseline else ""
        lines.append(
            f"| {name} | {_number(figures.get(name))} {unit} | {base} | "
            f"{_number(figures.get(ratio)) if ratio else ''} |"
        )
    facts = results["machine"]
    lines.append("")
    lines.append(
        f"{results['date']}, size {results['size']}: {facts['cores']} cores, "
        f"Python {facts['python']}, Kafka {facts['kafka']}. Slowest stage: "
        f"{results['slowest_stage']} (profile: {results.get('profile') or '-'})."
    )
    return "\n".join(lines) + "\n"


def slowest(figures: dict[str, Any]) -> str:
    """The stage furthest below its raw baseline."""
    return min(RATIO_STAGES, key=lambda stage: figures[RATIO_STAGES[stage]])


def write(results: dict[str, Any], out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    markdown = table(results)
    (out / "results.md").write_text(markdown)
    return markdown


# --- Profiles -----------------------------------------------------------------------------------


def summary(stats: pstats.Stats, title: str, top: int = 40) -> str:
    buffer = io.StringIO()
    stats.stream = buffer  # type: ignore[attr-defined]
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    body = buffer.getvalue()
    buffer = io.StringIO()
    stats.stream = buffer  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(20)
    return f"{title}\n\n== by cumulative time ==\n{body}\n== by own time ==\n{buffer.getvalue()}"


def profiled(work: Callable[[], T], path: Path, title: str = "") -> T:
    """`work()` under cProfile (this thread); the summary written to `path`."""
    profile = cProfile.Profile()
    result = profile.runcall(work)
    path.write_text(summary(pstats.Stats(profile), title or f"profile of {path.stem}"))
    return result


class AllThreads:
    """A cProfile profiler in every thread started after `start()` (and in this one): for a
    server whose request handlers run in a thread pool."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def _first_call(self, frame: Any, event: str, arg: Any) -> None:
        profile = cProfile.Profile()
        with self._lock:
            self.profiles.append(profile)
        profile.enable()  # replaces this hook for the rest of the thread

    def start(self) -> None:
        threading.setprofile(self._first_call)
        self._first_call(sys._getframe(), "call", None)

    def write(self, path: Path, title: str) -> None:
        threading.setprofile(None)
        with self._lock:
            profiles = list(self.profiles)
        for profile in profiles:
            profile.create_stats()
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        path.write_text(summary(stats, title))
