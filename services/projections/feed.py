"""Replay feeds: an archive of every CloudEvent, read back in order by integrators.

Two read models (`FEED_MODELS`), each keeping the whole CloudEvent JSON exactly as received,
once (the Projector drops a second delivery of the same `source` + `id`):

- `feed_gemeente`: every domain event per gemeente and service. Its feed position is the
  event's `sequence`, its position in the source service's log: the order in which the relay
  published it, so it agrees with the order of every partition of the gemeente topic, is the
  same on Kafka and on the embedded path, and survives a rebuild. Positions increase but
  need not be consecutive (one service log may serve several gemeenten).
- `feed_regio`: every regional event per arbeidsmarktregio. Regional events carry no
  sequence, so the archive numbers them 1, 2, 3, ... in the order it received them; within
  one partition of the regional topic that is the partition's order. A rebuild numbers anew.

Personal-data fields are archived as published: encrypted per person (shared/crypto.py). The
gemeente feed hands them on encrypted while the person's key exists (the gemeente's own
integrator decrypts with the gemeente's key store) and as null, listed in `data.verwijderd`,
once the person is forgotten; the archive itself is never rewritten.

Nothing is ever renumbered or reordered: an event that cannot be placed (no valid sequence, a
position already taken by another event, an unknown source) is logged as an error and left
out, as a consumer dead-letters what it cannot handle.

Positions that are sequences are only safe to follow if the archive takes each topic's events
in sequence order: a reader that got position 62 moves on to 63, so 61 must not arrive after
62. On a service log (embedded) that is the log's order. On Kafka a topic's partitions are
read independently, so `SequencedKafkaSource` merges them: it hands on the record with the
lowest sequence among the partitions' next records only when every other partition of the
topic has a next record, or has none now (its end offset, asked after the fetch). A record
published later carries a higher sequence, so nothing lower can still come.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kafka import TopicPartition

from services.projections.projector import Generations, ReadModel, suffix
from shared.cloudevents import TYPE_PREFIX, service_of_type
from shared.consumer import KafkaSource, Positions, Received
from shared.crypto import verwijder_data
from shared.gemeenten import is_gemeentecode
from shared.keystore import Sleutelkluis, kluis_bij_store
from shared.regional import REGIONAL_SERVICE, SERVICES
from shared.sqlstore import Tx

log = logging.getLogger(__name__)

REGIONAL_TYPE_PREFIX = f"{TYPE_PREFIX}.{REGIONAL_SERVICE}."
_REGIONAL_SOURCE = re.compile(r"^urn:nld:regio:(?P<slug>[a-z0-9-]+):systeem:inburgering-regio$")


def _text(cloudevent: Mapping[str, Any]) -> str:
    return json.dumps(cloudevent, ensure_ascii=False, separators=(",", ":"))


class GemeenteFeed:
    """Per gemeente and service, every domain event at its `sequence`."""

    name = "feed_gemeente"

    def create(self, tx: Tx, suffix: str) -> None:
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS feed_gemeente{suffix} ("
            "gemeente TEXT NOT NULL, service TEXT NOT NULL, position BIGINT NOT NULL, "
            "source TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, "
            "cloudevent TEXT NOT NULL, PRIMARY KEY (gemeente, service, position))"
        )

    def drop(self, tx: Tx, suffix: str) -> None:
        tx.execute(f"DROP TABLE IF EXISTS feed_gemeente{suffix}")

    def handles(self, ce_type: str) -> bool:
        try:
            return service_of_type(ce_type) in SERVICES
        except ValueError:
            return False

    def apply(self, tx: Tx, cloudevent: dict[str, Any], suffix: str) -> None:
        gemeente = cloudevent.get("gemeente")
        service = service_of_type(cloudevent["type"])
        sequence = str(cloudevent.get("sequence", ""))
        if not isinstance(gemeente, str) or not is_gemeentecode(gemeente):
            log.error("Feed: %s has no gemeente; left out", cloudevent["id"])
            return
        if not sequence.isdigit() or int(sequence) < 1:
            log.error("Feed: %s has no valid sequence (%r); left out", cloudevent["id"], sequence)
            return
        placed = tx.execute(
            f"INSERT INTO feed_gemeente{suffix} "
            "(gemeente, service, position, source, event_id, type, cloudevent) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (gemeente, service, position) DO NOTHING RETURNING position",
            (
                gemeente,
                service,
                int(sequence),
                cloudevent["source"],
                cloudevent["id"],
                cloudevent["type"],
                _text(cloudevent),
            ),
        )
        if not placed:
            # Another event already holds this sequence: the service's log was reset while
            # its topic kept the old records. Keep the first; never renumber.
            log.error(
                "Feed %s/%s: position %s already holds another event; %s left out",
                gemeente,
                service,
                sequence,
                cloudevent["id"],
            )


class RegioFeed:
    """Per arbeidsmarktregio, every regional event at the next position in arrival order."""

    name = "feed_regio"

    def create(self, tx: Tx, suffix: str) -> None:
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS feed_regio{suffix} ("
            "regio TEXT NOT NULL, position BIGINT NOT NULL, source TEXT NOT NULL, "
            "event_id TEXT NOT NULL, type TEXT NOT NULL, cloudevent TEXT NOT NULL, "
            "PRIMARY KEY (regio, position))"
        )

    def drop(self, tx: Tx, suffix: str) -> None:
        tx.execute(f"DROP TABLE IF EXISTS feed_regio{suffix}")

    def handles(self, ce_type: str) -> bool:
        return ce_type.startswith(REGIONAL_TYPE_PREFIX)

    def apply(self, tx: Tx, cloudevent: dict[str, Any], suffix: str) -> None:
        match = _REGIONAL_SOURCE.match(str(cloudevent.get("source")))
        if match is None:
            log.error("Feed: %s is no regional source; left out", cloudevent.get("source"))
            return
        regio = match["slug"]
        [(last,)] = tx.execute(
            f"SELECT COALESCE(MAX(position), 0) FROM feed_regio{suffix} WHERE regio = ?",
            (regio,),
        )
        tx.execute(
            f"INSERT INTO feed_regio{suffix} "
            "(regio, position, source, event_id, type, cloudevent) VALUES (?, ?, ?, ?, ?, ?)",
            (
                regio,
                int(last) + 1,
                cloudevent["source"],
                cloudevent["id"],
                cloudevent["type"],
                _text(cloudevent),
            ),
        )


FEED_GEMEENTE = GemeenteFeed()
FEED_REGIO = RegioFeed()
FEED_MODELS: list[ReadModel] = [FEED_GEMEENTE, FEED_REGIO]


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    position: int
    type: str
    cloudevent: str  # the CloudEvent's JSON text, as archived


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    head: int  # the feed's last position now (0: empty)

    @property
    def last(self) -> int | None:
        return self.entries[-1].position if self.entries else None


def _page(
    generations: Generations,
    model: ReadModel,
    where: str,
    key: tuple[Any, ...],
    vanaf: int,
    limit: int,
) -> Page:
    generation = generations.active(model.name)
    if generation is None:
        return Page([], 0)
    table = f"{model.name}{suffix(generation)}"
    store = generations.store
    rows = store.query(
        f"SELECT position, type, cloudevent FROM {table} WHERE {where} AND position >= ? "
        "ORDER BY position LIMIT ?",
        (*key, vanaf, limit),
    )
    [(head,)] = store.query(f"SELECT COALESCE(MAX(position), 0) FROM {table} WHERE {where}", key)
    return Page([Entry(int(p), str(t), str(ce)) for p, t, ce in rows], int(head))


def gemeente_page(
    generations: Generations, gemeente: str, service: str, vanaf: int, limit: int
) -> Page:
    """The gemeente's events of `service` at positions >= `vanaf`, in order."""
    where = "gemeente = ? AND service = ?"
    page = _page(generations, FEED_GEMEENTE, where, (gemeente, service), vanaf, limit)
    if not any('"versleuteld"' in entry.cloudevent for entry in page.entries):
        return page
    kluis = kluis_bij_store(generations.store)
    return Page([_zonder_vergeten(kluis, entry) for entry in page.entries], page.head)


