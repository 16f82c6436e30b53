"""Fault injection: thousands of registrations through intake's HTTP API while the relay,
the projections worker, the intake API process (uvicorn), the Kafka broker and PostgreSQL
are killed with SIGKILL at random moments and started again. Afterwards nothing is lost and
nothing counted twice:

- every command answered 201 has its event in the event store, on Kafka and in the read
  models (the outbox pattern: the relay publishes from the store, at least once);
- the read models hold each event once (caseload rows and feed rows equal the store's
  events: duplicates from a resending relay are recognised by their CloudEvents id);
- every gemeente read model equals a clean rebuild of it from Kafka, into a fresh generation.

Own PostgreSQL and Kafka (deploy/scripts on free ports, in a fresh RUN_DIR); the shared ones
are never touched. FAULTS_SEED reruns a failure's schedule, FAULTS_COMMANDS sets the load,
FAULTS_KILLS the kills of each kind (`make test-faults`: 5000 commands, 3 kills each)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import itertools
import os
import random
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx
import psycopg
import pytest
from kafka import TopicPartition

from services.intake.application import IntakeApplication
from services.intake.config import IntakeSettings
from services.projections.leesmodellen import read_models
from shared.auth import Rol, TokenVerifier
from shared.bsn import is_geldig_bsn
from shared.bus import make_consumer
from shared.cloudevents import from_kafka
from shared.eventlog import ServiceLog
from shared.topics import gemeente_topic
from tests.faults.cluster import Cluster, Service, free_port, wait_for

pytestmark = [pytest.mark.faults]

SEED = int(os.environ.get("FAULTS_SEED") or random.SystemRandom().randrange(1, 2**31))
COMMANDS = int(os.environ.get("FAULTS_COMMANDS", "400"))
KILLS = int(os.environ.get("FAULTS_KILLS", "1"))
CATCH_UP = float(os.environ.get("FAULTS_CATCH_UP_SECONDS", "300"))
CLIENTS = 4
GEMEENTE = "GM0222"
INTAKE_TOPIC = gemeente_topic(GEMEENTE, "intake")
KINDS = ("relay", "projector", "api", "kafka", "postgres")


def bsns(count: int, first: int = 100_000_000) -> list[str]:
    """`count` distinct numbers that pass the 11-proef (art. 4 Besluit BRP)."""
    return list(itertools.islice(filter(is_geldig_bsn, map(str, itertools.count(first))), count))


class Platform:
    """The processes under test, on the private cluster, in Kafka mode."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.api_port = free_port()
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "KAFKA_"))
        } | {
            "ENVIRONMENT": "test",
            "PLATFORM_MODE": "kafka",
            "GEMEENTEN": GEMEENTE,
            "DATABASE_URL": cluster.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": cluster.kafka_bootstrap_servers,
            "DATA_DIR": str(cluster.run_dir / "data"),
        }
        logs = cluster.run_dir
        self.api = Service(
            "api",
            [
                "-m",
                "uvicorn",
                "--factory",
                "services.intake.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.api_port),
                "--no-access-log",
            ],
            self.env,
            logs,
        )
        self.relay = Service("relay", ["-m", "services.intake.worker"], self.env, logs)
        self.projector = Service("projector", ["-m", "services.projections.worker"], self.env, logs)
        self.settings = IntakeSettings(
            environment="test",
            database_url=cluster.database_url,
            kafka_bootstrap_servers=cluster.kafka_bootstrap_servers,
        )
        self.restarted: Counter[str] = Counter()
        token = TokenVerifier(self.settings).issue("faults-1", Rol.KLANTREGISSEUR, [GEMEENTE])
        self.headers = {"Authorization": f"Bearer {token}"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/api/v1"

    def api_ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/openapi.json", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def start(self) -> None:
        # One after the other: two processes creating the same tables at once can collide
        # (PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one).
        self.api.start()
        wait_for(self.api_ready, "the intake API")
        self.relay.start()
        self.projector.start()

    def stop(self) -> None:
        for service in (self.api, self.relay, self.projector):
            service.stop()

    def supervise(self) -> None:
        """As systemd or Kubernetes would: a process that ended by itself (a worker that
        met a dead database or broker while starting, and stopped) is started again."""
        for service in (self.api, self.relay, self.projector):
            if not service.alive():
                print(f"faults: {service.name} had stopped by itself; started again", flush=True)
                self.restarted[service.name] += 1
                service.start()


class Load:
    """COMMANDS registrations from CLIENTS threads. A command whose request fails (API or
    database down) is sent again until it gets an answer; only a 201 counts as accepted."""

    def __init__(self, platform: Platform, commands: int) -> None:
        self.platform = platform
        self.commands = commands
        self.accepted: dict[int, str] = {}
        self.answers: Counter[int] = Counter()
        self.failed_requests = 0
        self.done = 0
        self.lock = threading.Condition()
        self.held_at: float | None = None
        self.bsns = bsns(commands)
        self.refusals: list[str] = []

    def reached(self, moment: float) -> bool:
        return self.done >= moment

    def body(self, n: int) -> dict[str, Any]:
        return {
            "gemeente": GEMEENTE,
            "doelgroep": "asielstatushouder",
            "bsn": self.bsns[n],
            "naam": f"Inburgeraar {n}",
            "geboortedatum": "1990-01-01",
            "datumStartInburgeringsplicht": (dt.date(2026, 1, 5)).isoformat(),
            "datumKennisgeving": (dt.date(2026, 1, 5)).isoformat(),
        }

    def send(self, client: httpx.Client, n: int) -> None:
        deadline = time.monotonic() + 180
        while True:
            with self.lock:
                # The chaos lags behind (a restart takes seconds): the load waits at the
                # next kill's moment so that every kill falls during the load.
                self.lock.wait_for(lambda: self.held_at is None or self.done < self.held_at)
            try:
                response = client.post(
                    f"{self.platform.url}/inburgeraars",
                    json=self.body(n),
                    headers=self.platform.headers,
                    timeout=30,
                )
            except httpx.HTTPError:
                response = None
            if response is not None and response.status_code < 500:
                break
            with self.lock:
                self.failed_requests += 1
            assert time.monotonic() < deadline, f"command {n} got no answer within 180 s"
            time.sleep(0.1)  # the API or its database is down: try again shortly
        with self.lock:
            self.answers[response.status_code] += 1
            if response.status_code == 201:
                self.accepted[n] = response.json()["id"]
            elif len(self.refusals) < 5:
                self.refusals.append(response.text)
            self.done += 1
            self.lock.notify_all()

    def run(self) -> None:
        with (
            httpx.Client() as client,
            concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool,
        ):
            for future in [pool.submit(self.send, client, n) for n in range(self.commands)]:
                future.result()


class Chaos:
    """Each kind of kill KILLS times, at random moments of the load, in random order."""

    def __init__(self, rng: random.Random, platform: Platform, load: Load) -> None:
        self.platform = platform
        self.load = load
        kills = [kind for kind in KINDS for _ in range(KILLS)]
        rng.shuffle(kills)
        moments = sorted(rng.uniform(0.05, 0.9) * load.commands for _ in kills)
        self.schedule = list(zip(moments, kills, strict=True))
        self.done: Counter[str] = Counter()
        self.error: BaseException | None = None
        self.busy = threading.Lock()
        self.finished = threading.Event()
        self.actions: dict[str, Callable[[], None]] = {
            "relay": self._restart(self.platform.relay),
            "projector": self._restart(self.platform.projector),
            "api": self._api,
            "kafka": self._kafka,
            "postgres": self._postgres,
        }

    def _restart(self, service: Service) -> Callable[[], None]:
        def action() -> None:
            service.kill()
            service.start()

        return action

    def _api(self) -> None:
        self.platform.api.kill()
        self.platform.api.start()
        wait_for(self.platform.api_ready, "the intake API after a kill")

    def _kafka(self) -> None:
        self.platform.cluster.kill_kafka()
        self.platform.cluster.start_kafka()

    def _postgres(self) -> None:
        self.platform.cluster.kill_postgres()
        self.platform.cluster.start_postgres()

    def supervise(self) -> None:
        """Until the test is done: restart what stopped by itself, between kills."""
        while not self.finished.wait(0.5):
            with self.busy:
                self.platform.supervise()

    def run(self) -> None:
        try:
            for moment, kind in self.schedule:
                with self.load.lock:
                    self.load.held_at = moment + 2 * CLIENTS
                    self.load.lock.notify_all()
                    reached = self.load.lock.wait_for(partial(self.load.reached, moment), 600)
                assert reached, f"the load did not reach command {moment:.0f}"
                print(f"faults: kill -9 {kind} at command {self.load.done}", flush=True)
                with self.busy:
                    self.actions[kind]()
                self.done[kind] += 1
                with self.load.lock:
                    self.load.held_at = None
                    self.load.lock.notify_all()
        except BaseException as e:
            self.error = e
            self.finished.set()
            with self.load.lock:
                self.load.held_at = None
                self.load.lock.notify_all()
            raise


def store_events(platform: Platform) -> list[dict[str, Any]]:
    """Intake's events, in the order of its notification log."""
    application = IntakeApplication(
        env=platform.settings.event_store_env(IntakeApplication.name), bsn_sleutel="x"
    )
    try:
        log = ServiceLog(application)
        events: list[dict[str, Any]] = []
        position = 0
        while batch := log.read(position, 1000):
            events += [ce for _, ce in batch if ce]
            position = batch[-1][0]
        return events
    finally:
        application.close()


def kafka_event_ids(servers: str) -> Counter[str]:
    consumer = make_consumer(servers)
    partitions = [
        TopicPartition(INTAKE_TOPIC, p) for p in consumer.partitions_for_topic(INTAKE_TOPIC)
    ]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    ends = consumer.end_offsets(partitions)
    ids: Counter[str] = Counter()
    deadline = time.monotonic() + 120
    while any(consumer.position(p) < end for p, end in ends.items()):
        assert time.monotonic() < deadline, "the intake topic was not read to its end"
        for records in consumer.poll(timeout_ms=500).values():
            ids.update(from_kafka(r.key, r.value, r.headers)["id"] for r in records)
    consumer.close()
    return ids


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql).fetchall())


