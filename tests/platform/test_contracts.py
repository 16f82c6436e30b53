"""The published contracts in contracts/: one JSON Schema per CloudEvent type and the
AsyncAPI document. They must match the code, real events must validate against them, and a
published schema never changes incompatibly under the same type version."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import re
import subprocess
import sys
import types
import typing
import uuid
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import pytest
from eventsourcing.domain import Aggregate, DomainEvent
from pydantic.alias_generators import to_camel

from contracts import intake as intake_contract
from contracts import pip as pip_contract
from contracts import regio as regio_contract
from services import contracten
from services.intake import domainmodel as intake
from services.ontzorging import domainmodel as ontzorging
from services.pip import domainmodel as pip
from services.pip import rules as pip_rules
from shared import contracts, regional
from shared.clock import FrozenClock
from shared.cloudevents import (
    CONTEXT_ATTRIBUTES,
    METADATA_FIELDS,
    event_data,
    event_type,
    service_of,
    to_cloudevent,
    to_kafka,
)
from shared.regional import allowlist
from shared.topics import gemeente_topic, regio_topic

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
REGENERATE = "run `make contracts` and commit contracts/"


def validate(schema: Mapping[str, Any], instance: Any) -> list[str]:
    """Every violation of `instance` against a draft 2020-12 `schema`, formats asserted."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<data>'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


# --- Committed contracts equal the generated ones -------------------------------------------


def test_every_event_type_has_a_committed_schema_equal_to_the_generated_one() -> None:
    directory = ROOT / contracts.CONTRACTS_DIR / contracts.SCHEMAS_DIR
    missing, stale = [], []
    for ce_type, schema in contracten.generated_schemas().items():
        path = directory / f"{ce_type}.json"
        if not path.exists():
            missing.append(ce_type)
        elif path.read_text("utf-8") != contracts.dumps(schema):
            stale.append(ce_type)
    assert not missing, f"no published schema for {missing}: {REGENERATE}"
    assert not stale, f"published schemas differ from the code for {stale}: {REGENERATE}"


def test_the_committed_asyncapi_document_equals_the_generated_one() -> None:
    path = ROOT / contracts.CONTRACTS_DIR / contracts.ASYNCAPI_FILE
    assert path.exists(), f"{path} is missing: {REGENERATE}"
    assert path.read_text("utf-8") == contracts.dumps(contracten.asyncapi_document()), (
        f"contracts/asyncapi.json is stale: {REGENERATE}"
    )


def test_no_published_schema_changes_incompatibly_under_the_same_type_version() -> None:
    """The real guard: `make contracts` would happily rewrite a stale file, so a change that
    breaks consumers or replay must get a new type version instead."""
    problems = contracts.compatibility_problems(
        contracts.committed_schemas(ROOT), contracten.generated_schemas()
    )
    assert not problems, "\n".join(problems)


def test_no_published_event_type_disappears() -> None:
    """Events stay on the topics forever; a type may get a new version, not vanish."""
    orphans = contracts.orphaned_types(
        contracts.committed_schemas(ROOT), contracten.generated_schemas()
    )
    assert not orphans, (
        f"published types {orphans} are produced by no event class any more; keep the class "
        "(bump contract_version (a new CloudEvent type)) instead of removing or renaming it"
    )


# --- The compatibility guard itself ----------------------------------------------------------

OLD: dict[str, Any] = {
    "type": "object",
    "properties": {
        "leerroute": {"type": "string", "enum": ["b1", "onderwijs", "z"]},
        "uren": {"type": "integer"},
        "dagtekening": {"type": "string", "format": "date"},
        "adres": {
            "type": ["object", "null"],
            "properties": {"straat": {"type": "string"}, "huisnummer": {"type": "integer"}},
            "required": ["straat", "huisnummer"],
            "additionalProperties": False,
        },
        "kenmerken": {"type": "object"},
    },
    "required": ["leerroute", "uren", "dagtekening", "adres", "kenmerken"],
    "additionalProperties": False,
}


def changed(edit: typing.Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    new = json.loads(json.dumps(OLD))
    edit(new)
    return new


def _add_optional(s: dict[str, Any]) -> None:
    s["properties"]["toelichting"] = {"type": ["string", "null"]}


def _widen_enum(s: dict[str, Any]) -> None:
    s["properties"]["leerroute"]["enum"].append("vrij")


def _retitle(s: dict[str, Any]) -> None:
    s["title"] = "Anders genoemd"
    s["x-persoonsgegevens"] = ["adres"]


@pytest.mark.parametrize("edit", [_add_optional, _widen_enum, _retitle])
def test_the_guard_allows_compatible_changes(edit: typing.Callable[[dict[str, Any]], None]) -> None:
    assert contracts.incompatible_changes(OLD, changed(edit)) == []


def _remove(s: dict[str, Any]) -> None:
    del s["properties"]["uren"]
    s["required"].remove("uren")


def _require_new(s: dict[str, Any]) -> None:
    s["properties"]["toelichting"] = {"type": "string"}
    s["required"].append("toelichting")


def _retype(s: dict[str, Any]) -> None:
    s["properties"]["uren"] = {"type": "string"}


def _make_nullable(s: dict[str, Any]) -> None:
    s["properties"]["uren"] = {"type": ["integer", "null"]}


def _reformat(s: dict[str, Any]) -> None:
    s["properties"]["dagtekening"]["format"] = "date-time"


def _narrow_enum(s: dict[str, Any]) -> None:
    s["properties"]["leerroute"]["enum"].remove("z")


def _close(s: dict[str, Any]) -> None:
    s["properties"]["kenmerken"]["additionalProperties"] = False


def _remove_nested(s: dict[str, Any]) -> None:
    del s["properties"]["adres"]["properties"]["huisnummer"]
    s["properties"]["adres"]["required"].remove("huisnummer")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_remove, "property 'uren' removed"),
        (_require_new, "property 'toelichting' is newly required"),
        (_retype, "data.uren: type changed from ['integer'] to ['string']"),
        (_make_nullable, "data.uren: type changed"),
        (_reformat, "data.dagtekening: format changed from date to date-time"),
        (_narrow_enum, "data.leerroute: enum narrowed, ['z'] no longer allowed"),
        (_close, "data.kenmerken: additionalProperties tightened"),
        (_remove_nested, "data.adres: property 'huisnummer' removed"),
    ],
)
def test_the_guard_detects_incompatible_changes(
    edit: typing.Callable[[dict[str, Any]], None], expected: str
) -> None:
    changes = contracts.incompatible_changes(OLD, changed(edit))
    assert any(expected in c for c in changes), changes


