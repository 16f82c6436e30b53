"""The regional stream: per arbeidsmarktregio only an allow-list of non-personal facts, under
a keyed pseudonym, and nothing of a gemeente outside the region.

The Kafka tests drive a scenario full of PLANTED personal values (bench/scenario.py)
through the three services, the relays and the regional publisher, and scan every record the
publisher wrote for those values and for the scenario's ids."""

from __future__ import annotations

import hashlib
import importlib
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, DomainEvent
from kafka import KafkaConsumer, TopicPartition
from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from bench import scenario as sc
from contracts import committed_schemas
from contracts import intake as intake_contract
from contracts import ontzorging as ontzorging_contract
from contracts import pip as pip_contract
from contracts import regio as regio_contract
from services.regio.bootstrap import build_publisher
from services.regio.publisher import RegionalPublisher
from shared import contracts
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.cloudevents import METADATA_FIELDS, event_type, from_kafka, source_of, to_kafka
from shared.config import DEVELOPMENT_PSEUDONYM_KEY, EXAMPLE_REGIO_CSV, PlatformSettings
from shared.positions import position_store
from shared.regional import (
    ALLOW_LIST,
    ALLOWED,
    SERVICES,
    Allowed,
    BuitenRegio,
    Kind,
    MemoryLinks,
    OnbekendePersoon,
    OngeldigeWaarde,
    RegionalTranslator,
    link_store,
    pseudonym,
    pseudonym_key,
    regional_id,
    regional_type,
    to_regional,
)
from shared.regions import OngeldigeRegioIndeling, load_regions, regio_slug, regions_from_settings
from shared.relay import Relay
from shared.topics import dead_letter_topic, gemeente_topic, regio_topic

DOMAIN_MODULES = [f"services.{s}.domainmodel" for s in SERVICES]
REGIO = "Achterhoek"
ACHTERHOEK = ["GM0197", "GM0222", "GM0294", "GM1509", "GM1586", "GM1859", "GM1876", "GM1955"]
BINNEN = "GM0222"  # Doetinchem
BUITEN = "GM0363"  # Amsterdam, not in the Achterhoek
KEY = b"test-pseudonym-key"
PERSOON = str(uuid.UUID(int=1))
TRAJECT = str(uuid.UUID(int=2))


# --- The event classes of the services --------------------------------------------------


def aggregates() -> list[type[Aggregate]]:
    found = []
    for name in DOMAIN_MODULES:
        module = importlib.import_module(name)
        found += [
            v
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, Aggregate) and v.__module__ == name
        ]
    return found


def event_classes() -> dict[str, type[DomainEvent]]:
    """CloudEvent type -> event class, for every event class nested in an aggregate."""
    classes: dict[str, type[DomainEvent]] = {}
    for aggregate in aggregates():
        for value in vars(aggregate).values():
            if isinstance(value, type) and issubclass(value, DomainEvent):
                classes.setdefault(event_type(value), value)
    return classes


def fields_of(event_class: type) -> set[str]:
    """The event's own data fields (what `data` carries), without class variables."""
    annotations: dict[str, Any] = {}
    for klass in reversed(event_class.__mro__):
        annotations.update(vars(klass).get("__annotations__", {}))
    return {
        name
        for name, annotation in annotations.items()
        if name not in METADATA_FIELDS and "ClassVar" not in str(annotation)
    }


def personal_fields() -> set[str]:
    """Every field any event class, or any aggregate, lists as personal data."""
    personal: set[str] = set()
    for aggregate in aggregates():
        personal |= set(getattr(aggregate, "persoonsgegevens", ()))
    for event_class in event_classes().values():
        personal |= set(getattr(event_class, "persoonsgegevens", ()))
    return personal


def test_the_walk_finds_the_events_and_their_personal_fields() -> None:
    classes = event_classes()
    assert len(classes) >= 40
    assert {"bsn", "naam", "geboortedatum", "adres", "fysieke_gezondheid", "iban"} <= (
        personal_fields()
    )
    pip_vastgesteld = classes[pip_contract.PIP_VASTGESTELD]
    assert "begeleiding" in getattr(pip_vastgesteld, "persoonsgegevens", ())


