"""Lives through routes, levels and hours, end to end through the HTTP APIs (issue 13):
a Z-route completed with the brede intake's participation hours counted, and an afschaling
from the onderwijsroute via the B1-route. Each asserts the clocks (the termijn stays put
whatever new PIP follows) and the read models on the way."""

from __future__ import annotations

import datetime as dt

from tests.scenarios.leven import Platform

D = dt.date


def test_a_z_route_is_completed_with_the_participation_hours_of_the_intake(
    leven: Platform,
) -> None:
    """art. 3.14 Besluit inburgering 2021: Z-route = 800 uur cursus, 800 uur participatie
    (asielstatushouder; those during the brede intake count) and an eindgesprek; PVT and MAP
    (art. 8 Wi2021); the obligation is then met (grond z_route_afgerond)."""
    leven.zet_klok(D(2026, 1, 5))
    persoon = leven.registreer()
    leven.intake_participatieuren(persoon, 60, "2025-12-12")
    leven.intake_participatieuren(persoon, 60, "2025-12-19")
    leven.brede_intake(
        persoon, leerroute="z", onderdelen={"hoofddoel": {"hoofddoel": "participatie"}}
    )
    leven.verwerk()

    concept = leven.pip(persoon)
    assert concept["uren"]["participatieIntake"] == 120
    assert concept["ontbrekendVoorAfronding"] == ["pip"]
    assert leven.caseloadregel(persoon)["status"] == "pip_concept"

    leven.stel_vast(persoon, leerroute="z", niveau="A1", dagtekening="2026-01-05")
    leven.verwerk()
    termijn = leven.pip(persoon)["inburgeringstermijn"]
    assert (termijn["startdatum"], termijn["einddatum"]) == ("2026-01-06", "2029-01-05")

    leven.zet_klok(D(2026, 12, 1))
    uren = [("cursus", 800, True), ("participatie", 679, False), ("pvt", 12, True)]
    for soort, aantal, keurmerk in uren:
        leven.stap(
            persoon,
            "cursusuren",
            {
                "soort": soort,
                "aanbieder": "Taalhuis",
                "keurmerk": keurmerk,
                "uren": aantal,
                "peildatum": "2026-11-30",
            },
        )
    gesprek = {"datum": "2026-12-01", "eindgesprekZRoute": True}
    leven.stap(persoon, "voortgangsgesprekken", gesprek)
    leven.stap(persoon, "participatieverklaring", {"datum": "2026-12-01"})
    leven.stap(persoon, "map-afronding", {"datumEindgesprek": "2026-12-01"})

    # 120 + 679 = 799: one hour short of the 800 (art. 3.14 Besluit).
    pip = leven.pip(persoon)
    assert pip["uren"]["participatie"] == 679
    assert pip["ontbrekendVoorAfronding"] == ["participatie-uren"]
    te_vroeg = leven.post_pip(pip, "voldaan", {"grond": "z_route_afgerond", "datum": "2026-12-01"})
    assert te_vroeg.status_code == 400
    assert te_vroeg.json()["code"] == "ZRouteNietAfgerond"

    leven.stap(
        persoon,
        "cursusuren",
        {
            "soort": "participatie",
            "aanbieder": "Buurthuis",
            "keurmerk": False,
            "uren": 1,
            "peildatum": "2026-12-01",
        },
    )
    assert leven.pip(persoon)["ontbrekendVoorAfronding"] == []
    voldaan = leven.stap(persoon, "voldaan", {"grond": "z_route_afgerond", "datum": "2026-12-01"})
    assert voldaan["voldaan"] == {"grond": "z_route_afgerond", "datum": "2026-12-01"}
    assert voldaan["inburgeringstermijn"]["einddatum"] == "2029-01-05"
    leven.verwerk()

    regel = leven.caseloadregel(persoon)
    assert regel["status"] == "voldaan"
    assert regel["leerroute"] == "z"
    assert regel["aanbevelingen"] == []


