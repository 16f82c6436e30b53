"""The gemeente read models take the deadlines from the events that state them: the PIP's
uiterste datum (the PIP's latest over the intake's), the first day the termijn counts as
ending, the end of the ontzorging period. Hand-made CloudEvents of both versions: a v2 event
carries the deadline, a v1 event (older Kafka history) leaves it empty."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from contracts import intake, ontzorging, pip
from services.projections.gemeente import queries
from services.projections.gemeente.tabellen import CASELOAD, SIGNALEN
from services.projections.projector import Projector, suffix
from shared.config import PlatformSettings
from shared.sqlstore import SQLStore
from tests.chain.keten import ListSource

GEMEENTE = "GM0222"
PERSOON = uuid.UUID("00000000-0000-4000-8000-000000000001")
TRAJECT = uuid.UUID("00000000-0000-4000-8000-000000000002")
ONTZORGING = uuid.UUID("00000000-0000-4000-8000-000000000003")
START = dt.date(2026, 1, 5)


@pytest.fixture
def store(settings: PlatformSettings) -> Iterator[SQLStore]:
    made = SQLStore(settings, "projections")
    yield made
    made.close()


class Verhaal:
    """CloudEvents of one person, numbered in the order they are told."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, ce_type: str, subject: uuid.UUID, **data: Any) -> None:
        service = ce_type.split(".")[2]
        self.events.append(
            {
                "specversion": "1.0",
                "id": str(uuid.uuid4()),
                "source": f"urn:nld:gemeente:{GEMEENTE}:systeem:inburgering-{service}",
                "type": ce_type,
                "subject": str(subject),
                "gemeente": GEMEENTE,
                "sequence": str(len(self.events) + 1),
                "data": data,
            }
        )

    def geregistreerd(self, ce_type: str, **extra: Any) -> None:
        self(
            ce_type,
            PERSOON,
            gemeente=GEMEENTE,
            doelgroep="asielstatushouder",
            naam="Amal",
            datumStartInburgeringsplicht=START.isoformat(),
            **extra,
        )

    def opgesteld(self, ce_type: str, **extra: Any) -> None:
        self(
            ce_type,
            TRAJECT,
            gemeente=GEMEENTE,
            inburgeraarId=str(PERSOON),
            doelgroep="asielstatushouder",
            datumStartInburgeringsplicht=START.isoformat(),
            vestigingsdatum=None,
            geadviseerdeLeerroute="b1",
            **extra,
        )


def projecteer(store: SQLStore, verhaal: Verhaal) -> None:
    for model in (CASELOAD, SIGNALEN):
        Projector(store, model, ListSource("verhaal", verhaal.events)).run_until_idle()


def caseload(store: SQLStore) -> queries.CaseloadRij:
    [rij], _ = queries.caseload(
        store, suffix(1), GEMEENTE, queries.CaseloadFilter(), [], 0, 10, START
    )
    return rij


def signalen(store: SQLStore, vandaag: dt.date) -> dict[str, tuple[str, str, str]]:
    found = queries.signalen(store, suffix(1), GEMEENTE, queries.SignalenFilter(), vandaag, 90)
    return {s.soort: (s.datum, s.sinds, s.bron) for s in found}


def test_the_uiterste_datum_is_the_pips_latest_over_the_intakes(store: SQLStore) -> None:
    verhaal = Verhaal()
    verhaal.geregistreerd(intake.INBURGERAAR_GEREGISTREERD, uitersteDatumPip="2026-03-16")
    projecteer(store, verhaal)
    rij = caseload(store)
    assert rij.uiterste_datum_pip == "2026-03-16"
    assert rij.volgende_deadline == ("pip", "2026-03-16")
    assert rij.dagen_tot_pip == 70

    verhaal.opgesteld(pip.PIP_OPGESTELD, uitersteDatumPip="2026-03-16")
    verhaal(
        pip.PIP_TERMIJN_OPGESCHORT,
        TRAJECT,
        derde="UWV",
        opgevraagdOp="2026-02-01",
        informatieOntvangenOp="2026-03-20",
        uitersteDatumPip="2026-04-03",
    )
    projecteer(store, verhaal)
    assert caseload(store).uiterste_datum_pip == "2026-04-03"
    assert "pip_termijn_verstreken" not in signalen(store, dt.date(2026, 4, 3))
    assert signalen(store, dt.date(2026, 4, 4))["pip_termijn_verstreken"] == (
        "2026-04-03",
        "2026-04-04",
        "berekend",
    )

    # The klantregisseur corrects the start: the PIP's latest deadline stands, also earlier.
    verhaal(
        pip.CONCEPT_PIP_GEWIJZIGD,
        TRAJECT,
        doelgroep="asielstatushouder",
        datumStartInburgeringsplicht="2026-01-01",
        vestigingsdatum=None,
        geadviseerdeLeerroute="b1",
        uitersteDatumPip="2026-03-30",
    )
    projecteer(store, verhaal)
    assert caseload(store).uiterste_datum_pip == "2026-03-30"
    assert caseload(store).datum_start_inburgeringsplicht == "2026-01-01"


