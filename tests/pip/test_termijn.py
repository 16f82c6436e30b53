"""The PIP's two clocks as the traject keeps them: the ten weeks, whose base intake states
in its events (art. 5.3 Besluit inburgering 2021: after DUO's kennisgeving or the BRP
registration) and which only waits for third parties extend; and the inburgeringstermijn,
which DUO decides (art. 11 and 12 Wi2021) and the traject takes over."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from contracts import intake as intake_contract
from services.pip import rules
from services.pip.application import PipApplication
from services.pip.config import PipSettings
from services.pip.consumers import PipPolicy
from services.pip.domainmodel import Inburgeringstraject, traject_id
from services.pip.main import create_app
from services.pip.rules import Doelgroep, Leerroute
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from tests.conftest import TokenFactory

GEMEENTE = "GM0222"
START = dt.date(2025, 9, 1)  # the obligation started in the AZC
OUDE_UITERSTE = dt.date(2025, 11, 10)  # ten weeks from the start: the old, wrong deadline
KENNISGEVING = dt.date(2025, 12, 1)  # DUO's kennisgeving on leaving the COA
UITERSTE = dt.date(2026, 2, 9)  # ten weeks after the kennisgeving, as intake states it


def op(clock: FrozenClock, dag: dt.date) -> dt.date:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, tzinfo=dt.UTC))
    return dag


def concept(uiterste: dt.date = UITERSTE) -> Inburgeringstraject:
    return Inburgeringstraject.stel_concept_op(
        gemeente=GEMEENTE,
        inburgeraar_id=uuid.uuid4(),
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.B1,
        uiterste_datum_pip=uiterste,
    )


def vaststellen(traject: Inburgeringstraject, dagtekening: dt.date) -> None:
    traject.vaststellen(
        dagtekening=dagtekening,
        leerroute=Leerroute.B1,
        niveau=None,
        map=True,
        map_intensiteit_uren=40,
        pvt_intensiteit_uren=12,
        knm=True,
        begeleiding="Taalmaatje",
        ontzorging=False,
        geschatte_intensiteit=None,
    )


def namen(traject: Inburgeringstraject) -> list[str]:
    return [type(e).__name__ for e in traject.collect_events()]


# --- The ten weeks: the base from intake's events ---------------------------------------


def test_the_concept_takes_the_ten_weeks_from_intake_not_from_the_start(
    clock: FrozenClock,
) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021: ten weeks after DUO's kennisgeving, not
    after the start of the obligation in the AZC; PIPOpgesteld publishes intake's date."""
    traject = concept()
    [opgesteld] = traject.pending_events
    assert opgesteld.uiterste_datum_pip == UITERSTE  # type: ignore[attr-defined]
    assert traject.uiterste_datum_pip == UITERSTE
    assert traject.agenda() == {"PIPTermijnVerstreken": UITERSTE + dt.timedelta(days=1)}


def test_no_te_laat_signal_at_the_old_deadline_and_one_after_the_real_one(
    clock: FrozenClock,
) -> None:
    """art. 5.3 Besluit: the PIP is late only after the ten weeks from the kennisgeving;
    the timer (PIPTermijnVerstreken) does not fire at start + ten weeks."""
    traject = concept()
    traject.signaleer_verstreken_termijnen(op(clock, OUDE_UITERSTE + dt.timedelta(days=1)))
    traject.signaleer_verstreken_termijnen(op(clock, UITERSTE))
    assert "PIPTermijnVerstreken" not in namen(traject)
    traject.signaleer_verstreken_termijnen(op(clock, UITERSTE + dt.timedelta(days=1)))
    assert namen(traject)[-1] == "PIPTermijnVerstreken"


