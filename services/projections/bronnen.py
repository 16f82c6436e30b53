"""Where the read models' events come from, and how far those sources are.

- Kafka (`KafkaBronnen`): the served gemeenten's (GEMEENTEN) topics
  `<gemeente>.inburgering.<service>` for the gemeente models, and `regio.<slug>.inburgering`
  of the regions that hold a served gemeente for the regional models; every projector its
  own consumer. The projectors run in the worker; the query API asks the brokers' end
  offsets for the lag.
- Embedded (`LogBronnen`): the services' own logs, handed in by a composition root (or
  opened from their event stores with `open_logs`): the gemeente models read them as they
  are (`GemeenteLogSource`), the regional models through the `RegionalTranslator` the Kafka
  publisher uses (`RegionalLogSource`), so both paths see the same events. The projectors
  run in the same process as the query API.

`services.projections.bootstrap` chooses one of the two."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from kafka import KafkaConsumer

from services.projections.feed import FEED_GEMEENTE, SequencedKafkaSource
from services.projections.leesmodellen import REGIONALE_MODELLEN
from services.projections.projector import ReadModel
from services.projections.voortgang import EndsSource, KafkaEnds, Stand
from shared.application import GemeenteApplication
from shared.bus import make_consumer
from shared.config import PlatformSettings
from shared.consumer import (
    DeadLetters,
    EventSource,
    KafkaSource,
    LoggedDeadLetters,
    LogSource,
    Positions,
    Received,
)
from shared.contracts import validate_cloudevent
from shared.regional import (
    NietRegionaal,
    PersonLinks,
    RegionalTranslator,
    link_store,
    pseudonym_key,
)
from shared.regions import Regions, regions_from_settings
from shared.sqlstore import SQLStore
from shared.topics import gemeente_prefix, gemeente_topic, regio_topic

log = logging.getLogger(__name__)

# The services whose gemeente topics (or logs) the read models follow.
SERVICES = ("intake", "pip", "ontzorging")


# --- Embedded: the services' logs ----------------------------------------------------------------


class ServiceLogReader(GemeenteApplication):
    """Another service's event store, opened only to read its notification log (under the
    name of the application that writes it: its tables and the positions `log:<name>`)."""

    def __init__(self, name: str, env: Mapping[str, str]) -> None:
        self.name = name
        super().__init__(env=env)


def open_logs(stores: Mapping[str, tuple[str, Mapping[str, str]]]) -> dict[str, Application[UUID]]:
    """service -> (application name, event-store env): the logs to read, opened."""
    return {service: ServiceLogReader(name, env) for service, (name, env) in stores.items()}


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


class RegionalLogSource:
    """Embedded: the regional stream read from the services' own logs. Each record of each
    log passes the `RegionalTranslator` of its gemeente's region (the one the Kafka publisher
    uses), so the read models get the same regional events on both paths. Records that do
    not go to a region (another event type, a gemeente in no configured region) advance the
    position without an event; records the region refuses go to the dead letters.

    Positions are this source's own: `regio:<log name>` per service log."""

    def __init__(
        self,
        applications: Iterable[Application[UUID]],
        regions: Regions,
        key: bytes,
        links: PersonLinks,
        dead_letters: DeadLetters | None = None,
        regios: Iterable[str] | None = None,
    ) -> None:
        self.logs = [LogSource(application) for application in applications]
        self.dead_letters = dead_letters or LoggedDeadLetters()
        self.translators: dict[str, RegionalTranslator] = {}
        for regio in regios if regios is not None else regions.regios:
            naam = regions.naam_van(regio)
            gemeenten = regions.gemeenten_van(naam)
            translator = RegionalTranslator(naam, gemeenten, key, links)
            self.translators.update(dict.fromkeys(gemeenten, translator))

    @staticmethod
    def tracking_name(log_name: str) -> str:
        return f"regio:{log_name}"

    def _inner(self, positions: Positions) -> Positions:
        return lambda name: positions(self.tracking_name(name))

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        received: list[Received] = []
        for source in self.logs:
            budget = max_records - len(received)
            if budget <= 0:
                break
            for item in source.poll(self._inner(positions), budget):
                tracking = Tracking(
                    self.tracking_name(item.tracking.application_name),
                    item.tracking.notification_id,
                )
                received.append(Received(tracking, self._translate(item.cloudevent)))
        return received

    def _translate(self, cloudevent: dict[str, Any] | None) -> dict[str, Any] | None:
        if cloudevent is None:
            return None
        translator = self.translators.get(str(cloudevent.get("gemeente")))
        if translator is None:
            return None  # a gemeente in no region we serve: nothing regional
        try:
            return translator.translate(cloudevent)
        except NietRegionaal as e:
            self.dead_letters.send(f"{type(e).__name__}: {e}", cloudevent)
            return None

    def rewind(self, positions: Positions) -> None:
        """Every poll reads from the stored positions: nothing to forget."""

    def backlog(self, positions: Positions) -> int:
        return sum(source.backlog(self._inner(positions)) for source in self.logs)


def regio_log_source(
    settings: PlatformSettings,
    applications: Iterable[Application[UUID]],
    *,
    regions: Regions | None = None,
    dead_letters: DeadLetters | None = None,
) -> RegionalLogSource:
    """The embedded regional source over the three services' applications, keyed and linked
    as the Kafka publisher would be (`PSEUDONYM_KEY`, the person-link table)."""
    return RegionalLogSource(
        applications,
        regions or regions_from_settings(settings),
        pseudonym_key(settings),
        link_store(settings),
        dead_letters,
    )