def test_the_allow_list_names_real_event_types_and_their_fields() -> None:
    classes = event_classes()
    for allowed in ALLOWED:
        ce_type = allowed.current_source
        assert ce_type in classes, f"{ce_type} is no event type of the services"
        event_class = classes[ce_type]
        assert not getattr(event_class, "intern", False)
        unknown = set(allowed.fields) - fields_of(event_class)
        assert not unknown, f"{ce_type} has no fields {unknown}"


def older_versions() -> list[tuple[Allowed, str]]:
    return [(a, source) for a in ALLOWED for source in a.sources[:-1]]


@pytest.mark.parametrize(
    ("allowed", "source"), older_versions(), ids=[s for _, s in older_versions()]
)
def test_an_older_version_on_the_allow_list_carries_the_allowed_fields(
    allowed: Allowed, source: str
) -> None:
    """Kafka history replays the older version: its contract has every allowed field,
    required wherever the regional schema requires it, and none of them personal."""
    published = committed_schemas()
    assert source in published, f"{source} was never published"
    current = contracts.json_schema(event_classes()[allowed.current_source])
    older = published[source]
    for name in allowed.fields:
        key = to_camel(name)
        assert key in older["properties"], f"{source} has no field {key}"
        if key in current.get("required", []):
            assert key in older.get("required", []), f"{source}: {key} may be missing"
        assert key not in older.get("x-persoonsgegevens", [])


def test_every_published_version_of_an_allowed_type_is_on_the_allow_list() -> None:
    """A source type that moves to a new contract version keeps its older versions listed,
    mapping to the same regional type: a region replaying from offset 0 meets them."""
    base = {source.rsplit(".v", 1)[0]: a for a in ALLOWED for source in a.sources}
    for ce_type in committed_schemas():
        allowed = base.get(ce_type.rsplit(".v", 1)[0])
        if allowed is not None:
            assert ce_type in allowed.sources, f"{ce_type} is missing from the allow-list"
            assert regional_type(ce_type) == allowed.regional_type


def test_the_allow_list_never_contains_a_personal_field() -> None:
    classes = event_classes()
    personal_anywhere = personal_fields()
    for ce_type, fields in ALLOW_LIST.items():
        if ce_type in classes:
            own = {to_camel(f) for f in getattr(classes[ce_type], "persoonsgegevens", ())}
        else:  # an older version: its published contract says what was personal
            own = set(committed_schemas()[ce_type]["x-persoonsgegevens"])
        assert not {to_camel(f) for f in fields} & own, f"{ce_type} allows its own personal fields"
        assert not set(fields) & personal_anywhere, (
            f"{ce_type} allows {set(fields) & personal_anywhere}, personal data elsewhere"
        )
        assert not {"inburgeraar_id", "pip_id", "bsn"} & set(fields)


# --- to_regional ----------------------------------------------------------------------------

SAMPLE = {
    Kind.DATE: "2026-01-02",
    Kind.BOOL: True,
    Kind.COUNT: 3,
    Kind.CODE: "b1",
    Kind.ORGANISATION: "Taalschool Voorbeeld BV",
}


def cloudevent_for(event_class: type, gemeente: str = BINNEN) -> dict[str, Any]:
    """A CloudEvent of `event_class` whose every field holds a PLANTED value, except the
    allowed fields, which hold a valid sample of their kind."""
    ce_type = event_type(event_class)
    allowed = ALLOW_LIST.get(ce_type, {})
    data: dict[str, Any] = {}
    for name in fields_of(event_class):
        data[to_camel(name)] = SAMPLE[allowed[name]] if name in allowed else f"PLANTED-{name}"
    data["inburgeraarId"] = PERSOON
    service = ce_type.split(".")[2]
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": source_of(gemeente, service),
        "type": ce_type,
        "subject": TRAJECT,
        "time": "2026-01-05T09:00:00.123456Z",
        "datacontenttype": "application/json",
        "sequence": "42",
        "sequencetype": "Integer",
        "partitionkey": TRAJECT,
        "gemeente": gemeente,
        "data": data,
    }


