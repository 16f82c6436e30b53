"""Consumers: one code path, two sources.

A `Consumer` runs a service's policy over events from an `EventSource`: in the embedded
default a `LogSource` reads another service's notification log directly; with Kafka a
`KafkaSource` reads the gemeente topics. Either way the consumer's position is stored in
the same transaction as the effect (eventsourcing tracking), it resumes from there, and an
event seen twice (same CloudEvents source and id) changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from shared.application import (
    Delivery,
    GemeenteApplication,
    current_delivery,
    ontvangst_van,
)
from shared.cloudevents import InvalidCloudEvent, from_kafka
from shared.crypto import is_versleuteld, ontsleutel_data
from shared.domain import ConcurrencyConflict, DomainError, Ontvangst
from shared.eventlog import ServiceLog
from shared.topics import dead_letter_topic
from shared.tracing import continue_from, span

log = logging.getLogger(__name__)

Positions = Callable[[str], int]


@dataclass(frozen=True)
class Received:
    """One record from a source: its position, and the event if it is one for us."""

    tracking: Tracking
    cloudevent: dict[str, Any] | None
    raw: Any = None


class EventSource(Protocol):
    def poll(self, positions: Positions, max_records: int) -> list[Received]: ...

    def rewind(self, positions: Positions) -> None:
        """Forget what was polled but not committed (a source that reads from the stored
        positions on every poll has nothing to forget)."""


class DeadLetters(Protocol):
    def send(self, reason: str, cloudevent: dict[str, Any] | None, raw: Any = None) -> None: ...


class LoggedDeadLetters:
    """Embedded mode: dead letters are logged as errors and kept for inspection."""

    def __init__(self) -> None:
        self.letters: list[tuple[str, dict[str, Any] | None]] = []

    def send(self, reason: str, cloudevent: dict[str, Any] | None, raw: Any = None) -> None:
        log.error("Dead letter: %s (%s)", reason, cloudevent and cloudevent.get("id"))
        self.letters.append((reason, cloudevent))


class KafkaDeadLetters:
    """`<topic>.dlq`, the original record with the reason in a `dlq_reason` header."""

    def __init__(self, producer: KafkaProducer, default_topic: str = "inburgering.dlq") -> None:
        self.producer = producer
        self.default_topic = default_topic

    def send(self, reason: str, cloudevent: dict[str, Any] | None, raw: Any = None) -> None:
        headers: list[tuple[str, bytes]] = [("dlq_reason", reason.encode())]
        if isinstance(raw, ConsumerRecord):
            headers += [(k, v) for k, v in raw.headers or [] if k != "dlq_reason"]
            headers.append(("dlq_origin", f"{raw.topic}:{raw.partition}:{raw.offset}".encode()))
            topic, key, value = dead_letter_topic(raw.topic), raw.key, raw.value
        else:
            topic, key, value = self.default_topic, None, repr(cloudevent).encode()
        self.producer.send(topic, key=key, value=value, headers=headers).get(timeout=30)


class LogSource:
    """Embedded: another service's notification log, read in order."""

    def __init__(self, upstream: Application[UUID]) -> None:
        self.log = ServiceLog(upstream)
        self.name = f"log:{upstream.name}"

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        return [
            Received(Tracking(self.name, position), cloudevent)
            for position, cloudevent in self.log.read(positions(self.name), max_records)
        ]

    def rewind(self, positions: Positions) -> None:
        """Every poll reads from the stored position: nothing to forget."""

    def backlog(self, positions: Positions) -> int:
        return max(0, self.log.head() - positions(self.name))


Validator = Callable[[dict[str, Any]], None]