# --- Kafka ---------------------------------------------------------------------------------------


class LoggedOnly:
    """Dead letters of the projections: logged. The services' consumers and the regional
    publisher put unreadable records of these topics on `<topic>.dlq` already; several
    projectors sending each its own copy would only add noise."""

    def send(self, reason: str, cloudevent: dict[str, Any] | None, raw: Any = None) -> None:
        origin = getattr(raw, "topic", None), getattr(raw, "partition", None)
        log.error("Projections skip a record %s: %s", origin, reason)


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


def regio_topics(regions: Regions, regios: Iterable[str] | None = None) -> list[str]:
    return [
        regio_topic(regions.naam_van(r)) for r in (regios if regios is not None else regions.regios)
    ]


def regio_kafka_source(
    consumer: KafkaConsumer,
    regions: Regions,
    dead_letters: DeadLetters,
    regios: Iterable[str] | None = None,
) -> KafkaSource:
    """Kafka: the regional topics `regio.<slug>.inburgering` (all configured regions, or
    `regios`)."""
    return KafkaSource(consumer, regio_topics(regions, regios), dead_letters)


# --- The two ways -------------------------------------------------------------------------------


class LogBronnen:
    """Embedded: the read models follow the services' logs in this process."""

    def __init__(
        self, settings: PlatformSettings, upstreams: Mapping[str, Application[UUID]]
    ) -> None:
        self.settings = settings
        self.upstreams = dict(upstreams)

    def source(self, model: ReadModel, *, rebuild: bool = False) -> EventSource:
        applications = list(self.upstreams.values())
        if model.name in REGIONALE_MODELLEN:
            return regio_log_source(self.settings, applications)
        return GemeenteLogSource(applications, self.settings.gemeenten)

    def heads(self, gemeente: str | None = None) -> dict[str, int]:
        """Per service log, the position of its last record (a log serves every gemeente)."""
        return {
            f"log:{application.name}": application.recorder.max_notification_id() or 0
            for application in self.upstreams.values()
        }

    def eigen(self, positions: Mapping[str, int], gemeente: str | None) -> dict[str, int]:
        return dict(positions)

    def stand(self, store: SQLStore, model: ReadModel) -> Stand | None:
        """None: the projectors run here and tell their progress themselves."""
        return None

    def close(self) -> None:
        """The logs are the composition root's to close."""


class KafkaBronnen:
    """Kafka: the gemeente topics of the served gemeenten and their regions' topics."""

    def __init__(self, settings: PlatformSettings, lag_cache_seconds: float) -> None:
        self.settings = settings
        self.ends = KafkaEnds(settings.kafka_bootstrap_servers, lag_cache_seconds)
        self._consumers: list[KafkaConsumer] = []

    def gemeente_topics(self, gemeenten: Iterable[str] | None = None) -> list[str]:
        served = self.settings.gemeenten if gemeenten is None else gemeenten
        return [gemeente_topic(g, service) for g in served for service in SERVICES]

    def regio_topics(self) -> list[str]:
        regions = regions_from_settings(self.settings)
        served = {regions.regio_van(g) for g in self.settings.gemeenten}
        return [regio_topic(r) for r in sorted(r for r in served if r is not None)]

    def topics(self, model: ReadModel) -> list[str]:
        if model.name in REGIONALE_MODELLEN:
            return self.regio_topics()
        return self.gemeente_topics()

    def source(self, model: ReadModel, *, rebuild: bool = False) -> EventSource:
        """A fresh source of `model`'s events (every projector its own: Kafka consumers
        keep their own assignment and fetch positions). For a rebuild, one that reads on
        until the positions reach the topics' end offsets."""
        consumer = make_consumer(self.settings.kafka_bootstrap_servers)
        self._consumers.append(consumer)
        # The gemeente feed numbers events by their sequence: it must see each topic's
        # partitions merged in sequence order, or a reader paging along skips events.
        kind = SequencedKafkaSource if model is FEED_GEMEENTE else KafkaSource
        kafka = kind(consumer, self.topics(model), LoggedOnly(), validate_cloudevent)
        return UntilCaughtUp(kafka) if rebuild else kafka

    def heads(self, gemeente: str | None = None) -> dict[str, int]:
        """Per topic-partition of the (one) gemeente's topics, its end offset."""
        if gemeente is not None and gemeente not in self.settings.gemeenten:
            return {}  # not served: no topics of it are read
        return self.ends.ends(self.gemeente_topics(None if gemeente is None else [gemeente]))

    def eigen(self, positions: Mapping[str, int], gemeente: str | None) -> dict[str, int]:
        """The positions of the sources that carry the gemeente's events: its own topics."""
        if gemeente is None:
            return dict(positions)
        prefix = f"kafka:{gemeente_prefix(gemeente)}"
        return {name: p for name, p in positions.items() if name.startswith(prefix)}

    def stand(self, store: SQLStore, model: ReadModel) -> Stand | None:
        """The projectors run in the worker: their stored positions, and the topics' ends."""
        return Stand(store, model, EndsSource(self.ends, self.topics(model)))

    def close(self) -> None:
        self.ends.close()
        for consumer in self._consumers:
            consumer.close()
        self._consumers.clear()