def tables_of(model: Any) -> list[str]:
    return [table for table, _ in getattr(model, "schema", ())] or [model.name]


def snapshot(url: str) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """Every gemeente read model's active generation, table by table, rows sorted."""
    models, _ = read_models()
    generations = dict(query(url, "SELECT model, generation FROM projection_generations"))
    return {
        model.name: {
            table: sorted(query(url, f"SELECT * FROM {table}_g{generations[model.name]}"), key=repr)
            for table in tables_of(model)
        }
        for model in models
    }


@pytest.fixture(scope="module")
def platform(request: pytest.FixtureRequest) -> Iterator[Platform]:
    cluster = Cluster.create()
    made: Platform | None = None
    failed = request.session.testsfailed
    ok = False
    try:
        cluster.start_postgres()
        cluster.start_kafka()
        made = Platform(cluster)
        made.start()
        yield made
        ok = request.session.testsfailed == failed
    finally:
        if made is not None:
            made.stop()
        cluster.stop()
        if ok:
            shutil.rmtree(cluster.run_dir, ignore_errors=True)
        else:
            print(f"faults: logs kept in {cluster.run_dir}")


def test_killing_every_moving_part_during_a_load_loses_nothing_and_counts_nothing_twice(
    platform: Platform,
) -> None:
    """The outbox (relay from the store, at least once), consumers that recognise a
    CloudEvent id they saw (CloudEvents 1.0: source+id identify an event) and positions
    stored with their effects: after SIGKILLs of every kind, store, topic and read models
    agree, and each read model equals its clean rebuild."""
    print(f"faults: FAULTS_SEED={SEED} FAULTS_COMMANDS={COMMANDS} FAULTS_KILLS={KILLS}")
    rng = random.Random(SEED)
    load = Load(platform, COMMANDS)
    chaos = Chaos(rng, platform, load)
    killer = threading.Thread(target=chaos.run, name="chaos")
    supervisor = threading.Thread(target=chaos.supervise, name="supervisor", daemon=True)
    started = time.monotonic()
    killer.start()
    supervisor.start()
    try:
        load.run()
        killer.join()
    finally:
        chaos.finished.set()
        supervisor.join()
    assert chaos.error is None, f"{chaos.error!r} (FAULTS_SEED={SEED})"
    assert dict(chaos.done) == dict.fromkeys(KINDS, KILLS)
    # A command whose 201 was lost with a killed API is answered 409 when sent again.
    assert load.done == COMMANDS and set(load.answers) <= {201, 409}, load.refusals
    assert load.answers[409] <= load.failed_requests, "a 409 only for a command sent again"

    url = platform.cluster.database_url
    servers = platform.cluster.kafka_bootstrap_servers

    # Eventually the relay and the projectors catch up: nothing is waited for by sleeping.
    progress: list[str] = []

    def caught_up() -> bool:
        platform.supervise()
        events = store_events(platform)
        try:
            rows = query(url, "SELECT count(*) FROM caseload_g1")[0][0]
            feed = query(url, "SELECT count(*) FROM feed_gemeente_g1")[0][0]
        except psycopg.Error:
            return False
        published = set(kafka_event_ids(servers))
        progress.append(
            f"{time.monotonic() - started:.0f}s: store {len(events)}, topic {len(published)}, "
            f"caseload {rows}, feed {feed}"
        )
        return rows == feed == len(events) and published == {e["id"] for e in events}

    try:
        wait_for(caught_up, "relay and projections catching up", timeout=CATCH_UP)
    except TimeoutError as e:
        raise AssertionError(
            f"{e} (FAULTS_SEED={SEED}): {progress[::10] + progress[-1:]}"
        ) from None
    events = store_events(platform)
    on_kafka = kafka_event_ids(servers)
    ids = {e["id"] for e in events}
    registered = {e["subject"] for e in events}

    assert set(load.accepted.values()) <= registered, f"accepted, not stored (SEED={SEED})"
    assert set(on_kafka) == ids, f"store and topic differ (SEED={SEED})"
    caseload = {row[0] for row in query(url, "SELECT inburgeraar_id FROM caseload_g1")}
    assert caseload == registered, f"caseload and store differ (SEED={SEED})"
    feed = query(url, "SELECT event_id FROM feed_gemeente_g1 WHERE service = 'intake'")
    assert sorted(row[0] for row in feed) == sorted(ids), "each event once in the feed"

    platform.projector.stop()
    before = snapshot(url)
    for model in before:
        rebuilt = Service(
            f"rebuild-{model}",
            ["-m", "services.projections.rebuild", model, "--zonder-voortgang"],
            platform.env,
            platform.cluster.run_dir,
        )
        rebuilt.start()
        assert rebuilt.process is not None
        assert rebuilt.process.wait(timeout=300) == 0, f"rebuild of {model} failed"
    after = snapshot(url)
    for model, tables in before.items():
        for table, rows in tables.items():
            assert after[model][table] == rows, f"{table} differs from its rebuild (SEED={SEED})"

    print(
        f"faults: {COMMANDS} commands ({dict(load.answers)}), {len(load.accepted)} accepted, "
        f"{load.failed_requests} failed requests retried, kills {dict(chaos.done)}, "
        f"stopped by themselves and restarted {dict(platform.restarted)}, "
        f"{len(events)} events checked in store, topic ({sum(on_kafka.values())} records) "
        f"and read models, {time.monotonic() - started:.0f} s, FAULTS_SEED={SEED}"
    )
