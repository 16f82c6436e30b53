"""The regional read models from a scenario with PLANTED personal values
(bench/scenario.py): two inburgeraars in two gemeenten of the Achterhoek, a third on
the onderwijsroute, and one in Amsterdam who must not appear. On the embedded path (the
services' logs through the RegionalTranslator) and on Kafka (relays, the regional publisher,
the projector over the regional topic), with the same figures and the same rows; no table of
a regional model holds a personal field or a personal value; a rebuild equals the
incremental projection row for row."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from kafka import KafkaConsumer, TopicPartition

from bench import scenario as sc
from services.intake.domainmodel import (
    Doelgroep,
    Hoofddoel,
    HoofddoelKeuze,
    Leerbaarheidstoets,
    Leerroute,
    LeerrouteAdvies,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    ToetsResultaat,
    Toetsuitslag,
)
from services.pip import rules as pip
from services.projections.bronnen import RegionalLogSource, regio_kafka_source, regio_log_source
from services.projections.projector import Generations, Projector, rebuild, suffix
from services.projections.regio.queries import LEERROUTES, ONDERDELEN, Filter, inkoop, monitoring
from services.projections.regio.tabellen import (
    REGIO_INKOOP,
    REGIO_MODELS,
    REGIO_MONITORING,
    RegioModel,
)
from services.regio.bootstrap import build_publisher
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.config import PlatformSettings
from shared.consumer import KafkaDeadLetters, LoggedDeadLetters
from shared.positions import position_store
from shared.regional import SERVICES, MemoryLinks, pseudonym, pseudonym_key
from shared.regions import regions_from_settings
from shared.relay import Relay
from shared.sqlstore import SQLStore
from shared.topics import dead_letter_topic, gemeente_topic, regio_topic

REGIO = "Achterhoek"
SLUG = "achterhoek"
ACHTERHOEK = ["GM0197", "GM0222", "GM0294", "GM1509", "GM1586", "GM1859", "GM1876", "GM1955"]
DOETINCHEM, AALTEN, AMSTERDAM = "GM0222", "GM0197", "GM0363"
KEY = b"test-pseudonym-key-regio"
SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "schemas"

# The third person: onderwijsroute in Aalten, cohort 2024, PIP after more than ten weeks.
P3_BSN = "123456782"
P3_START = dt.date(2024, 11, 1)
P3_INTAKE = dt.date(2024, 12, 20)  # 49 days
P3_PIP = dt.date(2025, 2, 10)  # 101 days: late
P3_AANBIEDER = "Taalcentrum Oost"
P3_UREN = 200


def onderwijsroute(apps: sc.Apps, gemeente: str) -> sc.Scenario:
    """A gezinsmigrant on the onderwijsroute, with planted personal values as in the scenario."""
    g = [gemeente]
    with sc.scenario_clock():
        intake = apps.intake
        state = intake.registreer_inburgeraar(
            gemeente=gemeente,
            doelgroep=Doelgroep.GEZINSMIGRANT,
            bsn=P3_BSN,
            naam=sc.NAAM,
            geboortedatum=sc.GEBOORTEDATUM,
            adres=sc.ADRES,
            datum_start_inburgeringsplicht=P3_START,
            vestigingsdatum=None,
            gemeenten=g,
        )
        persoon = UUID(str(state["id"]))
        toets = Toetsuitslag(
            ToetsResultaat.B1_ROUTE_HAALBAAR, "71,20", "60,00", dt.date(2024, 11, 20)
        )
        intake.voer_intakegesprek(persoon, dt.date(2024, 12, 2), "PLANTED-KR", gemeenten=g)
        intake.leg_leerbaarheidstoets_vast(persoon, Leerbaarheidstoets(toets), gemeenten=g)
        intake.leg_opleiding_en_werkervaring_vast(
            persoon, OpleidingEnWerkervaring([], [], "PLANTED-TOELICHTING"), gemeenten=g
        )
        intake.leg_persoonlijke_omstandigheden_vast(
            persoon,
            PersoonlijkeOmstandigheden(sc.GEZONDHEID_FYSIEK, sc.GEZONDHEID_MENTAAL),
            gemeenten=g,
        )
        intake.leg_hoofddoel_vast(persoon, HoofddoelKeuze(Hoofddoel.ONDERWIJS), gemeenten=g)
        intake.adviseer_leerroute(
            persoon, LeerrouteAdvies(Leerroute.ONDERWIJS, "PLANTED-MOTIVATIE"), gemeenten=g
        )
        intake.rond_intake_af(persoon, P3_INTAKE, gemeenten=g)
        traject = apps.pip
        pip_id = UUID(
            str(
                traject.stel_concept_op(
                    gemeente=gemeente,
                    gemeenten=g,
                    inburgeraar_id=persoon,
                    doelgroep=pip.Doelgroep.GEZINSMIGRANT,
                    datum_start_inburgeringsplicht=P3_START,
                    geadviseerde_leerroute=pip.Leerroute.ONDERWIJS,
                )["id"]
            )
        )
        traject.vaststellen(
            pip_id,
            gemeenten=g,
            dagtekening=P3_PIP,
            leerroute=pip.Leerroute.ONDERWIJS,
            niveau=pip.Niveau.B1,
            map=False,
            pvt_intensiteit_uren=12,
            begeleiding=sc.BEGELEIDING,
        )
        traject.registreer_uren(
            pip_id,
            gemeenten=g,
            soort=pip.UrenSoort.CURSUS,
            aanbieder=P3_AANBIEDER,
            keurmerk=False,
            uren=P3_UREN,
            peildatum=dt.date(2025, 5, 1),
        )
        traject.ontvang_examenuitslag(
            pip_id,
            gemeenten=g,
            onderdeel=pip.Examenonderdeel.LEZEN,
            examendatum=dt.date(2025, 6, 2),
            behaald=False,
            niveau=pip.Niveau.B1,
        )
    made = sc.Scenario(gemeente, persoon, pip_id, uuid.uuid4())
    made.versions = {
        persoon: apps.intake.repository.get(persoon).version,
        pip_id: apps.pip.repository.get(pip_id).version,
    }
    return made


def run_people(apps: sc.Apps) -> list[sc.Scenario]:
    """P1 in Doetinchem, P2 and P3 in Aalten, P4 in Amsterdam (outside the region)."""
    return [
        sc.run_scenario(apps, DOETINCHEM),
        sc.run_scenario(apps, AALTEN),
        onderwijsroute(apps, AALTEN),
        sc.run_scenario(apps, AMSTERDAM),
    ]


@pytest.fixture
def apps(tmp_path: Path) -> Iterator[sc.Apps]:
    made = sc.make_apps(tmp_path / "stores")
    yield made
    for application in made.all():
        application.close()


@pytest.fixture
def store(settings: PlatformSettings) -> Iterator[SQLStore]:
    made = SQLStore(settings, "projections")
    yield made
    made.close()


def embedded_source(
    apps: sc.Apps, settings: PlatformSettings, key: bytes | None = None
) -> RegionalLogSource:
    if key is None:
        return regio_log_source(settings, apps.all())
    return RegionalLogSource(apps.all(), regions_from_settings(settings), key, MemoryLinks())


def project(store: SQLStore, source_for: Any) -> list[Projector]:
    projectors = [Projector(store, model, source_for()) for model in REGIO_MODELS]
    for projector in projectors:
        projector.run_until_idle()
    return projectors


def everything(cohort: int | None = None, leerroute: str | None = None) -> Filter:
    return Filter(SLUG, frozenset(ACHTERHOEK), cohort, leerroute)


# --- What the figures must be ----------------------------------------------------------------


def exams(**results: tuple[int, int]) -> list[dict[str, Any]]:
    return [
        {
            "onderdeel": o,
            "afgenomen": results.get(o, (0, 0))[0],
            "behaald": results.get(o, (0, 0))[1],
            "slagingspercentage": round(100 * results[o][1] / results[o][0], 1)
            if results.get(o, (0, 0))[0]
            else None,
        }
        for o in ONDERDELEN
    ]


def routes(**counts: int) -> dict[str, int]:
    return {route: counts.get(route, 0) for route in LEERROUTES}


def duur(*dagen: int) -> dict[str, Any]:
    if not dagen:
        return {"aantal": 0, "gemiddelde": None, "mediaan": None}
    ordered = sorted(dagen)
    mid = len(ordered) // 2
    mediaan = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return {
        "aantal": len(dagen),
        "gemiddelde": round(sum(dagen) / len(dagen), 1),
        "mediaan": float(mediaan),
    }


SCENARIO_INTAKE_DAGEN = (sc.INTAKE_AFGEROND - sc.INTAKE_START).days  # 33
SCENARIO_PIP_DAGEN = (sc.DAGTEKENING - sc.INTAKE_START).days  # 47
SCENARIO_EXAMS = {
    "lezen": (1, 1),
    "luisteren": (1, 1),
    "schrijven": (1, 1),
    "spreken": (2, 1),
    "knm": (1, 1),
}


def scenario_monitoring(gemeente: str | None, personen: int) -> dict[str, Any]:
    n = personen
    return {
        "gemeente": gemeente,
        "cohort": 2025,
        "aantal_inburgeraars": n,
        "intake_afgerond": n,
        "dagen_tot_intake_afgerond": duur(*[SCENARIO_INTAKE_DAGEN] * n),
        "met_pip": n,
        "dagen_tot_pip": duur(*[SCENARIO_PIP_DAGEN] * n),
        "eerste_pips": n,
        "eerste_pips_binnen_tien_weken": n,
        "aandeel_eerste_pips_binnen_tien_weken": 1.0,
        "leerroutes": routes(b1=n),
        "examens": exams(**{o: (a * n, b * n) for o, (a, b) in SCENARIO_EXAMS.items()}),
    }


def p3_monitoring(gemeente: str | None) -> dict[str, Any]:
    return {
        "gemeente": gemeente,
        "cohort": 2024,
        "aantal_inburgeraars": 1,
        "intake_afgerond": 1,
        "dagen_tot_intake_afgerond": duur((P3_INTAKE - P3_START).days),
        "met_pip": 1,
        "dagen_tot_pip": duur((P3_PIP - P3_START).days),
        "eerste_pips": 1,
        "eerste_pips_binnen_tien_weken": 0,
        "aandeel_eerste_pips_binnen_tien_weken": 0.0,
        "leerroutes": routes(onderwijs=1),
        "examens": exams(lezen=(1, 0)),
    }


SCENARIO_UREN = {soort.value: uren for soort, uren, _ in sc.HOURS}


def scenario_inkoop(gemeente: str | None, personen: int) -> dict[str, Any]:
    return {
        "gemeente": gemeente,
        "leerroute": "b1",
        "aanbieder": sc.AANBIEDER,
        "aantal_inburgeraars": personen,
        "uren": personen * sum(SCENARIO_UREN.values()),
        "uren_keurmerk": personen * sum(SCENARIO_UREN.values()),
        "uren_per_soort": {s: personen * u for s, u in sorted(SCENARIO_UREN.items())},
        "examens": exams(
            **{o: (a * personen, b * personen) for o, (a, b) in SCENARIO_EXAMS.items()}
        ),
    }


def p3_inkoop(gemeente: str | None) -> dict[str, Any]:
    return {
        "gemeente": gemeente,
        "leerroute": "onderwijs",
        "aanbieder": P3_AANBIEDER,
        "aantal_inburgeraars": 1,
        "uren": P3_UREN,
        "uren_keurmerk": 0,
        "uren_per_soort": {"cursus": P3_UREN},
        "examens": exams(lezen=(1, 0)),
    }


def active(store: SQLStore, model: str) -> int:
    generation = Generations(store).active(model)
    assert generation is not None
    return generation


def assert_the_figures(store: SQLStore) -> None:
    m, i = active(store, REGIO_MONITORING), active(store, REGIO_INKOOP)
    rijen, totalen = monitoring(store, everything(), m)
    assert [asdict(r) for r in rijen] == [
        p3_monitoring(AALTEN),
        scenario_monitoring(AALTEN, 1),
        scenario_monitoring(DOETINCHEM, 1),
    ]
    assert [asdict(r) for r in totalen] == [p3_monitoring(None), scenario_monitoring(None, 2)]
    # Filters: a route, a cohort, one gemeente (the sums then cover that gemeente only).
    rijen, totalen = monitoring(store, everything(leerroute="onderwijs"), m)
    assert [asdict(r) for r in totalen] == [p3_monitoring(None)]
    rijen, totalen = monitoring(store, everything(cohort=2025), m)
    assert [r.gemeente for r in rijen] == [AALTEN, DOETINCHEM]
    rijen, totalen = monitoring(store, Filter(SLUG, frozenset([DOETINCHEM])), m)
    assert [asdict(r) for r in totalen] == [scenario_monitoring(None, 1)]

    figures = inkoop(store, everything(), i)
    assert [asdict(r) for r in figures.per_gemeente] == [
        scenario_inkoop(AALTEN, 1),
        p3_inkoop(AALTEN),
        scenario_inkoop(DOETINCHEM, 1),
    ]
    assert [asdict(r) for r in figures.regio] == [scenario_inkoop(None, 2), p3_inkoop(None)]
    totaal = asdict(figures.totaal)
    all_hours = 2 * sum(SCENARIO_UREN.values()) + P3_UREN
    assert (totaal["aantal_inburgeraars"], totaal["uren"], totaal["uren_keurmerk"]) == (
        3,
        all_hours,
        all_hours - P3_UREN,
    )
    assert totaal["uren_per_soort"] == {
        "cursus": 2 * SCENARIO_UREN["cursus"] + P3_UREN,
        "pvt": 2 * SCENARIO_UREN["pvt"],
    }
    assert {e["onderdeel"]: (e["afgenomen"], e["behaald"]) for e in totaal["examens"]} == {
        "lezen": (3, 2),
        "luisteren": (2, 2),
        "schrijven": (2, 2),
        "spreken": (4, 2),
        "knm": (2, 2),
    }
    assert [asdict(r) for r in inkoop(store, everything(cohort=2024), i).regio] == [p3_inkoop(None)]


# --- Reading every row of the regional models ------------------------------------------------


def columns(store: SQLStore, table: str) -> list[str]:
    if store.postgres:
        rows = store.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
    else:
        rows = [(r[1],) for r in store.query(f"PRAGMA table_info({table})")]
    return [str(r[0]) for r in rows]


def tables(store: SQLStore) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every table of every regional model's active generation: (columns, sorted rows),
    keyed by the table's name without its generation suffix."""
    found = {}
    generations = Generations(store)
    for model in REGIO_MODELS:
        assert isinstance(model, RegioModel)
        generation = generations.active(model.name)
        assert generation is not None
        for base in model.tables:
            table = f"{base}{suffix(generation)}"
            cols = columns(store, table)
            assert cols, f"{table} does not exist"
            rows = store.query(f"SELECT {', '.join(cols)} FROM {table}")
            found[base] = (cols, sorted(rows, key=repr))
    return found


