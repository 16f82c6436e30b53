"""The regional publisher loop: reads the gemeente topics of one region's gemeenten (all
services) and publishes their regional translation (`shared.regional`) to
`regio.<slug>.inburgering`."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from shared.cloudevents import service_of_type, to_kafka
from shared.consumer import DeadLetters, KafkaDeadLetters, KafkaSource, Received
from shared.positions import PositionStore
from shared.regional import (
    SERVICES,
    BuitenRegio,
    NietRegionaal,
    OngeldigeWaarde,
    PersonLinks,
    RegionalTranslator,
)
from shared.regions import Regions, regio_slug
from shared.topics import gemeente_topic, regio_topic

AckHook = Callable[[list[Received]], None]


class RegionalPublisher:
    """Reads the gemeente topics of one region's gemeenten (all services) and publishes the
    regional events to `regio.<slug>.inburgering`.

    Crash safety as in the relay: the idempotent producer sends a batch, and only after
    Kafka acknowledged all of it are the positions (next offset per topic-partition) stored;
    a crash in between re-reads the batch and re-sends it with the same regional ids.
    Records that are no CloudEvent, or that the region refuses (wrong gemeente, unknown
    person, a value of the wrong shape), go to `<input topic>.dlq`.
    """

    def __init__(
        self,
        regions: Regions,
        regio: str,
        consumer: KafkaConsumer,
        producer: KafkaProducer,
        positions: PositionStore,
        links: PersonLinks,
        key: bytes,
        dead_letters: DeadLetters | None = None,
        *,
        gemeenten: Sequence[str] | None = None,
        after_ack: AckHook | None = None,
    ) -> None:
        self.regio = regions.naam_van(regio)
        in_region = regions.gemeenten_van(self.regio)
        # A deployment publishes only what it holds: the region's gemeenten it serves.
        self.gemeenten = [g for g in in_region if gemeenten is None or g in gemeenten]
        self.topic = regio_topic(self.regio)
        self.name = f"regio:{regio_slug(self.regio)}"
        self.input_topics = [gemeente_topic(g, s) for g in self.gemeenten for s in SERVICES]
        self.consumer = consumer
        self.producer = producer
        self.positions = positions
        self.dead_letters = dead_letters or KafkaDeadLetters(producer)
        self.translator = RegionalTranslator(self.regio, self.gemeenten, key, links)
        self.source = KafkaSource(consumer, self.input_topics, self.dead_letters)
        # Fault-injection point for tests: runs between Kafka's ack and our bookkeeping.
        self._after_ack = after_ack
        self._polled = False

    def close(self) -> None:
        self.consumer.close()
        self.producer.close()

    # --- positions ---

    def position_name(self, partition: TopicPartition) -> str:
        return f"{self.name}:{KafkaSource.tracking_name(partition)}"

    def _position(self, tracking_name: str) -> int:
        return self.positions.get(f"{self.name}:{tracking_name}")

    def _partitions(self) -> list[TopicPartition]:
        return [
            TopicPartition(topic, p)
            for topic in self.input_topics
            for p in sorted(self.consumer.partitions_for_topic(topic) or ())
        ]

    def lag(self) -> int:
        """Records on the region's gemeente topics not yet handled."""
        ends: dict[TopicPartition, int] = self.consumer.end_offsets(self._partitions())
        return sum(
            max(0, end - self.positions.get(self.position_name(p))) for p, end in ends.items()
        )

    def start_at_end(self) -> None:
        """Begin without history: skip what the gemeente topics hold now. Only before the
        first run; later events of aggregates created before this point cannot be linked
        to their person and go to the dead letters."""
        if self._polled:
            raise RuntimeError("start_at_end() only before the first run")
        ends: dict[TopicPartition, int] = self.consumer.end_offsets(self._partitions())
        for partition, end in ends.items():
            self.positions.set(self.position_name(partition), end)

    # --- running ---

    def run_once(self, max_records: int = 500) -> int:
        """Publish what the gemeente topics hold now; returns how many records were handled."""
        self._polled = True
        received = self.source.poll(self._position, max_records)
        if not received:
            return 0
        try:
            sends = []
            for item in received:
                regional = self._translate(item)
                if regional is None:
                    continue
                key, value, headers = to_kafka(regional)
                sends.append(self.producer.send(self.topic, key=key, value=value, headers=headers))
            self.producer.flush()
            for send in sends:
                send.get(timeout=30)  # raises if Kafka did not acknowledge: positions stay put
        except Exception:
            self._rewind()
            raise
        if self._after_ack:
            self._after_ack(received)
        latest: dict[str, int] = {}
        for item in received:
            name = item.tracking.application_name
            latest[name] = max(latest.get(name, 0), item.tracking.notification_id)
        for name, position in latest.items():
            self.positions.set(f"{self.name}:{name}", position)
        return len(received)

    def run_until_caught_up(self, timeout: float = 60.0) -> int:
        """Run until every record on the region's gemeente topics (as of each check) is
        handled; TimeoutError when that takes longer than `timeout` seconds."""
        deadline = time.monotonic() + timeout
        total = 0
        while self.lag() > 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: still {self.lag()} records behind")
            total += self.run_once()
        return total

    def _translate(self, item: Received) -> dict[str, Any] | None:
        cloudevent = item.cloudevent
        if cloudevent is None:
            return None  # not a CloudEvent: the source dead-lettered it
        try:
            if isinstance(item.raw, ConsumerRecord):
                self._check_topic(cloudevent, item.raw.topic)
            return self.translator.translate(cloudevent)
        except NietRegionaal as e:
            self.dead_letters.send(f"{type(e).__name__}: {e}", cloudevent, item.raw)
            return None

    @staticmethod
    def _check_topic(cloudevent: Mapping[str, Any], topic: str) -> None:
        gemeente = str(cloudevent.get("gemeente"))
        try:
            expected = gemeente_topic(gemeente, service_of_type(str(cloudevent.get("type"))))
        except ValueError as e:
            raise OngeldigeWaarde(str(e)) from None
        if expected != topic:
            raise BuitenRegio(f"een event van {gemeente} hoort niet op {topic}")

    def _rewind(self) -> None:
        """After a failed batch, read again from the stored positions."""
        for partition in self.consumer.assignment():
            self.consumer.seek(partition, self.positions.get(self.position_name(partition)))
