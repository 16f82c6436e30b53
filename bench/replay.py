"""Replay throughput on the real broker: how fast the archive (services/projections/feed.py)
replays a topic from offset 0 compared with a bare kafka-python consumer, and how fast an
integrator pages the HTTP feed afterwards.

    make bench-replay                       # 20 000 events, archive on SQLite
    make bench-replay BENCH_ARGS="--events 50000 --postgres"

1. N CloudEvents (a PIP's registered course hours, GM0222, sequence 1..N, 200 aggregates) are
   written in binary mode to a dedicated topic `bench.replay.<run>` (3 partitions), as the
   relay writes them.
2. (a) kafka-python's raw consumer rate: assign, seek to the beginning, iterate the records.
   (b) the archive projector from offset 0: a `Projector` of the gemeente feed over a
   `SequencedKafkaSource` (the partitions merged in sequence order) with contract
   validation, as the projections worker should run it; events/s and
   the process's peak memory (resource maxrss growth during the replay, and tracemalloc's
   peak of Python allocations in a second, traced run with --tracemalloc).
   (c) the HTTP feed: uvicorn serving the feed router, httpx paging through it with
   `limit=1000` and `limit=100`.
Each phase runs in its own process, so a phase's memory is its own. The topic is deleted at
the end (unless --keep).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GEMEENTE = "GM0222"
TYPE = "nl.inburgering.pip.cursusuren-geregistreerd.v1"
PARTITIONS = 3


def servers() -> str:
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def bench_event(run: str, n: int) -> dict[str, Any]:
    from shared.cloudevents import NAMESPACE, SCHEMA_BASE, source_of

    aggregate = str(uuid.uuid5(NAMESPACE, f"bench:{run}:aggregate:{n % 200}"))
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid5(NAMESPACE, f"bench:{run}:{n}")),
        "source": source_of(GEMEENTE, "pip"),
        "type": TYPE,
        "subject": aggregate,
        "time": (dt.datetime(2026, 1, 5, tzinfo=dt.UTC) + dt.timedelta(seconds=n))
        .isoformat()
        .replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "dataschema": f"{SCHEMA_BASE}/{TYPE}.json",
        "sequence": str(n),
        "sequencetype": "Integer",
        "partitionkey": aggregate,
        "gemeente": GEMEENTE,
        "data": {
            "soort": "cursus",
            "aanbieder": "Taalschool Achterhoek BV",
            "keurmerk": True,
            "uren": n % 40 + 1,
            "peildatum": "2026-01-31",
        },
    }


# --- Phases (each in its own process) ---------------------------------------------------------


def generate(topic: str, events: int, run: str) -> dict[str, Any]:
    from shared.bus import ensure_topics, make_producer
    from shared.cloudevents import to_kafka

    ensure_topics(servers(), [topic], partitions=PARTITIONS)
    producer = make_producer(servers(), linger_ms=20, batch_size=256 * 1024)
    started = time.perf_counter()
    for n in range(1, events + 1):
        key, value, headers = to_kafka(bench_event(run, n))
        producer.send(topic, key=key, value=value, headers=headers)
    producer.flush()
    seconds = time.perf_counter() - started
    producer.close()
    return {"events": events, "seconds": seconds}


@contextmanager
def consumer_of(topic: str) -> Iterator[Any]:
    from kafka import TopicPartition

    from shared.bus import make_consumer

    consumer = make_consumer(servers(), consumer_timeout_ms=5_000)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        yield consumer, partitions
    finally:
        consumer.close()


def raw(topic: str, events: int) -> dict[str, Any]:
    """Iterate the records, nothing else."""
    with consumer_of(topic) as (consumer, partitions):
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        before = maxrss_mib()
        started = time.perf_counter()
        count = 0
        for _ in consumer:
            count += 1
            if count == events:
                break
        seconds = time.perf_counter() - started
    assert count == events, f"read {count} of {events}"
    return {"events": count, "seconds": seconds, "maxrss_growth_mib": maxrss_mib() - before}


def store_settings(data_dir: Path, schema: str | None) -> Any:
    from shared.config import PlatformSettings

    if schema:
        return PlatformSettings(
            data_dir=data_dir, database_url=os.environ["DATABASE_URL"], database_schema=schema
        )
    return PlatformSettings(data_dir=data_dir, database_url=None)


def project(
    topic: str, events: int, data_dir: Path, schema: str | None, traced: bool, batch: int
) -> Any:
    """The archive from offset 0, as the projections worker runs it."""
    from services.projections.feed import FEED_GEMEENTE, SequencedKafkaSource
    from services.projections.projector import Projector
    from shared.consumer import KafkaSource, LoggedDeadLetters
    from shared.contracts import validate_cloudevent
    from shared.sqlstore import SQLStore

    store = SQLStore(store_settings(data_dir, schema), "projections")
    with consumer_of(topic) as (consumer, partitions):
        source = SequencedKafkaSource(consumer, [topic], LoggedDeadLetters(), validate_cloudevent)
        projector = Projector(store, FEED_GEMEENTE, source)
        ends = consumer.end_offsets(partitions)
        names = {KafkaSource.tracking_name(p): end for p, end in ends.items()}
        validate_cloudevent(bench_event("warm-up", 1))  # compile the validators outside the clock
        before = maxrss_mib()
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        batches = 0
        while any(projector.position(name) < end for name, end in names.items()):
            projector.run_once(max_records=batch)
            batches += 1
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
        tracemalloc.stop()
    store.close()
    return {
        "events": sum(names.values()),
        "seconds": seconds,
        "batches": batches,
        "batch": batch,
        "maxrss_growth_mib": maxrss_mib() - before,
        "maxrss_mib": maxrss_mib(),
        "tracemalloc_peak_mib": peak,
    }


def page(events: int, data_dir: Path, schema: str | None, limit: int) -> dict[str, Any]:
    """Page the whole gemeente feed over real HTTP (uvicorn, httpx)."""
    import httpx
    import uvicorn

    from services.projections import feed_api
    from shared.api import create_api
    from shared.auth import Rol, TokenVerifier
    from shared.sqlstore import SQLStore

    settings = store_settings(data_dir, schema)
    app = create_api(
        title="bench", version="1.0.0", description="", settings=settings, routers=[feed_api.router]
    )
    app.state.store = SQLStore(settings, "projections")
    app.state.projectors = []
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    token = TokenVerifier(settings).issue("bench", Rol.INTEGRATOR, [GEMEENTE])
    url: str | None = f"http://127.0.0.1:{port}/api/v1/feeds/gemeenten/{GEMEENTE}/pip"
    url = f"{url}?vanaf=0&limit={limit}"
    count = pages = 0
    started = time.perf_counter()
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as client:
        while url:
            response = client.get(url)
            response.raise_for_status()
            batch = response.json()
            pages += 1
            if not batch:
                break
            count += len(batch)
            url = response.links["next"]["url"]
    seconds = time.perf_counter() - started
    server.should_exit = True
    thread.join()
    assert count == events, f"paged {count} of {events}"
    return {"events": count, "seconds": seconds, "pages": pages, "limit": limit}


# --- Orchestration ----------------------------------------------------------------------------


def phase(*args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "bench.replay", "--phase", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"phase {args[0]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def postgres_schema(enabled: bool) -> Iterator[str | None]:
    if not enabled:
        yield None
        return
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def delete_topic(topic: str) -> None:
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=servers().split(","))
    try:
        admin.delete_topics([topic])
    finally:
        admin.close()


def rate(result: dict[str, Any]) -> float:
    return float(result["events"] / result["seconds"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--postgres", action="store_true", help="archive in DATABASE_URL")
    parser.add_argument("--batch", type=int, default=2_000, help="records per transaction")
    parser.add_argument("--tracemalloc", action="store_true", help="also a traced replay")
    parser.add_argument("--keep", action="store_true", help="keep the bench topic")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        name, *rest = args.phase
        result: Any
        if name == "generate":
            result = generate(rest[0], int(rest[1]), rest[2])
        elif name == "raw":
            result = raw(rest[0], int(rest[1]))
        elif name == "project":
            result = project(
                rest[0], int(rest[1]), Path(rest[2]), rest[3] or None, rest[4] == "1", int(rest[5])
            )
        elif name == "page":
            result = page(int(rest[0]), Path(rest[1]), rest[2] or None, int(rest[3]))
        print(json.dumps(result))
        return 0

    run = uuid.uuid4().hex[:8]
    topic = f"bench.replay.{run}"
    n = str(args.events)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"Replay bench: {args.events} events on {topic} ({PARTITIONS} partitions), "
        f"Kafka {servers()}, archive on {backend}"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp, postgres_schema(args.postgres) as schema:
            made = phase("generate", topic, n, run)
            print(f"  generated  {rate(made):>10,.0f} events/s ({made['seconds']:.1f} s)")
            raw_ = phase("raw", topic, n)
            archived = phase("project", topic, n, tmp, schema or "", "0", str(args.batch))
            pages = {
                limit: phase("page", n, tmp, schema or "", str(limit)) for limit in (1000, 100)
            }
            traced = None
            if args.tracemalloc:
                with tempfile.TemporaryDirectory() as again, postgres_schema(args.postgres) as s2:
                    traced = phase("project", topic, n, again, s2 or "", "1", str(args.batch))
    finally:
        if not args.keep:
            delete_topic(topic)

    r_raw, r_archive = rate(raw_), rate(archived)
    rows = [
        ("(a) raw kafka-python consumer", r_raw, raw_, "records/s", ""),
        (
            f"(b) archive projector, {archived['batch']}/tx",
            r_archive,
            archived,
            "events/s ",
            f"{r_archive / r_raw:.3f} x raw",
        ),
    ]
    for limit, result in pages.items():
        r_page = rate(result)
        ratio = f"{r_page / r_raw:.3f} x raw, {r_page / r_archive:.2f} x archive"
        rows.append((f"(c) HTTP feed, limit={limit}", r_page, result, "events/s ", ratio))
    for label, value, result, unit, ratio in rows:
        print(f"  {label:<34} {value:>9,.0f} {unit} {result['seconds']:6.2f} s  {ratio}")
    growth, peak = archived["maxrss_growth_mib"], archived["maxrss_mib"]
    print(f"  projector memory: maxrss +{growth:.1f} MiB during the replay (peak {peak:.1f} MiB)")
    if traced:
        print(
            f"  projector memory: tracemalloc peak {traced['tracemalloc_peak_mib']:.1f} MiB "
            f"(traced replay {rate(traced):,.0f} events/s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
