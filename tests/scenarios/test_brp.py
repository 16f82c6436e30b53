"""Lives registered from DUO's SS139 with the BRP filling in what DUO does not give: the
name (voornamen, voorvoegsel, geslachtsnaam), the geboortedatum and the date of registration
in the gemeente. The ten weeks for the PIP run from DUO's kennisgeving, or from that BRP
date when it is later (art. 5.3 lid 1 Besluit inburgering 2021). Walked through the HTTP
APIs of the embedded platform (DUO service -> BRP adapter -> BRP simulator); the clocks
and the read models are checked on the way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.duo.brp_simulator import BrpInschrijving
from services.duo.simulator import Persoon
from tests.scenarios.leven import DUO, INTAKE, Platform, ok

START = dt.date(2026, 1, 5)  # the permit: the obligation starts, in the AZC
KENNISGEVING = dt.date(2026, 3, 2)  # DUO's kennisgeving on leaving the COA (SS139)
INGESCHREVEN = dt.date(2026, 3, 9)  # registered in the BRP of the gemeente, later
VANDAAG = dt.date(2026, 3, 10)  # the notificatie is fetched


def _ken(leven: Platform, bsn: str, brp: BrpInschrijving | None) -> None:
    leven.duo_simulator().ken_persoon(
        bsn,
        Persoon(
            start_inburgeringsplicht=START,
            asielmigrant=True,
            datum_kennisgeving=KENNISGEVING,
            gedetailleerde_doelgroep="Asielstatushouder",
        ),
    )
    if brp is not None:
        leven.brp_simulator().ken_persoon(bsn, brp)


def _inschrijving(gemeente: str = "GM0222", datum: dt.date = INGESCHREVEN) -> BrpInschrijving:
    return BrpInschrijving(
        voornamen="Fatima Zahra",
        voorvoegsel="van den",
        geslachtsnaam="Berg",
        geboortedatum=dt.date(1994, 6, 30),
        gemeente_van_inschrijving=gemeente,
        datum_inschrijving_in_gemeente=datum,
    )


def _gevonden(leven: Platform, bsn: str) -> list[dict[str, Any]]:
    zoek = leven.client.post(
        f"{INTAKE}/inburgeraar-zoekvragen", json={"bsn": bsn}, headers=leven.kr()
    )
    return list(ok(zoek)["resultaten"])


def _te_verwerken(leven: Platform) -> list[dict[str, Any]]:
    return list(ok(leven.client.get(f"{DUO}/api/v1/te-verwerken-notificaties", headers=leven.kr())))


def test_ss139_registers_with_the_brp_name_and_ten_weeks_from_the_later_brp_date(
    leven: Platform,
) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021: ten weeks after the kennisgeving, or after
    the registration in the BRP as ingezetene of the gemeente when that is later; DUO
    Gebeurtenissen SS139; BRP API Personen 2.7.0 (naam, geboorte.datum,
    datumInschrijvingInGemeente)."""
    bsn = "999990020"
    _ken(leven, bsn, _inschrijving())
    leven.zet_klok(VANDAAG)
    leven.duo_notificatie("SS139", bsn, "2026-03-02T10:00:00+01:00")
    leven.verwerk()

    [vraag] = leven.brp_simulator().verzoeken
    assert vraag["burgerservicenummer"] == [bsn]
    [gevonden] = _gevonden(leven, bsn)
    inburgeraar_id = str(gevonden["id"])
    inburgeraar = ok(
        leven.client.get(f"{INTAKE}/inburgeraars/{inburgeraar_id}", headers=leven.kr())
    )
    assert inburgeraar["naam"] == "Fatima Zahra van den Berg"
    assert inburgeraar["geboortedatum"] == "1994-06-30"
    assert inburgeraar["datumKennisgeving"] == KENNISGEVING.isoformat()
    assert inburgeraar["vestigingsdatum"] == INGESCHREVEN.isoformat()
    uiterste = INGESCHREVEN + dt.timedelta(weeks=10)  # 2026-05-18, not 2026-05-11
    assert inburgeraar["uitersteDatumPip"] == uiterste.isoformat() == "2026-05-18"

    regel = leven.caseloadregel(inburgeraar_id)
    assert regel["uitersteDatumPip"] == "2026-05-18"
    assert regel["datumStartInburgeringsplicht"] == START.isoformat()
    assert _te_verwerken(leven) == []


def test_an_earlier_brp_date_leaves_the_ten_weeks_from_the_kennisgeving(leven: Platform) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021: the later of the two dates counts."""
    bsn = "999990032"
    _ken(leven, bsn, _inschrijving(datum=dt.date(2026, 2, 1)))
    leven.zet_klok(VANDAAG)
    leven.duo_notificatie("SS139", bsn, "2026-03-02T10:00:00+01:00")
    leven.verwerk()
    [gevonden] = _gevonden(leven, bsn)
    regel = leven.caseloadregel(str(gevonden["id"]))
    assert regel["uitersteDatumPip"] == (KENNISGEVING + dt.timedelta(weeks=10)).isoformat()


def test_a_brp_registration_in_another_gemeente_does_not_move_the_ten_weeks(
    leven: Platform,
) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021: only the registration as ingezetene of this
    gemeente counts; the BRP still gives naam and geboortedatum."""
    bsn = "999990044"
    _ken(leven, bsn, _inschrijving(gemeente="GM0200"))
    leven.zet_klok(VANDAAG)
    leven.duo_notificatie("SS139", bsn, "2026-03-02T10:00:00+01:00")
    leven.verwerk()
    [gevonden] = _gevonden(leven, bsn)
    inburgeraar_id = str(gevonden["id"])
    inburgeraar = ok(
        leven.client.get(f"{INTAKE}/inburgeraars/{inburgeraar_id}", headers=leven.kr())
    )
    assert inburgeraar["vestigingsdatum"] is None
    assert leven.caseloadregel(inburgeraar_id)["uitersteDatumPip"] == "2026-05-11"


def test_a_person_the_brp_does_not_know_waits_visibly(leven: Platform) -> None:
    """No person in the BRP: nothing is registered; the notificatie shows the failure."""
    bsn = "999990056"
    _ken(leven, bsn, None)
    leven.zet_klok(VANDAAG)
    leven.duo_notificatie("SS139", bsn, "2026-03-02T10:00:00+01:00")
    leven.verwerk()
    assert _gevonden(leven, bsn) == []
    [wacht] = _te_verwerken(leven)
    assert wacht["gebeurtenisId"] == "SS139"
    assert "BRP" in str(wacht)


def test_the_brp_down_is_a_visible_failure_naming_the_brp(leven: Platform) -> None:
    """BRP 503 on every attempt: nothing is registered, the notificatie says the BRP."""
    bsn = "999990068"
    _ken(leven, bsn, _inschrijving())
    leven.brp_simulator().storing(10)
    leven.zet_klok(VANDAAG)
    leven.duo_notificatie("SS139", bsn, "2026-03-02T10:00:00+01:00")
    leven.verwerk()
    assert _gevonden(leven, bsn) == []
    [wacht] = _te_verwerken(leven)
    assert "BRP niet bereikbaar" in str(wacht)