def test_the_guard_names_the_event_type_and_the_way_out() -> None:
    ce_type = "nl.inburgering.pip.pip-vastgesteld.v1"
    problems = contracts.compatibility_problems({ce_type: OLD}, {ce_type: changed(_remove)})
    assert len(problems) == 1
    assert ce_type in problems[0] and "property 'uren' removed" in problems[0]
    assert "bump contract_version (a new CloudEvent type)" in problems[0]
    # A new type version is judged on its own: v2 next to a published v1 is fine.
    assert contracts.compatibility_problems({ce_type: OLD}, {ce_type[:-1] + "2": {}}) == []


def test_older_type_versions_stay_published_but_a_vanished_type_is_reported() -> None:
    committed = ["nl.inburgering.pip.pip-vastgesteld.v1", "nl.inburgering.pip.weg.v1"]
    generated = ["nl.inburgering.pip.pip-vastgesteld.v2"]
    assert contracts.orphaned_types(committed, generated) == ["nl.inburgering.pip.weg.v1"]


def test_make_contracts_refuses_to_overwrite_a_schema_incompatibly(tmp_path: Path) -> None:
    contracten.write_contracts(tmp_path)
    ce_type = event_type(pip.Inburgeringstraject.PIPVastgesteld)
    path = tmp_path / "contracts" / "schemas" / f"{ce_type}.json"
    published = json.loads(path.read_text("utf-8"))
    published["properties"]["vervallen"] = {"type": "string"}  # the code no longer has it
    path.write_text(contracts.dumps(published), "utf-8")

    with pytest.raises(contracts.IncompatibleContract) as exc:
        contracten.write_contracts(tmp_path)
    assert ce_type in str(exc.value) and "bump contract_version" in str(exc.value)
    assert json.loads(path.read_text("utf-8")) == published, "nothing was written"

    assert contracten.main(["--root", str(tmp_path)]) == 1
    assert contracten.main(["--root", str(tmp_path), "--allow-incompatible"]) == 0
    regenerated = contracts.json_schema(pip.Inburgeringstraject.PIPVastgesteld)
    assert path.read_text("utf-8") == contracts.dumps(regenerated)


# --- Which classes, and what a schema says ------------------------------------------------


def test_every_domain_event_class_is_published_except_internal_bookkeeping() -> None:
    classes = contracten.domain_event_classes()
    names = {c.__qualname__ for c in classes}
    assert "BsnVerwijzing.BsnVerwijzingVastgelegd" not in names  # intern: a search index
    assert not {n for n in names if n.endswith((".Event", ".Created"))}
    assert {service_of(c) for c in classes} == set(contracten.SERVICES)
    for module in (intake, pip, ontzorging):
        for aggregate in vars(module).values():
            if not (isinstance(aggregate, type) and issubclass(aggregate, Aggregate)):
                continue
            for value in vars(aggregate).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, DomainEvent)
                    and value not in (aggregate.Event, aggregate.Created)
                    and not getattr(value, "intern", False)
                ):
                    assert value in classes, value.__qualname__
    assert len({event_type(c) for c in classes}) == len(classes), "types are unique"


def test_a_schema_names_its_type_and_the_personal_data_in_it() -> None:
    event_class = intake.Inburgeraar.InburgeraarGeregistreerd
    schema = contracts.json_schema(event_class)
    ce_type = intake_contract.INBURGERAAR_GEREGISTREERD
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://inburgering.example/contracts/schemas/{ce_type}.json"
    assert schema["title"] == "InburgeraarGeregistreerd"
    assert schema["x-persoonsgegevens"] == ["adres", "bsn", "geboortedatum", "naam"]
    assert schema["additionalProperties"] is False
    assert "datumStartInburgeringsplicht" in schema["required"]
    assert not set(schema["properties"]) & {"originatorId", "timestamp", "originatorTopic"}


# A synthetic event with every kind of annotation the mapping knows.


class Kleur(enum.StrEnum):
    ROOD = "rood"
    GROEN = "groen"


