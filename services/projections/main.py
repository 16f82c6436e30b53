"""Composition root of the projections service.

    uvicorn --factory services.projections.main:create_app    # the query API
    python -m services.projections.worker                     # Kafka mode: the projectors
    python -m services.projections.rebuild <model>            # a fresh generation of one model

`Projections` is what the three share: the store (`projections`: a SQLite file in DATA_DIR,
or the PostgreSQL schema), the read models, one projector per read model, and for each model
a fresh source of its events:

- gemeente streams (caseload, signalen, monitoring, feed_gemeente): the served gemeenten's
  (GEMEENTEN) events of intake, pip and ontzorging. Embedded: the three services' own logs
  (`LogSource`); Kafka: the topics `<gemeente>.inburgering.<service>`.
- the regional stream (regio_monitoring, regio_inkoop, feed_regio): embedded, the same logs
  through the `RegionalTranslator`; Kafka, `regio.<slug>.inburgering` of the regions that
  hold a served gemeente.

The embedded platform (`services.embedded`) passes its three applications in and runs the
projectors in its background loop; on its own in embedded mode the service opens the
services' event stores to read their logs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast
from uuid import UUID

from eventsourcing.application import Application
from fastapi import FastAPI
from kafka import KafkaConsumer, TopicPartition

from services.intake import worker as intake_worker
from services.intake.config import IntakeSettings
from services.ontzorging import worker as ontzorging_worker
from services.ontzorging.config import OntzorgingSettings
from services.pip import worker as pip_worker
from services.pip.config import PipSettings
from services.projections import api, feed_api, regio_api
from services.projections.config import ProjectionsSettings
from services.projections.feed import FEED_GEMEENTE, FEED_REGIO, SequencedKafkaSource
from services.projections.gemeente import GEMEENTE_MODELS
from services.projections.projector import Generations, Projector, ReadModel
from services.projections.regio import REGIO_MODELS, regio_log_source
from shared.api import create_api
from shared.bus import make_consumer
from shared.consumer import EventSource, KafkaSource, LogSource, Positions, Received
from shared.contracts import validate_cloudevent
from shared.regions import regions_from_settings
from shared.sqlstore import SQLStore
from shared.topics import gemeente_prefix, gemeente_topic, regio_topic

log = logging.getLogger(__name__)

STORE_NAME = "projections"
SERVICES = ("intake", "pip", "ontzorging")
VERSION = "1.0.0"
DESCRIPTION = (
    "Leesmodellen per gemeente (caseload, signalen, CBS-monitoring), per arbeidsmarktregio en "
    "replay-feeds, bijgewerkt uit de events van intake, PIP en ontzorging. Elk antwoord zegt hoe "
    "ver het leesmodel is: `meta.positie` (per bron de verwerkte positie) en `meta.achterstand` "
    "(records die nog niet verwerkt zijn; 0 als het bij is), en hetzelfde in de headers "
    "`X-Positie` (`bron=positie, ...`) en `X-Achterstand`. Wie een eigen wijziging wil zien, "
    "wacht tot de positie van de bron de `sequence` van zijn event bereikt."
)


def read_models() -> tuple[list[ReadModel], list[ReadModel]]:
    """(models of the gemeente streams, models of the regional stream)."""
    return [*GEMEENTE_MODELS, FEED_GEMEENTE], [*REGIO_MODELS, FEED_REGIO]


# --- Sources ------------------------------------------------------------------------------------


class LoggedOnly:
    """Dead letters of the projections: logged. The services' consumers and the regional
    publisher put unreadable records of these topics on `<topic>.dlq` already; several
    projectors sending each its own copy would only add noise."""

    def send(self, reason: str, cloudevent: dict[str, Any] | None, raw: Any = None) -> None:
        origin = getattr(raw, "topic", None), getattr(raw, "partition", None)
        log.error("Projections skip a record %s: %s", origin, reason)


class GemeenteLogSource:
    """Embedded: the three services' logs as one source, with only the served gemeenten's
    events; other records advance the position without an event. Positions per log
    (`log:<application>`), as `LogSource` keeps them."""

    def __init__(self, applications: Iterable[Application[UUID]], gemeenten: Iterable[str]):
        self.logs = [LogSource(application) for application in applications]
        self.gemeenten = frozenset(gemeenten)

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        received: list[Received] = []
        for source in self.logs:
            budget = max_records - len(received)
            if budget <= 0:
                break
            for item in source.poll(positions, budget):
                cloudevent = item.cloudevent
                if cloudevent is not None and cloudevent.get("gemeente") not in self.gemeenten:
                    item = Received(item.tracking, None)
                received.append(item)
        return received

    def rewind(self, positions: Positions) -> None:
        """Every poll reads from the stored positions: nothing to forget."""

    def backlog(self, positions: Positions) -> int:
        return sum(source.backlog(positions) for source in self.logs)

    def heads(self) -> dict[str, int]:
        return {source.name: source.log.head() for source in self.logs}


class UntilCaughtUp:
    """A Kafka source for a rebuild, which ends at the first empty poll: a poll that comes
    back empty while the topics hold records beyond the positions (the first fetches after
    an assignment often do) polls again, until the positions reach the end offsets."""

    def __init__(self, source: KafkaSource, timeout: float = 120.0) -> None:
        self.source = source
        self.timeout = timeout

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        deadline = time.monotonic() + self.timeout
        while True:
            received = self.source.poll(positions, max_records)
            if received or self.source.backlog(positions) == 0:
                return received
            if time.monotonic() > deadline:
                behind = self.source.backlog(positions)
                raise TimeoutError(f"{behind} records on {self.source.topics} did not arrive")

    def rewind(self, positions: Positions) -> None:
        self.source.rewind(positions)

    def backlog(self, positions: Positions) -> int:
        return self.source.backlog(positions)


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


# --- Progress -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voortgang:
    """How far a read model's active generation has caught up."""

    generatie: int
    positie: dict[str, int]
    achterstand: int | None  # None: the sources could not be asked


