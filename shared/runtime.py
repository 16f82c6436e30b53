"""Running the backbone's moving parts: consumers, deadline projections, relays and the
`Klok`, in rounds. In the embedded platform a background thread of the web process runs
them; `python -m services.<service>.worker` runs them in the main thread until SIGTERM.

A round runs every task once. When a round found nothing to do the loop waits on a
`threading.Event` (woken early by `stop()` or `wake()`) instead of spinning."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application

from shared.application import GemeenteApplication
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.config import PlatformSettings
from shared.consumer import (
    Consumer,
    DeadLetters,
    KafkaDeadLetters,
    KafkaSource,
    LoggedDeadLetters,
    LogSource,
    Policy,
)
from shared.contracts import validate_cloudevent
from shared.positions import position_store
from shared.relay import Relay
from shared.topics import dead_letter_topic, gemeente_topic

log = logging.getLogger(__name__)


class Task(Protocol):
    def run_once(self) -> int:
        """Do what there is now; how much that was (0: nothing to do)."""
        ...


class RelayTask:
    """The relay as a task: one batch of the service's own log to Kafka per round."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    def run_once(self) -> int:
        return self.relay.publish_batch()


class BackgroundLoop:
    def __init__(self, tasks: Sequence[Task], *, idle_wait: float = 1.0) -> None:
        self.tasks = list(tasks)
        self.idle_wait = idle_wait
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._rounds = threading.Condition()
        self._completed = 0
        self._last_idle = 0
        self._in_round = False

    def run_round(self) -> int:
        """Every task once; errors propagate (the caller decides)."""
        return sum(task.run_once() for task in self.tasks)

    def run_until_idle(self, max_rounds: int = 1000) -> int:
        """Rounds until one finds nothing to do: what tests drive instead of a thread."""
        total = 0
        for _ in range(max_rounds):
            handled = self.run_round()
            if not handled:
                return total
            total += handled
        raise RuntimeError(f"still busy after {max_rounds} rounds")

    def _guarded_round(self) -> int:
        handled = 0
        for task in self.tasks:
            try:
                handled += task.run_once()
            except Exception:
                # A broken database or broker must not end the loop; the task resumes from
                # its stored position on the next round.
                log.exception("%s failed; retrying after a pause", type(task).__name__)
        return handled

    def run_forever(self) -> None:
        """Rounds until `stop()`: straight on while there is work, waiting when idle."""
        while not self._stopping.is_set():
            # Cleared before the round: a wake() during the round skips the next wait.
            self._wake.clear()
            with self._rounds:
                self._in_round = True
            handled = self._guarded_round()
            with self._rounds:
                self._in_round = False
                self._completed += 1
                if not handled:
                    self._last_idle = self._completed
                self._rounds.notify_all()
            if not handled:
                self._wake.wait(self.idle_wait)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        self._stopping.clear()
        self._thread = threading.Thread(target=self.run_forever, name="backbone", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Start the next round now instead of after the idle wait."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("The background loop did not stop within %s s", timeout)
            self._thread = None

    def wait_until_idle(self, timeout: float = 30.0) -> bool:
        """Block until a round that began after this call found nothing to do (so all that
        was there at the call is handled); False on timeout. For tests and shutdown."""
        with self._rounds:
            # A round running now may have started before the call: wait for the next one.
            target = self._completed + (2 if self._in_round else 1)
        self.wake()
        with self._rounds:
            return self._rounds.wait_for(lambda: self._last_idle >= target, timeout)


STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def block_stop_signals() -> None:
    """First thing in a worker, before any thread starts (Kafka clients start their own):
    threads inherit the block, so SIGTERM reaches only `run_until_sigterm`'s sigwait and
    never kills the process through a thread that does not expect it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("kafka").setLevel(logging.WARNING)  # its INFO is per connection


def run_until_sigterm(loop: BackgroundLoop) -> None:
    """The loop in a thread until SIGTERM or SIGINT; then one clean stop (the round in
    progress finishes; positions are stored with their effects, so nothing is lost)."""
    block_stop_signals()
    loop.start()
    log.info("Running %d tasks until SIGTERM", len(loop.tasks))
    try:
        received = signal.sigwait(STOP_SIGNALS)
        log.info("%s received: stopping", signal.Signals(received).name)
    finally:
        loop.stop()


# --- Kafka mode: the sources and relays of a worker ---------------------------------------


def kafka_source(settings: PlatformSettings, upstream: str) -> tuple[KafkaSource, KafkaDeadLetters]:
    """The `upstream` service's topics of the gemeenten this deployment serves, read from
    the consumer's own positions; records that break their contract become dead letters."""
    letters = KafkaDeadLetters(make_producer(settings.kafka_bootstrap_servers))
    topics = [gemeente_topic(gemeente, upstream) for gemeente in settings.gemeenten]
    consumer = make_consumer(settings.kafka_bootstrap_servers)
    return KafkaSource(consumer, topics, letters, validate_cloudevent), letters


def relay_task(settings: PlatformSettings, application: Application[UUID]) -> RelayTask:
    producer = make_producer(settings.kafka_bootstrap_servers)
    return RelayTask(Relay(application, producer, position_store(settings)))


def ensure_service_topics(settings: PlatformSettings, *services: str) -> None:
    """The served gemeenten's topics of these services, and their dead-letter topics."""
    topics = [gemeente_topic(g, s) for g in settings.gemeenten for s in services]
    ensure_topics(settings.kafka_bootstrap_servers, [*topics, *map(dead_letter_topic, topics)])


def choreography_consumer(
    settings: PlatformSettings,
    application: GemeenteApplication,
    policy: Policy,
    upstream: str,
    upstream_application: Application[UUID] | None,
    dead_letters: DeadLetters | None = None,
) -> Consumer:
    """The one consumer code path, two sources: Kafka mode reads the `upstream` service's
    topics of the served gemeenten, the embedded default reads its log directly."""
    if settings.platform_mode == "kafka":
        source, letters = kafka_source(settings, upstream)
        return Consumer(application, source, policy, dead_letters or letters)
    if upstream_application is None:
        raise ValueError(f"Embedded mode reads the {upstream} application's log: pass it")
    source_ = LogSource(upstream_application)
    return Consumer(application, source_, policy, dead_letters or LoggedDeadLetters())


def serve(
    settings: PlatformSettings,
    service: str,
    upstreams: Sequence[str],
    build_worker: Callable[[Any], tuple[Application[UUID], BackgroundLoop]],
) -> None:
    """The body of `python -m services.<service>.worker`: Kafka mode until SIGTERM."""
    block_stop_signals()
    configure_logging()
    ensure_service_topics(settings, service, *upstreams)
    application, loop = build_worker(settings)
    try:
        run_until_sigterm(loop)
    finally:
        application.close()