@pytest.mark.parametrize("ce_type", sorted(event_classes()))
def test_to_regional_keeps_only_the_allowed_fields(ce_type: str) -> None:
    cloudevent = cloudevent_for(event_classes()[ce_type])
    regional = to_regional(cloudevent, REGIO, KEY)
    if ce_type not in ALLOW_LIST:
        assert regional is None, "a type not on the allow-list is not published at all"
        return
    assert regional is not None
    allowed = {to_camel(f) for f in ALLOW_LIST[ce_type]}
    assert set(regional["data"]) == {"persoon", "gemeente"} | allowed
    text = json.dumps(regional)
    assert "PLANTED" not in text
    assert PERSOON not in text and TRAJECT not in text and cloudevent["id"] not in text


def test_the_regional_envelope() -> None:
    cloudevent = cloudevent_for(event_classes()[pip_contract.PIP_VASTGESTELD])
    regional = to_regional(cloudevent, REGIO, KEY)
    assert regional is not None
    persoon = pseudonym(KEY, REGIO, PERSOON)
    assert set(regional) == {
        "specversion", "id", "source", "type", "subject", "time", "datacontenttype",
        "dataschema", "partitionkey", "gemeente", "data",
    }  # fmt: skip
    assert regional["type"] == regio_contract.PIP_VASTGESTELD
    assert regional["source"] == "urn:nld:regio:achterhoek:systeem:inburgering-regio"
    assert regional["subject"] == regional["partitionkey"] == persoon
    assert regional["data"]["persoon"] == persoon
    assert regional["data"]["gemeente"] == BINNEN
    assert regional["time"] == "2026-01-05T09:00:00.123456Z"
    assert regional["dataschema"].endswith("/nl.inburgering.regio.pip-vastgesteld.v1.json")
    # A new id, the same on every re-send, different per region.
    assert regional["id"] != cloudevent["id"]
    assert uuid.UUID(regional["id"]).version == 5
    assert to_regional(cloudevent, REGIO, KEY) == regional
    other = to_regional(cloudevent, "Twente", KEY)
    assert other is not None and other["id"] != regional["id"]
    # Sent over Kafka: key and headers carry the pseudonym, never the aggregate.
    key, value, headers = to_kafka(regional)
    assert key == persoon.encode()
    assert TRAJECT.encode() not in value + b"".join(v for _, v in headers)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dagtekening", "17-11-2025"),
        ("dagtekening", "2025-02-30"),
        ("niveau", {"code": "B1"}),
        ("niveau", "B1 (Zzyzx Plantvalue)"),
        ("niveau", "B1\n"),  # `$` alone would let a trailing newline through
        ("map", "ja"),
        ("pvtIntensiteitUren", True),
        ("pvtIntensiteitUren", -1),
    ],
)
def test_an_allowed_field_of_the_wrong_shape_is_refused(field: str, value: Any) -> None:
    cloudevent = cloudevent_for(event_classes()[pip_contract.PIP_VASTGESTELD])
    cloudevent["data"][field] = value
    with pytest.raises(OngeldigeWaarde):
        to_regional(cloudevent, REGIO, KEY)


@pytest.mark.parametrize(
    ("allowed", "source"), older_versions(), ids=[s for _, s in older_versions()]
)
def test_an_older_version_becomes_the_same_regional_event(allowed: Allowed, source: str) -> None:
    current = cloudevent_for(event_classes()[allowed.current_source])
    now, then = (
        to_regional(current, REGIO, KEY),
        to_regional(current | {"type": source}, REGIO, KEY),
    )
    assert now is not None and then is not None
    assert then["type"] == now["type"] == allowed.regional_type
    assert then["data"] == now["data"]


