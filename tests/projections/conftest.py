"""The gemeente read models' test world: the embedded platform (the three services on their
own logs, their consumers and timers) with the projections service mounted in it, and one
story (`verhaal`) that takes several inburgeraars of two served gemeenten, and one not served,
through intake, PIP and ontzorging while the clock moves, so that every signal opens (by
event and by date) and closes again.

The story is a generator: it yields a name at each point worth looking at, so a test can
project and query there (`for stap in verhaal(keten, clock): ...`). It runs the services'
choreography and timers itself; projecting is left to the test (`keten.projecteer()`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.embedded import create_platform
from services.intake.application import IntakeApplication
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
from services.ontzorging.application import OntzorgingApplication
from services.pip import rules as pip
from services.pip.application import PipApplication
from services.pip.domainmodel import traject_id
from services.projections.gemeente import PersoonModel
from services.projections.leesmodellen import Projections
from services.projections.projector import Projector, ReadModel, suffix
from shared.auth import Rol, TokenVerifier
from shared.bsn import is_geldig_bsn
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.runtime import BackgroundLoop
from shared.sqlstore import SQLStore

HIER, DAAR, ELDERS = "GM0222", "GM0197", "GM0150"  # served, served, not served
API = "/projections/api/v1"


def bsn(n: int) -> str:
    """The n-th BSN that passes the 11-proef, from 100000000 on."""
    found = -1
    for candidate in range(100_000_000, 999_999_999):
        if is_geldig_bsn(str(candidate)):
            found += 1
            if found == n:
                return str(candidate)
    raise AssertionError(n)


def om(clock: FrozenClock, day: dt.date) -> None:
    clock.set(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))


@dataclass
class Keten:
    """The embedded platform, driven step by step: `verwerk()` runs the services'
    consumers and timers, `projecteer()` the read models' projectors."""

    platform: FastAPI
    client: TestClient
    verifier: TokenVerifier
    services: BackgroundLoop = field(init=False)
    ids: dict[str, UUID] = field(default_factory=dict)
    gemeente_van: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        tasks = self.platform.state.backbone.tasks
        self.services = BackgroundLoop([t for t in tasks if not isinstance(t, Projector)])

    @property
    def intake(self) -> IntakeApplication:
        application: IntakeApplication = self.platform.state.services["intake"].state.application
        return application

    @property
    def pip(self) -> PipApplication:
        application: PipApplication = self.platform.state.services["pip"].state.application
        return application

    @property
    def ontzorging(self) -> OntzorgingApplication:
        app = self.platform.state.services["ontzorging"].state.application
        assert isinstance(app, OntzorgingApplication)
        return app

    @property
    def projections(self) -> Projections:
        projections: Projections = self.platform.state.services["projections"].state.projections
        return projections

    @property
    def store(self) -> SQLStore:
        return self.projections.store

    def model(self, name: str) -> ReadModel:
        return self.projections.models[name]

    def verwerk(self) -> None:
        self.services.run_until_idle()

    def projecteer(self, names: tuple[str, ...] = ("caseload", "signalen", "monitoring")) -> int:
        return sum(
            projector.run_until_idle()
            for projector in self.projections.projectors()
            if projector.model.name in names
        )

    def headers(
        self, rol: Rol = Rol.KLANTREGISSEUR, gemeenten: list[str] | None = None
    ) -> dict[str, str]:
        token = self.verifier.issue("kr-1", rol, gemeenten or [HIER, DAAR])
        return {"Authorization": f"Bearer {token}"}

    def get(self, path: str, rol: Rol = Rol.KLANTREGISSEUR, **params: Any) -> dict[str, Any]:
        response = self.client.get(f"{API}{path}", params=params, headers=self.headers(rol))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def caseload(self, gemeente: str = HIER, **params: Any) -> dict[str, dict[str, Any]]:
        """The caseload by name (one page of up to 100)."""
        body = self.get(f"/gemeenten/{gemeente}/caseload", paginaGrootte=100, **params)
        return {regel["naam"]: regel for regel in body["caseload"]}

    def signalen(self, gemeente: str = HIER, **params: Any) -> set[tuple[str, str, str, str]]:
        """(naam, soort, sinds, bron) of the open signals."""
        body = self.get(f"/gemeenten/{gemeente}/signalen", paginaGrootte=100, **params)
        naam = {str(i): n for n, i in self.ids.items()}
        return {
            (naam[s["inburgeraarId"]], s["soort"], s["sinds"], s["bron"]) for s in body["signalen"]
        }

    # --- the services, as a klantregisseur uses them ---

    def registreer(self, naam: str, gemeente: str, doelgroep: Doelgroep, start: dt.date) -> UUID:
        state = self.intake.registreer_inburgeraar(
            gemeente=gemeente,
            doelgroep=doelgroep,
            bsn=bsn(len(self.ids)),
            naam=naam,
            geboortedatum=dt.date(1990, 1, 1),
            adres=None,
            datum_start_inburgeringsplicht=start,
            vestigingsdatum=None,
            gemeenten=[gemeente],
        )
        self.ids[naam] = UUID(str(state["id"]))
        self.gemeente_van[naam] = gemeente
        return self.ids[naam]

    def gesprek(self, naam: str, datum: dt.date, klantregisseur: str) -> None:
        g = [self.gemeente_van[naam]]
        self.intake.voer_intakegesprek(self.ids[naam], datum, klantregisseur, gemeenten=g)

    def rond_intake_af(self, naam: str, afronding: dt.date, leerroute: Leerroute) -> None:
        i, g = self.ids[naam], [self.gemeente_van[naam]]
        haalbaar = leerroute is not Leerroute.Z
        resultaat = (
            ToetsResultaat.B1_ROUTE_HAALBAAR if haalbaar else ToetsResultaat.B1_ROUTE_NIET_HAALBAAR
        )
        toets = Toetsuitslag(resultaat, "61,00", "60,00", afronding)
        self.intake.leg_leerbaarheidstoets_vast(i, Leerbaarheidstoets(toets), gemeenten=g)
        self.intake.leg_opleiding_en_werkervaring_vast(
            i, OpleidingEnWerkervaring([], []), gemeenten=g
        )
        self.intake.leg_persoonlijke_omstandigheden_vast(
            i, PersoonlijkeOmstandigheden("goed", "goed"), gemeenten=g
        )
        self.intake.leg_hoofddoel_vast(i, HoofddoelKeuze(Hoofddoel.WERK), gemeenten=g)
        self.intake.adviseer_leerroute(i, LeerrouteAdvies(leerroute), gemeenten=g)
        self.intake.rond_intake_af(i, afronding, gemeenten=g)

    def pip_id(self, naam: str) -> UUID:
        return traject_id(self.gemeente_van[naam], self.ids[naam])

    def stel_vast(
        self, naam: str, dagtekening: dt.date, leerroute: pip.Leerroute, **extra: Any
    ) -> None:
        self.pip.vaststellen(
            self.pip_id(naam),
            gemeenten=[self.gemeente_van[naam]],
            dagtekening=dagtekening,
            leerroute=leerroute,
            map=leerroute is not pip.Leerroute.ONDERWIJS,
            pvt_intensiteit_uren=12,
            **extra,
        )


