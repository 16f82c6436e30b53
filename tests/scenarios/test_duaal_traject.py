"""A life in Stichtse Vecht (GM1904): an asielstatushouder with one contact person at the
gemeente from the registration on, a PIP on the B1-route, the gemeente's aanbod at a
provider with Blik op Werk's keurmerk (art. 16 Wi2021; DUO README Inburgeringsaanbod),
maatschappelijke begeleiding by VluchtelingenWerk (art. 13 Wi2021), a contact person at the
provider, the gemeente's contact person reassigned, a duaal traject (work with taalcoaching
on the workplace) reviewed in two voortgangsgesprekken and its outcome (art. 15 Wi2021;
MvT 35483 nr. 3 §1.3.5). The caseload shows each step; the clocks (the ten weeks, the
termijn) do not move.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shared.config import PlatformSettings
from tests.scenarios.leven import PROJECTIES, Platform, ok

GEMEENTE = "GM1904"
D = dt.date


@pytest.fixture
def settings(settings: PlatformSettings) -> PlatformSettings:
    """This deployment serves Stichtse Vecht."""
    return settings.model_copy(update={"gemeenten": [GEMEENTE]})


def caseload(leven: Platform, **params: str) -> list[dict[str, Any]]:
    leven.verwerk()
    antwoord = ok(
        leven.client.get(
            f"{PROJECTIES}/gemeenten/{GEMEENTE}/caseload",
            params=params,
            headers=leven.kr(GEMEENTE),
        )
    )
    return list(antwoord["caseload"])


def regel(leven: Platform, inburgeraar_id: str) -> dict[str, Any]:
    [gevonden] = [r for r in caseload(leven) if r["inburgeraarId"] == inburgeraar_id]
    return gevonden


def contactpersoon(
    leven: Platform, inburgeraar_id: str, rol: str, body: dict[str, Any]
) -> dict[str, Any]:
    url = f"/intake/api/v1/inburgeraars/{inburgeraar_id}/contactpersonen/{rol}"
    return dict(ok(leven.client.put(url, json=body, headers=leven.kr(GEMEENTE))))


def clocks(pip: dict[str, Any]) -> tuple[str, str, str]:
    termijn = pip["inburgeringstermijn"]
    return pip["uitersteDatumPip"], termijn["startdatum"], termijn["einddatum"]


def test_a_duaal_traject_with_its_voortgangsgesprekken(leven: Platform) -> None:
    # Registration in Stichtse Vecht; the contact person at the gemeente from day one.
    leven.zet_klok(D(2025, 12, 2))
    inburgeraar_id = leven.registreer(
        GEMEENTE,
        datumStartInburgeringsplicht="2025-12-01",
        datumKennisgeving="2025-12-01",
    )
    sanne = {"naam": "Sanne de Wit", "medewerkerId": "kr-7", "datum": "2025-12-02"}
    contactpersoon(leven, inburgeraar_id, "gemeente", sanne)
    rij = regel(leven, inburgeraar_id)
    assert rij["contactpersoonGemeente"] == {
        "naam": "Sanne de Wit",
        "medewerkerId": "kr-7",
        "organisatie": None,
        "datum": "2025-12-02",
    }
    assert rij["contactpersoonAanbieder"] is None and rij["dualeTrajecten"] == []
    assert [r["inburgeraarId"] for r in caseload(leven, contactpersoon="kr-7")] == [inburgeraar_id]

    # Brede intake and the PIP (B1-route), on time.
    leven.zet_klok(D(2026, 1, 5))
    leven.brede_intake(inburgeraar_id, GEMEENTE)
    leven.verwerk()
    pip = leven.stel_vast(inburgeraar_id, GEMEENTE, dagtekening="2026-01-05")
    tien_weken, termijn_start, termijn_einde = clocks(pip)
    assert (termijn_start, termijn_einde) == ("2026-01-06", "2029-01-05")
    rij = regel(leven, inburgeraar_id)
    assert rij["status"] == "pip_vastgesteld" and rij["eindeTermijn"] == termijn_einde

    # Maatschappelijke begeleiding by VluchtelingenWerk (it started on arrival).
    begeleiding = {"organisatie": "VluchtelingenWerk", "startdatum": "2025-12-08"}
    pip = leven.pip(inburgeraar_id, GEMEENTE)
    headers = {**leven.kr(GEMEENTE), "If-Match": f'"{pip["versie"]}"'}
    url = f"/pip/api/v1/pips/{pip['id']}/maatschappelijke-begeleiding"
    ok(leven.client.put(url, json=begeleiding, headers=headers))
    assert regel(leven, inburgeraar_id)["maatschappelijkeBegeleiding"] == {
        "organisatie": "VluchtelingenWerk",
        "startdatum": "2025-12-08",
        "einddatum": None,
    }

    # The aanbod at a provider with Blik op Werk's keurmerk; one without is refused.
    leven.zet_klok(D(2026, 1, 12))
    aanbod = {
        "aanbieder": "Taalschool Vecht en Venen",
        "instellingsnummer": "1234567890",
        "keurmerkBlikOpWerk": True,
        "leerroute": "b1",
        "startdatum": "2026-01-12",
        "einddatum": "2027-01-11",
    }
    pip = leven.pip(inburgeraar_id, GEMEENTE)
    zonder = aanbod | {"aanbieder": "Taal Snel BV", "keurmerkBlikOpWerk": False}
    geweigerd = leven.post_pip(pip, "inburgeringsaanbod", zonder, GEMEENTE)
    assert geweigerd.status_code == 400
    assert geweigerd.json()["code"] == "AanbiederZonderKeurmerk"
    ok(leven.post_pip(pip, "inburgeringsaanbod", aanbod, GEMEENTE))
    [in_caseload] = regel(leven, inburgeraar_id)["inburgeringsaanbod"]
    assert in_caseload["aanbieder"] == "Taalschool Vecht en Venen"
    assert in_caseload["keurmerkBlikOpWerk"] is True and in_caseload["leerroute"] == "b1"

    # The contact person at the provider; the gemeente's contact person reassigned.
    els = {"naam": "Els Visser", "organisatie": "Taalschool Vecht en Venen", "datum": "2026-01-12"}
    contactpersoon(leven, inburgeraar_id, "aanbieder", els)
    joost = {"naam": "Joost Bakker", "medewerkerId": "kr-9", "datum": "2026-01-12"}
    contactpersoon(leven, inburgeraar_id, "gemeente", joost)
    rij = regel(leven, inburgeraar_id)
    assert rij["contactpersoonGemeente"]["naam"] == "Joost Bakker"
    assert rij["contactpersoonAanbieder"]["organisatie"] == "Taalschool Vecht en Venen"
    assert caseload(leven, contactpersoon="kr-7") == []
    assert [r["inburgeraarId"] for r in caseload(leven, contactpersoon="kr-9")] == [inburgeraar_id]

    # A duaal traject: work at a bakery, with jobcoach and taalcoaching on the workplace.
    leven.zet_klok(D(2026, 2, 2))
    duaal = {
        "soort": "werk",
        "werkgever": "Bakkerij Maarssen",
        "startdatum": "2026-02-02",
        "einddatum": "2026-07-31",
        "urenPerWeek": 16,
        "jobhunter": "Werkgeversservicepunt Midden-Utrecht",
        "jobcoach": "Peter Smit",
        "taalcoaching": True,
        "taalcoach": "Taalschool Vecht en Venen",
    }
    pip = leven.pip(inburgeraar_id, GEMEENTE)
    traject = ok(leven.post_pip(pip, "duale-trajecten", duaal, GEMEENTE), 201)
    [vastgelegd] = traject["dualeTrajecten"]
    duaal_id = vastgelegd["id"]
    [rij_duaal] = regel(leven, inburgeraar_id)["dualeTrajecten"]
    assert rij_duaal["werkgever"] == "Bakkerij Maarssen" and rij_duaal["actief"] is True
    assert rij_duaal["taalcoaching"] is True and rij_duaal["besprekingen"] == 0

    # Two voortgangsgesprekken review it.
    for dag, oordeel in ((D(2026, 3, 2), "bijsturen"), (D(2026, 5, 4), "op_koers")):
        leven.zet_klok(dag)
        pip = leven.pip(inburgeraar_id, GEMEENTE)
        gesprek = {
            "datum": dag.isoformat(),
            "inspanningVoldoende": True,
            "duaalTrajectId": duaal_id,
            "duaalOordeel": oordeel,
        }
        ok(leven.post_pip(pip, "voortgangsgesprekken", gesprek, GEMEENTE))
    rij = regel(leven, inburgeraar_id)
    assert rij["laatsteVoortgangsgesprek"] == "2026-05-04"
    [rij_duaal] = rij["dualeTrajecten"]
    assert rij_duaal["besprekingen"] == 2
    assert (rij_duaal["laatsteBespreking"], rij_duaal["laatsteOordeel"]) == (
        "2026-05-04",
        "op_koers",
    )

    # A review of an unknown traject is refused; the outcome: a contract.
    pip = leven.pip(inburgeraar_id, GEMEENTE)
    onbekend = {"datum": "2026-05-04", "duaalTrajectId": pip["id"], "duaalOordeel": "op_koers"}
    geweigerd = leven.post_pip(pip, "voortgangsgesprekken", onbekend, GEMEENTE)
    assert geweigerd.status_code == 400
    assert geweigerd.json()["code"] == "DuaalTrajectOnbekend"
    leven.zet_klok(D(2026, 7, 31))
    pip = leven.pip(inburgeraar_id, GEMEENTE)
    uitkomst = {"uitkomst": "contract", "datum": "2026-07-31"}
    ok(leven.post_pip(pip, f"duale-trajecten/{duaal_id}/uitkomst", uitkomst, GEMEENTE))
    [rij_duaal] = regel(leven, inburgeraar_id)["dualeTrajecten"]
    assert (rij_duaal["uitkomst"], rij_duaal["uitkomstDatum"], rij_duaal["actief"]) == (
        "contract",
        "2026-07-31",
        False,
    )

    # The clocks did not move: the ten weeks and the termijn stand as the PIP set them.
    pip = leven.pip(inburgeraar_id, GEMEENTE)
    assert clocks(pip) == (tien_weken, termijn_start, termijn_einde)
    rij = regel(leven, inburgeraar_id)
    assert rij["eindeTermijn"] == termijn_einde
    assert rij["volgendeDeadline"] == {"soort": "inburgeringstermijn", "datum": termijn_einde}
    assert rij["uitersteDatumPip"] == tien_weken