@pytest.mark.parametrize("aanbieder", ["Taal\nschool", "x" * 121, ""])
def test_a_provider_name_is_one_short_line(aanbieder: str) -> None:
    cloudevent = cloudevent_for(event_classes()[pip_contract.CURSUSUREN_GEREGISTREERD])
    cloudevent["data"]["aanbieder"] = aanbieder
    with pytest.raises(OngeldigeWaarde):
        to_regional(cloudevent, REGIO, KEY)


def test_an_unparseable_registration_time_is_refused() -> None:
    cloudevent = cloudevent_for(event_classes()[pip_contract.KNM_BEHAALD])
    cloudevent["time"] = "739142859"
    with pytest.raises(OngeldigeWaarde):
        to_regional(cloudevent, REGIO, KEY)


# --- The pseudonym --------------------------------------------------------------------------


def test_the_pseudonym_is_stable_keyed_per_region_and_no_plain_hash() -> None:
    p = pseudonym(KEY, REGIO, PERSOON)
    assert p == pseudonym(KEY, REGIO, PERSOON) == pseudonym(KEY, "achterhoek", PERSOON)
    assert len(p) == 32 and int(p, 16) >= 0
    assert p != pseudonym(KEY, "Twente", PERSOON)
    assert p != pseudonym(b"another-key", REGIO, PERSOON)
    assert p != pseudonym(KEY, REGIO, str(uuid.UUID(int=3)))
    for text in (PERSOON, REGIO + PERSOON, regio_slug(REGIO) + PERSOON, uuid.UUID(PERSOON).hex):
        for digest in (hashlib.sha256, hashlib.sha1, hashlib.md5):
            assert digest(text.encode()).hexdigest()[:32] != p
    assert PERSOON.replace("-", "") not in p


def test_the_regional_id_is_keyed() -> None:
    rid = regional_id(KEY, REGIO, "urn:x", "1")
    assert rid == regional_id(KEY, REGIO, "urn:x", "1")
    assert rid != regional_id(b"another-key", REGIO, "urn:x", "1")
    assert rid != str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:x#1"))


def intake_event(inburgeraar: str) -> dict[str, Any]:
    cloudevent = cloudevent_for(event_classes()[intake_contract.INBURGERAAR_GEREGISTREERD])
    del cloudevent["data"]["inburgeraarId"]
    cloudevent["subject"] = cloudevent["partitionkey"] = inburgeraar
    return cloudevent


def test_one_person_one_pseudonym_across_intake_pip_and_ontzorging() -> None:
    """Intake's aggregate is the person; PIP and ontzorging are linked by their creation
    events, which carry inburgeraarId."""
    classes = event_classes()
    translator = RegionalTranslator(REGIO, ACHTERHOEK, KEY, MemoryLinks())
    expected = pseudonym(KEY, REGIO, PERSOON)

    registered = translator.translate(intake_event(PERSOON))
    assert registered is not None and registered["subject"] == expected

    vastgesteld = cloudevent_for(classes[pip_contract.PIP_VASTGESTELD])
    del vastgesteld["data"]["inburgeraarId"]
    with pytest.raises(OnbekendePersoon):
        translator.translate(vastgesteld)  # no link yet: refused, never a second pseudonym
    with pytest.raises(OnbekendePersoon):
        to_regional(vastgesteld, REGIO, KEY)

    opgesteld = cloudevent_for(classes[pip_contract.PIP_OPGESTELD])
    assert translator.translate(opgesteld) is None  # not published, but it links
    linked = translator.translate(vastgesteld)
    assert linked is not None and linked["subject"] == expected

    ontzorging = str(uuid.UUID(int=4))
    gestart = cloudevent_for(classes[ontzorging_contract.ONTZORGING_GESTART])
    gestart["subject"] = ontzorging
    budgetbeheer = cloudevent_for(classes[ontzorging_contract.BUDGETBEHEER_GESTART])
    del budgetbeheer["data"]["inburgeraarId"]
    budgetbeheer["subject"] = ontzorging
    first = translator.translate(gestart)
    second = translator.translate(budgetbeheer)
    assert first is not None and second is not None
    assert first["subject"] == second["subject"] == expected