@dataclasses.dataclass(frozen=True)
class Adresje:
    straat: str
    huisnummer: int
    toevoeging: str | None = None


class Voorbeeld(Aggregate):
    class AllesGebeurd(Aggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"adres", "geboortedatum"})
        tekst: str
        aantal: int
        bedrag: Decimal
        fractie: float
        waar: bool
        geboortedatum: dt.date
        moment: dt.datetime
        verwijzing: uuid.UUID
        kleur: Kleur
        soort: Literal["a", "b"]
        adres: Adresje
        adressen: list[Adresje]
        datums: tuple[dt.date, ...]
        paar: tuple[str, int]
        tabel: dict[str, int]
        vrij: dict[str, Any]
        misschien_kleur: Kleur | None
        iso_datum: Annotated[str, {"format": "date"}]
        met_standaard: str = "x"


@pytest.fixture
def voorbeeld(monkeypatch: pytest.MonkeyPatch) -> type[DomainEvent]:
    """Voorbeeld.AllesGebeurd as if it lived in services.voorbeeld.domainmodel."""
    event_class = Voorbeeld.AllesGebeurd
    monkeypatch.setitem(sys.modules, "services.voorbeeld.domainmodel", sys.modules[__name__])
    monkeypatch.setattr(event_class, "__module__", "services.voorbeeld.domainmodel")
    return event_class


def test_the_schema_follows_every_kind_of_annotation(voorbeeld: type[DomainEvent]) -> None:
    schema = contracts.json_schema(voorbeeld)
    p = schema["properties"]
    assert p["tekst"] == {"type": "string"}
    assert p["aantal"] == {"type": "integer"}
    assert p["bedrag"] == {"type": "string"}
    assert p["fractie"] == {"type": "number"}
    assert p["waar"] == {"type": "boolean"}
    assert p["geboortedatum"] == {"type": "string", "format": "date"}
    assert p["moment"] == {"type": "string", "format": "date-time"}
    assert p["verwijzing"] == {"type": "string", "format": "uuid"}
    assert p["kleur"] == {"type": "string", "enum": ["rood", "groen"]}
    assert p["soort"] == {"type": "string", "enum": ["a", "b"]}
    assert p["adres"]["properties"]["toevoeging"] == {"type": ["string", "null"]}
    assert p["adres"]["required"] == ["straat", "huisnummer"]
    assert p["adres"]["additionalProperties"] is False
    assert p["adressen"]["items"]["title"] == "Adresje"
    assert p["datums"] == {"type": "array", "items": {"type": "string", "format": "date"}}
    assert p["paar"]["prefixItems"] == [{"type": "string"}, {"type": "integer"}]
    assert p["tabel"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert p["vrij"] == {"type": "object"}
    assert p["misschienKleur"] == {"type": ["string", "null"], "enum": ["rood", "groen", None]}
    assert p["isoDatum"] == {"type": "string", "format": "date"}
    assert "metStandaard" not in schema["required"] and "misschienKleur" in schema["required"]
    assert schema["x-persoonsgegevens"] == ["adres", "geboortedatum"]
    assert schema["$id"].endswith("/nl.inburgering.voorbeeld.alles-gebeurd.v1.json")


def test_event_data_of_every_kind_of_annotation_validates(voorbeeld: type[DomainEvent]) -> None:
    event = synthetic(voorbeeld)
    assert validate(contracts.json_schema(voorbeeld), event_data(event)) == []
    wrong = event_data(event) | {"kleur": "paars", "onbekend": 1}
    assert len(validate(contracts.json_schema(voorbeeld), wrong)) == 2


def test_personal_data_must_name_real_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    event_class = pip.Inburgeringstraject.PIPVastgesteld
    monkeypatch.setattr(event_class, "persoonsgegevens", frozenset({"begeleidng"}))
    with pytest.raises(ValueError, match="begeleidng"):
        contracts.json_schema(event_class)


# --- Real events validate against their schema -------------------------------------------


def intake_story() -> Iterator[DomainEvent]:
    """Registration and a complete brede intake of an asielstatushouder."""
    i = intake.Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=intake.Doelgroep.ASIELSTATUSHOUDER,
        bsn="111222333",
        naam="Amal Haddad",
        geboortedatum=D(1994, 3, 2),
        adres=intake.Adres("Hoofdstraat", 12, "7001AB", "Doetinchem", "a"),
        datum_start_inburgeringsplicht=D(2025, 12, 1),
        vestigingsdatum=None,
    )
    i.leg_vestigingsdatum_vast(D(2025, 12, 2))
    kind = intake.Huisgenoot(intake.Relatie.KIND, D(2023, 5, 1))
    i.ontvang_coa_profiel(intake.COAProfiel([kind], "Syrië", ["Arabisch"], "mbo", "kok"))
    i.voer_intakegesprek(D(2025, 12, 10), "kr-1")
    uitslag = intake.Toetsuitslag(
        intake.ToetsResultaat.B1_ROUTE_HAALBAAR, "71,20", "60,00", D(2025, 12, 8)
    )
    i.leg_leerbaarheidstoets_vast(intake.Leerbaarheidstoets(uitslag=uitslag))
    i.leg_opleiding_en_werkervaring_vast(
        intake.OpleidingEnWerkervaring(
            [intake.Opleiding("mbo koken", True, "Syrië", 3)],
            [intake.Werkervaring("kok", "Syrië", 5)],
            "werkte in een restaurant",
        )
    )
    i.leg_persoonlijke_omstandigheden_vast(
        intake.PersoonlijkeOmstandigheden("goed", "slaapt slecht", [D(2023, 5, 1)], "geen")
    )
    i.leg_leefgebied_vast(
        intake.LeefgebiedBevinding(intake.Leefgebied.TAAL, "spreekt wat Engels", "taalmaatje")
    )
    i.leg_hoofddoel_vast(intake.HoofddoelKeuze(intake.Hoofddoel.WERK, "wil koken"))
    i.adviseer_leerroute(intake.LeerrouteAdvies(intake.Leerroute.B1))
    vrijstelling = intake.ToetsVrijstelling(intake.VrijstellingReden.VISUELE_BEPERKING, "blind")
    i.leg_leerbaarheidstoets_vast(intake.Leerbaarheidstoets(vrijstelling=vrijstelling))
    i.geef_vve_informatie(D(2025, 12, 12))
    i.registreer_niet_verschenen(D(2025, 12, 15), D(2025, 12, 22))  # warning
    i.registreer_niet_verschenen(D(2025, 12, 22), None)  # fine
    i.rond_af(D(2026, 1, 5))
    yield from i.collect_events()


