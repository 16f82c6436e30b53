"""A service's notification log read as CloudEvents: what the relay publishes to Kafka and
what embedded consumers read directly, converted by the same code."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent

from shared.cloudevents import to_cloudevent
from shared.crypto import PersoonsgegevensMapper


class ServiceLog:
    def __init__(self, application: Application[UUID]) -> None:
        self.application = application
        self._gemeente_of: dict[UUID, str] = {}

    @property
    def name(self) -> str:
        return self.application.name

    def head(self) -> int:
        return self.application.recorder.max_notification_id() or 0

    def gemeente_of(self, event: DomainEvent) -> str:
        gemeente = getattr(event, "gemeente", None) or self._gemeente_of.get(event.originator_id)
        if gemeente is None:
            aggregate: Any = self.application.repository.get(
                event.originator_id, version=event.originator_version
            )
            gemeente = aggregate.gemeente
        self._gemeente_of[event.originator_id] = str(gemeente)
        return str(gemeente)

    def read(self, after: int, limit: int) -> list[tuple[int, dict[str, Any] | None]]:
        """(position, CloudEvent) after `after`; None for internal bookkeeping events."""
        entries: list[tuple[int, dict[str, Any] | None]] = []
        for notification in self.application.recorder.select_notifications(after + 1, limit):
            # Published as stored: personal fields stay encrypted (shared/crypto.py).
            if isinstance(self.application.mapper, PersoonsgegevensMapper):
                event = self.application.mapper.to_domain_event(notification, ontsleutel=False)
            else:
                event = self.application.mapper.to_domain_event(notification)
            if getattr(event, "intern", False):
                entries.append((notification.id, None))
                continue
            assert isinstance(event, DomainEvent)
            cloudevent = to_cloudevent(
                event, gemeente=self.gemeente_of(event), sequence=notification.id
            )
            entries.append((notification.id, cloudevent))
        return entries