def test_the_translator_refuses_events_of_other_gemeenten_and_forged_sources() -> None:
    translator = RegionalTranslator(REGIO, ACHTERHOEK, KEY, MemoryLinks())
    outside = intake_event(PERSOON)
    outside["gemeente"] = BUITEN
    outside["source"] = source_of(BUITEN, "intake")
    with pytest.raises(BuitenRegio):
        translator.translate(outside)
    forged = intake_event(PERSOON)
    forged["source"] = source_of(BUITEN, "intake")
    with pytest.raises(BuitenRegio):
        translator.translate(forged)


# --- Region membership ----------------------------------------------------------------------


def test_the_example_regions_load_and_match_the_topic_slug() -> None:
    regions = regions_from_settings(PlatformSettings(environment="test"))
    assert regions.regios == [REGIO]
    assert regions.gemeenten_van(REGIO) == ACHTERHOEK
    assert regions.gemeenten_van("achterhoek") == ACHTERHOEK
    assert regions.regio_van(BINNEN) == REGIO
    assert regions.regio_van(BUITEN) is None
    assert regio_topic(REGIO) == f"regio.{regio_slug(REGIO)}.inburgering"
    with pytest.raises(KeyError):
        regions.gemeenten_van("Twente")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_regions_come_from_a_configured_file_or_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "regios"
    folder.mkdir()
    write(folder / "a.csv", "arbeidsmarktregio,gemeentecode\nGroot Amsterdam,GM0363\n")
    write(folder / "b.csv", EXAMPLE_REGIO_CSV.read_text(encoding="utf-8"))
    monkeypatch.setenv("REGIO_CSV", str(folder))
    regions = regions_from_settings(PlatformSettings(environment="test"))
    assert regions.regios == [REGIO, "Groot Amsterdam"]
    assert regions.regio_van(BUITEN) == "Groot Amsterdam"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("arbeidsmarktregio,gemeentecode\nX,GM9999\n", "GM9999"),
        ("arbeidsmarktregio,gemeentecode\nX,GM0222\nY,GM0222\n", "één arbeidsmarktregio"),
        ("arbeidsmarktregio,gemeentecode,gemeentenaam\nX,GM0222,Aalten\n", "Doetinchem"),
        ("arbeidsmarktregio,gemeentecode\nA b,GM0222\nA-B,GM0197\n", "topicnaam"),
        ("regio,code\nX,GM0222\n", "kolommen"),
        ("arbeidsmarktregio,gemeentecode\n,GM0222\n", "ontbreekt"),
        ("arbeidsmarktregio,gemeentecode\n", "Geen enkele"),
    ],
)
def test_a_wrong_region_file_is_refused_with_its_line(
    tmp_path: Path, text: str, complaint: str
) -> None:
    with pytest.raises(OngeldigeRegioIndeling, match=complaint):
        load_regions([write(tmp_path / "regio.csv", text)])


def test_a_missing_region_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OngeldigeRegioIndeling, match="niet gevonden"):
        load_regions([tmp_path / "nope.csv"])


# --- Settings -------------------------------------------------------------------------------


def test_the_pseudonym_key_is_required_in_production() -> None:
    assert pseudonym_key(PlatformSettings(environment="development")) == (
        DEVELOPMENT_PSEUDONYM_KEY.encode()
    )
    production: dict[str, Any] = {
        "environment": "production",
        "jwt_secret": "x" * 32,
        "logboek_sleutel": "l" * 32,
        "gemeenten": [BINNEN],
    }
    with pytest.raises(ValidationError, match="PSEUDONYM_KEY"):
        PlatformSettings(**production)
    with pytest.raises(ValidationError, match="PSEUDONYM_KEY"):
        PlatformSettings(**production, pseudonym_key=DEVELOPMENT_PSEUDONYM_KEY)
    assert pseudonym_key(PlatformSettings(**production, pseudonym_key="k" * 32)) == b"k" * 32