def pip_story() -> Iterator[DomainEvent]:
    """A B1-route traject from concept via afschalen to the obligation met."""
    r = pip_rules
    t = pip.Inburgeringstraject.stel_concept_op(
        gemeente="GM0222",
        inburgeraar_id=uuid.uuid4(),
        doelgroep=r.Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=D(2025, 11, 3),
        vestigingsdatum=None,
        geadviseerde_leerroute=r.Leerroute.B1,
    )
    t.wijzig_concept(
        doelgroep=r.Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=D(2025, 11, 3),
        vestigingsdatum=D(2025, 11, 10),
        geadviseerde_leerroute=r.Leerroute.B1,
    )
    t.wacht_op_derden(
        derde="UWV", opgevraagd_op=D(2025, 12, 1), informatie_ontvangen_op=D(2025, 12, 20)
    )
    t.vaststellen(
        dagtekening=D(2025, 12, 15),
        leerroute=r.Leerroute.B1,
        niveau=None,
        map=True,
        map_intensiteit_uren=40,
        pvt_intensiteit_uren=12,
        knm=True,
        begeleiding="Taalmaatje via VluchtelingenWerk",
        ontzorging=True,
        geschatte_intensiteit=600,
        startdatum_bijstand=D(2025, 12, 1),
        verblijfsvergunning_asiel_bepaalde_tijd=True,
    )
    t.verleng_termijn(
        reden=r.VerlengingReden.BEVALLING, nieuwe_einddatum=D(2029, 6, 15), toelichting="zwanger"
    )
    for soort, aantal in ((r.UrenSoort.CURSUS, 600), (r.UrenSoort.PVT, 12)):
        t.registreer_uren(
            soort=soort, aanbieder="Taalschool Oost", keurmerk=True, uren=aantal,
            peildatum=D(2026, 1, 2),
        )  # fmt: skip
    t.voer_gesprek(
        datum=D(2026, 1, 2), inspanning_voldoende=True, eindgesprek_z_route=False, verslag="Goed"
    )
    t.schaal_af(dagtekening=D(2026, 1, 5))
    t.onderteken_pvt(datum=D(2026, 1, 2), verwijtbaar=None)
    t.rond_map_af(datum_eindgesprek=D(2026, 1, 3), verwijtbaar=None)
    t.verleen_vrijstelling(
        omvang=r.Omvang.GEDEELTELIJK,
        onderdeel=r.Examenonderdeel.SPREKEN,
        niveau=r.Niveau.B1,
        reden=r.VrijstellingReden.GED,
        datum_oordeel=D(2025, 12, 20),
    )
    for onderdeel in r.TAALONDERDELEN[:3]:
        t.ontvang_examenuitslag(
            onderdeel=onderdeel, examendatum=D(2026, 1, 2), behaald=True, niveau=r.Niveau.A2
        )
    t.ontvang_examenuitslag(
        onderdeel=r.Examenonderdeel.KNM, examendatum=D(2026, 1, 2), behaald=True, niveau=None
    )
    t.verleen_ontheffing(
        omvang=r.Omvang.GEDEELTELIJK,
        onderdeel=r.Examenonderdeel.KNM,
        grond=r.OntheffingGrond.BIO,
        datum_oordeel=D(2026, 1, 2),
    )
    t.voldoe(grond=r.VoldaanGrond.LEERROUTE_AFGEROND, datum=D(2026, 1, 5))
    yield from t.collect_events()


