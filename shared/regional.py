"""The regional stream: per arbeidsmarktregio one topic, `regio.<slug>.inburgering`, with
only what regional coordination needs (counts per route, provider and level, hours, exam
results, timeliness) and no personal data.

What passes is an explicit allow-list per CloudEvent type (`ALLOW_LIST`): an event type that
is not listed is not published regionally at all, and of a listed type only the listed
fields pass, each in the shape its kind allows (a date, a boolean, a number, a code, a short
organisation name). No listed field may be one that any domain event class names in its
`persoonsgegevens` (tests/backbone/test_regional_stream.py walks them all).

The person is replaced by a pseudonym: HMAC-SHA256(PSEUDONYM_KEY, "persoon" + region slug +
inburgeraar id), the first 32 hex digits. It is the same for one person across all events
of one region, so regional analysts can count persons and follow a path; it differs per
region; without the key it cannot be recomputed from an id, nor reversed. The regional event
gets a new id, a UUIDv5 of the original source and id under a namespace derived from the
key and the region, so a re-send carries the same id while nobody without the key can
compute which regional event belongs to which gemeente event.

Which inburgeraar an event is about: intake's aggregate id is the inburgeraar id; PIP's
(traject) and ontzorging's aggregate ids are one-way UUIDv5s of gemeente and inburgeraar id.
Their creation events (`PIPOpgesteld`, `OntzorgingGestart`) carry `inburgeraarId`; the
publisher keeps that link (aggregate id -> inburgeraar id) in a small table beside its
positions and resolves later events of the aggregate through it. The creation event is the
aggregate's first record on the same partition, so the link is always known before it is
needed; an event of a listed type whose person cannot be resolved is dead-lettered rather
than published under a second, unlinked pseudonym.

A person is a person per gemeente: after a move to another gemeente the intake registers a
new inburgeraar (new id), so within one region the two are two pseudonyms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import sqlite3
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import Any, Protocol

import psycopg
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from pydantic.alias_generators import to_camel

from shared.bus import make_consumer, make_producer
from shared.cloudevents import (
    SCHEMA_BASE,
    SPECVERSION,
    TYPE_PREFIX,
    service_of_type,
    source_of,
    to_kafka,
)
from shared.config import PlatformSettings
from shared.consumer import DeadLetters, KafkaDeadLetters, KafkaSource, Received
from shared.gemeenten import is_gemeentecode
from shared.positions import PositionStore, position_store
from shared.regions import Regions, regio_slug, regions_from_settings
from shared.topics import gemeente_topic, regio_topic

log = logging.getLogger(__name__)

SERVICES = ("intake", "pip", "ontzorging")
# Services whose aggregate id is the inburgeraar id itself.
PERSON_AGGREGATE_SERVICES = frozenset({"intake"})
PSEUDONYM_HEX_DIGITS = 32
REGIONAL_SERVICE = "regio"


class Kind(Enum):
    """The shape a regional field's value must have; anything else is refused."""

    DATE = "date"  # YYYY-MM-DD
    BOOL = "bool"
    COUNT = "count"  # a whole number 0..COUNT_MAX
    CODE = "code"  # an enum value: letters, digits, underscore, at most CODE_MAX_LENGTH
    ORGANISATION = "organisation"  # a provider's name: one line, at most ORGANISATION_MAX_LENGTH


DATE, BOOL, COUNT, CODE, ORG = Kind.DATE, Kind.BOOL, Kind.COUNT, Kind.CODE, Kind.ORGANISATION

# The limits of the kinds; shared.contracts publishes them in the regional JSON Schemas.
COUNT_MAX = 100_000
CODE_MAX_LENGTH = 40
CODE_PATTERN = rf"^[A-Za-z0-9_]{{1,{CODE_MAX_LENGTH}}}$"
ORGANISATION_MAX_LENGTH = 120

