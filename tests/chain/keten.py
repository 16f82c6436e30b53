"""The chain intake -> PIP -> ontzorging as test steps at application level, and a source
that delivers chosen CloudEvents (a duplicate, a hand-made event) to a real Consumer.

The clock fixture stands on 2026-01-05: the obligation started on 2025-12-01, the intake
ends on the clock's today, and the PIP is set on that same day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from services.intake.application import IntakeApplication
from services.intake.domainmodel import (
    Hoofddoel,
    HoofddoelKeuze,
    Leerbaarheidstoets,
    LeerrouteAdvies,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    Toetsuitslag,
)
from services.intake.rules import Doelgroep, Leerroute, ToetsResultaat
from services.ontzorging.application import OntzorgingApplication
from services.pip import rules as pip_rules
from services.pip.application import PipApplication
from services.pip.domainmodel import traject_id
from shared.config import PlatformSettings
from shared.consumer import Positions, Received

GEMEENTE = "GM0222"
G = [GEMEENTE]
START = dt.date(2025, 12, 1)
VANDAAG = dt.date(2026, 1, 5)
START_BIJSTAND = dt.date(2025, 12, 15)
BSNS = ("111222333", "739142859", "123456782")


@dataclass
class Apps:
    intake: IntakeApplication
    pip: PipApplication
    ontzorging: OntzorgingApplication


@contextmanager
def apps(settings: PlatformSettings) -> Iterator[Apps]:
    made = Apps(
        intake=IntakeApplication(
            env=settings.event_store_env(IntakeApplication.name), bsn_sleutel="test-sleutel"
        ),
        pip=PipApplication(env=settings.event_store_env(PipApplication.name)),
        ontzorging=OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name)),
    )
    try:
        yield made
    finally:
        for application in (made.intake, made.pip, made.ontzorging):
            application.close()


def rond_intake_af(
    intake: IntakeApplication, bsn: str = BSNS[0], leerroute: Leerroute = Leerroute.B1
) -> UUID:
    """Registration and a complete brede intake ending in IntakeAfgerond; the inburgeraar."""
    inburgeraar_id = UUID(
        str(
            intake.registreer_inburgeraar(
                gemeente=GEMEENTE,
                doelgroep=Doelgroep.ASIELSTATUSHOUDER,
                bsn=bsn,
                naam="Amal Haddad",
                geboortedatum=dt.date(1994, 3, 2),
                adres=None,
                datum_start_inburgeringsplicht=START,
                vestigingsdatum=dt.date(2025, 12, 8),
                gemeenten=G,
            )["id"]
        )
    )
    toets = Toetsuitslag(ToetsResultaat.B1_ROUTE_HAALBAAR, "71,20", "60,00", dt.date(2025, 12, 9))
    intake.voer_intakegesprek(inburgeraar_id, dt.date(2025, 12, 10), "kr-1", gemeenten=G)
    intake.leg_leerbaarheidstoets_vast(inburgeraar_id, Leerbaarheidstoets(toets), gemeenten=G)
    intake.leg_opleiding_en_werkervaring_vast(
        inburgeraar_id, OpleidingEnWerkervaring([], []), gemeenten=G
    )
    intake.leg_persoonlijke_omstandigheden_vast(
        inburgeraar_id, PersoonlijkeOmstandigheden("goed", "goed"), gemeenten=G
    )
    intake.leg_hoofddoel_vast(inburgeraar_id, HoofddoelKeuze(Hoofddoel.WERK), gemeenten=G)
    intake.adviseer_leerroute(inburgeraar_id, LeerrouteAdvies(leerroute), gemeenten=G)
    intake.rond_intake_af(inburgeraar_id, VANDAAG, gemeenten=G)
    return inburgeraar_id


def pip_id(inburgeraar_id: UUID) -> UUID:
    return traject_id(GEMEENTE, inburgeraar_id)


def stel_vast_met_ontzorging(
    pip: PipApplication, inburgeraar_id: UUID, **overrides: Any
) -> dict[str, Any]:
    """The klantregisseur sets the draft PIP as a beschikking that decides to ontzorg."""
    velden: dict[str, Any] = {
        "dagtekening": VANDAAG,
        "leerroute": pip_rules.Leerroute.B1,
        "map": True,
        "map_intensiteit_uren": 40,
        "pvt_intensiteit_uren": 12,
        "begeleiding": "Klantregisseur belt maandelijks",
        "ontzorging": True,
        "startdatum_bijstand": START_BIJSTAND,
        "verblijfsvergunning_asiel_bepaalde_tijd": True,
    }
    return pip.vaststellen(pip_id(inburgeraar_id), gemeenten=G, **(velden | overrides))


class ListSource:
    """Chosen CloudEvents, delivered in order at positions 1, 2, ... of its own name."""

    def __init__(self, name: str, cloudevents: Iterable[dict[str, Any]]) -> None:
        self.name = name
        self.cloudevents = list(cloudevents)

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        after = positions(self.name)
        return [
            Received(Tracking(self.name, position), cloudevent)
            for position, cloudevent in enumerate(self.cloudevents, start=1)
            if position > after
        ][:max_records]

    def rewind(self, positions: Positions) -> None:
        """Every poll reads from the stored position."""