class KafkaSource:
    """Kafka: the partitions of the given topics, from the consumer's own positions
    (offset + 1 per topic-partition), never from committed consumer-group offsets."""

    def __init__(
        self,
        consumer: KafkaConsumer,
        topics: Iterable[str],
        dead_letters: DeadLetters,
        validate: Validator | None = None,
    ) -> None:
        self.consumer = consumer
        self.topics = list(topics)
        self.dead_letters = dead_letters
        self.validate = validate
        self._assigned: set[TopicPartition] = set()

    @staticmethod
    def tracking_name(partition: TopicPartition) -> str:
        return f"kafka:{partition.topic}:{partition.partition}"

    def _assign(self, positions: Positions) -> None:
        partitions = {
            TopicPartition(topic, p)
            for topic in self.topics
            for p in self.consumer.partitions_for_topic(topic) or ()
        }
        if partitions == self._assigned:
            return
        self.consumer.assign(sorted(partitions))
        for partition in partitions - self._assigned:
            self.consumer.seek(partition, positions(self.tracking_name(partition)))
        self._assigned = partitions

    def backlog(self, positions: Positions) -> int:
        """Records on the assigned topics not yet behind the stored positions."""
        self._assign(positions)
        ends = self.consumer.end_offsets(sorted(self._assigned))
        return sum(max(0, end - positions(self.tracking_name(p))) for p, end in ends.items())

    def rewind(self, positions: Positions) -> None:
        """Back to the stored positions, after a batch that was not committed."""
        for partition in self._assigned:
            self.consumer.seek(partition, positions(self.tracking_name(partition)))

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        self._assign(positions)
        if not self._assigned:
            return []
        received = []
        batches = self.consumer.poll(timeout_ms=500, max_records=max_records)
        for partition, records in batches.items():
            for record in records:
                tracking = Tracking(self.tracking_name(partition), record.offset + 1)
                received.append(Received(tracking, self._read(record), record))
        return received

    def _read(self, record: ConsumerRecord) -> dict[str, Any] | None:
        try:
            cloudevent = from_kafka(record.key, record.value, record.headers)
            if self.validate:
                self.validate(cloudevent)
        except (InvalidCloudEvent, ValueError) as e:
            self.dead_letters.send(f"{type(e).__name__}: {e}", None, record)
            return None
        return cloudevent


class Policy(Protocol):
    """What a service does with other services' events. Translate and dispatch only:
    the rules live in the aggregates."""

    def handles(self, ce_type: str) -> bool: ...

    def handle(self, cloudevent: dict[str, Any]) -> None: ...


class Consumer:
    # How often an event is handled when its save meets a concurrent change.
    attempts = 3

    def __init__(
        self,
        application: GemeenteApplication,
        source: EventSource,
        policy: Policy,
        dead_letters: DeadLetters,
    ) -> None:
        self.application = application
        self.source = source
        self.policy = policy
        self.dead_letters = dead_letters

    def position(self, name: str) -> int:
        return self.application.tracking.max_tracking_id(name) or 0

    def run_once(self, max_records: int = 100) -> int:
        """Process what the source has now; returns how many records were handled."""
        received = self.source.poll(self.position, max_records)
        try:
            for item in received:
                self.process(item)
        except BaseException:
            self.source.rewind(self.position)
            raise
        return len(received)

    def run_until_idle(self, max_rounds: int = 1000) -> int:
        total = 0
        for _ in range(max_rounds):
            handled = self.run_once()
            if not handled:
                break
            total += handled
        return total

    def process(self, item: Received) -> None:
        cloudevent = item.cloudevent
        if cloudevent is None or not self.policy.handles(cloudevent["type"]):
            self.application.tracking.insert_tracking(item.tracking)
            return
        cloudevent = self.ontsleutel(cloudevent)
        # The event's processing continues its trace: same trace id, a new span whose
        # parent is the span that saved the event (W3C Trace Context over Kafka).
        with span(continue_from(cloudevent.get("traceparent"))):
            self._process(item, cloudevent)

    def _process(self, item: Received, cloudevent: dict[str, Any]) -> None:
        for attempt in range(1, self.attempts + 1):
            if self._seen(cloudevent):
                log.info("Duplicate %s %s ignored", cloudevent["type"], cloudevent["id"])
                self.application.tracking.insert_tracking(item.tracking)
                return
            delivery = Delivery(item.tracking, cloudevent)
            token = current_delivery.set(delivery)
            try:
                self.policy.handle(cloudevent)
            except ConcurrencyConflict as e:
                # Not a refusal: someone changed the same aggregate meanwhile. Handle the
                # event again on the new state; only a lasting conflict is a dead letter.
                if attempt < self.attempts:
                    continue
                self.dead_letters.send(f"{e.code}: {e.detail}", cloudevent, item.raw)
            except DomainError as e:
                # The rules refuse this event's effect: visible, never silent, and not retried.
                self.dead_letters.send(f"{e.code}: {e.detail}", cloudevent, item.raw)
            finally:
                current_delivery.reset(token)
            break
        if not delivery.recorded:
            self.application.save(ontvangst_van(cloudevent), tracking=item.tracking)

    def ontsleutel(self, cloudevent: dict[str, Any]) -> dict[str, Any]:
        """Personal fields decrypted for the policy, or null once forgotten (shared/crypto.py)."""
        if not any(is_versleuteld(v) for v in (cloudevent.get("data") or {}).values()):
            return cloudevent
        return ontsleutel_data(
            self.application.sleutelkluis(), cloudevent, self.application.mapper.transcoder
        )

    def _seen(self, cloudevent: dict[str, Any]) -> bool:
        ontvangst_id = Ontvangst.create_id(bron=cloudevent["source"], bericht_id=cloudevent["id"])
        return bool(self.application.recorder.select_events(ontvangst_id, limit=1))
