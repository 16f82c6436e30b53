"""A reusable privacy scenario: one inburgeraar through intake, PIP and ontzorging with
PLANTED personal values in every personal field the services accept, and a scanner that
looks for those values (in several spellings) and for the scenario's ids in Kafka records.

    apps = make_apps(tmp_path)
    scenario = run_scenario(apps, "GM0222")
    leaks = scan(records, scenario.needles())   # [] when nothing personal got through
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from services.intake.application import IntakeApplication
from services.intake.domainmodel import (
    Adres,
    COAProfiel,
    Hoofddoel,
    HoofddoelKeuze,
    Huisgenoot,
    Leefgebied,
    LeefgebiedBevinding,
    Leerbaarheidstoets,
    LeerrouteAdvies,
    Opleiding,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    Relatie,
    ToetsVrijstelling,
    VrijstellingReden,
    Werkervaring,
)
from services.intake.rules import Doelgroep, Leerroute
from services.ontzorging.application import OntzorgingApplication
from services.ontzorging.domainmodel import Doelgroep as OntzorgingDoelgroep
from services.ontzorging.domainmodel import Post
from services.pip import rules as pip
from services.pip.application import PipApplication
from shared.clock import FrozenClock, set_clock
from shared.cloudevents import event_id
from shared.config import PlatformSettings

# "Today" while the scenario runs: late enough for budgetbeheer after six months.
SCENARIO_NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)

# Planted personal values: distinctive, so a hit anywhere is a leak.
BSN = "739142859"  # passes the 11-proef
NAAM = "Zzyzx Plantvalue"
GEBOORTEDATUM = dt.date(1987, 3, 14)
GEBOORTEDATUM_KIND = dt.date(2018, 11, 5)
ADRES = Adres(
    straat="Plantvaluestraat",
    huisnummer=7,
    postcode="9999 ZZ",
    woonplaats="Zzyzxdorp",
    huisnummertoevoeging="PLANTED-TOEVOEGING",
)
GEZONDHEID_FYSIEK = "PLANTED-HEALTH-NOTE: chronische rugklachten"
GEZONDHEID_MENTAAL = "PLANTED-HEALTH-NOTE: PTSS, behandeling bij GGZ"
IBAN = "NL91ABNA0417164300"
IBAN_2 = "NL20INGB0001234567"
IBAN_3 = "NL39RABO0300065264"
BEDRAG_CENT = 8765431
BEGELEIDING = "PLANTED-BEGELEIDING: wekelijks gesprek met maatschappelijk werk"
VERSLAG = "PLANTED-VERSLAG: gaat slecht thuis, zorgen over de kinderen"
AANBIEDER = "Taalschool Achterhoek BV"

INTAKE_START = dt.date(2025, 10, 1)
INTAKE_AFGEROND = dt.date(2025, 11, 3)
DAGTEKENING = dt.date(2025, 11, 17)
TERMIJN_START = dt.date(2025, 11, 18)
TERMIJN_EINDE = dt.date(2028, 11, 17)
TERMIJN_VERLENGD = dt.date(2029, 5, 17)
BESCHIKKING_ONTZORGING = dt.date(2025, 10, 15)
START_BIJSTAND = dt.date(2025, 10, 1)
START_BUDGETBEHEER = dt.date(2026, 4, 2)
ZELFREDZAAM = dt.date(2026, 6, 1)
VOLDAAN = dt.date(2026, 4, 1)
EXAMS = [
    (pip.Examenonderdeel.SPREKEN, dt.date(2026, 2, 25), False, pip.Niveau.B1),
    (pip.Examenonderdeel.LEZEN, dt.date(2026, 3, 10), True, pip.Niveau.B1),
    (pip.Examenonderdeel.LUISTEREN, dt.date(2026, 3, 10), True, pip.Niveau.B1),
    (pip.Examenonderdeel.SCHRIJVEN, dt.date(2026, 3, 11), True, pip.Niveau.B1),
    (pip.Examenonderdeel.SPREKEN, dt.date(2026, 3, 11), True, pip.Niveau.B1),
    (pip.Examenonderdeel.KNM, dt.date(2026, 3, 12), True, None),
]
HOURS = [
    (pip.UrenSoort.CURSUS, 120, dt.date(2026, 1, 31)),
    (pip.UrenSoort.PVT, 12, dt.date(2026, 2, 15)),
]


@dataclass
class Apps:
    intake: IntakeApplication
    pip: PipApplication
    ontzorging: OntzorgingApplication

    def all(self) -> list[Any]:
        return [self.intake, self.pip, self.ontzorging]


def make_apps(data_dir: Path) -> Apps:
    """The three services on SQLite event stores in `data_dir`."""
    settings = PlatformSettings(environment="test", data_dir=data_dir, database_url=None)
    return Apps(
        intake=IntakeApplication(
            env=settings.event_store_env(IntakeApplication.name), bsn_sleutel="test-sleutel"
        ),
        pip=PipApplication(env=settings.event_store_env(PipApplication.name)),
        ontzorging=OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name)),
    )


@contextlib.contextmanager
def scenario_clock() -> Iterator[FrozenClock]:
    clock = FrozenClock(SCENARIO_NOW)
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


@dataclass
class Scenario:
    gemeente: str
    inburgeraar_id: UUID
    pip_id: UUID
    ontzorging_id: UUID
    # aggregate id -> its last version, for the CloudEvent ids the relay gave its events
    versions: dict[UUID, int] = field(default_factory=dict)

    @property
    def aggregate_ids(self) -> list[UUID]:
        return [self.inburgeraar_id, self.pip_id, self.ontzorging_id]

    def event_ids(self) -> list[str]:
        return [
            event_id(aggregate, version)
            for aggregate, last in self.versions.items()
            for version in range(1, last + 1)
        ]

    def needles(self) -> list[str]:
        """Everything that must never leave the gemeente: the planted values in several
        spellings, the aggregate ids, and the ids of the original events."""
        return [*planted_values(), *id_spellings(self.aggregate_ids), *self.event_ids()]


def date_spellings(day: dt.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    return [
        day.isoformat(),
        f"{d:02d}-{m:02d}-{y}",
        f"{d}-{m}-{y}",
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{y}{m:02d}{d:02d}",
        f"{d:02d}{m:02d}{y}",
    ]


def id_spellings(ids: Iterable[UUID]) -> list[str]:
    return [spelling for i in ids for spelling in (str(i), i.hex)]


def planted_values() -> list[str]:
    bsn = BSN
    return [
        bsn,
        f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}",
        f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}",
        f"{bsn[:3]}-{bsn[3:6]}-{bsn[6:]}",
        NAAM,
        *NAAM.split(),
        "Plantvaluestraat",
        "9999 ZZ",
        "9999ZZ",
        "PLANTED",  # every free text of the scenario starts with it
        "HEALTH-NOTE",
        "PTSS",
        "GGZ",
        *date_spellings(GEBOORTEDATUM),
        *date_spellings(GEBOORTEDATUM_KIND),
        *(iban for iban in (IBAN, IBAN_2, IBAN_3)),
        *(" ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) for iban in (IBAN,)),
        IBAN[4:],
        IBAN[8:],
        str(BEDRAG_CENT),
        f"{BEDRAG_CENT // 100}.{BEDRAG_CENT % 100:02d}",
        f"{BEDRAG_CENT // 100},{BEDRAG_CENT % 100:02d}",
        # Reasons that are health data, and codes that carry it.
        "ziekte",
        "visuele_beperking",
        '"MED"',
    ]


def run_scenario(apps: Apps, gemeente: str) -> Scenario:
    """Drive one inburgeraar of `gemeente` through all three services. Every personal field
    gets a PLANTED value; the path produces every event type of the regional allow-list
    except niveau-afgeschaald (afschalen needs 600 course hours and another route)."""
    g = [gemeente]
    with scenario_clock():
        intake = apps.intake
        state = intake.registreer_inburgeraar(
            gemeente=gemeente,
            doelgroep=Doelgroep.ASIELSTATUSHOUDER,
            bsn=BSN,
            naam=NAAM,
            geboortedatum=GEBOORTEDATUM,
            adres=ADRES,
            datum_start_inburgeringsplicht=INTAKE_START,
            vestigingsdatum=dt.date(2025, 9, 22),
            gemeenten=g,
        )
        inburgeraar_id = UUID(str(state["id"]))
        intake.ontvang_coa_profiel(
            inburgeraar_id,
            COAProfiel(
                huishouden=[Huisgenoot(Relatie.KIND, GEBOORTEDATUM_KIND)],
                herkomstland="PLANTED-HERKOMSTLAND",
                talen=["PLANTED-TAAL"],
                opleiding="PLANTED-COA-OPLEIDING",
                werkervaring="PLANTED-COA-WERKERVARING",
                zichtbare_beperkingen="PLANTED-HEALTH-NOTE: loopt met krukken",
            ),
            gemeenten=g,
        )
        intake.voer_intakegesprek(
            inburgeraar_id, dt.date(2025, 10, 20), "PLANTED-KLANTREGISSEUR", gemeenten=g
        )
        intake.leg_leerbaarheidstoets_vast(
            inburgeraar_id,
            Leerbaarheidstoets(
                vrijstelling=ToetsVrijstelling(
                    VrijstellingReden.VISUELE_BEPERKING, "PLANTED-HEALTH-NOTE: slechtziend"
                )
            ),
            gemeenten=g,
        )
        intake.leg_opleiding_en_werkervaring_vast(
            inburgeraar_id,
            OpleidingEnWerkervaring(
                opleidingen=[Opleiding("PLANTED-OPLEIDING", True, "PLANTED-LAND", 12)],
                werkervaring=[Werkervaring("PLANTED-FUNCTIE", "PLANTED-LAND", 5)],
                toelichting="PLANTED-TOELICHTING-OPLEIDING",
            ),
            gemeenten=g,
        )
        intake.leg_persoonlijke_omstandigheden_vast(
            inburgeraar_id,
            PersoonlijkeOmstandigheden(
                fysieke_gezondheid=GEZONDHEID_FYSIEK,
                mentale_gezondheid=GEZONDHEID_MENTAAL,
                geboortedata_kinderen=[GEBOORTEDATUM_KIND],
                overige="PLANTED-OVERIGE",
            ),
            gemeenten=g,
        )
        intake.leg_leefgebied_vast(
            inburgeraar_id,
            LeefgebiedBevinding(
                Leefgebied.FINANCIEN, "PLANTED-BEVINDING: schulden", "PLANTED-ONDERSTEUNING"
            ),
            gemeenten=g,
        )
        intake.leg_hoofddoel_vast(
            inburgeraar_id,
            HoofddoelKeuze(Hoofddoel.WERK, "PLANTED-HOOFDDOEL-TOELICHTING"),
            gemeenten=g,
        )
        intake.adviseer_leerroute(
            inburgeraar_id, LeerrouteAdvies(Leerroute.B1, "PLANTED-MOTIVATIE"), gemeenten=g
        )
        intake.rond_intake_af(inburgeraar_id, INTAKE_AFGEROND, gemeenten=g)

        traject = apps.pip
        pip_id = UUID(
            str(
                traject.stel_concept_op(
                    gemeente=gemeente,
                    gemeenten=g,
                    inburgeraar_id=inburgeraar_id,
                    doelgroep=pip.Doelgroep.ASIELSTATUSHOUDER,
                    datum_start_inburgeringsplicht=INTAKE_START,
                    geadviseerde_leerroute=pip.Leerroute.B1,
                )["id"]
            )
        )
        traject.wacht_op_derden(
            pip_id,
            gemeenten=g,
            derde="PLANTED-DERDE: huisarts",
            opgevraagd_op=dt.date(2025, 11, 5),
            informatie_ontvangen_op=dt.date(2025, 11, 12),
        )
        traject.vaststellen(
            pip_id,
            gemeenten=g,
            dagtekening=DAGTEKENING,
            leerroute=pip.Leerroute.B1,
            niveau=pip.Niveau.B1,
            map=True,
            map_intensiteit_uren=40,
            pvt_intensiteit_uren=12,
            knm=True,
            begeleiding=BEGELEIDING,
            ontzorging=True,
            geschatte_intensiteit=600,
            startdatum_bijstand=START_BIJSTAND,
            verblijfsvergunning_asiel_bepaalde_tijd=True,
        )
        for soort, uren, peildatum in HOURS:
            traject.registreer_uren(
                pip_id,
                gemeenten=g,
                soort=soort,
                aanbieder=AANBIEDER,
                keurmerk=True,
                uren=uren,
                peildatum=peildatum,
            )
        traject.voer_gesprek(
            pip_id, gemeenten=g, datum=dt.date(2026, 2, 20), inspanning_voldoende=True,
            verslag=VERSLAG,
        )  # fmt: skip
        traject.verleng_termijn(
            pip_id,
            gemeenten=g,
            reden=pip.VerlengingReden.ZIEKTE,
            nieuwe_einddatum=TERMIJN_VERLENGD,
            toelichting="PLANTED-HEALTH-NOTE: opname ziekenhuis",
        )
        for onderdeel, examendatum, behaald, niveau in EXAMS:
            traject.ontvang_examenuitslag(
                pip_id,
                gemeenten=g,
                onderdeel=onderdeel,
                examendatum=examendatum,
                behaald=behaald,
                niveau=niveau,
            )
        traject.verleen_ontheffing(
            pip_id,
            gemeenten=g,
            omvang=pip.Omvang.GEDEELTELIJK,
            onderdeel=pip.Examenonderdeel.KNM,
            grond=pip.OntheffingGrond.MED,
            datum_oordeel=dt.date(2026, 3, 13),
        )
        traject.onderteken_pvt(pip_id, gemeenten=g, datum=dt.date(2026, 3, 20))
        traject.rond_map_af(pip_id, gemeenten=g, datum_eindgesprek=dt.date(2026, 3, 25))
        traject.voldoe(pip_id, gemeenten=g, grond=pip.VoldaanGrond.DIPLOMA, datum=VOLDAAN)

        ontzorging = apps.ontzorging
        ontzorging_id = ontzorging.start_ontzorging(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            pip_id=pip_id,
            doelgroep=OntzorgingDoelgroep.ASIELSTATUSHOUDER,
            ontvangt_bijstand=True,
            verblijfsvergunning_asiel_bepaalde_tijd=True,
            beschikkingsdatum=BESCHIKKING_ONTZORGING,
            startdatum_bijstand=START_BIJSTAND,
            betaalmachtiging_gegeven=True,
            gemeenten=g,
        ).id
        for post, iban in (
            (Post.HUUR, IBAN),
            (Post.ENERGIE, IBAN_2),
            (Post.ZORGVERZEKERING, IBAN_3),
        ):
            ontzorging.leg_vaste_last_vast(
                ontzorging_id,
                post,
                crediteur=f"PLANTED-CREDITEUR {post.value}",
                iban=iban,
                bedrag_per_maand_cent=BEDRAG_CENT,
                gemeenten=g,
            )
        ontzorging.betaal_vaste_last(
            ontzorging_id,
            maand="2025-10",
            post=Post.HUUR,
            bedrag_cent=BEDRAG_CENT,
            betaaldatum=dt.date(2025, 10, 20),
            gemeenten=g,
        )
        ontzorging.start_budgetbeheer(ontzorging_id, START_BUDGETBEHEER, gemeenten=g)
        ontzorging.voer_budgetcoachinggesprek(ontzorging_id, dt.date(2026, 4, 20), gemeenten=g)
        ontzorging.stel_financieel_zelfredzaam_vast(ontzorging_id, ZELFREDZAAM, gemeenten=g)

    scenario = Scenario(gemeente, inburgeraar_id, pip_id, ontzorging_id)
    for app, aggregate in (
        (apps.intake, inburgeraar_id),
        (apps.pip, pip_id),
        (apps.ontzorging, ontzorging_id),
    ):
        scenario.versions[aggregate] = app.repository.get(aggregate).version
    return scenario


# --- Scanning Kafka records ---------------------------------------------------------------


def record_text(record: Any) -> str:
    """Key, value and every header (name and value) of a Kafka record, as one text."""
    parts: list[bytes] = [record.key or b"", record.value or b""]
    for name, value in record.headers or []:
        parts += [name.encode(), value or b""]
    return "\n".join(p.decode("utf-8", errors="replace") for p in parts)


def scan(records: Iterable[Any], needles: Iterable[str]) -> list[tuple[str, str]]:
    """(needle, where) for every needle found in any record, ignoring case."""
    lowered = [(n, n.lower()) for n in needles]
    leaks = []
    for record in records:
        text = record_text(record).lower()
        where = f"{record.topic}:{record.partition}:{record.offset}"
        leaks += [(needle, where) for needle, low in lowered if low in text]
    return leaks