def ontzorging_story(clock: FrozenClock) -> Iterator[DomainEvent]:
    """Six months of ontzorgen to financial self-reliance, and one early ending."""
    m = ontzorging

    def start(**changes: Any) -> ontzorging.Ontzorging:
        args: dict[str, Any] = {
            "gemeente": "GM0222",
            "inburgeraar_id": uuid.uuid4(),
            "pip_id": uuid.uuid4(),
            "doelgroep": m.Doelgroep.ASIELSTATUSHOUDER,
            "ontvangt_bijstand": True,
            "verblijfsvergunning_asiel_bepaalde_tijd": True,
            "beschikkingsdatum": D(2026, 1, 5),
            "startdatum_bijstand": D(2026, 1, 1),
            "betaalmachtiging_gegeven": False,
        }
        return m.Ontzorging.start(**(args | changes))

    o = start()
    o.geef_betaalmachtiging(D(2026, 1, 5))
    o.leg_vaste_last_vast(m.Post.HUUR, "Woonstichting De Liemers", "NL91ABNA0417164300", 65_000)
    o.leg_vaste_last_vast(m.Post.ENERGIE, "Energieleverancier", "NL20INGB0001234567", 12_000)
    o.leg_vaste_last_vast(m.Post.ZORGVERZEKERING, "Zorgverzekeraar", "NL39RABO0300065264", 14_500)
    o.betaal("2026-01", m.Post.HUUR, 65_000, D(2026, 1, 5))
    beeindigd = start(pip_id=None, betaalmachtiging_gegeven=True)
    beeindigd.beeindig(D(2026, 1, 5), m.RedenBeeindiging.OVERIG, "Naar het buitenland")
    yield from beeindigd.collect_events()
    clock.set(dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC))
    o.start_budgetbeheer(D(2026, 7, 1))
    o.voer_budgetcoachinggesprek(D(2026, 7, 1))
    o.start_afbouw(D(2026, 7, 1), [m.Post.ENERGIE])
    o.stel_financieel_zelfredzaam_vast(D(2026, 7, 1))
    yield from o.collect_events()


def sample(annotation: Any) -> Any:
    """A valid Python value of an annotation, for events no story produces."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        if {"format": "date"} in annotation.__metadata__:
            return "1991-03-14"  # a business date, unlike the registration time's date
        if {"format": "date-time"} in annotation.__metadata__:
            return "1991-03-14T09:00:00+00:00"
        return sample(args[0])
    if origin is typing.Union or origin is types.UnionType:
        return sample(next(a for a in args if a is not type(None)))
    if origin is Literal:
        return args[0]
    if origin in (list, set, frozenset):
        return origin([sample(args[0])]) if args else origin()
    if origin is tuple:
        return (sample(args[0]),) if args[-1] is Ellipsis else tuple(sample(a) for a in args)
    if origin is dict or annotation is dict:
        return {"sleutel": sample(args[1]) if args else "waarde"}
    if annotation is Any:
        return "waarde"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation))
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        hints = typing.get_type_hints(annotation)
        return annotation(**{f.name: sample(hints[f.name]) for f in dataclasses.fields(annotation)})
    values: dict[Any, Any] = {
        str: "tekst", bool: True, int: 7, float: 1.5, Decimal: Decimal("12.50"),
        dt.date: D(1991, 3, 14), dt.datetime: dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        uuid.UUID: uuid.UUID("8a3c7d0e-5f6b-4a1c-9d2e-3b4f5a6c7d8e"),
    }  # fmt: skip
    return values[annotation]


def synthetic(event_class: type[DomainEvent]) -> DomainEvent:
    """One event of the class with sample values, constructed directly."""
    fields = {
        name: sample(annotation) for name, annotation, _ in contracts.data_fields(event_class)
    }
    metadata: dict[str, Any] = {
        "originator_id": uuid.uuid4(),
        "originator_version": 1,
        "timestamp": dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
    }
    if "originator_topic" in {f.name for f in dataclasses.fields(event_class)}:
        metadata["originator_topic"] = "services.voorbeeld.domainmodel:Voorbeeld"
    assert set(metadata) <= METADATA_FIELDS
    return event_class(**metadata, **fields)


def real_events(clock: FrozenClock) -> list[DomainEvent]:
    return [*intake_story(), *pip_story(), *ontzorging_story(clock)]


def test_a_real_event_of_every_type_validates_against_its_schema(clock: FrozenClock) -> None:
    classes = contracten.domain_event_classes()
    events = real_events(clock)
    driven = {type(e) for e in events}
    # A new event class the stories do not reach yet is checked with a constructed event.
    events += [synthetic(c) for c in classes if c not in driven]
    assert {type(e) for e in events} >= set(classes)
    errors = []
    for event in events:
        schema = contracts.json_schema(type(event))
        errors += [f"{event_type(type(event))}: {e}" for e in validate(schema, event_data(event))]
    assert not errors, "\n".join(errors)


def test_a_constructed_event_of_every_type_validates_against_its_schema() -> None:
    errors = []
    for event_class in contracten.domain_event_classes():
        schema = contracts.json_schema(event_class)
        data = event_data(synthetic(event_class))
        errors += [f"{event_type(event_class)}: {e}" for e in validate(schema, data)]
    assert not errors, "\n".join(errors)


def test_the_schemas_reject_what_consumers_cannot_rely_on(clock: FrozenClock) -> None:
    event = next(iter(intake_story()))
    schema = contracts.json_schema(type(event))
    data = event_data(event)
    assert validate(schema, {k: v for k, v in data.items() if k != "bsn"})  # missing
    assert validate(schema, data | {"extra": 1})  # unknown property
    assert validate(schema, data | {"adres": "Hoofdstraat 12"})  # wrong type


def test_a_reader_validates_against_the_committed_schemas_and_loads_no_service() -> None:
    """Runtime validation reads contracts/schemas/ only: an older version that no class
    produces any more (Kafka history) is still checked, and a worker that validates loads
    no producer's domain model."""
    old = pip_contract.KNM_BEHAALD_V1
    assert old not in {event_type(c) for c in contracten.domain_event_classes()}
    contracts.validate_cloudevent({"type": old, "data": {"examendatum": "2026-01-05"}})
    with pytest.raises(contracts.SchemaViolation, match="examendatum"):
        contracts.validate_cloudevent({"type": old, "data": {}})
    probe = (
        "import sys, shared.contracts, shared.runtime\n"
        f"shared.contracts.validate_cloudevent({{'type': {old!r}, 'data': {{'examendatum': "
        "'2026-01-05'}})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'services'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout


# --- The AsyncAPI document ---------------------------------------------------------------

COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9\.\-_]+$")
SEMVER = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


