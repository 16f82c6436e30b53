"""Lives whose obligation ends or pauses (DUO SS109, SS110, SS129, SS130): a naturalised
person whose obligation is withdrawn, and a temporary vrijstelling and its end. The clocks
(the ten weeks, the termijn) stop and resume as the law has them; the read models follow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.duo.simulator import Persoon
from tests.scenarios.leven import INTAKE, PROJECTIES, Platform, ok

GEMEENTE = "GM0222"
D = dt.date


def caseload(leven: Platform, inburgeraar_id: str) -> dict[str, Any]:
    leven.verwerk()
    regels = ok(
        leven.client.get(f"{PROJECTIES}/gemeenten/{GEMEENTE}/caseload", headers=leven.kr(GEMEENTE))
    )["caseload"]
    [regel] = [r for r in regels if r["inburgeraarId"] == inburgeraar_id]
    return dict(regel)


def signalen(leven: Platform, inburgeraar_id: str) -> list[str]:
    leven.verwerk()
    antwoord = ok(
        leven.client.get(
            f"{PROJECTIES}/gemeenten/{GEMEENTE}/signalen",
            params={"inburgeraarId": inburgeraar_id},
            headers=leven.kr(GEMEENTE),
        )
    )
    return sorted(s["soort"] for s in antwoord["signalen"])


def intake_post(leven: Platform, inburgeraar_id: str, pad: str, body: dict[str, Any]) -> Any:
    return leven.client.post(
        f"{INTAKE}/inburgeraars/{inburgeraar_id}/{pad}", json=body, headers=leven.kr(GEMEENTE)
    )


def test_a_naturalised_person_whose_obligation_is_withdrawn(leven: Platform) -> None:
    """DUO SS110 (genaturaliseerd): the traject closes with its reason and raises no signal
    when the clock passes the old deadlines (art. 11 Wi2021 termijn, DUO README MAP/PVT)."""
    leven.zet_klok(D(2026, 1, 5))
    inburgeraar_id = leven.registreer()
    leven.brede_intake(inburgeraar_id)
    leven.verwerk()
    pip = leven.stel_vast(inburgeraar_id)
    assert pip["inburgeringstermijn"]["einddatum"] == "2029-01-05"
    regel = caseload(leven, inburgeraar_id)
    assert (regel["status"], regel["eindeTermijn"]) == ("pip_vastgesteld", "2029-01-05")

    leven.zet_klok(D(2026, 6, 1))
    body = {"reden": "naturalisatie", "datum": "2026-05-20"}
    ingetrokken = ok(intake_post(leven, inburgeraar_id, "intrekking", body), 201)
    assert ingetrokken["beeindigd"] == "ingetrokken: naturalisatie"
    regel = caseload(leven, inburgeraar_id)
    assert regel["status"] == "beeindigd"
    assert regel["eindeReden"] == "ingetrokken: naturalisatie"
    assert regel["volgendeDeadline"] is None
    pip = leven.pip(inburgeraar_id)
    assert pip["beeindigd"] == {"reden": "ingetrokken", "datum": "2026-05-20"}

    # Past the day the termijn "loopt bijna af" and past its end: nothing opens.
    for dag in (D(2028, 11, 10), D(2029, 2, 1)):
        leven.zet_klok(dag)
        assert signalen(leven, inburgeraar_id) == []
    assert caseload(leven, inburgeraar_id)["status"] == "beeindigd"

    # A closed file takes no more steps: a clear 409 naming the rule.
    weer = intake_post(leven, inburgeraar_id, "intrekking", body)
    assert (weer.status_code, weer.json()["code"]) == (409, "PlichtBeeindigd")
    herzien = leven.post_pip(
        leven.pip(inburgeraar_id),
        "vaststellingen",
        {"dagtekening": "2029-01-10", "leerroute": "b1", "map": True, "pvtIntensiteitUren": 12},
    )
    assert (herzien.status_code, herzien.json()["code"]) == (409, "TrajectBeeindigd")


def test_a_temporary_vrijstelling_pauses_the_clocks_and_its_end_restarts_the_ten_weeks(
    leven: Platform,
) -> None:
    """SS109 pauses (art. 4 lid 1 onder b Wi2021; DUO Vrijstelling API INS/OPL): no signals
    while it lasts and never InburgeringsplichtVoldaan; SS129 (no PIP yet): the ten weeks
    start again from its end (art. 5.3 lid 1 Besluit inburgering 2021)."""
    leven.zet_klok(D(2026, 1, 5))
    inburgeraar_id = leven.registreer()
    leven.brede_intake(inburgeraar_id)
    leven.verwerk()
    pip = leven.pip(inburgeraar_id)
    assert pip["uitersteDatumPip"] == "2026-02-09"

    leven.zet_klok(D(2026, 1, 20))
    body = {"reden": "OPL", "datum": "2026-01-15"}
    gepauzeerd = ok(intake_post(leven, inburgeraar_id, "tijdelijke-vrijstelling", body), 201)
    assert gepauzeerd["tijdelijkVrijgesteldSinds"] == "2026-01-15"
    regel = caseload(leven, inburgeraar_id)
    assert (regel["status"], regel["volgendeDeadline"]) == ("gepauzeerd", None)
    assert leven.pip(inburgeraar_id)["gepauzeerdSinds"] == "2026-01-15"

    # A temporary vrijstelling registered as a full one is refused: it meets nothing.
    pip = leven.pip(inburgeraar_id)
    volledig = leven.post_pip(
        pip, "vrijstellingen", {"omvang": "geheel", "reden": "OPL", "datumOordeel": "2026-01-15"}
    )
    assert volledig.status_code == 400, volledig.text
    assert volledig.json()["code"] == "TijdelijkeVrijstellingIsGeenVrijstelling"

    # The old ten weeks pass while paused: no signal, no deadline.
    leven.zet_klok(D(2026, 3, 1))
    assert signalen(leven, inburgeraar_id) == []
    assert caseload(leven, inburgeraar_id)["status"] == "gepauzeerd"

    # Its end (SS129): ten weeks from 2026-05-25.
    leven.zet_klok(D(2026, 6, 1))
    pad = "tijdelijke-vrijstelling/einde"
    einde = ok(intake_post(leven, inburgeraar_id, pad, {"datum": "2026-05-25"}), 201)
    assert einde["tijdelijkVrijgesteldSinds"] is None
    leven.verwerk()
    pip = leven.pip(inburgeraar_id)
    assert (pip["gepauzeerdSinds"], pip["uitersteDatumPip"]) == (None, "2026-08-03")
    assert pip["voldaan"] is None
    regel = caseload(leven, inburgeraar_id)
    assert regel["status"] == "pip_concept"
    assert regel["volgendeDeadline"] == {"soort": "pip", "datum": "2026-08-03"}

    # The clock runs again: the day after the new uiterste datum the PIP is late.
    leven.zet_klok(D(2026, 8, 4))
    assert signalen(leven, inburgeraar_id) == ["pip_termijn_verstreken"]
    assert leven.pip(inburgeraar_id)["voldaan"] is None


def test_a_temporary_vrijstelling_after_the_pip_resumes_the_termijn(leven: Platform) -> None:
    """SS130 (PIP known): the earlier obligation and termijn resume; the termijn runs on by
    the days it stood still (secundair: DUO Gebeurtenissen, 'Termijn gewijzigd')."""
    leven.zet_klok(D(2026, 1, 5))
    inburgeraar_id = leven.registreer()
    leven.brede_intake(inburgeraar_id)
    leven.verwerk()
    leven.stel_vast(inburgeraar_id)
    leven.zet_klok(D(2026, 3, 2))
    body = {"reden": "INS", "datum": "2026-03-01"}
    ok(intake_post(leven, inburgeraar_id, "tijdelijke-vrijstelling", body), 201)
    assert caseload(leven, inburgeraar_id)["status"] == "gepauzeerd"
    leven.zet_klok(D(2026, 4, 2))
    einde = {"datum": "2026-04-01"}
    ok(intake_post(leven, inburgeraar_id, "tijdelijke-vrijstelling/einde", einde), 201)
    leven.verwerk()
    pip = leven.pip(inburgeraar_id)
    assert pip["inburgeringstermijn"]["startdatum"] == "2026-01-06"
    assert pip["inburgeringstermijn"]["einddatum"] == "2029-02-05"
    regel = caseload(leven, inburgeraar_id)
    assert (regel["status"], regel["eindeTermijn"]) == ("pip_vastgesteld", "2029-02-05")


def test_a_withdrawal_that_arrives_from_duo_as_ss110_closes_the_file(leven: Platform) -> None:
    """DUO Gebeurtenissen SS110 through POST /duo/v1/notificaties: the DUO service fetches
    DUO's Inburgeringsplicht API (redenGeenInburgeringsplicht, einddatum), intake withdraws
    the obligation (DUO's "Overig": naturalisation has no DUO value) and the caseload shows
    the file closed, with no deadline left; DUO telling it again changes nothing."""
    leven.zet_klok(D(2026, 1, 5))
    bsn = "111222333"
    leven.duo_simulator().ken_persoon(
        bsn, Persoon(start_inburgeringsplicht=D(2025, 12, 1), asielmigrant=True)
    )
    inburgeraar_id = leven.registreer(bsn=bsn)
    leven.brede_intake(inburgeraar_id)
    leven.verwerk()
    leven.stel_vast(inburgeraar_id)
    regel = caseload(leven, inburgeraar_id)
    assert (regel["status"], regel["eindeTermijn"]) == ("pip_vastgesteld", "2029-01-05")

    leven.zet_klok(D(2026, 6, 1))
    leven.duo_simulator().trek_plicht_in(bsn, "Overig", D(2026, 5, 20))
    leven.duo_notificatie("SS110", bsn, "2026-05-29T10:00:00+02:00")
    regel = caseload(leven, inburgeraar_id)
    assert regel["status"] == "beeindigd"
    assert regel["eindeReden"] == "ingetrokken: overig"
    assert regel["volgendeDeadline"] is None
    assert leven.pip(inburgeraar_id)["beeindigd"] == {"reden": "ingetrokken", "datum": "2026-05-20"}

    leven.duo_notificatie("SS110", bsn, "2026-05-30T10:00:00+02:00")
    assert caseload(leven, inburgeraar_id)["eindeReden"] == "ingetrokken: overig"
    leven.zet_klok(D(2029, 2, 1))
    assert signalen(leven, inburgeraar_id) == []
