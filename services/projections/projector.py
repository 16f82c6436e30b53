"""Projectors: read models built from events, each update committed in one transaction
with the projector's position per source (topic-partition, or service log), so a restart
resumes exactly there; an event seen twice (same CloudEvents source and id) changes nothing.

A read model lives in generations: its tables carry the suffix `_g<n>`. A rebuild fills a
fresh generation from the start of history while queries keep reading the active one, and
switches over in one transaction when it has caught up."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from shared.consumer import EventSource, Received
from shared.crypto import ontsleutel_data, transcoder
from shared.keystore import kluis_bij_store
from shared.sqlstore import SQLStore, Tx, identifier


class ReadModel(Protocol):
    """Extension point: a read model is some tables and how events change them."""

    name: str

    def create(self, tx: Tx, suffix: str) -> None:
        """Create the tables of one generation (`CREATE TABLE IF NOT EXISTS <t><suffix>`)."""

    def drop(self, tx: Tx, suffix: str) -> None:
        """Drop the tables of one generation."""

    def handles(self, ce_type: str) -> bool: ...

    def apply(self, tx: Tx, cloudevent: dict[str, Any], suffix: str) -> None:
        """Change the tables for one event; called once per event (duplicates filtered).
        Personal fields arrive encrypted (shared/crypto.py), or decrypted when the model has
        a true class attribute `ontsleutelt`."""


BOOKKEEPING = (
    "CREATE TABLE IF NOT EXISTS projection_generations "
    "(model TEXT PRIMARY KEY, generation INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS projection_tracking (model TEXT NOT NULL, "
    "generation INTEGER NOT NULL, source TEXT NOT NULL, position BIGINT NOT NULL, "
    "PRIMARY KEY (model, generation, source))",
    "CREATE TABLE IF NOT EXISTS projection_seen (model TEXT NOT NULL, "
    "generation INTEGER NOT NULL, event_key TEXT NOT NULL, "
    "PRIMARY KEY (model, generation, event_key))",
)


def suffix(generation: int) -> str:
    return f"_g{generation}"


class Generations:
    """Which generation of each read model queries read, and the bookkeeping tables."""

    def __init__(self, store: SQLStore) -> None:
        self.store = store
        with store.transaction() as tx:
            for statement in BOOKKEEPING:
                tx.execute(statement)

    def active(self, model: str) -> int | None:
        rows = self.store.query(
            "SELECT generation FROM projection_generations WHERE model = ?", (model,)
        )
        return int(rows[0][0]) if rows else None

    def activate(self, tx: Tx, model: str, generation: int) -> None:
        tx.execute(
            "INSERT INTO projection_generations (model, generation) VALUES (?, ?) "
            "ON CONFLICT (model) DO UPDATE SET generation = excluded.generation",
            (model, generation),
        )

    def ensure(self, model: ReadModel) -> int:
        """The active generation, creating generation 1 the first time."""
        identifier(model.name)
        active = self.active(model.name)
        if active is not None:
            return active
        with self.store.transaction() as tx:
            model.create(tx, suffix(1))
            self.activate(tx, model.name, 1)
        return 1

    def positions(self, model: str, generation: int) -> dict[str, int]:
        rows = self.store.query(
            "SELECT source, position FROM projection_tracking WHERE model = ? AND generation = ?",
            (model, generation),
        )
        return {str(source): int(position) for source, position in rows}


class Projector:
    """Runs one read model over one source. With `generation=None` it follows the active
    generation (and moves along when a rebuild switches over)."""

    def __init__(
        self,
        store: SQLStore,
        model: ReadModel,
        source: EventSource,
        *,
        generation: int | None = None,
        on_applied: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.model = model
        self.source = source
        self.generations = Generations(store)
        self._follow_active = generation is None
        self.generation = generation or self.generations.ensure(model)
        self._positions = self.generations.positions(model.name, self.generation)
        # Fault-injection point for tests: after each applied event, inside the transaction.
        self._on_applied = on_applied
        # Models that set `ontsleutelt` get personal fields decrypted (null once forgotten).
        self.kluis = kluis_bij_store(store)

    def position(self, source: str) -> int:
        return self._positions.get(source, 0)

    def positions(self) -> dict[str, int]:
        return dict(self._positions)

    def _follow(self) -> None:
        if not self._follow_active:
            return
        active = self.generations.active(self.model.name)
        if active is not None and active != self.generation:
            self.generation = active
            self._positions = self.generations.positions(self.model.name, active)
            self.source.rewind(self.position)

    def run_once(self, max_records: int = 500) -> int:
        """One batch in one transaction; returns how many records it handled."""
        self._follow()
        received = self.source.poll(self.position, max_records)
        if not received:
            return 0
        try:
            with self.store.transaction() as tx:
                advanced = self._apply(tx, received)
        except BaseException:
            self.source.rewind(self.position)
            raise
        self._positions.update(advanced)
        return len(received)

    def run_until_idle(self, max_rounds: int = 1_000_000) -> int:
        total = 0
        for _ in range(max_rounds):
            handled = self.run_once()
            if not handled:
                break
            total += handled
        return total

    def _apply(self, tx: Tx, received: list[Received]) -> dict[str, int]:
        advanced: dict[str, int] = {}
        suffix_ = suffix(self.generation)
        for item in received:
            cloudevent = item.cloudevent
            if (
                cloudevent is not None
                and self.model.handles(cloudevent["type"])
                and self._first_time(tx, cloudevent)
            ):
                if getattr(self.model, "ontsleutelt", False):
                    cloudevent = ontsleutel_data(self.kluis, cloudevent, transcoder())
                self.model.apply(tx, cloudevent, suffix_)
                if self._on_applied:
                    self._on_applied(item.tracking.notification_id)
            name = item.tracking.application_name
            advanced[name] = max(advanced.get(name, 0), item.tracking.notification_id)
        tx.executemany(
            "INSERT INTO projection_tracking (model, generation, source, position) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (model, generation, source) "
            "DO UPDATE SET position = excluded.position",
            [(self.model.name, self.generation, s, p) for s, p in advanced.items()],
        )
        return advanced

    def _first_time(self, tx: Tx, cloudevent: dict[str, Any]) -> bool:
        key = f"{cloudevent['source']}#{cloudevent['id']}"
        inserted = tx.execute(
            "INSERT INTO projection_seen (model, generation, event_key) VALUES (?, ?, ?) "
            "ON CONFLICT (model, generation, event_key) DO NOTHING RETURNING 1",
            (self.model.name, self.generation, key),
        )
        return bool(inserted)


class Progress(Protocol):
    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


@contextmanager
def progress_bar(total: int, description: str) -> Iterator[Progress]:
    """A tqdm bar with events/s and ETA on stderr."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc=description, unit="ev", unit_scale=True, smoothing=0.1)
    try:
        yield bar
    finally:
        bar.close()