def test_a_moved_deadline_is_recorded_and_the_timer_follows_it(clock: FrozenClock) -> None:
    """art. 5.3 Besluit; DUO Gebeurtenissen SS139 (a new kennisgeving): intake moves the ten
    weeks, the traject records the new date (UitersteDatumPipGewijzigd) and the agenda of the
    deadline index moves with it; the same date again changes nothing."""
    traject = concept(OUDE_UITERSTE)
    nieuw = UITERSTE + dt.timedelta(days=21)
    assert traject.verschuif_uiterste_datum_pip(nieuw) is True
    verschoven = traject.pending_events[-1]
    assert type(verschoven).__name__ == "UitersteDatumPipGewijzigd"
    assert verschoven.uiterste_datum_pip == nieuw  # type: ignore[attr-defined]
    assert traject.agenda()["PIPTermijnVerstreken"] == nieuw + dt.timedelta(days=1)
    assert traject.verschuif_uiterste_datum_pip(nieuw) is False
    assert namen(traject) == ["PIPOpgesteld", "UitersteDatumPipGewijzigd"]


def test_waiting_for_third_parties_extends_the_current_base(clock: FrozenClock) -> None:
    """art. 5.3 Besluit: waiting for information of third parties, asked within the ten
    weeks, extends them to at most two weeks after it arrived; on top of the moved base."""
    op(clock, dt.date(2026, 2, 20))
    traject = concept(OUDE_UITERSTE)
    traject.verschuif_uiterste_datum_pip(UITERSTE)
    # Asked after the old deadline but within the current ten weeks: allowed.
    traject.wacht_op_derden(
        derde="huisarts",
        opgevraagd_op=dt.date(2026, 1, 12),
        informatie_ontvangen_op=dt.date(2026, 1, 20),
    )
    assert traject.uiterste_datum_pip == UITERSTE  # two weeks after 20 Jan end earlier
    traject.wacht_op_derden(
        derde="school",
        opgevraagd_op=dt.date(2026, 2, 1),
        informatie_ontvangen_op=dt.date(2026, 2, 16),
    )
    assert traject.uiterste_datum_pip == dt.date(2026, 3, 2)
    # Asked after the current ten weeks: that extends nothing.
    with pytest.raises(rules.VerzoekInformatieNaTienWeken):
        traject.wacht_op_derden(
            derde="werkgever",
            opgevraagd_op=UITERSTE + dt.timedelta(days=1),
            informatie_ontvangen_op=UITERSTE + dt.timedelta(days=2),
        )


def test_a_pip_set_after_the_old_but_before_the_real_deadline_is_binnen_tien_weken(
    clock: FrozenClock,
) -> None:
    """art. 5.3 Besluit; CBS timeliness figure: binnenTienWeken follows the kennisgeving."""
    traject = concept()
    vaststellen(traject, op(clock, UITERSTE))
    vastgesteld = [e for e in traject.pending_events if type(e).__name__ == "PIPVastgesteld"]
    assert vastgesteld[0].binnen_tien_weken is True  # type: ignore[attr-defined]
    assert vastgesteld[0].uiterste_datum_pip == UITERSTE  # type: ignore[attr-defined]


def test_the_deadline_no_longer_moves_once_the_pip_is_set(clock: FrozenClock) -> None:
    """art. 5.3 Besluit: the ten weeks are for setting the first PIP; after it they are
    history, and binnenTienWeken is what it was on the dagtekening."""
    traject = concept()
    vaststellen(traject, op(clock, dt.date(2026, 1, 5)))
    with pytest.raises(rules.PIPAlVastgesteld):
        traject.verschuif_uiterste_datum_pip(UITERSTE + dt.timedelta(days=30))


# --- The termijn: DUO decides -------------------------------------------------------------


def test_duos_termijn_wins_also_when_it_ends_earlier(clock: FrozenClock) -> None:
    """art. 11 lid 1 and 2, art. 12 Wi2021; DUO Inburgeringstermijn API: DUO's start and
    last day stand; the event carries the first day the termijn counts as ending."""
    traject = concept()
    vaststellen(traject, op(clock, dt.date(2026, 1, 5)))
    assert (traject.termijn_start, traject.termijn_einde) == (
        dt.date(2026, 1, 6),
        dt.date(2029, 1, 5),
    )
    assert (
        traject.neem_termijn_van_duo_over(
            startdatum=dt.date(2026, 1, 6),
            einddatum=dt.date(2029, 1, 5),
            gebeurtenis="SS102",
            verlengingsgrondcode=None,
            verlengingsgrondomschrijving=None,
        )
        is False
    )
    assert (
        traject.neem_termijn_van_duo_over(
            startdatum=dt.date(2026, 1, 6),
            einddatum=dt.date(2029, 1, 4),
            gebeurtenis="SS102",
            verlengingsgrondcode=None,
            verlengingsgrondomschrijving=None,
        )
        is True
    )
    overgenomen = traject.pending_events[-1]
    assert type(overgenomen).__name__ == "InburgeringstermijnVanDuoOvergenomen"
    assert overgenomen.loopt_bijna_af_vanaf == rules.eerste_dag_binnen_twee_maanden(  # type: ignore[attr-defined]
        dt.date(2029, 1, 4)
    )
    assert traject.termijn_einde == dt.date(2029, 1, 4)
    assert traject.agenda()["InburgeringstermijnLooptBijnaAf"] == dt.date(2028, 11, 4)