# CloudEvent type -> {event field (snake_case, as in the domain event) -> kind}. Exactly
# these fields pass; everything else in the event, and every type not listed, is dropped.
_ALLOWED: dict[str, dict[str, Kind]] = {
    # Registration: who enters the obligation, from when (not name, BSN, birth date, address,
    # nor vestigingsdatum).
    "nl.inburgering.intake.inburgeraar-geregistreerd.v1": {
        "doelgroep": CODE,
        "datum_start_inburgeringsplicht": DATE,
    },
    # Brede intake completed: the advised route and the dates of the clock.
    "nl.inburgering.intake.intake-afgerond.v1": {
        "doelgroep": CODE,
        "leerroute": CODE,
        "datum_start_inburgeringsplicht": DATE,
        "afrondingsdatum": DATE,
    },
    # PIP set: route, level, components, and whether the first PIP came within ten weeks
    # (not begeleiding, the free-text guidance; not ontzorging, which says bijstand).
    "nl.inburgering.pip.pip-vastgesteld.v1": {
        "pip_versie": COUNT,
        "is_eerste_pip": BOOL,
        "dagtekening": DATE,
        "leerroute": CODE,
        "niveau": CODE,
        "map": BOOL,
        "knm": BOOL,
        "pvt_intensiteit_uren": COUNT,
        "binnen_tien_weken": BOOL,
    },
    # Afschalen B1 -> A2 is a new PIP version with another level.
    "nl.inburgering.pip.niveau-afgeschaald.v1": {
        "pip_versie": COUNT,
        "dagtekening": DATE,
        "van_niveau": CODE,
        "naar_niveau": CODE,
    },
    "nl.inburgering.pip.inburgeringstermijn-gestart.v1": {"startdatum": DATE, "einddatum": DATE},
    # Extended: the dates only; the reason (illness, birth) and its explanation stay home.
    "nl.inburgering.pip.inburgeringstermijn-verlengd.v1": {
        "vorige_einddatum": DATE,
        "nieuwe_einddatum": DATE,
    },
    # Hours per provider (an organisation) and quality mark: what regions buy together.
    "nl.inburgering.pip.cursusuren-geregistreerd.v1": {
        "soort": CODE,
        "aanbieder": ORG,
        "keurmerk": BOOL,
        "uren": COUNT,
        "peildatum": DATE,
    },
    "nl.inburgering.pip.examenuitslag-ontvangen.v1": {
        "onderdeel": CODE,
        "behaald": BOOL,
        "niveau": CODE,
        "examendatum": DATE,
    },
    "nl.inburgering.pip.taalniveau-behaald.v1": {"niveau": CODE, "datum": DATE},
    "nl.inburgering.pip.knm-behaald.v1": {"examendatum": DATE},
    # Obligation met: the date only. Its `grond` (diploma, vrijstelling, ontheffing, ...) is
    # left out: `grond` is personal data in OntheffingVerleend (a medical ground), and a
    # field name personal anywhere passes nowhere.
    "nl.inburgering.pip.inburgeringsplicht-voldaan.v1": {"datum": DATE},
    # Ontzorging: dates only; no amounts, creditors, IBANs or reasons for ending.
    "nl.inburgering.ontzorging.ontzorging-gestart.v1": {
        "beschikkingsdatum": DATE,
        "startdatum_bijstand": DATE,
    },
    "nl.inburgering.ontzorging.budgetbeheer-gestart.v1": {"startdatum": DATE},
    "nl.inburgering.ontzorging.financieel-zelfredzaam-vastgesteld.v1": {"vaststellingsdatum": DATE},
}
ALLOW_LIST: Mapping[str, Mapping[str, Kind]] = MappingProxyType(
    {ce_type: MappingProxyType(fields) for ce_type, fields in _ALLOWED.items()}
)


def regional_type(ce_type: str) -> str:
    """nl.inburgering.<service>.<event>.v<n> -> nl.inburgering.regio.<event>.v1"""
    service_of_type(ce_type)  # raises for anything that is not an inburgering type
    return f"{TYPE_PREFIX}.{REGIONAL_SERVICE}.{ce_type.split('.')[3]}.v1"