def resolve(document: Mapping[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are used, not {ref!r}"
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, Mapping) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    committed = ROOT / contracts.CONTRACTS_DIR / contracts.ASYNCAPI_FILE
    if committed.exists():
        loaded: dict[str, Any] = json.loads(committed.read_text("utf-8"))
        return loaded
    return contracten.asyncapi_document()


def test_the_asyncapi_document_has_the_required_fields(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"]
    assert SEMVER.match(document["info"]["version"])
    description = document["info"]["description"]
    for phrase in ("gm0222.inburgering.pip", "regio.", ".dlq", "offset 0", "retention"):
        assert phrase in description, phrase
    for name, server in document["servers"].items():
        assert server["protocol"] == "kafka" and server["host"], name
    assert document["servers"]["local"]["host"] == "127.0.0.1:9092"
    for section in ("schemas", "messages", "messageTraits", "parameters"):
        assert all(COMPONENT_KEY.match(k) for k in document["components"][section]), section


def test_every_reference_in_the_asyncapi_document_resolves(document: dict[str, Any]) -> None:
    for ref in refs(document):
        resolve(document, ref)


def test_channels_are_the_gemeente_topics_of_each_service(document: dict[str, Any]) -> None:
    for service in contracten.SERVICES:
        channel = document["channels"][service]
        assert channel["address"] == f"{{gemeente}}.inburgering.{service}"
        assert set(re.findall(r"{(\w+)}", channel["address"])) == set(channel["parameters"])
        topic = channel["address"].replace("{gemeente}", "gm0222")
        assert topic == gemeente_topic("GM0222", service)
        assert channel["messages"], service
        config = channel["bindings"]["kafka"]["topicConfiguration"]
        assert config["retention.ms"] == -1


def test_every_operation_sends_messages_of_its_own_channel(document: dict[str, Any]) -> None:
    services = set()
    for name, operation in document["operations"].items():
        assert operation["action"] == "send", name
        channel_ref = operation["channel"]["$ref"]
        assert channel_ref.startswith("#/channels/"), name
        channel = resolve(document, channel_ref)
        services.add(channel_ref.rsplit("/", 1)[-1])
        assert operation["messages"], name
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel_ref}/messages/"), message
            resolve(document, message["$ref"])
        assert len(operation["messages"]) == len(channel["messages"])
    assert services == {*contracten.SERVICES, contracts.REGIONAL_CHANNEL}


def test_every_event_type_is_a_message_with_its_schema_as_payload(
    document: dict[str, Any],
) -> None:
    for event_class in contracten.domain_event_classes():
        ce_type = event_type(event_class)
        channel = document["channels"][service_of(event_class)]
        message = resolve(document, channel["messages"][ce_type]["$ref"])
        assert message["name"] == ce_type
        payload = resolve(document, message["payload"]["$ref"])
        expected = contracts.json_schema(event_class)
        del expected["$schema"]
        assert payload == expected, ce_type
        assert message["bindings"]["kafka"]["key"]["format"] == "uuid"
        for trait in message["traits"]:
            resolve(document, trait["$ref"])


def test_the_trait_documents_the_headers_a_real_record_carries(
    document: dict[str, Any], clock: FrozenClock
) -> None:
    headers_schema = document["components"]["messageTraits"][contracts.TRAIT]["headers"]
    assert set(headers_schema["properties"]) == {f"ce_{a}" for a in CONTEXT_ATTRIBUTES} | {
        "content-type"
    }
    for event in [*intake_story()][:3]:
        key, _, headers = to_kafka(to_cloudevent(event, gemeente="GM0222", sequence=42))
        decoded = {name: value.decode() for name, value in headers}
        assert validate(headers_schema, decoded) == []
        assert key.decode() == decoded["ce_partitionkey"] == decoded["ce_subject"]
        assert decoded["ce_dataschema"] == contracts.schema_id(decoded["ce_type"])


ASYNCAPI_SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "tools/asyncapi/node_modules/@asyncapi/specs/schemas/3.0.0-without-$id.json"
)


def test_the_asyncapi_document_validates_against_the_official_asyncapi_3_schema() -> None:
    """The official JSON Schema of AsyncAPI 3.0.0 (npm @asyncapi/specs, installed by
    `make test` into tools/asyncapi)."""
    import jsonschema

    assert ASYNCAPI_SCHEMA.exists(), "run `make tools` to install @asyncapi/specs"
    schema = json.loads(ASYNCAPI_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    document = contracten.asyncapi_document()
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(document)]
    assert errors == []

    broken = json.loads(json.dumps(document))
    del broken["info"]["version"]
    broken["channels"]["nietBestaand"] = {"address": 42}
    assert len(list(validator.iter_errors(broken))) >= 2, "the validator sees defects"


