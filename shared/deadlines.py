"""Passing time as events: a deadline index per service, the projection that keeps it, and
the `Klok` that asks the services' use cases what is due.

The aggregates decide what is due (`agenda()`: signal -> first day it is due, and
`signaleer_verstreken_termijnen(peildatum)`); this module only remembers those days, so a
timer loads the few aggregates with something due instead of every aggregate.

- `DeadlineIndex`: a table beside the service's event store (same SQLite file or PostgreSQL
  schema) with one row per aggregate and signal still to come: (aggregate_id, signaal,
  gemeente, vanaf).
- `DeadlineProjection`: reads the service's OWN notification log through a `LogSource`;
  for every aggregate that changed it replaces that aggregate's rows with its current
  `agenda()`, and stores its position in the same transaction (eventsourcing tracking), so
  after a crash or restart it resumes exactly where it stopped. Replaying is harmless: the
  rows are the aggregate's current agenda, not a sum of changes.
- `Klok`: on each round, calls each service's `signaleer_verstreken_termijnen(today)` with
  the process clock's today (`shared.clock.current_clock`, which tests move).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Collection, Mapping, Sequence, Sized
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.popo import POPOProcessRecorder
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteProcessRecorder
from psycopg.sql import SQL, Identifier

from shared.application import GemeenteApplication
from shared.clock import current_clock
from shared.consumer import LogSource
from shared.domain import ConcurrencyConflict

log = logging.getLogger(__name__)

# aggregate id -> (gemeente, {signaal: vanaf})
Agendas = Mapping[UUID, tuple[str, Mapping[str, dt.date]]]


@runtime_checkable
class MetAgenda(Protocol):
    """An aggregate that knows when its next signals are due."""

    gemeente: str

    def agenda(self) -> Mapping[str, dt.date]: ...


class _Store(Protocol):
    def replace(self, agendas: Agendas, tracking: Tracking) -> None: ...

    def due(self, peildatum: dt.date, gemeenten: Collection[str], limit: int) -> list[UUID]: ...

    def rows(self, aggregate_id: UUID) -> dict[str, dt.date]: ...


class _SQLiteStore:
    def __init__(self, recorder: SQLiteProcessRecorder) -> None:
        self.recorder = recorder
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(
                "CREATE TABLE IF NOT EXISTS deadlines (aggregate_id TEXT NOT NULL, "
                "signaal TEXT NOT NULL, gemeente TEXT NOT NULL, vanaf TEXT NOT NULL, "
                "PRIMARY KEY (aggregate_id, signaal))"
            )
            c.execute("CREATE INDEX IF NOT EXISTS deadlines_vanaf ON deadlines (vanaf)")

    def replace(self, agendas: Agendas, tracking: Tracking) -> None:
        with self.recorder.datastore.transaction(commit=True) as c:
            for aggregate_id, (gemeente, agenda) in agendas.items():
                c.execute("DELETE FROM deadlines WHERE aggregate_id = ?", (str(aggregate_id),))
                c.executemany(
                    "INSERT INTO deadlines VALUES (?, ?, ?, ?)",
                    [(str(aggregate_id), s, gemeente, d.isoformat()) for s, d in agenda.items()],
                )
            self.recorder._insert_tracking(c, tracking)

    def due(self, peildatum: dt.date, gemeenten: Collection[str], limit: int) -> list[UUID]:
        codes = sorted(gemeenten)
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT aggregate_id FROM deadlines WHERE vanaf <= ? AND gemeente IN "
                f"({', '.join('?' * len(codes))}) GROUP BY aggregate_id "
                "ORDER BY MIN(vanaf), aggregate_id LIMIT ?",
                (peildatum.isoformat(), *codes, limit),
            )
            return [UUID(row[0]) for row in c.fetchall()]

    def rows(self, aggregate_id: UUID) -> dict[str, dt.date]:
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT signaal, vanaf FROM deadlines WHERE aggregate_id = ?", (str(aggregate_id),)
            )
            return {row[0]: dt.date.fromisoformat(row[1]) for row in c.fetchall()}


class _PostgresStore:
    def __init__(self, recorder: PostgresProcessRecorder) -> None:
        self.recorder = recorder
        prefix = recorder.tracking_table_name.removesuffix("_tracking")
        schema = Identifier(recorder.datastore.schema)
        self.table = SQL("{}.{}").format(schema, Identifier(f"{prefix}_deadlines"))
        with recorder.datastore.transaction(commit=True) as c:
            c.execute(
                SQL(
                    "CREATE TABLE IF NOT EXISTS {} (aggregate_id uuid NOT NULL, "
                    "signaal text NOT NULL, gemeente text NOT NULL, vanaf date NOT NULL, "
                    "PRIMARY KEY (aggregate_id, signaal))"
                ).format(self.table)
            )
            c.execute(
                SQL("CREATE INDEX IF NOT EXISTS {} ON {} (vanaf)").format(
                    Identifier(f"{prefix}_deadlines_vanaf"), self.table
                )
            )

    def replace(self, agendas: Agendas, tracking: Tracking) -> None:
        with self.recorder.datastore.transaction(commit=True) as c:
            if agendas:
                c.execute(
                    SQL("DELETE FROM {} WHERE aggregate_id = ANY(%s)").format(self.table),
                    (list(agendas),),
                )
            rows = [
                (aggregate_id, signaal, gemeente, vanaf)
                for aggregate_id, (gemeente, agenda) in agendas.items()
                for signaal, vanaf in agenda.items()
            ]
            if rows:
                insert = SQL("INSERT INTO {} VALUES (%s, %s, %s, %s)").format(self.table)
                c.executemany(insert, rows)
            self.recorder._insert_tracking(c, tracking)

    def due(self, peildatum: dt.date, gemeenten: Collection[str], limit: int) -> list[UUID]:
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(
                SQL(
                    "SELECT aggregate_id FROM {} WHERE vanaf <= %s AND gemeente = ANY(%s) "
                    "GROUP BY aggregate_id ORDER BY MIN(vanaf), aggregate_id LIMIT %s"
                ).format(self.table),
                (peildatum, sorted(gemeenten), limit),
            )
            return [row["aggregate_id"] for row in c.fetchall()]

    def rows(self, aggregate_id: UUID) -> dict[str, dt.date]:
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(
                SQL("SELECT signaal, vanaf FROM {} WHERE aggregate_id = %s").format(self.table),
                (aggregate_id,),
            )
            return {row["signaal"]: row["vanaf"] for row in c.fetchall()}


class _MemoryStore:
    """For an in-memory event store (eventsourcing's POPO default): gone with the process,
    as the events are."""

    def __init__(self, recorder: POPOProcessRecorder) -> None:
        self.recorder = recorder
        self._rows: dict[UUID, tuple[str, dict[str, dt.date]]] = {}
        self._lock = threading.Lock()

    def replace(self, agendas: Agendas, tracking: Tracking) -> None:
        with self._lock:
            for aggregate_id, (gemeente, agenda) in agendas.items():
                self._rows[aggregate_id] = (gemeente, dict(agenda))
            self.recorder.insert_tracking(tracking)

    def due(self, peildatum: dt.date, gemeenten: Collection[str], limit: int) -> list[UUID]:
        with self._lock:
            due = [
                (min(agenda.values()), aggregate_id)
                for aggregate_id, (gemeente, agenda) in self._rows.items()
                if gemeente in gemeenten and agenda and min(agenda.values()) <= peildatum
            ]
        return [aggregate_id for _, aggregate_id in sorted(due)[:limit]]

    def rows(self, aggregate_id: UUID) -> dict[str, dt.date]:
        with self._lock:
            return dict(self._rows.get(aggregate_id, ("", {}))[1])


class DeadlineIndex:
    """Which aggregates of one service have a signal due, without loading any of them."""

    def __init__(self, application: GemeenteApplication) -> None:
        recorder = application.tracking
        self._store: _Store
        if isinstance(recorder, PostgresProcessRecorder):
            self._store = _PostgresStore(recorder)
        elif isinstance(recorder, SQLiteProcessRecorder):
            self._store = _SQLiteStore(recorder)
        elif isinstance(recorder, POPOProcessRecorder):
            self._store = _MemoryStore(recorder)
        else:
            raise TypeError(f"No deadline index for {type(recorder).__name__}")

    def replace(self, agendas: Agendas, tracking: Tracking) -> None:
        """Each aggregate's rows become its agenda; `tracking` is stored in the same
        transaction."""
        self._store.replace(agendas, tracking)

    def due(self, peildatum: dt.date, gemeenten: Collection[str], limit: int = 100) -> list[UUID]:
        """Aggregates of these gemeenten with a signal due on or before `peildatum`, the
        longest overdue first."""
        if not gemeenten:
            return []
        return self._store.due(peildatum, gemeenten, limit)

    def rows(self, aggregate_id: UUID) -> dict[str, dt.date]:
        """What the index holds for one aggregate (for inspection and tests)."""
        return self._store.rows(aggregate_id)


class DeadlineProjection:
    """Keeps a service's `DeadlineIndex` from the service's own log."""

    def __init__(self, application: GemeenteApplication, index: DeadlineIndex) -> None:
        self.application = application
        self.index = index
        self.source = LogSource(application)
        self.name = f"deadlines:{application.name}"

    def position(self) -> int:
        return self.application.tracking.max_tracking_id(self.name) or 0

    def run_once(self, max_records: int = 100) -> int:
        received = self.source.poll(lambda _: self.position(), max_records)
        if not received:
            return 0
        changed = dict.fromkeys(
            UUID(item.cloudevent["subject"]) for item in received if item.cloudevent is not None
        )
        agendas: dict[UUID, tuple[str, Mapping[str, dt.date]]] = {}
        for aggregate_id in changed:
            aggregate: Any = self.application.repository.get(aggregate_id)
            if isinstance(aggregate, MetAgenda):
                agendas[aggregate_id] = (aggregate.gemeente, aggregate.agenda())
        position = received[-1].tracking.notification_id
        self.index.replace(agendas, Tracking(self.name, position))
        return len(received)

    def run_until_idle(self, max_rounds: int = 1000) -> int:
        total = 0
        for _ in range(max_rounds):
            handled = self.run_once()
            if not handled:
                break
            total += handled
        return total


Signaleren = Callable[[dt.date], Sized]


class Klok:
    """The timer: each round asks every service what passing time has made due today."""

    def __init__(self, use_cases: Sequence[Signaleren]) -> None:
        self.use_cases = list(use_cases)

    def run_once(self) -> int:
        """How many aggregates signalled something this round."""
        peildatum = current_clock().today()
        return sum(len(use_case(peildatum)) for use_case in self.use_cases)


class TermijnApplication(GemeenteApplication):
    """An application whose aggregates keep an agenda: the deadline index beside its event
    store, and the use cases of passing time. Subclasses name the aggregate class and what
    it is called in the log."""

    termijn_aggregate: type[Any]
    termijn_naam: str = "Aggregate"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env=env)
        self.deadlines = DeadlineIndex(self)

    def signaleer_termijnen(
        self, aggregate_id: UUID, peildatum: dt.date, *, gemeenten: Collection[str]
    ) -> bool:
        """The aggregate records what `peildatum` made due; True if it recorded something."""
        aggregate = self.get_voor(self.termijn_aggregate, aggregate_id, gemeenten)
        versie = aggregate.version
        aggregate.signaleer_verstreken_termijnen(peildatum)
        if aggregate.version == versie:
            return False
        self.save(aggregate)
        return True

    def signaleer_verstreken_termijnen(
        self, peildatum: dt.date, *, gemeenten: Collection[str], limit: int = 100
    ) -> list[UUID]:
        """The timer's use case: the aggregates the deadline index names as due, each in its
        own save (one changed meanwhile does not hold up the others: the index still names
        it, so the next round tries again). Returns those that signalled."""
        gesignaleerd = []
        for aggregate_id in self.deadlines.due(peildatum, gemeenten, limit):
            try:
                if self.signaleer_termijnen(aggregate_id, peildatum, gemeenten=gemeenten):
                    gesignaleerd.append(aggregate_id)
            except ConcurrencyConflict:
                log.info(
                    "%s %s changed while signalling; the next round retries",
                    self.termijn_naam,
                    aggregate_id,
                )
        return gesignaleerd