def test_person_links_persist_and_never_change(settings: PlatformSettings) -> None:
    links = link_store(settings)
    assert links.get(TRAJECT) is None
    links.put(TRAJECT, PERSOON)
    links.put(TRAJECT, str(uuid.UUID(int=9)))  # a conflicting link does not replace it
    assert link_store(settings).get(TRAJECT) == PERSOON


# --- Over the real broker -------------------------------------------------------------------


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


def end_offsets(servers: str, topic: str) -> dict[TopicPartition, int]:
    consumer = make_consumer(servers)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    offsets: dict[TopicPartition, int] = consumer.end_offsets(partitions)
    consumer.close()
    return offsets


def read_between(
    servers: str, start: dict[TopicPartition, int], end: dict[TopicPartition, int]
) -> list[Any]:
    """Every record from `start` up to `end` (exclusive) per partition, within a deadline."""
    consumer: KafkaConsumer = make_consumer(servers)
    wanted = {p for p in end if end[p] > start.get(p, 0)}
    consumer.assign(sorted(wanted))
    for partition in wanted:
        consumer.seek(partition, start.get(partition, 0))
    records: list[Any] = []
    deadline = time.monotonic() + 30
    while any(consumer.position(p) < end[p] for p in wanted):
        assert time.monotonic() < deadline, "the records did not arrive in time"
        for partition, batch in consumer.poll(timeout_ms=500).items():
            records += [r for r in batch if r.offset < end[partition]]
    consumer.close()
    return records


@pytest.fixture
def publisher_settings(tmp_path: Path, kafka_bootstrap_servers: str) -> PlatformSettings:
    return PlatformSettings(
        environment="test",
        data_dir=tmp_path / "regio",
        database_url=None,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        pseudonym_key=KEY.decode(),
    )


@pytest.fixture
def publisher(publisher_settings: PlatformSettings) -> Iterator[RegionalPublisher]:
    """The Achterhoek publisher, started at the current end of its gemeente topics."""
    servers = publisher_settings.kafka_bootstrap_servers
    regions = regions_from_settings(publisher_settings)
    topics = [gemeente_topic(g, s) for g in [*ACHTERHOEK, BUITEN] for s in SERVICES]
    ensure_topics(servers, [*topics, *map(dead_letter_topic, topics), regio_topic(REGIO)])
    publisher = build_publisher(publisher_settings, REGIO, regions)
    publisher.start_at_end()
    yield publisher
    publisher.close()


def publish(apps: sc.Apps, servers: str, data_dir: Path) -> None:
    positions = position_store(PlatformSettings(data_dir=data_dir, database_url=None))
    producer = make_producer(servers)
    for app in apps.all():
        Relay(app, producer, positions).publish_all()
    producer.close()


EXPECTED_TYPES = {
    "inburgeraar-geregistreerd": 1,
    "intake-afgerond": 1,
    "pip-vastgesteld": 1,
    "inburgeringstermijn-gestart": 1,
    "inburgeringstermijn-verlengd": 1,
    "cursusuren-geregistreerd": len(sc.HOURS),
    "examenuitslag-ontvangen": len(sc.EXAMS),
    "taalniveau-behaald": 1,
    "knm-behaald": 1,
    "inburgeringsplicht-voldaan": 1,
    "ontzorging-gestart": 1,
    "budgetbeheer-gestart": 1,
    "financieel-zelfredzaam-vastgesteld": 1,
}