# --- The regional stream -------------------------------------------------------------------

REGIO = "Achterhoek"
REGIO_KEY = b"sleutel-voor-de-test"
PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")
KIND_SAMPLES: dict[regional.Kind, Any] = {
    regional.Kind.DATE: "2026-01-02",
    regional.Kind.BOOL: False,
    regional.Kind.COUNT: 0,
    regional.Kind.CODE: "B1",
    regional.Kind.ORGANISATION: "Taalschool Oost & Partners (Doetinchem)",
}


def regional_events(clock: FrozenClock) -> list[dict[str, Any]]:
    """`to_regional` of every real event of the stories, and of an event of every allowed
    type whose allowed fields hold a sample of their kind (for a type no story reaches)."""
    cloudevents = [
        to_cloudevent(event, gemeente="GM0222", sequence=n)
        for n, event in enumerate(real_events(clock), start=1)
    ]
    for event_class in contracten.domain_event_classes():
        ce_type = event_type(event_class)
        if ce_type in regional.ALLOW_LIST:
            cloudevent = to_cloudevent(synthetic(event_class), gemeente="GM0222", sequence=1)
            for name, kind in regional.ALLOW_LIST[ce_type].items():
                cloudevent["data"][to_camel(name)] = KIND_SAMPLES[kind]
            cloudevents.append(cloudevent)
    produced = []
    for cloudevent in cloudevents:
        persoon_id = str(uuid.uuid5(uuid.NAMESPACE_URL, cloudevent["subject"]))
        made = regional.to_regional(cloudevent, REGIO, REGIO_KEY, persoon_id=persoon_id)
        if made is not None:
            produced.append(made)
    return produced


def test_every_regional_type_has_a_schema_derived_from_the_allow_list() -> None:
    generated = contracten.generated_schemas()
    for source_type, fields in regional.ALLOW_LIST.items():
        ce_type = regional.regional_type(source_type)
        schema = generated[ce_type]
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == contracts.schema_id(ce_type)
        assert schema["title"] and schema["additionalProperties"] is False
        assert schema["x-persoonsgegevens"] == [], "the regional stream has no personal data"
        allowed = {to_camel(name): kind for name, kind in fields.items()}
        assert set(schema["properties"]) == {"persoon", "gemeente", *allowed}
        assert {"persoon", "gemeente"} <= set(schema["required"])
        assert schema["properties"]["persoon"]["pattern"] == "^[0-9a-f]{32}$"
        assert schema["properties"]["gemeente"]["pattern"] == "^GM[0-9]{4}$"
        for key, kind in allowed.items():
            shape = dict(schema["properties"][key])
            shape["type"] = next(t for t in _types_of(shape) if t != "null")
            assert shape == contracts.kind_schema(kind), key
    assert set(contracts.regional_schemas(contracten.domain_event_classes())) == {
        regional.regional_type(t) for t in regional.ALLOW_LIST
    }


def _types_of(schema: Mapping[str, Any]) -> list[str]:
    kinds = schema["type"]
    return list(kinds) if isinstance(kinds, list) else [kinds]


def test_a_regional_field_is_required_and_nullable_as_in_its_source() -> None:
    schema = contracts.regional_schemas(contracten.domain_event_classes())[
        "nl.inburgering.regio.pip-vastgesteld.v1"
    ]
    assert _types_of(schema["properties"]["niveau"]) == ["string", "null"]  # Optional there
    assert _types_of(schema["properties"]["leerroute"]) == ["string"]
    assert {"niveau", "leerroute", "pvtIntensiteitUren"} <= set(schema["required"])
    assert schema["properties"]["pvtIntensiteitUren"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": regional.COUNT_MAX,
    }, "to_regional emits whole hours only"


def test_the_regional_schemas_follow_the_allow_list_and_the_guard_covers_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Derived, not written by hand: a change of the allow-list changes the schema, and an
    incompatible one is refused like a domain schema's."""
    ce_type = regio_contract.CURSUSUREN_GEREGISTREERD
    changed = []
    for allowed in allowlist.ALLOWED:
        if allowed.regional_type == ce_type:
            fields = {n: k for n, k in allowed.fields.items() if n != "aanbieder"}
            allowed = dataclasses.replace(allowed, fields=fields | {"uren": regional.Kind.CODE})
        changed.append(allowed)
    monkeypatch.setattr(allowlist, "ALLOWED", tuple(changed))
    schema = contracten.generated_schemas()[ce_type]
    assert "aanbieder" not in schema["properties"]
    problems = contracts.compatibility_problems(
        contracts.committed_schemas(ROOT), contracten.generated_schemas()
    )
    assert len(problems) == 1 and problems[0].startswith(ce_type), problems
    assert "property 'aanbieder' removed" in problems[0]
    assert "data.uren: type changed" in problems[0]