def test_an_extension_by_duo_moves_the_end_and_names_duos_ground(clock: FrozenClock) -> None:
    """art. 12 Wi2021 (DUO extends the termijn), SS104: the ground travels as DUO codes it,
    and is personal data (illness, birth)."""
    traject = concept()
    vaststellen(traject, op(clock, dt.date(2026, 1, 5)))
    traject.neem_termijn_van_duo_over(
        startdatum=dt.date(2026, 1, 6),
        einddatum=dt.date(2029, 7, 5),
        gebeurtenis="SS104",
        verlengingsgrondcode="ZIE",
        verlengingsgrondomschrijving="Ziekte",
    )
    verlengd = traject.pending_events[-1]
    assert verlengd.vorige_einddatum == dt.date(2029, 1, 5)  # type: ignore[attr-defined]
    assert verlengd.verlengingsgrondcode == "ZIE"  # type: ignore[attr-defined]
    assert "verlengingsgrondomschrijving" in type(verlengd).persoonsgegevens  # type: ignore[attr-defined]


def test_a_termijn_from_duo_that_ends_before_it_starts_is_refused(clock: FrozenClock) -> None:
    """art. 11 Wi2021: a termijn has a start before its end; a message that says otherwise
    is not taken over."""
    traject = concept()
    with pytest.raises(rules.TermijnVanDuoOngeldig):
        traject.neem_termijn_van_duo_over(
            startdatum=dt.date(2026, 1, 6),
            einddatum=dt.date(2026, 1, 5),
            gebeurtenis="SS102",
            verlengingsgrondcode=None,
            verlengingsgrondomschrijving=None,
        )


@pytest.mark.parametrize(
    ("datum", "verwijtbaar", "geweigerd"),
    [
        (dt.date(2028, 12, 15), rules.Verwijtbaar.NEE, "VerwijtbaarheidNietToegestaan"),
        (dt.date(2028, 12, 15), rules.Verwijtbaar.JA, "VerwijtbaarheidNietToegestaan"),
        (dt.date(2028, 12, 15), None, None),
        (dt.date(2028, 12, 16), None, "VerwijtbaarheidOntbreekt"),
        (dt.date(2028, 12, 16), rules.Verwijtbaar.JA, None),
        (dt.date(2028, 12, 16), rules.Verwijtbaar.NEE, None),
    ],
)
def test_verwijtbaar_on_the_last_day_and_the_day_after_as_duo_accepts_it(
    datum: dt.date, verwijtbaar: rules.Verwijtbaar | None, geweigerd: str | None
) -> None:
    """DUO README MAP/PVT with DUO's exclusive einddatum (Inburgeringstermijn API): on the
    termijn's last day (2028-12-15) no flag; from the day after a flag is required."""
    einde, vandaag = dt.date(2028, 12, 15), dt.date(2029, 1, 10)
    gevonden: set[str] = set()
    for guard in (
        lambda: rules.check_verwijtbaarheid_bij_overschrijding(datum, einde, verwijtbaar),
        lambda: rules.check_geen_verwijtbaarheid_binnen_termijn(datum, einde, verwijtbaar),
        lambda: rules.check_verwijtbaar_nee(einde, verwijtbaar, vandaag),
        lambda: rules.check_verwijtbaar_ja(datum, einde, verwijtbaar),
    ):
        try:
            guard()
        except rules.Regel as e:
            gevonden.add(type(e).__name__)
    assert (geweigerd in gevonden) if geweigerd else not gevonden