@pytest.fixture
def clients() -> Iterator[list[Any]]:
    """What a test opens (Kafka clients, projections), closed after it."""
    made: list[Any] = []
    yield made
    for client in reversed(made):
        client.close()


@contextmanager
def maak_keten(settings: PlatformSettings, gemeenten: list[str]) -> Iterator[Keten]:
    served = settings.model_copy(update={"gemeenten": gemeenten})
    platform = create_platform(served)
    try:
        yield Keten(platform, TestClient(platform), TokenVerifier(served))
    finally:
        for app in platform.state.services.values():
            app.state.application.close()


@pytest.fixture
def keten(settings: PlatformSettings, clock: FrozenClock) -> Iterator[Keten]:
    with maak_keten(settings, [HIER, DAAR]) as made:
        yield made


def verhaal(
    k: Keten, clock: FrozenClock, hier: str = HIER, daar: str = DAAR, elders: str = ELDERS
) -> Iterator[str]:
    """Seven inburgeraars from 5 January 2026 to October 2028 (see the module docstring):
    six in `hier`, one in `daar`, one in `elders` (not served)."""
    asiel, gezin = Doelgroep.ASIELSTATUSHOUDER, Doelgroep.GEZINSMIGRANT
    overig = Doelgroep.OVERIGE_MIGRANT
    om(clock, dt.date(2026, 1, 5))
    # Gijs: intake in 75 days, his first PIP after 80: late.
    k.registreer("Gijs", hier, asiel, dt.date(2025, 10, 1))
    k.gesprek("Gijs", dt.date(2025, 10, 15), "kr-2")
    k.rond_intake_af("Gijs", dt.date(2025, 12, 15), Leerroute.B1)
    # Farah: intake in 39 days, the Z-route set after 53.
    k.registreer("Farah", hier, gezin, dt.date(2025, 11, 10))
    k.gesprek("Farah", dt.date(2025, 11, 20), "kr-1")
    k.rond_intake_af("Farah", dt.date(2025, 12, 19), Leerroute.Z)
    # Amal: intake in 35 days, her PIP the same day, with ontzorging.
    k.registreer("Amal", hier, asiel, dt.date(2025, 12, 1))
    k.gesprek("Amal", dt.date(2025, 12, 10), "kr-1")
    k.rond_intake_af("Amal", dt.date(2026, 1, 5), Leerroute.B1)
    # Bilal: one intake conversation so far.
    k.registreer("Bilal", hier, asiel, dt.date(2025, 12, 1))
    k.gesprek("Bilal", dt.date(2025, 12, 10), "kr-2")
    # Chen: registered, and a draft PIP made by hand; no intake.
    chen = k.registreer("Chen", hier, gezin, dt.date(2025, 11, 1))
    k.pip.stel_concept_op(
        gemeente=hier,
        gemeenten=[hier],
        inburgeraar_id=chen,
        doelgroep=pip.Doelgroep.GEZINSMIGRANT,
        datum_start_inburgeringsplicht=dt.date(2025, 11, 1),
    )
    # Hana: registered this year (cohort 2026).
    k.registreer("Hana", hier, overig, dt.date(2026, 1, 2))
    # Dana in the other served gemeente; Eva in a gemeente this deployment does not serve.
    k.registreer("Dana", daar, asiel, dt.date(2025, 10, 1))
    k.gesprek("Dana", dt.date(2025, 10, 20), "kr-9")
    k.rond_intake_af("Dana", dt.date(2025, 11, 28), Leerroute.ONDERWIJS)
    k.registreer("Eva", elders, asiel, dt.date(2025, 12, 1))
    k.verwerk()  # IntakeAfgerond opens the draft PIPs
    k.stel_vast("Gijs", dt.date(2025, 12, 20), pip.Leerroute.B1)
    k.stel_vast("Farah", dt.date(2026, 1, 2), pip.Leerroute.Z)
    k.stel_vast(
        "Amal",
        dt.date(2026, 1, 5),
        pip.Leerroute.B1,
        ontzorging=True,
        startdatum_bijstand=dt.date(2025, 12, 15),
        verblijfsvergunning_asiel_bepaalde_tijd=True,
    )
    k.stel_vast("Dana", dt.date(2025, 12, 1), pip.Leerroute.ONDERWIJS)
    for onderdeel, behaald in (
        (pip.Examenonderdeel.LEZEN, True),
        (pip.Examenonderdeel.SPREKEN, False),
    ):
        k.pip.ontvang_examenuitslag(
            k.pip_id("Amal"),
            gemeenten=[hier],
            onderdeel=onderdeel,
            examendatum=dt.date(2026, 1, 5),
            behaald=behaald,
            niveau=pip.Niveau.B1,
        )
    k.verwerk()  # the PIP with ontzorging starts the ontzorging
    yield "begin"

    om(clock, dt.date(2026, 1, 11))
    yield "chen te laat, berekend"
    k.verwerk()  # the timer: PIPTermijnVerstreken for Chen's draft
    yield "chen te laat, gemeld"

    om(clock, dt.date(2026, 2, 10))
    k.verwerk()
    yield "bilal te laat"
    k.stel_vast("Chen", dt.date(2026, 2, 10), pip.Leerroute.B1)
    yield "chen heeft een pip"

    om(clock, dt.date(2026, 3, 21))
    k.verwerk()
    yield "gijs zonder voortgang"
    k.pip.voer_gesprek(k.pip_id("Gijs"), gemeenten=[hier], datum=dt.date(2026, 3, 21))
    k.pip.ontvang_examenuitslag(
        k.pip_id("Amal"),
        gemeenten=[hier],
        onderdeel=pip.Examenonderdeel.SPREKEN,
        examendatum=dt.date(2026, 3, 20),
        behaald=True,
        niveau=pip.Niveau.B1,
    )
    yield "gijs gesproken"

    om(clock, dt.date(2026, 6, 15))
    yield "ontzorging voorbij, berekend"
    k.verwerk()  # OntzorgingsperiodeAfgelopen
    yield "ontzorging voorbij, gemeld"
    [ontzorging] = k.ontzorging.ontzorgingen_van(k.ids["Amal"], [hier])
    k.ontzorging.start_budgetbeheer(ontzorging.id, dt.date(2026, 6, 15), gemeenten=[hier])
    yield "budgetbeheer"

    om(clock, dt.date(2028, 10, 21))
    k.verwerk()  # InburgeringstermijnLooptBijnaAf for Gijs (and Dana)
    yield "termijn loopt af"
    k.pip.verleng_termijn(
        k.pip_id("Gijs"),
        gemeenten=[hier],
        reden=pip.VerlengingReden.ONDERWIJS,
        nieuwe_einddatum=dt.date(2029, 6, 20),
    )
    yield "termijn verlengd"
    k.pip.verleen_vrijstelling(
        k.pip_id("Amal"),
        gemeenten=[hier],
        omvang=pip.Omvang.GEHEEL,
        datum_oordeel=dt.date(2028, 10, 21),
    )
    k.verwerk()
    yield "amal voldaan"


def speel(k: Keten, clock: FrozenClock, *, projecteer: bool = True) -> list[str]:
    """The whole story; with `projecteer`, the projectors run at every step (incremental)."""
    stappen = []
    for stap in verhaal(k, clock):
        if projecteer:
            k.projecteer()
        stappen.append(stap)
    return stappen


Rows = dict[str, list[tuple[Any, ...]]]


def rijen(store: SQLStore, model: ReadModel, generation: int) -> Rows:
    """Every table of one generation of a model, sorted: to compare row for row."""
    assert isinstance(model, PersoonModel)
    tables = model.tables
    return {
        base: sorted(
            store.query(f"SELECT * FROM {base}{suffix(generation)}"),
            key=lambda row: tuple("" if v is None else str(v) for v in row),
        )
        for base in tables
    }