def test_every_regional_event_validates_against_its_schema(clock: FrozenClock) -> None:
    produced = regional_events(clock)
    assert {e["type"] for e in produced} == {
        regional.regional_type(t) for t in regional.ALLOW_LIST
    }, "every allowed source type is translated"
    assert any(e["data"].get("niveau", "") is None for e in produced), "a null passes too"
    schemas = contracten.generated_schemas()
    errors = []
    for event in produced:
        assert event["dataschema"] == contracts.schema_id(event["type"])
        errors += [f"{event['type']}: {e}" for e in validate(schemas[event["type"]], event["data"])]
        contracts.validate_cloudevent(event)  # what a regional consumer calls
    assert not errors, "\n".join(errors)


def test_a_regional_schema_refuses_extra_personal_and_malformed_fields(
    clock: FrozenClock,
) -> None:
    produced = {e["type"]: e for e in regional_events(clock)}
    uren = produced["nl.inburgering.regio.cursusuren-geregistreerd.v1"]
    contracts.validate_cloudevent(uren)
    data = uren["data"]
    wrong: list[dict[str, Any]] = [
        data | {"extra": 1},
        data | {"naam": "Amal Haddad"},  # personal: no regional schema has it
        data | {"bsn": "111222333"},
        data | {"inburgeraarId": str(uuid.uuid4())},
        {k: v for k, v in data.items() if k != "persoon"},
        data | {"persoon": str(uuid.uuid4())},  # an id, not the pseudonym
        data | {"gemeente": "Doetinchem"},
        data | {"aanbieder": "Taal\nschool"},
        data | {"aanbieder": "Taalschool\n"},
        data | {"aanbieder": "x" * 121},
        data | {"aanbieder": ""},
        data | {"uren": 1.5},
        data | {"uren": -1},
        data | {"uren": None},
        data | {"soort": "cursus (Zzyzx)"},
        data | {"peildatum": "2026-02-30"},
    ]
    for bad in wrong:
        with pytest.raises(contracts.SchemaViolation):
            contracts.validate_cloudevent(uren | {"data": bad})


def test_the_regional_channel_and_its_messages_are_in_the_asyncapi_document(
    document: dict[str, Any],
) -> None:
    channel = document["channels"][contracts.REGIONAL_CHANNEL]
    assert channel["address"] == "regio.{regio}.inburgering"
    assert set(re.findall(r"{(\w+)}", channel["address"])) == set(channel["parameters"])
    assert channel["address"].replace("{regio}", "achterhoek") == regio_topic(REGIO)
    assert channel["bindings"]["kafka"]["topicConfiguration"]["retention.ms"] == -1
    regional_types = {regional.regional_type(t) for t in regional.ALLOW_LIST}
    assert set(channel["messages"]) == regional_types
    operation = document["operations"]["sendRegioEvents"]
    assert operation["action"] == "send"
    assert operation["channel"]["$ref"] == f"#/channels/{contracts.REGIONAL_CHANNEL}"
    assert len(operation["messages"]) == len(regional_types)
    generated = contracts.regional_schemas(contracten.domain_event_classes())
    for ce_type in regional_types:
        message = resolve(document, channel["messages"][ce_type]["$ref"])
        assert message["name"] == ce_type
        payload = resolve(document, message["payload"]["$ref"])
        expected = dict(generated[ce_type])
        del expected["$schema"]
        assert payload == expected, ce_type
        assert message["traits"] == [
            {"$ref": f"#/components/messageTraits/{contracts.REGIONAL_TRAIT}"}
        ]
        assert message["bindings"]["kafka"]["key"]["pattern"] == "^[0-9a-f]{32}$"
    # The domain channels keep the domain messages only.
    for service in contracten.SERVICES:
        assert not set(document["channels"][service]["messages"]) & regional_types


def test_the_regional_trait_documents_the_headers_a_regional_record_carries(
    document: dict[str, Any], clock: FrozenClock
) -> None:
    trait = document["components"]["messageTraits"][contracts.REGIONAL_TRAIT]
    headers_schema = trait["headers"]
    attributes = set(CONTEXT_ATTRIBUTES) - {"sequence", "sequencetype"}
    assert set(headers_schema["properties"]) == {f"ce_{a}" for a in attributes} | {"content-type"}
    assert "ce_time" not in headers_schema["required"]
    produced = regional_events(clock)
    for event in produced:
        key, _, headers = to_kafka(event)
        decoded = {name: value.decode() for name, value in headers}
        assert validate(headers_schema, decoded) == []
        assert set(headers_schema["required"]) <= set(decoded)
        assert "ce_sequence" not in decoded and "ce_sequencetype" not in decoded
        assert key.decode() == decoded["ce_partitionkey"] == decoded["ce_subject"]
        assert PSEUDONYM.match(key.decode()) and key.decode() == event["data"]["persoon"]
        assert decoded["ce_dataschema"] == contracts.schema_id(decoded["ce_type"])
    # Without a time in the source event, the regional record has no ce_time and is fine.
    source = to_cloudevent(next(iter(intake_story())), gemeente="GM0222", sequence=1)
    del source["time"]
    untimed = regional.to_regional(source, REGIO, REGIO_KEY)
    assert untimed is not None
    decoded = {name: value.decode() for name, value in to_kafka(untimed)[2]}
    assert "ce_time" not in decoded and validate(headers_schema, decoded) == []
    # The domain trait would not fit: it requires ce_sequence and a UUID subject.
    assert validate(document["components"]["messageTraits"][contracts.TRAIT]["headers"], decoded)