def rebuild(
    store: SQLStore,
    model: ReadModel,
    source: EventSource,
    *,
    backlog: int | None = None,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Fill a fresh generation from the start of history, then switch queries over to it in
    one transaction and drop the old tables. Queries read the old generation meanwhile."""
    generations = Generations(store)
    old = generations.ensure(model)
    new = old + 1
    with store.transaction() as tx:
        model.drop(tx, suffix(new))
        tx.execute(
            "DELETE FROM projection_tracking WHERE model = ? AND generation = ?", (model.name, new)
        )
        tx.execute(
            "DELETE FROM projection_seen WHERE model = ? AND generation = ?", (model.name, new)
        )
        model.create(tx, suffix(new))
    projector = Projector(store, model, source, generation=new)
    started = time.monotonic()
    handled = 0
    total = backlog if backlog is not None else _backlog(source, projector)
    with progress_bar(total, f"rebuild {model.name}") if show_progress else _no_bar() as bar:
        while True:
            batch = projector.run_once(2_000)
            if not batch:
                break
            handled += batch
            bar.update(batch)
    with store.transaction() as tx:
        generations.activate(tx, model.name, new)
    with store.transaction() as tx:
        model.drop(tx, suffix(old))
        tx.execute("DELETE FROM projection_tracking WHERE model = ? AND generation = ?",
                   (model.name, old))  # fmt: skip
        tx.execute("DELETE FROM projection_seen WHERE model = ? AND generation = ?",
                   (model.name, old))  # fmt: skip
    seconds = time.monotonic() - started
    return {
        "model": model.name,
        "generation": new,
        "events": handled,
        "seconds": seconds,
        "events_per_s": handled / seconds if seconds else 0.0,
    }


def _backlog(source: EventSource, projector: Projector) -> int:
    backlog = getattr(source, "backlog", None)
    return int(backlog(projector.position)) if backlog else 0


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


@contextmanager
def _no_bar() -> Iterator[Progress]:
    yield _NoBar()