@pytest.mark.kafka
def test_the_region_gets_the_allowed_facts_and_no_personal_data(
    publisher: RegionalPublisher, kafka_bootstrap_servers: str, tmp_path: Path
) -> None:
    servers = kafka_bootstrap_servers
    start = end_offsets(servers, publisher.topic)
    apps = sc.make_apps(tmp_path / "stores")
    inside = sc.run_scenario(apps, BINNEN)
    outside = sc.run_scenario(apps, BUITEN)  # the same person's data, in Amsterdam
    publish(apps, servers, tmp_path / "stores")

    publisher.run_until_caught_up(timeout=60)
    records = read_between(servers, start, end_offsets(servers, publisher.topic))

    # Nothing personal anywhere: keys, values, header names and values.
    assert sc.scan(records, inside.needles() + outside.needles()) == []
    # Nothing of a gemeente outside the region.
    events = [from_kafka(r.key, r.value, r.headers) for r in records]
    assert {e["gemeente"] for e in events} <= set(ACHTERHOEK)
    assert {e["data"]["gemeente"] for e in events} <= set(ACHTERHOEK)
    assert pseudonym(KEY, REGIO, str(outside.inburgeraar_id)) not in {e["subject"] for e in events}

    persoon = pseudonym(KEY, REGIO, str(inside.inburgeraar_id))
    mine = [e for e in events if e["subject"] == persoon]
    assert Counter(e["type"].split(".")[3] for e in mine) == EXPECTED_TYPES
    for record, event in zip(records, events, strict=True):
        if event["subject"] != persoon:
            continue
        assert record.key == persoon.encode()
        assert event["partitionkey"] == persoon
        assert event["source"] == "urn:nld:regio:achterhoek:systeem:inburgering-regio"
        allowed = ALLOW_LIST[event["type"].replace(".regio.", f".{service(event)}.")]
        assert set(event["data"]) == {"persoon", "gemeente"} | {to_camel(f) for f in allowed}
        assert event["data"]["persoon"] == persoon and event["data"]["gemeente"] == BINNEN
        assert "sequence" not in event
    by_type = {e["type"].split(".")[3]: e["data"] for e in mine}
    assert by_type["pip-vastgesteld"] == {
        "persoon": persoon,
        "gemeente": BINNEN,
        "pipVersie": 1,
        "isEerstePip": True,
        "dagtekening": sc.DAGTEKENING.isoformat(),
        "leerroute": "b1",
        "niveau": "B1",
        "map": True,
        "knm": True,
        "pvtIntensiteitUren": 12,
        "binnenTienWeken": True,
    }
    assert by_type["inburgeringstermijn-verlengd"] == {
        "persoon": persoon,
        "gemeente": BINNEN,
        "vorigeEinddatum": sc.TERMIJN_EINDE.isoformat(),
        "nieuweEinddatum": sc.TERMIJN_VERLENGD.isoformat(),
    }
    assert by_type["cursusuren-geregistreerd"]["aanbieder"] == sc.AANBIEDER
    assert by_type["intake-afgerond"]["leerroute"] == "b1"
    assert by_type["ontzorging-gestart"] == {
        "persoon": persoon,
        "gemeente": BINNEN,
        "beschikkingsdatum": sc.BESCHIKKING_ONTZORGING.isoformat(),
        "startdatumBijstand": sc.START_BIJSTAND.isoformat(),
    }
    exams = sorted(
        (e["data"]["onderdeel"], e["data"]["behaald"], e["data"]["examendatum"])
        for e in mine
        if e["type"].endswith("examenuitslag-ontvangen.v1")
    )
    assert exams == sorted((o.value, b, d.isoformat()) for o, d, b, _ in sc.EXAMS)


SERVICE_OF_REGIONAL_TYPE = {t.split(".")[3]: t.split(".")[2] for t in ALLOW_LIST}


def service(regional_event: dict[str, Any]) -> str:
    return SERVICE_OF_REGIONAL_TYPE[regional_event["type"].split(".")[3]]