_REGIONAL_TYPES = [regional_type(t) for t in ALLOW_LIST]
assert len(set(_REGIONAL_TYPES)) == len(_REGIONAL_TYPES), "two types map to one regional type"


def regional_source(regio: str) -> str:
    return f"urn:nld:regio:{regio_slug(regio)}:systeem:inburgering-regio"


# --- Refusals ------------------------------------------------------------------------------


class NietRegionaal(ValueError):
    """An event the regional stream refuses: it goes to the dead letters, not to the region."""


class BuitenRegio(NietRegionaal):
    pass


class OnbekendePersoon(NietRegionaal):
    pass


class OngeldigeWaarde(NietRegionaal):
    pass


# --- Pseudonyms and ids --------------------------------------------------------------------


def _mac(key: bytes, *parts: str) -> bytes:
    message = "\x1f".join(parts).encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def pseudonym(key: bytes, regio: str, persoon_id: str) -> str:
    """The person's reference on the region's stream: stable per region, keyed, one-way."""
    if not key:
        raise ValueError("pseudonym key is empty")
    digest = _mac(key, "persoon", regio_slug(regio), persoon_id)
    return digest.hex()[:PSEUDONYM_HEX_DIGITS]


def regional_id(key: bytes, regio: str, source: str, event_id: str) -> str:
    """A new CloudEvents id, the same for every re-send of the same original event."""
    namespace = uuid.UUID(bytes=_mac(key, "bericht", regio_slug(regio))[:16])
    return str(uuid.uuid5(namespace, f"{source}#{event_id}"))


def pseudonym_key(settings: PlatformSettings) -> bytes:
    assert settings.pseudonym_key is not None  # the settings fill in the development key
    return settings.pseudonym_key.get_secret_value().encode()


# --- Which person an event is about ---------------------------------------------------------


class PersonLinks(Protocol):
    """Aggregate id -> inburgeraar id, learned from events that carry both."""

    def get(self, aggregate_id: str) -> str | None: ...

    def put(self, aggregate_id: str, person_id: str) -> None: ...