def _zonder_vergeten(kluis: Sleutelkluis, entry: Entry) -> Entry:
    """Personal fields stay as archived (encrypted) while the person's key exists; once it
    is destroyed they read null, named in `data.verwijderd` (shared/crypto.py)."""
    if '"versleuteld"' not in entry.cloudevent:
        return entry
    cloudevent = verwijder_data(kluis, json.loads(entry.cloudevent))
    return Entry(entry.position, entry.type, _text(cloudevent))


def regio_page(generations: Generations, regio: str, vanaf: int, limit: int) -> Page:
    """The region's (slug) events at positions >= `vanaf`, in order."""
    return _page(generations, FEED_REGIO, "regio = ?", (regio,), vanaf, limit)


# --- Kafka: each topic in sequence order -----------------------------------------------------


def _sequence(item: Received) -> int | None:
    sequence = str((item.cloudevent or {}).get("sequence", ""))
    return int(sequence) if sequence.isdigit() else None


class SequencedKafkaSource(KafkaSource):
    """A `KafkaSource` that hands on each topic's records in `sequence` order across its
    partitions (see the module's docstring); per partition in offset order, so positions
    stay per partition. Records without a sequence (not a CloudEvent, not from a service
    log) pass at once. What is held back is not yet tracked: after a restart it is read
    again. A partition far ahead of the others holds at most `buffer_limit` records: the
    rest is dropped and the partition sought back to it, to be fetched again later
    (kafka-python 3.0.12's pause/resume can leave a resumed partition without fetches)."""

    def __init__(self, *args: Any, buffer_limit: int = 5_000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buffer_limit = buffer_limit
        self._held: defaultdict[TopicPartition, deque[Received]] = defaultdict(deque)

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        handed = self._hand(max_records)
        if not handed:  # nothing can go yet: fetch (waits while the topics are quiet)
            for item in super().poll(positions, max_records):
                self._held[self._partition(item)].append(item)
            self._flow_control()
            handed = self._hand(max_records)
        return handed

    def _hand(self, max_records: int) -> list[Received]:
        assigned = sorted(self.consumer.assignment())
        ends: dict[TopicPartition, int] | None = None
        handed: list[Received] = []
        for topic in self.topics:
            partitions = [p for p in assigned if p.topic == topic]
            while len(handed) < max_records:
                heads = {p: self._held[p][0] for p in partitions if self._held[p]}
                if not heads:
                    break
                loose = [p for p, item in heads.items() if _sequence(item) is None]
                empty = [p for p in partitions if p not in heads]
                if not loose and empty:
                    # An empty partition may still hold a lower sequence, unless it is at
                    # its end now (asked after the fetches that gave the held records).
                    # Behind the last fetch's high watermark it is not: no need to ask.
                    if any(self._behind_highwater(p) for p in empty):
                        break
                    ends = ends if ends is not None else self.consumer.end_offsets(assigned)
                    if any(self.consumer.position(p) < ends[p] for p in empty):
                        break
                first = loose[0] if loose else min(heads, key=lambda p: _sequence(heads[p]) or 0)
                handed.append(self._held[first].popleft())
        return handed

    def rewind(self, positions: Positions) -> None:
        """Forget what is held and read again from the stored positions."""
        self._held.clear()
        super().rewind(positions)

    def holding(self) -> dict[TopicPartition, int]:
        """How many records each partition holds back now."""
        return {partition: len(held) for partition, held in self._held.items() if held}

    def _behind_highwater(self, partition: TopicPartition) -> bool:
        highwater = self.consumer.highwater(partition)
        return highwater is not None and self.consumer.position(partition) < highwater

    @staticmethod
    def _partition(item: Received) -> TopicPartition:
        return TopicPartition(item.raw.topic, item.raw.partition)

    def _flow_control(self) -> None:
        for partition, held in self._held.items():
            if len(held) > self.buffer_limit:
                self.consumer.seek(partition, held[self.buffer_limit].raw.offset)
                while len(held) > self.buffer_limit:
                    held.pop()