def test_v1_events_leave_the_uiterste_datum_empty(store: SQLStore) -> None:
    verhaal = Verhaal()
    verhaal.geregistreerd(intake.INBURGERAAR_GEREGISTREERD_V1)
    verhaal.opgesteld(pip.PIP_OPGESTELD_V1)
    projecteer(store, verhaal)
    rij = caseload(store)
    assert rij.status == "pip_concept"
    assert rij.datum_start_inburgeringsplicht == START.isoformat()
    assert (rij.uiterste_datum_pip, rij.dagen_tot_pip, rij.volgende_deadline) == (None, None, None)
    assert signalen(store, dt.date(2027, 1, 1)) == {}

    # A later v2 event of the PIP states it.
    verhaal(
        pip.PIP_TERMIJN_OPGESCHORT,
        TRAJECT,
        derde="UWV",
        opgevraagdOp="2026-02-01",
        informatieOntvangenOp="2026-03-20",
        uitersteDatumPip="2026-04-03",
    )
    projecteer(store, verhaal)
    assert caseload(store).uiterste_datum_pip == "2026-04-03"


def test_the_termijn_counts_as_ending_from_the_day_its_event_states(store: SQLStore) -> None:
    verhaal = Verhaal()
    verhaal.geregistreerd(intake.INBURGERAAR_GEREGISTREERD, uitersteDatumPip="2026-03-16")
    verhaal.opgesteld(pip.PIP_OPGESTELD, uitersteDatumPip="2026-03-16")
    verhaal(
        pip.INBURGERINGSTERMIJN_GESTART,
        TRAJECT,
        startdatum="2026-02-01",
        einddatum="2029-02-01",
        looptBijnaAfVanaf="2028-12-02",
    )
    projecteer(store, verhaal)
    assert caseload(store).einde_termijn == "2029-02-01"
    assert "inburgeringstermijn_loopt_af" not in signalen(store, dt.date(2028, 12, 1))
    assert signalen(store, dt.date(2028, 12, 2))["inburgeringstermijn_loopt_af"] == (
        "2029-02-01",
        "2028-12-02",
        "berekend",
    )

    verhaal(
        pip.INBURGERINGSTERMIJN_VERLENGD,
        TRAJECT,
        reden="onderwijs",
        vorigeEinddatum="2029-02-01",
        nieuweEinddatum="2029-06-20",
        toelichting=None,
        looptBijnaAfVanaf="2029-04-21",
    )
    projecteer(store, verhaal)
    assert caseload(store).einde_termijn == "2029-06-20"
    assert "inburgeringstermijn_loopt_af" not in signalen(store, dt.date(2029, 4, 20))
    assert signalen(store, dt.date(2029, 4, 21))["inburgeringstermijn_loopt_af"][1] == (
        "2029-04-21"
    )


def test_a_v1_termijn_opens_its_signal_only_by_its_event(store: SQLStore) -> None:
    verhaal = Verhaal()
    verhaal.geregistreerd(intake.INBURGERAAR_GEREGISTREERD_V1)
    verhaal.opgesteld(pip.PIP_OPGESTELD_V1)
    verhaal(
        pip.INBURGERINGSTERMIJN_GESTART_V1,
        TRAJECT,
        startdatum="2026-02-01",
        einddatum="2029-02-01",
    )
    projecteer(store, verhaal)
    assert caseload(store).einde_termijn == "2029-02-01"
    assert "inburgeringstermijn_loopt_af" not in signalen(store, dt.date(2029, 1, 1))

    verhaal(
        pip.INBURGERINGSTERMIJN_LOOPT_BIJNA_AF_V1,
        TRAJECT,
        inburgeraarId=str(PERSOON),
        einddatum="2029-02-01",
        peildatum="2028-12-03",
    )
    projecteer(store, verhaal)
    assert signalen(store, dt.date(2029, 1, 1))["inburgeringstermijn_loopt_af"] == (
        "2029-02-01",
        "2028-12-03",
        "event",
    )


@pytest.mark.parametrize(
    ("ce_type", "einde"),
    [(ontzorging.ONTZORGING_GESTART, "2026-06-15"), (ontzorging.ONTZORGING_GESTART_V1, None)],
)
def test_the_end_of_the_ontzorging_period_is_the_ontzorgings(
    store: SQLStore, ce_type: str, einde: str | None
) -> None:
    verhaal = Verhaal()
    verhaal.geregistreerd(intake.INBURGERAAR_GEREGISTREERD, uitersteDatumPip="2026-03-16")
    stated = {} if einde is None else {"eindeOntzorgingsperiode": einde}
    verhaal(
        ce_type,
        ONTZORGING,
        gemeente=GEMEENTE,
        inburgeraarId=str(PERSOON),
        pipId=str(TRAJECT),
        doelgroep="asielstatushouder",
        beschikkingsdatum="2026-01-05",
        startdatumBijstand="2025-12-15",
        betaalmachtigingGegeven=True,
        **stated,
    )
    projecteer(store, verhaal)
    rij = caseload(store)
    assert rij.ontzorging_status == "ontzorgd"
    assert rij.einde_ontzorgingsperiode == einde
    open_ = signalen(store, dt.date(2026, 6, 15))
    if einde is None:
        assert "ontzorgingsperiode_afgelopen" not in open_
    else:
        assert open_["ontzorgingsperiode_afgelopen"] == (einde, einde, "berekend")