def _uuid_text(value: Any, what: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise OngeldigeWaarde(f"{what} is geen UUID") from None


def explicit_person(cloudevent: Mapping[str, Any]) -> str | None:
    """The inburgeraar id the event's data names, if any."""
    value = cloudevent.get("data", {}).get("inburgeraarId")
    return None if value is None else _uuid_text(value, "inburgeraarId")


def learn(links: PersonLinks, cloudevent: Mapping[str, Any]) -> None:
    """Remember which inburgeraar an aggregate is about, when the event says so."""
    person = explicit_person(cloudevent)
    subject = cloudevent.get("subject")
    if person is None or subject is None:
        return
    aggregate = _uuid_text(subject, "subject")
    if aggregate != person:
        links.put(aggregate, person)


def person_of(cloudevent: Mapping[str, Any], links: PersonLinks | None = None) -> str:
    """The inburgeraar id behind an event: named in the data, the aggregate itself (intake),
    or linked from an earlier event of the same aggregate."""
    explicit = explicit_person(cloudevent)
    if explicit is not None:
        return explicit
    subject = cloudevent.get("subject")
    if subject is None:
        raise OnbekendePersoon("het event noemt geen aggregate (subject)")
    aggregate = _uuid_text(subject, "subject")
    if service_of_type(cloudevent["type"]) in PERSON_AGGREGATE_SERVICES:
        return aggregate
    linked = links.get(aggregate) if links is not None else None
    if linked is None:
        raise OnbekendePersoon(
            f"geen inburgeraar bekend voor aggregate {aggregate} ({cloudevent['type']})"
        )
    return linked


# --- The translation ------------------------------------------------------------------------

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CODE = re.compile(CODE_PATTERN)


def _checked(kind: Kind, name: str, value: Any) -> Any:
    if value is None:
        return None
    ok = False
    # fullmatch: `$` in `match` would also let a trailing newline through.
    if kind is Kind.DATE and isinstance(value, str) and _DATE.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
            ok = True
        except ValueError:
            ok = False
    elif kind is Kind.BOOL:
        ok = isinstance(value, bool)
    elif kind is Kind.COUNT:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= COUNT_MAX
    elif kind is Kind.CODE:
        ok = isinstance(value, str) and bool(_CODE.fullmatch(value))
    elif kind is Kind.ORGANISATION:
        ok = (
            isinstance(value, str)
            and 0 < len(value) <= ORGANISATION_MAX_LENGTH
            and value.isprintable()
        )
    if not ok:
        raise OngeldigeWaarde(f"{name}: geen geldige waarde van soort {kind.value}")
    return value


def _registration_time(value: Any) -> str | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise OngeldigeWaarde("time is geen RFC 3339-tijdstip") from None
    if moment.tzinfo is None:
        raise OngeldigeWaarde("time heeft geen tijdzone")
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def to_regional(
    cloudevent: Mapping[str, Any], regio: str, key: bytes, *, persoon_id: str | None = None
) -> dict[str, Any] | None:
    """The regional CloudEvent for `cloudevent`, or None when its type does not go to the
    region. `persoon_id` is the inburgeraar id behind the event; without it, the event must
    name the person itself (see `person_of`). Raises NietRegionaal for an event that should
    go to the region but cannot (unknown person, a value of the wrong shape)."""
    fields = ALLOW_LIST.get(cloudevent["type"])
    if fields is None:
        return None
    gemeente = cloudevent.get("gemeente")
    if not isinstance(gemeente, str) or not is_gemeentecode(gemeente):
        raise OngeldigeWaarde(f"gemeente {gemeente!r} is geen CBS-gemeentecode")
    persoon = pseudonym(key, regio, persoon_id or person_of(cloudevent))
    source = regional_source(regio)
    ce_type = regional_type(cloudevent["type"])
    original = cloudevent.get("data", {})
    data: dict[str, Any] = {"persoon": persoon, "gemeente": gemeente}
    for name, kind in fields.items():
        camel = to_camel(name)
        if camel in original:
            data[camel] = _checked(kind, camel, original[camel])
    regional = {
        "specversion": SPECVERSION,
        "id": regional_id(key, regio, str(cloudevent["source"]), str(cloudevent["id"])),
        "source": source,
        "type": ce_type,
        "subject": persoon,
        "time": _registration_time(cloudevent.get("time")),
        "datacontenttype": "application/json",
        "dataschema": f"{SCHEMA_BASE}/{ce_type}.json",
        "partitionkey": persoon,
        "gemeente": gemeente,
        "data": data,
    }
    return {k: v for k, v in regional.items() if v is not None}


class RegionalTranslator:
    """Learns person links from every event of the region and translates the listed ones;
    shared by the Kafka publisher and an embedded path reading the service logs."""

    def __init__(
        self, regio: str, gemeenten: Iterable[str], key: bytes, links: PersonLinks
    ) -> None:
        self.regio = regio
        self.gemeenten = frozenset(gemeenten)
        self.key = key
        self.links = links

    def translate(self, cloudevent: Mapping[str, Any]) -> dict[str, Any] | None:
        gemeente = cloudevent.get("gemeente")
        if gemeente not in self.gemeenten:
            raise BuitenRegio(f"gemeente {gemeente!r} hoort niet bij regio {self.regio!r}")
        try:
            service = service_of_type(str(cloudevent.get("type")))
        except ValueError as e:
            raise OngeldigeWaarde(str(e)) from None
        if cloudevent.get("source") != source_of(gemeente, service):
            raise BuitenRegio(
                f"source {cloudevent.get('source')!r} is niet die van {gemeente} ({service})"
            )
        learn(self.links, cloudevent)
        if cloudevent["type"] not in ALLOW_LIST:
            return None
        persoon_id = person_of(cloudevent, self.links)
        return to_regional(cloudevent, self.regio, self.key, persoon_id=persoon_id)


# --- Where the links are kept ---------------------------------------------------------------


class MemoryLinks:
    def __init__(self) -> None:
        self._links: dict[str, str] = {}

    def get(self, aggregate_id: str) -> str | None:
        return self._links.get(aggregate_id)

    def put(self, aggregate_id: str, person_id: str) -> None:
        self._links.setdefault(aggregate_id, person_id)


class _CachedLinks(ABC):
    """A link never changes, so it is cached once read or written."""

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def get(self, aggregate_id: str) -> str | None:
        if aggregate_id not in self._cache:
            found = self._select(aggregate_id)
            if found is None:
                return None
            self._cache[aggregate_id] = found
        return self._cache[aggregate_id]

    def put(self, aggregate_id: str, person_id: str) -> None:
        known = self.get(aggregate_id)
        if known is None:
            self._insert(aggregate_id, person_id)
            known = self._select(aggregate_id)
            assert known is not None
            self._cache[aggregate_id] = known
        if known != person_id:
            log.error("Aggregate %s is already linked to another inburgeraar", aggregate_id)

    @abstractmethod
    def _select(self, aggregate_id: str) -> str | None: ...

    @abstractmethod
    def _insert(self, aggregate_id: str, person_id: str) -> None: ...


class SQLiteLinks(_CachedLinks):
    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path
        with sqlite3.connect(self._path) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS regional_person_links "
                "(aggregate_id TEXT PRIMARY KEY, person_id TEXT NOT NULL)"
            )

    def _select(self, aggregate_id: str) -> str | None:
        with sqlite3.connect(self._path) as conn:
            row = conn.execute(
                "SELECT person_id FROM regional_person_links WHERE aggregate_id = ?",
                (aggregate_id,),
            ).fetchone()
        return None if row is None else str(row[0])

    def _insert(self, aggregate_id: str, person_id: str) -> None:
        with sqlite3.connect(self._path) as conn:
            conn.execute(
                "INSERT INTO regional_person_links (aggregate_id, person_id) VALUES (?, ?) "
                "ON CONFLICT (aggregate_id) DO NOTHING",
                (aggregate_id, person_id),
            )