class Closeable(Protocol):
    def close(self) -> None: ...


def open_upstreams(settings: ProjectionsSettings) -> dict[str, Application[UUID]]:
    """Embedded, on its own: the services' event stores, opened only to read their logs."""
    values = settings.model_dump()
    return {
        "intake": intake_worker.build_application(IntakeSettings(**values)),
        "pip": pip_worker.build_application(PipSettings(**values)),
        "ontzorging": ontzorging_worker.build_application(OntzorgingSettings(**values)),
    }


class Projections:
    """The store, the read models, their sources and projectors, and their progress."""

    def __init__(
        self,
        settings: ProjectionsSettings,
        upstreams: Mapping[str, Application[UUID]] | None = None,
    ) -> None:
        self.settings = settings
        self.kafka = settings.platform_mode == "kafka"
        gemeente_models, regio_models = read_models()
        self.regional = frozenset(m.name for m in regio_models)
        self.models: dict[str, ReadModel] = {m.name: m for m in [*gemeente_models, *regio_models]}
        self._owned: list[Closeable] = []
        if not self.kafka and upstreams is None:
            upstreams = open_upstreams(settings)
            self._owned += upstreams.values()
        self.upstreams = dict(upstreams or {})
        self.store = SQLStore(settings, STORE_NAME)
        self.generations = Generations(self.store)
        for model in self.models.values():
            self.generations.ensure(model)
        self.ends = KafkaEnds(settings.kafka_bootstrap_servers, settings.kafka_lag_cache_seconds)
        self._projectors: list[Projector] | None = None

    # --- topics and sources ---

    def gemeente_topics(self, gemeenten: Iterable[str] | None = None) -> list[str]:
        served = self.settings.gemeenten if gemeenten is None else gemeenten
        return [gemeente_topic(g, service) for g in served for service in SERVICES]

    def regio_topics(self) -> list[str]:
        regions = regions_from_settings(self.settings)
        served = {regions.regio_van(g) for g in self.settings.gemeenten}
        return [regio_topic(r) for r in sorted(r for r in served if r is not None)]

    def topics(self, model: ReadModel) -> list[str]:
        return self.regio_topics() if model.name in self.regional else self.gemeente_topics()

    def source(self, model: ReadModel, *, rebuild: bool = False) -> EventSource:
        """A fresh source of `model`'s events (every projector its own: Kafka consumers
        keep their own assignment and fetch positions). For a rebuild from Kafka, one that
        reads on until the positions reach the topics' end offsets."""
        if self.kafka:
            consumer = make_consumer(self.settings.kafka_bootstrap_servers)
            self._owned.append(consumer)
            validate = validate_cloudevent
            # The gemeente feed numbers events by their sequence: it must see each topic's
            # partitions merged in sequence order, or a reader paging along skips events.
            kind = SequencedKafkaSource if model is FEED_GEMEENTE else KafkaSource
            kafka = kind(consumer, self.topics(model), LoggedOnly(), validate)
            return UntilCaughtUp(kafka) if rebuild else kafka
        applications = list(self.upstreams.values())
        if model.name in self.regional:
            return regio_log_source(self.settings, applications)
        return GemeenteLogSource(applications, self.settings.gemeenten)

    def projectors(self) -> list[Projector]:
        """One projector per read model, each following its active generation."""
        if self._projectors is None:
            self._projectors = [
                Projector(self.store, model, self.source(model)) for model in self.models.values()
            ]
        return self._projectors

    def standen(self) -> list[Any]:
        """What the query API reads progress from: the projectors themselves when they run
        in this process (embedded), else their stored positions and the topics' ends."""
        if not self.kafka:
            return list(self.projectors())
        return [
            Stand(self.store, model, EndsSource(self.ends, self.topics(model)))
            for model in self.models.values()
        ]

    # --- progress ---

    def heads(self, gemeente: str | None = None) -> dict[str, int]:
        """Per source of the gemeente streams, the position of its last record."""
        if self.kafka:
            if gemeente is not None and gemeente not in self.settings.gemeenten:
                return {}  # not served: no topics of it are read
            return self.ends.ends(self.gemeente_topics(None if gemeente is None else [gemeente]))
        return {
            f"log:{application.name}": application.recorder.max_notification_id() or 0
            for application in self.upstreams.values()
        }

    def voortgang(self, model: ReadModel, gemeente: str | None = None) -> Voortgang:
        """The active generation of a gemeente-stream model, its positions (for one
        gemeente: the sources that carry that gemeente's events) and its lag."""
        generatie = self.generations.active(model.name) or self.generations.ensure(model)
        stored = self.generations.positions(model.name, generatie)
        if self.kafka and gemeente is not None:
            prefix = f"kafka:{gemeente_prefix(gemeente)}"
            stored = {name: p for name, p in stored.items() if name.startswith(prefix)}
        try:
            heads = self.heads(gemeente)
        except Exception:
            log.exception("The sources of %s do not tell how far they are", model.name)
            return Voortgang(generatie, dict(sorted(stored.items())), None)
        positie = {name: stored.get(name, 0) for name in heads} | stored
        achterstand = sum(max(0, head - positie[name]) for name, head in heads.items())
        return Voortgang(generatie, dict(sorted(positie.items())), achterstand)

    def close(self) -> None:
        self.ends.close()
        for owned in self._owned:
            owned.close()
        self._owned.clear()
        self.store.close()


def create_app(
    settings: ProjectionsSettings | None = None,
    *,
    upstreams: Mapping[str, Application[UUID]] | None = None,
) -> FastAPI:
    """The query API. `upstreams` (embedded): the services' applications whose logs the
    projectors read; without them, embedded mode opens the services' event stores."""
    settings = settings or ProjectionsSettings()
    projections = Projections(settings, upstreams)
    app = create_api(
        title="Projecties",
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        routers=[api.router, regio_api.router, feed_api.router],
        # Closed on shutdown like a service's application: create_api only calls close().
        application=cast("Application[Any]", projections),
    )
    app.state.projections = projections
    app.state.store = projections.store
    app.state.projectors = projections.standen()
    return app