def test_an_afschaling_from_the_onderwijsroute_via_the_b1_route(leven: Platform) -> None:
    """Onderwijsroute -> B1-route at any moment, also after 18 months (art. 17 Wi2021 jo.
    Besluit; secundair: Schulinck); then afschalen gedeeltelijk after 600 uur bij een
    cursusinstelling met keurmerk and voldoende inspanning (art. 5.5 Besluit); DUO's PIP
    level A2 (DUO PIP API, NiveauPip). The termijn never restarts (art. 11 Wi2021)."""
    leven.zet_klok(D(2026, 1, 5))
    persoon = leven.registreer(geboortedatum="2006-05-01")
    leven.brede_intake(persoon, leerroute="onderwijs", onderdelen={"hoofddoel": None})
    leven.verwerk()

    leven.stel_vast(persoon, leerroute="onderwijs", map=False, dagtekening="2026-01-05")
    leven.verwerk()
    eerste = leven.pip(persoon)
    termijn = (
        eerste["inburgeringstermijn"]["startdatum"],
        eerste["inburgeringstermijn"]["einddatum"],
    )
    assert termijn == ("2026-01-06", "2029-01-05")
    regel = leven.caseloadregel(persoon)
    assert (regel["leerroute"], regel["niveau"]) == ("onderwijs", "B1")
    assert regel["aanbevelingen"] == ["hoofddoel"]  # intake closed without one

    # Twenty months on: past the 18 months, the move to the B1-route still stands.
    leven.zet_klok(D(2027, 9, 1))
    naar_z = leven.post_pip(
        leven.pip(persoon),
        "vaststellingen",
        {
            "dagtekening": "2027-09-01",
            "leerroute": "z",
            "niveau": "A1",
            "map": True,
            "pvtIntensiteitUren": 12,
        },
    )
    assert naar_z.status_code == 400
    assert naar_z.json()["code"] == "LeerrouteWijzigingNaAchttienMaanden"
    leven.stel_vast(persoon, leerroute="b1", dagtekening="2027-09-01")
    leven.verwerk()
    b1 = leven.pip(persoon)
    assert (b1["actuelePip"]["leerroute"], b1["actuelePip"]["niveau"]) == ("b1", "B1")
    assert (
        b1["inburgeringstermijn"]["startdatum"],
        b1["inburgeringstermijn"]["einddatum"],
    ) == termijn
    assert leven.caseloadregel(persoon)["leerroute"] == "b1"

    # Afschalen before 600 hours and an effort judgment is refused, naming both.
    zonder = leven.post_pip(leven.pip(persoon), "afschalingen", {"dagtekening": "2027-09-01"})
    assert zonder.status_code == 400
    assert {p["name"] for p in zonder.json()["invalidParams"]} >= {"niveau"}

    leven.stap(
        persoon,
        "cursusuren",
        {
            "soort": "cursus",
            "aanbieder": "Taalschool met keurmerk",
            "keurmerk": True,
            "uren": 600,
            "peildatum": "2027-09-01",
        },
    )
    leven.stap(
        persoon, "voortgangsgesprekken", {"datum": "2027-09-01", "inspanningVoldoende": True}
    )
    afgeschaald = leven.stap(
        persoon,
        "afschalingen",
        {"dagtekening": "2027-09-01", "onderdelen": ["schrijven", "spreken"]},
    )
    actuele = afgeschaald["actuelePip"]
    assert (actuele["leerroute"], actuele["niveau"]) == ("b1", "A2")
    assert actuele["afgeschaaldeOnderdelen"] == ["schrijven", "spreken"]
    assert afgeschaald["plichtniveau"] == "A2"
    assert (
        afgeschaald["inburgeringstermijn"]["startdatum"],
        afgeschaald["inburgeringstermijn"]["einddatum"],
    ) == termijn
    leven.verwerk()

    assert leven.caseloadregel(persoon)["niveau"] == "A2"
    duo = leven.duo_simulator()
    gemeld = [o["pip"] for o in duo.ontvangen if o["bsn"] == "111222333"]
    assert [(p["leerroute"], p.get("niveau")) for p in gemeld] == [
        ("O", "B1"),
        ("B", "B1"),
        ("B", "A2"),
    ]
