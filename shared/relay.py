"""The relay: reads one service's event store in order (its notification log) and
publishes every event to Kafka as a CloudEvent. Request handlers never write to Kafka.

Crash safety: the position is stored only after Kafka acknowledged the whole batch
(idempotent producer, acks=all). A crash in between re-sends the batch on restart; the
re-sent events keep their CloudEvents id, so consumers recognise them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from kafka import KafkaProducer

from shared.cloudevents import service_of, to_cloudevent, to_kafka
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
        self.application = application
        self.producer = producer
        self.positions = positions
        self.name = f"relay:{application.name}"
        self.batch_size = batch_size
        # Fault-injection point for tests: runs between Kafka's ack and our bookkeeping.
        self._after_ack = after_ack
        self._gemeente_of: dict[UUID, str] = {}

    @property
    def position(self) -> int:
        return self.positions.get(self.name)

    def gemeente_of(self, event: DomainEvent) -> str:
        gemeente = getattr(event, "gemeente", None) or self._gemeente_of.get(event.originator_id)
        if gemeente is None:
            aggregate: Any = self.application.repository.get(
                event.originator_id, version=event.originator_version
            )
            gemeente = aggregate.gemeente
        self._gemeente_of[event.originator_id] = gemeente
        return str(gemeente)

    def publish_batch(self) -> int:
        """Publish the next batch; returns how many notifications were handled."""
        start = self.position + 1
        notifications = self.application.recorder.select_notifications(start, self.batch_size)
        if not notifications:
            return 0
        sends = []
        for notification in notifications:
            event = self.application.mapper.to_domain_event(notification)
            if getattr(event, "intern", False):
                continue
            assert isinstance(event, DomainEvent)
            gemeente = self.gemeente_of(event)
            cloudevent = to_cloudevent(event, gemeente=gemeente, sequence=notification.id)
            key, value, headers = to_kafka(cloudevent)
            topic = gemeente_topic(gemeente, service_of(type(event)))
            sends.append(self.producer.send(topic, key=key, value=value, headers=headers))
        self.producer.flush()
        for send in sends:
            send.get(timeout=30)  # raises if Kafka did not acknowledge: position stays put
        last = notifications[-1].id
        if self._after_ack:
            self._after_ack(last)
        self.positions.set(self.name, last)
        return len(notifications)

    def publish_all(self) -> int:
        """Publish until caught up with the event store."""
        total = 0
        while handled := self.publish_batch():
            total += handled
        return total
