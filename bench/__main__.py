"""`make bench` / `make bench-quick`: every figure of issue 8 next to a raw baseline measured
in the same run, on the real PostgreSQL and Kafka.

    python -m bench                 # full size: 10 million national events
    python -m bench --quick         # a few minutes on 2 cores
    python -m bench --national-events 1000000 --keep

Stages: ingest (bench/ingest.py), relay (bench/publish.py), freshness (bench/freshness.py),
national (bench/national.py: generated history, then its rebuild), replay (bench/projection.py:
the caseload rebuilt from the national history's gemeente topics). Writes bench/results.json,
bench/results.md and bench/profile-<stage>.txt (cProfile of the stage furthest below its
baseline, run once more after the measurement so the profiler does not distort the figures).
Topics (`bench-<run>.*`) and schemas (`bench_<run>_*`) are deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import freshness, ingest, national, projection, publish, report
from bench.common import Schemas, delete_run_topics, machine, new_run, run_topics

OUT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Size:
    people: int  # ingest: each person is two commands
    workers: int
    freshness_commands: int
    rate: float
    national_events: int


SIZES = {
    "quick": Size(people=300, workers=8, freshness_commands=100, rate=20.0, national_events=30_000),
    "full": Size(
        people=2_000, workers=8, freshness_commands=600, rate=20.0, national_events=10_000_000
    ),
}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def profile_stage(
    stage: str, run: str, schemas: Schemas, size: Size, state: dict[str, Any], out: Path
) -> Path:
    path = out / f"profile-{stage}.txt"
    if stage == "ingest":
        ingest.profile(schemas.new("ingestprof"), size.people, size.workers, path)
    elif stage == "relay":
        positions = schemas.new("relayprof")
        report.profiled(
            lambda: publish.relay(state["ingest_schema"], positions),
            path,
            "relay: shared.relay.Relay.publish_all",
        )
    else:
        from services.projections.gemeente import CASELOAD

        target = schemas.new("replayprof")
        report.profiled(
            lambda: projection.rebuild_model(target, CASELOAD, state["replay_topics"]),
            path,
            "replay: caseload rebuilt from the intake topics",
        )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="the small size (bench-quick)")
    parser.add_argument("--national-events", type=int, help="size of the national history")
    parser.add_argument("--people", type=int, help="ingest: inburgeraars (2 commands each)")
    parser.add_argument("--freshness-commands", type=int)
    parser.add_argument("--rate", type=float, help="freshness: commands per second")
    parser.add_argument(
        "--gemeente-topics",
        action="store_true",
        help="national: the deployed topic layout, one topic per gemeente and "
        "service (1026 topics on the broker)",
    )
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the topics and schemas")
    parser.add_argument("--out", type=Path, default=OUT, help="where the results go")
    args = parser.parse_args(argv)

    name = "quick" if args.quick else "full"
    base = SIZES[name]
    size = Size(
        people=args.people or base.people,
        workers=base.workers,
        freshness_commands=args.freshness_commands or base.freshness_commands,
        rate=args.rate or base.rate,
        national_events=args.national_events or base.national_events,
    )
    run = new_run()
    schemas = Schemas(run)
    args.out.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    details: dict[str, Any] = {}
    state: dict[str, Any] = {}
    say(f"bench run {run} ({name}: {size})")
    try:
        with run_topics(run):
            state["ingest_schema"] = schemas.new("ingest")
            details["ingest"] = ingest.run(state["ingest_schema"], size.people, size.workers)
            say(f"ingest    {details['ingest']}")
            details["relay"] = publish.run(state["ingest_schema"], run)
            say(f"relay     {details['relay']}")
        details["freshness"] = freshness.run(
            run, schemas.new("fresh"), size.freshness_commands, size.rate
        )
        say(f"freshness {details['freshness']}")
        with run_topics(run):
            made = national.generate(run, size.national_events, args.gemeente_topics, 12)
            say(
                f"national  generated {made['events']} events ({made['regional_events']} "
                f"regional) in {made['generate_seconds']:.1f} s"
            )
            # Replay on the national gemeente topics: a topic big enough that the first
            # fetches' wait does not decide the figure.
            state["replay_topics"] = made["topics"]
            details["replay"] = projection.run(schemas.new("replay"), made["topics"])
            say(f"replay    {details['replay']}")
            rebuilt = national.rebuild_in_process(run, schemas.new("national"), made, None)
            details["national"] = {k: v for k, v in made.items() if "topics" not in k}
            details["national"] |= {"rebuild": rebuilt, "topic_count": len(made["topics"])}
            say(
                f"national  rebuilt in {rebuilt['seconds']:.1f} s, "
                f"peak RSS {rebuilt['peak_rss_mb']:.0f} MB"
            )
            for stage in ("ingest", "relay", "replay", "freshness"):
                figures |= {k: v for k, v in details[stage].items() if k in FIGURE_NAMES}
            figures |= {
                "national_events": made["events"],
                "national_rebuild_s": rebuilt["seconds"],
                "national_peak_rss_mb": rebuilt["peak_rss_mb"],
            }
            slowest = report.slowest(figures)
            profile = None
            if not args.no_profile:
                say(f"profiling the slowest stage: {slowest}")
                path = profile_stage(slowest, run, schemas, size, state, args.out)
                profile = (
                    str(path.relative_to(args.out.parent))
                    if path.is_relative_to(args.out.parent)
                    else str(path)
                )
    finally:
        if not args.keep:
            schemas.drop_all()
            deleted = delete_run_topics(run)
            say(f"cleaned up {len(deleted)} topics and the run's schemas")
    results = {
        "run": run,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "size": name if size == base else f"{name}, changed by options",
        "sizes": size.__dict__,
        "machine": machine(),
        "figures": figures,
        "baselines": {k: figures[k] for k in BASELINES},
        "ratios": {k: figures[k] for k in RATIOS},
        "event_counts": {
            "ingest_commands": details["ingest"]["commands"],
            "relay_events": details["relay"]["relay_events"],
            "replay_events": details["replay"]["replay_events"],
            "freshness_commands": details["freshness"]["commands"],
            "national_events": made["events"],
            "national_regional_events": made["regional_events"],
            "national_people": made["people"],
        },
        "details": details,
        "slowest_stage": slowest,
        "profile": profile,
        "note": "2 shared cores: absolute figures are noisy; compare the ratios.",
    }
    print(report.write(results, args.out))
    return 0


BASELINES = ("raw_pg_commit_per_s", "raw_kafka_produce_per_s", "raw_kafka_consume_per_s")
RATIOS = ("ingest_ratio", "relay_ratio", "replay_ratio")
FIGURE_NAMES = frozenset({row[0] for row in report.ROWS} | set(BASELINES) | set(RATIOS))


if __name__ == "__main__":
    sys.exit(main())