class PostgresLinks(_CachedLinks):
    def __init__(self, url: str, schema: str | None) -> None:
        super().__init__()
        self._url = url
        self._table = f"{schema}.regional_person_links" if schema else "regional_person_links"
        with psycopg.connect(self._url, autocommit=True) as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self._table} "
                "(aggregate_id TEXT PRIMARY KEY, person_id TEXT NOT NULL)"
            )

    def _select(self, aggregate_id: str) -> str | None:
        with psycopg.connect(self._url) as conn:
            row = conn.execute(
                f"SELECT person_id FROM {self._table} WHERE aggregate_id = %s", (aggregate_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def _insert(self, aggregate_id: str, person_id: str) -> None:
        with psycopg.connect(self._url) as conn:
            conn.execute(
                f"INSERT INTO {self._table} (aggregate_id, person_id) VALUES (%s, %s) "
                "ON CONFLICT (aggregate_id) DO NOTHING",
                (aggregate_id, person_id),
            )


def link_store(settings: PlatformSettings) -> PersonLinks:
    if settings.database_url:
        return PostgresLinks(settings.database_url, settings.database_schema)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteLinks(str(settings.data_dir / "regional_links.sqlite"))


# --- The publisher --------------------------------------------------------------------------

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

    @classmethod
    def from_settings(
        cls,
        settings: PlatformSettings,
        regio: str,
        regions: Regions | None = None,
        *,
        served_only: bool = False,
    ) -> RegionalPublisher:
        servers = settings.kafka_bootstrap_servers
        producer = make_producer(servers)
        return cls(
            regions or regions_from_settings(settings),
            regio,
            make_consumer(servers),
            producer,
            position_store(settings),
            link_store(settings),
            pseudonym_key(settings),
            KafkaDeadLetters(producer),
            gemeenten=settings.gemeenten if served_only else None,
        )

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
