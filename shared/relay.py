"""The relay: reads one service's event store in order (its notification log) and
publishes every event to Kafka as a CloudEvent. Request handlers never write to Kafka.

Crash safety: the position is stored only after Kafka acknowledged the whole batch
(idempotent producer, acks=all). A crash in between re-sends the batch on restart; the
re-sent events keep their CloudEvents id, so consumers recognise them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from uuid import UUID

from eventsourcing.application import Application
from kafka import KafkaProducer

from shared.cloudevents import service_of_type, to_kafka
from shared.eventlog import ServiceLog
from shared.positions import PositionStore
from shared.topics import gemeente_topic

log = logging.getLogger(__name__)

AckHook = Callable[[int], None]


class Relay:
    def __init__(
        self,
        application: Application[UUID],
        producer: KafkaProducer,
        positions: PositionStore,
        *,
        batch_size: int = 500,
        after_ack: AckHook | None = None,
    ) -> None:
        self.log = ServiceLog(application)
        self.producer = producer
        self.positions = positions
        self.name = f"relay:{application.name}"
        self.batch_size = batch_size
        # Fault-injection point for tests: runs between Kafka's ack and our bookkeeping.
        self._after_ack = after_ack

    @property
    def position(self) -> int:
        return self.positions.get(self.name)

    def lag(self) -> int:
        return self.log.head() - self.position

    def publish_batch(self) -> int:
        """Publish the next batch; returns how many notifications were handled."""
        entries = self.log.read(self.position, self.batch_size)
        if not entries:
            return 0
        sends = []
        for _, cloudevent in entries:
            if cloudevent is None:
                continue
            key, value, headers = to_kafka(cloudevent)
            topic = gemeente_topic(cloudevent["gemeente"], service_of_type(cloudevent["type"]))
            sends.append(self.producer.send(topic, key=key, value=value, headers=headers))
        self.producer.flush()
        for send in sends:
            send.get(timeout=30)  # raises if Kafka did not acknowledge: position stays put
        last = entries[-1][0]
        if self._after_ack:
            self._after_ack(last)
        self.positions.set(self.name, last)
        return len(entries)

    def publish_all(self) -> int:
        """Publish until caught up with the event store."""
        total = 0
        while handled := self.publish_batch():
            total += handled
        return total
