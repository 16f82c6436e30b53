"""The base of every service's application: gemeente-scoped loading and conflict-safe saving."""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    ProcessRecorder,
    Tracking,
)

from shared.crypto import PersoonsgegevensMapper
from shared.domain import ConcurrencyConflict, GemeenteAggregate, NotFound, Ontvangst
from shared.keystore import Sleutelkluis, kluis_uit_env
from shared.tracing import current_span
from shared.transcoding import DateAsISO

A = TypeVar("A", bound=GemeenteAggregate)


@dataclass
class Delivery:
    """An event being processed by a consumer: where it came from (tracking) and what it is.
    While set, the use case's one save() also records the tracking and the Ontvangst."""

    tracking: Tracking
    cloudevent: dict[str, Any]
    recorded: bool = field(default=False)


current_delivery: ContextVar[Delivery | None] = ContextVar("current_delivery", default=None)


class GemeenteApplication(Application[UUID]):
    """Use cases take ids and plain values and return ids or plain values.

    Every load names the gemeenten the caller acts for; an aggregate of another gemeente
    is reported as not found, so its existence does not leak either.
    """

    def construct_recorder(self) -> ProcessRecorder:
        # A process recorder also stores consumer positions, in the same transaction.
        try:
            return self.factory.process_recorder()
        except IntegrityError:
            # Another process created the same tables at this moment (PostgreSQL's CREATE
            # TABLE IF NOT EXISTS is not race-free); now they exist, so this one succeeds.
            return self.factory.process_recorder()

    @property
    def tracking(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_mapper(self) -> Mapper[UUID]:
        """Personal-data fields are encrypted per person (crypto-shredding, shared/crypto.py)."""
        return PersoonsgegevensMapper(
            self.construct_transcoder(), kluis=self.sleutelkluis, first_state=self._first_state
        )

    _kluis: Sleutelkluis | None = None

    def sleutelkluis(self) -> Sleutelkluis:
        """The key store of this deployment's personal-data keys."""
        if self._kluis is None:
            self._kluis = kluis_uit_env(self.env, lambda: getattr(self.recorder, "datastore", None))
        return self._kluis

    def _first_state(self, originator_id: UUID) -> dict[str, Any] | None:
        stored = self.recorder.select_events(originator_id, limit=1)
        if not stored:
            return None
        state: dict[str, Any] = self.mapper.transcoder.decode(stored[0].state)
        return state

    def get_voor(self, cls: type[A], aggregate_id: UUID, gemeenten: Collection[str]) -> A:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"{cls.__name__} {aggregate_id} bestaat niet") from None
        if not isinstance(aggregate, cls) or aggregate.gemeente not in gemeenten:
            raise NotFound(f"{cls.__name__} {aggregate_id} bestaat niet")
        return aggregate

    def save(self, *objs: Any, tracking: Tracking | None = None, **kwargs: Any) -> Any:
        """Like Application.save(), and while a consumer processes an event, the same
        transaction records the consumer's position and the event's Ontvangst. The new
        events carry the current W3C `traceparent` (stored with them, published as the
        CloudEvents tracing extension)."""
        delivery = current_delivery.get()
        if delivery is not None and delivery.recorded:
            delivery = None
        if delivery is not None:
            objs = (*objs, ontvangst_van(delivery.cloudevent))
            tracking = delivery.tracking
        processing_event: ProcessingEvent[UUID] = ProcessingEvent(tracking)
        processing_event.collect_events(*objs, **kwargs)
        active = current_span.get()
        if active is not None:
            for new_event in processing_event.events:
                # The Mapper stores vars(event) and reloading restores __dict__, so the
                # attribute survives; event classes need not declare it.
                object.__setattr__(new_event, "traceparent", active.traceparent)
        try:
            recordings = self._record(processing_event)
        except IntegrityError as e:
            raise ConcurrencyConflict(
                "Iemand anders heeft dit tegelijk gewijzigd; haal de nieuwe versie op en "
                "probeer opnieuw"
            ) from e
        if delivery is not None:
            # Only once committed: after a conflict the delivery is still unrecorded, so
            # the consumer records (or retries) it instead of losing its position.
            delivery.recorded = True
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings


def ontvangst_van(cloudevent: dict[str, Any]) -> Ontvangst:
    return Ontvangst(
        gemeente=cloudevent["gemeente"],
        bron=cloudevent["source"],
        bericht_id=cloudevent["id"],
        bericht_type=cloudevent["type"],
    )
