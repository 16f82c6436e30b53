"""How far the read models have caught up: the end offsets of Kafka topics, the backlog of
a projector that runs in another process, and the `Voortgang` the query API reports."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition

from services.projections.projector import Generations, ReadModel
from shared.bus import make_consumer
from shared.consumer import KafkaSource, Positions, Received
from shared.sqlstore import SQLStore


@dataclass(frozen=True)
class Voortgang:
    """How far a read model's active generation has caught up."""

    generatie: int
    positie: dict[str, int]
    achterstand: int | None  # None: the sources could not be asked


class KafkaEnds:
    """End offsets of topic partitions (tracking name -> offset), asked of the brokers at
    most every `ttl` seconds. One consumer, used under a lock: requests come in threads."""

    def __init__(self, bootstrap_servers: str, ttl: float) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.ttl = ttl
        self._consumer: KafkaConsumer | None = None
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], tuple[float, dict[str, int]]] = {}

    def ends(self, topics: Sequence[str]) -> dict[str, int]:
        key = tuple(sorted(topics))
        with self._lock:
            cached = self._cache.get(key)
            if cached and time.monotonic() - cached[0] < self.ttl:
                return cached[1]
            if self._consumer is None:
                # Asking about a topic must not create it.
                self._consumer = make_consumer(
                    self.bootstrap_servers, allow_auto_create_topics=False
                )
            partitions = [
                TopicPartition(topic, p)
                for topic in key
                for p in sorted(self._consumer.partitions_for_topic(topic) or ())
            ]
            offsets = self._consumer.end_offsets(partitions, timeout_ms=5000) if partitions else {}
            ends = {KafkaSource.tracking_name(p): int(offset) for p, offset in offsets.items()}
            self._cache[key] = (time.monotonic(), ends)
            return ends

    def close(self) -> None:
        with self._lock:
            if self._consumer is not None:
                self._consumer.close()
                self._consumer = None


class EndsSource:
    """Counts only: the backlog of some topics, against positions kept elsewhere."""

    def __init__(self, ends: KafkaEnds, topics: Sequence[str]) -> None:
        self._ends = ends
        self.topics = list(topics)

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        return []

    def rewind(self, positions: Positions) -> None:
        """Nothing read, nothing to forget."""

    def backlog(self, positions: Positions) -> int:
        return sum(max(0, end - positions(n)) for n, end in self._ends.ends(self.topics).items())


class Stand:
    """A projector as the query API sees it when the projector runs elsewhere (the Kafka
    worker): its model, its stored positions, and a source that counts what is left."""

    def __init__(self, store: SQLStore, model: ReadModel, source: EndsSource) -> None:
        self.store = store
        self.model = model
        self.source = source

    def position(self, name: str) -> int:
        generations = Generations(self.store)
        generation = generations.active(self.model.name)
        if generation is None:
            return 0
        return generations.positions(self.model.name, generation).get(name, 0)