def personal_field_names() -> set[str]:
    names: set[str] = set()
    for schema in SCHEMAS.glob("*.json"):
        names |= set(json.loads(schema.read_text(encoding="utf-8")).get("x-persoonsgegevens", []))
    return names


def normalised(name: str) -> str:
    return name.replace("_", "").lower()


PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")
GEMEENTE = re.compile(r"^GM[0-9]{4}$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
CODE = re.compile(r"^[a-z0-9_]{1,40}$|^[ABC][12]$")
PROVIDERS = {sc.AANBIEDER, P3_AANBIEDER}


def assert_no_personal_data(store: SQLStore, people: list[sc.Scenario]) -> None:
    found = tables(store)
    assert found
    personal = {normalised(n) for n in personal_field_names()}
    assert {"bsn", "naam", "geboortedatum", "adres", "iban", "fysiekegezondheid"} <= personal
    needles = [n.lower() for p in people for n in p.needles()]
    for table, (cols, rows) in found.items():
        leaking = [c for c in cols if normalised(c) in personal]
        assert not leaking, f"{table} has personal-data columns {leaking}"
        assert rows, f"{table} is empty: the scan would prove nothing"
        for row in rows:
            for column, value in zip(cols, row, strict=True):
                text = str(value).lower()
                hits = [n for n in needles if n in text]
                assert not hits, f"{table}.{column} holds {hits}"
                # Only pseudonyms, gemeente codes, dates, codes, provider names and counts.
                assert (
                    value is None
                    or isinstance(value, int)
                    or any(p.match(str(value)) for p in (PSEUDONYM, GEMEENTE, DATE, CODE))
                    or value in PROVIDERS
                ), f"{table}.{column} holds a value of no allowed shape"


def assert_not_outside(store: SQLStore, outside: sc.Scenario, key: bytes) -> None:
    stranger = pseudonym(key, REGIO, str(outside.inburgeraar_id))
    for table, (_, rows) in tables(store).items():
        for row in rows:
            assert AMSTERDAM not in row, f"{table} holds a row of {AMSTERDAM}"
            assert stranger not in row


# --- Embedded --------------------------------------------------------------------------------


def test_the_embedded_figures_of_two_gemeenten_of_the_region_and_none_of_amsterdam(
    settings: PlatformSettings, apps: sc.Apps, store: SQLStore
) -> None:
    people = run_people(apps)
    letters = LoggedDeadLetters()
    source_for = lambda: regio_log_source(settings, apps.all(), dead_letters=letters)  # noqa: E731
    projectors = project(store, source_for)

    assert_the_figures(store)
    assert_not_outside(store, people[-1], pseudonym_key(settings))
    assert letters.letters == []
    for projector in projectors:
        assert projector.source.backlog(projector.position) == 0  # type: ignore[attr-defined]
        assert set(projector.positions()) == {f"regio:log:{a.name}" for a in apps.all()}


def test_no_regional_read_model_holds_a_personal_field_or_value(
    settings: PlatformSettings, apps: sc.Apps, store: SQLStore
) -> None:
    """Every table and column of the regional models: no column named like any
    `x-persoonsgegevens` field of the contracts, no planted value or original id anywhere,
    and every value of an allowed shape."""
    people = run_people(apps)
    project(store, lambda: regio_log_source(settings, apps.all()))
    assert_no_personal_data(store, people)


def test_a_rebuild_equals_the_incremental_projection_row_for_row(
    settings: PlatformSettings, apps: sc.Apps, store: SQLStore
) -> None:
    """Incremental: the projector follows the people as they are registered, in small
    batches; then a rebuild from the start of history into a fresh generation."""
    projectors = [
        Projector(store, model, regio_log_source(settings, apps.all())) for model in REGIO_MODELS
    ]
    people = []
    for run in (
        lambda: sc.run_scenario(apps, DOETINCHEM),
        lambda: onderwijsroute(apps, AALTEN),
        lambda: sc.run_scenario(apps, AALTEN),
        lambda: sc.run_scenario(apps, AMSTERDAM),
    ):
        people.append(run())
        for projector in projectors:
            while projector.run_once(max_records=7):
                pass
    incremental = tables(store)
    before = {m.name: Generations(store).active(m.name) for m in REGIO_MODELS}

    for model in REGIO_MODELS:
        result = rebuild(store, model, regio_log_source(settings, apps.all()), show_progress=False)
        assert result["generation"] == (before[model.name] or 0) + 1
    assert tables(store) == incremental
    assert_the_figures(store)
    old = suffix(before[REGIO_MODELS[0].name] or 0)
    assert columns(store, f"regio_monitoring_personen{old}") == [], "the old tables are dropped"


def test_an_event_of_the_wrong_shape_is_skipped_not_stored(
    settings: PlatformSettings, store: SQLStore
) -> None:
    """Should anything but the translator write to a regional topic: a name where a code
    belongs, or a source that is no region, never reaches a table."""
    from tests.chain.keten import ListSource

    data: dict[str, Any] = {
        "persoon": "0" * 32,
        "gemeente": DOETINCHEM,
        "pipVersie": 1,
        "isEerstePip": True,
    }
    base: dict[str, Any] = {
        "specversion": "1.0",
        "source": "urn:nld:regio:achterhoek:systeem:inburgering-regio",
        "type": "nl.inburgering.regio.pip-vastgesteld.v1",
        "data": data,
    }
    stranger = str(uuid.uuid4())
    bad = [
        {**base, "id": "1", "data": {**data, "leerroute": "Zzyzx Plantvalue"}},
        {**base, "id": "2", "data": {**data, "dagtekening": "14-03-1987"}},
        {**base, "id": "3", "source": "urn:nld:gemeente:GM0222:systeem:inburgering-pip"},
        {**base, "id": "4", "data": {**data, "persoon": stranger}},
    ]
    for model in REGIO_MODELS:
        Projector(store, model, ListSource("lijst", bad)).run_until_idle()
    found = tables(store)
    assert found["regio_monitoring_personen"][1] == [], "every one refused: each has a bad value"
    text = repr(found).lower()
    for value in ("zzyzx", "1987", stranger, "urn:nld:gemeente"):
        assert value not in text
    # The inkoop model takes no dagtekening: event 2 counts there, without it.
    assert found["regio_inkoop_personen"][1] == [
        ("achterhoek", "0" * 32, DOETINCHEM, None, None, 1)
    ]


def regional(event: str, persoon: str, **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:nld:regio:achterhoek:systeem:inburgering-regio",
        "type": f"nl.inburgering.regio.{event}.v1",
        "subject": persoon,
        "gemeente": AALTEN,
        "data": {"persoon": persoon, "gemeente": AALTEN} | data,
    }


def test_the_rows_do_not_depend_on_the_order_of_a_persons_events(
    settings: PlatformSettings, store: SQLStore
) -> None:
    """On Kafka the regional topic interleaves a person's intake and PIP facts freely: the
    first PIP stays the first, the newest PIP version sets the route, an afschaling sets the
    level (Besluit 5.5), whatever came first."""
    from tests.chain.keten import ListSource

    p = "ab" * 16
    events = [
        regional("inburgeraar-geregistreerd", p, datumStartInburgeringsplicht="2025-01-06"),
        regional("intake-afgerond", p, datumStartInburgeringsplicht="2025-01-06",
                 afrondingsdatum="2025-02-03", leerroute="b1"),
        regional("pip-vastgesteld", p, pipVersie=1, isEerstePip=True, dagtekening="2025-03-03",
                 leerroute="onderwijs", niveau="B1", binnenTienWeken=True),
        regional("pip-vastgesteld", p, pipVersie=2, isEerstePip=False, dagtekening="2025-06-02",
                 leerroute="b1", niveau="B1", binnenTienWeken=True),
        regional("niveau-afgeschaald", p, pipVersie=3, dagtekening="2026-01-05", vanNiveau="B1",
                 naarNiveau="A2"),
        regional("cursusuren-geregistreerd", p, soort="cursus", aanbieder=P3_AANBIEDER,
                 keurmerk=True, uren=300, peildatum="2025-09-01"),
        regional("cursusuren-geregistreerd", p, soort="cursus", aanbieder=P3_AANBIEDER,
                 keurmerk=True, uren=320, peildatum="2025-12-01"),
        regional("examenuitslag-ontvangen", p, onderdeel="spreken", behaald=False, niveau="B1",
                 examendatum="2025-11-03"),
    ]  # fmt: skip
    orders = {"in order": events, "reversed": events[::-1], "shuffled": events[1::2] + events[::2]}
    rows = {}
    for name, ordered in orders.items():
        for model in REGIO_MODELS:
            Projector(store, model, ListSource(name, ordered)).run_until_idle()
        rows[name] = tables(store)
        for model in REGIO_MODELS:
            rebuild(store, model, ListSource("leeg", []), show_progress=False)
    assert rows["in order"] == rows["reversed"] == rows["shuffled"]
    assert rows["in order"]["regio_monitoring_personen"][1] == [
        (
            "achterhoek",
            p,
            AALTEN,
            2025,
            "2025-01-06",
            "2025-02-03",
            "2025-03-03",
            1,
            "b1",
            2,
            "A2",
            3,
        )
    ]
    assert rows["in order"]["regio_inkoop_uren"][1] == [
        ("achterhoek", p, AALTEN, P3_AANBIEDER, "cursus", 620, 620)
    ]


# --- Kafka -----------------------------------------------------------------------------------


def end_offsets(servers: str, topic: str) -> dict[TopicPartition, int]:
    consumer = make_consumer(servers)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    offsets: dict[TopicPartition, int] = consumer.end_offsets(partitions)
    consumer.close()
    return offsets


def start_at(store: SQLStore, positions: dict[TopicPartition, int]) -> None:
    """Begin the regional models at these offsets of the (shared, never emptied) topic."""
    generations = Generations(store)
    for model in REGIO_MODELS:
        generation = generations.ensure(model)
        with store.transaction() as tx:
            tx.executemany(
                "INSERT INTO projection_tracking (model, generation, source, position) "
                "VALUES (?, ?, ?, ?)",
                [
                    (model.name, generation, f"kafka:{p.topic}:{p.partition}", offset)
                    for p, offset in positions.items()
                ],
            )


def run_to_the_end(projector: Projector, timeout: float = 60.0) -> None:
    """Until the projector's positions reach the topic's end, within a deadline."""
    source = projector.source
    deadline = time.monotonic() + timeout
    while source.backlog(projector.position):  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the projector did not catch up in time"
        projector.run_once()


@pytest.mark.kafka
def test_on_kafka_the_regional_models_equal_the_embedded_ones(
    settings: PlatformSettings,
    apps: sc.Apps,
    store: SQLStore,
    tmp_path: Path,
    kafka_bootstrap_servers: str,
) -> None:
    """Relays -> gemeente topics -> RegionalPublisher -> regio.achterhoek.inburgering ->
    the projector over a KafkaSource: the same figures, the same rows as embedded."""
    servers = kafka_bootstrap_servers
    publisher_settings = PlatformSettings(
        environment="test",
        data_dir=tmp_path / "publisher",
        database_url=None,
        kafka_bootstrap_servers=servers,
        pseudonym_key=KEY.decode(),
    )
    regions = regions_from_settings(publisher_settings)
    topic = regio_topic(REGIO)
    inputs = [gemeente_topic(g, s) for g in [*ACHTERHOEK, AMSTERDAM] for s in SERVICES]
    ensure_topics(servers, [*inputs, *map(dead_letter_topic, inputs), topic])
    publisher = build_publisher(publisher_settings, REGIO, regions)
    consumers: list[KafkaConsumer] = []
    producer = make_producer(servers)
    try:
        publisher.start_at_end()
        start_at(store, end_offsets(servers, topic))
        people = run_people(apps)
        positions = position_store(
            PlatformSettings(data_dir=tmp_path / "relays", database_url=None)
        )
        for application in apps.all():
            Relay(application, producer, positions).publish_all()
        publisher.run_until_caught_up(timeout=60)

        projectors = []
        for model in REGIO_MODELS:
            consumers.append(make_consumer(servers))
            source = regio_kafka_source(consumers[-1], regions, KafkaDeadLetters(producer))
            projectors.append(Projector(store, model, source))
        for projector in projectors:
            run_to_the_end(projector)
            assert set(projector.positions()) == {
                f"kafka:{topic}:{p}" for p in consumers[0].partitions_for_topic(topic) or ()
            }
    finally:
        producer.close()
        publisher.close()
        for consumer in consumers:
            consumer.close()

    assert_the_figures(store)
    assert_not_outside(store, people[-1], KEY)
    assert_no_personal_data(store, people)

    embedded = SQLStore(
        PlatformSettings(environment="test", data_dir=tmp_path / "embedded", database_url=None),
        "projections",
    )
    try:
        project(embedded, lambda: embedded_source(apps, settings, KEY))
        assert tables(embedded) == tables(store)
    finally:
        embedded.close()