@pytest.mark.kafka
def test_a_crash_after_the_ack_resends_with_the_same_ids(
    publisher: RegionalPublisher,
    publisher_settings: PlatformSettings,
    kafka_bootstrap_servers: str,
    tmp_path: Path,
) -> None:
    servers = kafka_bootstrap_servers
    start = end_offsets(servers, publisher.topic)
    apps = sc.make_apps(tmp_path / "stores")
    with sc.scenario_clock():
        state = apps.intake.registreer_inburgeraar(
            gemeente=BINNEN,
            doelgroep=sc.Doelgroep.GEZINSMIGRANT,
            bsn=sc.BSN,
            naam=sc.NAAM,
            geboortedatum=sc.GEBOORTEDATUM,
            adres=None,
            datum_start_inburgeringsplicht=sc.INTAKE_START,
            vestigingsdatum=None,
            gemeenten=[BINNEN],
        )
    persoon = pseudonym(KEY, REGIO, str(state["id"]))
    publish(apps, servers, tmp_path / "stores")

    def crash(_: Any) -> None:
        raise Crash

    crashing = RegionalPublisher(
        regions_from_settings(publisher_settings),
        REGIO,
        make_consumer(servers),
        make_producer(servers),
        position_store(publisher_settings),
        link_store(publisher_settings),
        KEY,
        after_ack=crash,
    )
    try:
        with pytest.raises(Crash):
            crashing.run_until_caught_up(timeout=30)
        assert crashing.lag() > 0, "the crash came before the bookkeeping"
    finally:
        crashing.close()
    publisher.run_until_caught_up(timeout=30)

    records = read_between(servers, start, end_offsets(servers, publisher.topic))
    ids = [
        from_kafka(r.key, r.value, r.headers)["id"] for r in records if r.key == persoon.encode()
    ]
    assert len(ids) == 2 and ids[0] == ids[1], "the re-sent event keeps its regional id"


@pytest.mark.kafka
def test_bad_and_foreign_records_go_to_the_dead_letters_not_to_the_region(
    publisher: RegionalPublisher, kafka_bootstrap_servers: str
) -> None:
    servers = kafka_bootstrap_servers
    topic = gemeente_topic(BINNEN, "intake")
    pip_topic = gemeente_topic(BINNEN, "pip")
    start = end_offsets(servers, publisher.topic)
    dlq_start = end_offsets(servers, dead_letter_topic(topic))
    pip_dlq_start = end_offsets(servers, dead_letter_topic(pip_topic))
    classes = event_classes()

    foreign = intake_event(str(uuid.uuid4()))
    foreign["gemeente"] = BUITEN
    foreign["source"] = source_of(BUITEN, "intake")
    unlinked = cloudevent_for(classes[pip_contract.PIP_VASTGESTELD])
    del unlinked["data"]["inburgeraarId"]
    unlinked["subject"] = unlinked["partitionkey"] = str(uuid.uuid4())
    producer = make_producer(servers)
    producer.send(topic, key=b"x", value=b"not a cloudevent", headers=[])
    key, value, headers = to_kafka(foreign)
    producer.send(topic, key=key, value=value, headers=headers)
    key, value, headers = to_kafka(unlinked)
    producer.send(pip_topic, key=key, value=value, headers=headers)
    producer.flush()
    producer.close()

    publisher.run_until_caught_up(timeout=60)

    letters = read_between(servers, dlq_start, end_offsets(servers, dead_letter_topic(topic)))
    reasons = [dict(r.headers)["dlq_reason"].decode() for r in letters]
    assert any(r.startswith("InvalidCloudEvent") for r in reasons)
    assert any(r.startswith("BuitenRegio") for r in reasons)
    pip_letters = read_between(
        servers, pip_dlq_start, end_offsets(servers, dead_letter_topic(pip_topic))
    )
    assert any(
        dict(r.headers)["dlq_reason"].decode().startswith("OnbekendePersoon") for r in pip_letters
    )
    records = read_between(servers, start, end_offsets(servers, publisher.topic))
    events = [from_kafka(r.key, r.value, r.headers) for r in records]
    assert BUITEN not in {e["gemeente"] for e in events}
    assert "PLANTED" not in b"".join(r.value for r in records).decode()