# --- The edges: the intake policy and the API ---------------------------------------------


def intake_event(ce_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": ce_type, "gemeente": GEMEENTE, "data": data}


def test_intake_afgerond_and_a_moved_deadline_reach_the_concept(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """art. 5.3 Besluit: IntakeAfgerond (v2) carries the current deadline; a later
    UitersteDatumPipGewijzigd moves it; before the concept exists it is left to
    IntakeAfgerond, after the PIP is set it changes nothing."""
    app = PipApplication(env=settings.event_store_env(PipApplication.name))
    policy = PipPolicy(app)
    inburgeraar_id = uuid.uuid4()
    pip_id = traject_id(GEMEENTE, inburgeraar_id)
    verschoven = {
        "inburgeraarId": str(inburgeraar_id),
        "gemeente": GEMEENTE,
        "datumKennisgeving": KENNISGEVING.isoformat(),
        "vestigingsdatum": None,
        "uitersteDatumPip": UITERSTE.isoformat(),
    }
    policy.handle(intake_event(intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD, verschoven))
    assert pip_id not in app.repository

    policy.handle(
        intake_event(
            intake_contract.INTAKE_AFGEROND,
            {
                "inburgeraarId": str(inburgeraar_id),
                "gemeente": GEMEENTE,
                "doelgroep": "asielstatushouder",
                "datumStartInburgeringsplicht": START.isoformat(),
                "vestigingsdatum": None,
                "leerroute": "b1",
                "afrondingsdatum": "2026-01-02",
                "hoofddoel": "werk",
                "uitersteDatumPip": UITERSTE.isoformat(),
            },
        )
    )
    assert app.pip(pip_id, gemeenten=[GEMEENTE])["uiterste_datum_pip"] == UITERSTE

    later = UITERSTE + dt.timedelta(days=14)
    policy.handle(
        intake_event(
            intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD,
            verschoven | {"uitersteDatumPip": later.isoformat()},
        )
    )
    assert app.pip(pip_id, gemeenten=[GEMEENTE])["uiterste_datum_pip"] == later

    app.vaststellen(
        pip_id,
        gemeenten=[GEMEENTE],
        dagtekening=dt.date(2026, 1, 5),
        leerroute=Leerroute.B1,
        map=True,
        map_intensiteit_uren=40,
        pvt_intensiteit_uren=12,
        begeleiding="Taalmaatje",
    )
    versie = app.pip(pip_id, gemeenten=[GEMEENTE])["versie"]
    policy.handle(
        intake_event(
            intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD,
            verschoven | {"uitersteDatumPip": "2026-04-01"},
        )
    )
    assert app.pip(pip_id, gemeenten=[GEMEENTE])["versie"] == versie


def test_a_hand_drafted_concept_needs_intakes_deadline(
    settings: PlatformSettings, auth_headers: TokenFactory, clock: FrozenClock
) -> None:
    """art. 5.3 Besluit: the werkplek fills uitersteDatumPip from intake; without it the
    request is a 400 naming the field, and nothing is stored."""
    with TestClient(create_app(PipSettings(**settings.model_dump()))) as client:
        kr = auth_headers(Rol.KLANTREGISSEUR, [GEMEENTE])
        inburgeraar_id = str(uuid.uuid4())
        body = {
            "gemeente": GEMEENTE,
            "inburgeraarId": inburgeraar_id,
            "doelgroep": "asielstatushouder",
            "datumStartInburgeringsplicht": START.isoformat(),
        }
        response = client.post("/api/v1/pips", json=body, headers=kr)
        assert response.status_code == 400
        assert [p["name"] for p in response.json()["invalidParams"]] == ["uitersteDatumPip"]
        zoek = client.get(f"/api/v1/pips?inburgeraarId={inburgeraar_id}", headers=kr)
        assert zoek.json()["pips"] == []

        created = client.post(
            "/api/v1/pips", json=body | {"uitersteDatumPip": UITERSTE.isoformat()}, headers=kr
        )
        assert created.status_code == 201, created.text
        assert created.json()["uitersteDatumPip"] == UITERSTE.isoformat()
