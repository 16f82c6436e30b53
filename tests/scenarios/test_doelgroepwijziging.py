"""A gezinsmigrant whose doelgroep becomes asielstatushouder (DUO Gebeurtenissen SS125),
through the intake's HTTP endpoint: the PIP and the caseload follow, the clocks do not move
(the ten weeks of art. 5.3 lid 1 Besluit inburgering 2021 and the termijn of art. 11 Wi2021
run from dates the doelgroep does not change)."""

from __future__ import annotations

import datetime as dt

from tests.scenarios.leven import Platform, ok

D = dt.date


def test_a_gezinsmigrant_who_becomes_asielstatushouder(leven: Platform) -> None:
    """DUO Gebeurtenissen SS125; art. 5.3 lid 1 Besluit inburgering 2021; art. 11 lid 1
    en 2 Wi2021. What follows the doelgroep follows the change: the aanbod of art. 16 Wi2021
    and DUO's geschatte intensiteit are refused before it and accepted after it."""
    leven.zet_klok(D(2026, 1, 5))
    inburgeraar = leven.registreer(doelgroep="gezinsmigrant")
    leven.brede_intake(inburgeraar)
    leven.verwerk()
    concept = leven.pip(inburgeraar)
    assert concept["doelgroep"] == "gezinsmigrant"
    uiterste = concept["uitersteDatumPip"]
    pip = leven.stel_vast(inburgeraar)
    einde = pip["inburgeringstermijn"]["einddatum"]
    assert einde == "2029-01-05"

    # What only an asielstatushouder has: the gemeente's aanbod (art. 16 Wi2021) and an
    # estimated intensity of the B1-route (DUO README, Geschatte intensiteit B1 route).
    aanbod = {
        "aanbieder": "Taalschool Achterhoek",
        "instellingsnummer": "1234567890",
        "keurmerkBlikOpWerk": True,
        "leerroute": "b1",
        "startdatum": "2026-03-02",
        "einddatum": "2027-03-01",
    }
    leven.zet_klok(D(2026, 2, 2))
    geweigerd = leven.post_pip(leven.pip(inburgeraar), "inburgeringsaanbod", aanbod)
    assert geweigerd.status_code == 400, geweigerd.text
    assert geweigerd.json()["code"] == "AanbodAlleenVoorAsielstatushouders"
    nieuw_pip = {
        "dagtekening": "2026-02-02",
        "leerroute": "b1",
        "map": True,
        "pvtIntensiteitUren": 12,
        "geschatteIntensiteit": 400,
    }
    geweigerd = leven.post_pip(leven.pip(inburgeraar), "vaststellingen", nieuw_pip)
    assert geweigerd.status_code == 400, geweigerd.text
    assert geweigerd.json()["code"] == "GeschatteIntensiteitNietToegestaan"

    leven.zet_klok(D(2026, 3, 2))
    wijziging = {"doelgroep": "asielstatushouder", "datum": "2026-03-02"}
    antwoord = leven.post_intake(inburgeraar, "doelgroepwijziging", wijziging)
    assert antwoord.status_code in (200, 201), antwoord.text
    leven.verwerk()

    na = leven.pip(inburgeraar)
    assert na["doelgroep"] == "asielstatushouder"
    assert na["uitersteDatumPip"] == uiterste
    assert na["inburgeringstermijn"]["einddatum"] == einde
    ok(leven.post_pip(na, "inburgeringsaanbod", aanbod))
    tweede = {
        "dagtekening": "2026-03-02",
        "leerroute": "b1",
        "map": True,
        "pvtIntensiteitUren": 12,
        "geschatteIntensiteit": 400,
    }
    gezet = ok(leven.post_pip(leven.pip(inburgeraar), "vaststellingen", tweede))
    assert gezet["actuelePip"]["geschatteIntensiteit"] == 400
    assert gezet["inburgeringstermijn"]["einddatum"] == einde, "a later PIP keeps the termijn"
    leven.verwerk()
    regel = leven.caseloadregel(inburgeraar)
    assert regel["doelgroep"] == "asielstatushouder"
    assert regel["eindeTermijn"] == einde
    onbekend = {"doelgroep": "x", "datum": "2026-03-02"}
    fout = ok(leven.post_intake(inburgeraar, "doelgroepwijziging", onbekend), 400)
    assert [p["name"] for p in fout["invalidParams"]] == ["doelgroep"]
    assert leven.pip(inburgeraar)["doelgroep"] == "asielstatushouder"
