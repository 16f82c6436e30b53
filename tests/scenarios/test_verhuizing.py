"""A person who moves mid-route between two gemeenten of one deployment (Doetinchem GM0222
to Apeldoorn GM0200; DUO SS120/SS121). The new gemeente continues the case:
the termijn is unchanged (art. 11 lid 3 onder b Wi2021), the first PIP was set elsewhere so
A2 after the earlier afschaling is accepted (DUO README: Niveau, 'ongeacht welke gemeente'),
the hours carry over; the old traject closes with reden verhuisd, raises no more signals,
and its file is handed over (warme overdracht) for a month (DUO README: Scope)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from services.duo.config import DEVELOPMENT_GEMEENTE_OIN
from services.duo.simulator import Persoon
from shared.config import PlatformSettings
from tests.scenarios.leven import DUO, INTAKE, PIP, PROJECTIES, Platform, ok

OUD, NIEUW = "GM0222", "GM0200"
D = dt.date


@pytest.fixture
def settings(settings: PlatformSettings) -> PlatformSettings:
    """One deployment serving both gemeenten (their timers and topics)."""
    return settings.model_copy(update={"gemeenten": [OUD, NIEUW]})


def caseload(leven: Platform, gemeente: str, inburgeraar_id: str) -> dict[str, Any]:
    leven.verwerk()
    regels = ok(
        leven.client.get(f"{PROJECTIES}/gemeenten/{gemeente}/caseload", headers=leven.kr(gemeente))
    )["caseload"]
    [regel] = [r for r in regels if r["inburgeraarId"] == inburgeraar_id]
    return dict(regel)


def signalen(leven: Platform, gemeente: str, inburgeraar_id: str) -> list[str]:
    leven.verwerk()
    antwoord = ok(
        leven.client.get(
            f"{PROJECTIES}/gemeenten/{gemeente}/signalen",
            params={"inburgeraarId": inburgeraar_id},
            headers=leven.kr(gemeente),
        )
    )
    return sorted(s["soort"] for s in antwoord["signalen"])


def test_a_move_mid_route_continues_the_case_in_the_new_gemeente(leven: Platform) -> None:
    """art. 11 lid 3 onder b Wi2021; DUO README: Niveau (eerste PIP ongeacht gemeente) and
    Scope; DUO Gebeurtenissen SS120/SS121."""
    # Doetinchem: intake, first PIP, 650 hours at a keurmerk provider, afschalen to A2.
    leven.zet_klok(D(2026, 1, 5))
    oud_id = leven.registreer(OUD)
    leven.brede_intake(oud_id, OUD)
    leven.verwerk()
    pip = leven.stel_vast(oud_id, OUD)
    assert pip["inburgeringstermijn"]["einddatum"] == "2029-01-05"
    leven.zet_klok(D(2026, 7, 1))
    uren = {"aanbieder": "Taalschool Oost", "keurmerk": True, "uren": 650,
            "peildatum": "2026-06-30"}  # fmt: skip
    ok(leven.post_pip(leven.pip(oud_id, OUD), "cursusuren", uren, OUD))
    gesprek = {"datum": "2026-06-30", "inspanningVoldoende": True}
    ok(leven.post_pip(leven.pip(oud_id, OUD), "voortgangsgesprekken", gesprek, OUD))
    afschaling = {"dagtekening": "2026-07-01"}
    ok(leven.post_pip(leven.pip(oud_id, OUD), "afschalingen", afschaling, OUD))
    assert leven.pip(oud_id, OUD)["actuelePip"]["niveau"] == "A2"
    # A partial medical ontheffing caps the participation hours (art. 3.14 Besluit).
    ontheffing = {"omvang": "gedeeltelijk", "grond": "MED", "datumOordeel": "2026-07-01",
                  "maximumParticipatieUren": 300}  # fmt: skip
    ok(leven.post_pip(leven.pip(oud_id, OUD), "ontheffingen", ontheffing, OUD))

    # Apeldoorn: registered, and the move recorded; Doetinchem's own policies react.
    leven.zet_klok(D(2026, 9, 1))
    nieuw_id = leven.registreer(NIEUW, datumKennisgeving="2026-08-20")
    verhuizing = {"vorigeGemeente": OUD, "datum": "2026-08-20"}
    ok(
        leven.client.put(
            f"{INTAKE}/inburgeraars/{nieuw_id}/vorige-gemeente",
            json=verhuizing,
            headers=leven.kr(NIEUW),
        )
    )
    leven.verwerk()

    # The old gemeente: file and traject closed, reden verhuisd; caseload says so.
    oud = ok(leven.client.get(f"{INTAKE}/inburgeraars/{oud_id}", headers=leven.kr(OUD)))
    assert (oud["beeindigd"], oud["verhuisdNaar"]) == ("verhuisd", NIEUW)
    oude_pip = leven.pip(oud_id, OUD)
    assert oude_pip["beeindigd"] == {"reden": "verhuisd", "datum": "2026-08-20"}
    regel = caseload(leven, OUD, oud_id)
    assert (regel["status"], regel["eindeReden"]) == ("beeindigd", "verhuisd")

    # The new gemeente: same termijn, the hours, and the old PIP as the current one.
    nieuwe_pip = leven.pip(nieuw_id, NIEUW)
    assert nieuwe_pip["overgenomenVan"] == OUD
    assert nieuwe_pip["inburgeringstermijn"]["startdatum"] == "2026-01-06"
    assert nieuwe_pip["inburgeringstermijn"]["einddatum"] == "2029-01-05"
    assert (nieuwe_pip["uren"]["cursus"], nieuwe_pip["uren"]["cursusKeurmerk"]) == (650, 650)
    [overgenomen] = nieuwe_pip["ontheffingen"]
    assert (overgenomen["omvang"], overgenomen["maximumParticipatieUren"]) == ("gedeeltelijk", 300)
    regel = caseload(leven, NIEUW, nieuw_id)
    assert regel["eindeTermijn"] == "2029-01-05"
    assert (regel["status"], regel["niveau"]) == ("pip_vastgesteld", "A2")
    assert regel["volgendeDeadline"] == {"soort": "inburgeringstermijn", "datum": "2029-01-05"}

    # Warm handover: the old gemeente's file, for the old gemeente only, for a month.
    dossier_url = f"{PIP}/pips/{oude_pip['id']}/overdrachtsdossier"
    dossier = ok(leven.client.get(dossier_url, headers=leven.kr(OUD)))
    assert (dossier["naarGemeente"], dossier["termijnEinde"]) == (NIEUW, "2029-01-05")
    assert dossier["uren"]["cursus_keurmerk"] == 650
    assert [o["maximumParticipatieUren"] for o in dossier["ontheffingen"]] == [300]
    assert "verslag" not in str(dossier)
    assert leven.client.get(dossier_url, headers=leven.kr(NIEUW)).status_code == 404

    # A later PIP in the new gemeente is not a first PIP: A2 on the B1-route is accepted.
    leven.zet_klok(D(2026, 9, 10))
    vastgesteld = leven.stel_vast(nieuw_id, NIEUW, dagtekening="2026-09-10", niveau="A2")
    assert vastgesteld["actuelePip"]["isEerstePip"] is False
    assert vastgesteld["actuelePip"]["niveau"] == "A2"
    assert vastgesteld["inburgeringstermijn"]["einddatum"] == "2029-01-05"
    assert caseload(leven, NIEUW, nieuw_id)["pipDagtekening"] == "2026-09-10"

    leven.zet_klok(D(2026, 10, 1))
    verlopen = leven.client.get(dossier_url, headers=leven.kr(OUD))
    assert (verlopen.status_code, verlopen.json()["code"]) == (410, "OverdrachtsdossierVerlopen")

    # Near the end of the termijn only the new gemeente is signalled.
    leven.zet_klok(D(2028, 11, 10))
    assert signalen(leven, OUD, oud_id) == []
    assert "inburgeringstermijn_loopt_af" in signalen(leven, NIEUW, nieuw_id)


OUD_OIN, NIEUW_OIN = DEVELOPMENT_GEMEENTE_OIN, "00000099000000000200"


@pytest.fixture
def twee_oins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both gemeenten in the chain with DUO: their OINs (doel of a notificatie, bron of a
    melding). Requested before `leven`, so the embedded DUO service and client read it."""
    monkeypatch.setenv("DUO_GEMEENTE_OINS", f"{OUD_OIN}={OUD},{NIEUW_OIN}={NIEUW}")


def test_a_move_told_by_duo_continues_the_case_in_the_new_gemeente(
    twee_oins: None, leven: Platform
) -> None:
    """DUO Gebeurtenissen SS121 (gevestigd met PIP vorige gemeente); DUO PIP API (gemeentecode
    of the current PIP); art. 11 lid 3 onder b Wi2021: the termijn runs on. No klantregisseur
    records the move: DUO's notificatie to the new gemeente does."""
    bsn = "111222333"
    leven.zet_klok(D(2026, 1, 5))
    oud_id = leven.registreer(OUD, bsn=bsn)
    leven.brede_intake(oud_id, OUD)
    leven.verwerk()
    pip = leven.stel_vast(oud_id, OUD)
    assert pip["inburgeringstermijn"]["einddatum"] == "2029-01-05"
    leven.verwerk()
    # The DUO service reported Doetinchem's PIP; DUO remembers who sent it.
    duo = leven.duo_simulator()
    assert [p["gemeentecode"] for p in duo.pips[bsn]] == ["0222"]
    assert caseload(leven, OUD, oud_id)["status"] == "pip_vastgesteld"

    # The person moves to Apeldoorn; DUO knows the obligation and its termijn (einde
    # exclusive), and notifies Apeldoorn.
    duo.ken_persoon(
        bsn,
        Persoon(
            start_inburgeringsplicht=D(2025, 12, 1),
            asielmigrant=True,
            datum_kennisgeving=D(2025, 12, 1),
            termijn_start=D(2026, 1, 6),
            termijn_einde=D(2029, 1, 6),
            naam="Amal Haddad",
            geboortedatum=D(1994, 3, 2),
        ),
    )
    leven.zet_klok(D(2026, 9, 1))
    leven.duo_notificatie("SS121", bsn, "2026-08-20T10:00:00+02:00", doel=NIEUW_OIN)
    leven.verwerk()

    # Apeldoorn: registered by DUO's word, the previous gemeente recorded from DUO's PIP.
    gevonden = ok(
        leven.client.post(
            f"{INTAKE}/inburgeraar-zoekvragen", json={"bsn": bsn}, headers=leven.kr(NIEUW)
        )
    )["resultaten"]
    [nieuw_id] = [str(g["id"]) for g in gevonden]
    nieuw = ok(leven.client.get(f"{INTAKE}/inburgeraars/{nieuw_id}", headers=leven.kr(NIEUW)))
    assert nieuw["vorigeGemeente"] == OUD
    te_verwerken = leven.client.get(
        f"{DUO}/api/v1/te-verwerken-notificaties", headers=leven.kr(NIEUW)
    )
    assert ok(te_verwerken) == []

    # Doetinchem: file and traject closed, reden verhuisd, on the day DUO registered it.
    oud = ok(leven.client.get(f"{INTAKE}/inburgeraars/{oud_id}", headers=leven.kr(OUD)))
    assert (oud["beeindigd"], oud["verhuisdNaar"]) == ("verhuisd", NIEUW)
    assert leven.pip(oud_id, OUD)["beeindigd"] == {"reden": "verhuisd", "datum": "2026-08-20"}
    regel = caseload(leven, OUD, oud_id)
    assert (regel["status"], regel["eindeReden"]) == ("beeindigd", "verhuisd")

    # Apeldoorn continues with the same termijn: the overname and DUO's termijn agree.
    nieuwe_pip = leven.pip(nieuw_id, NIEUW)
    assert nieuwe_pip["overgenomenVan"] == OUD
    termijn = nieuwe_pip["inburgeringstermijn"]
    assert (termijn["startdatum"], termijn["einddatum"]) == ("2026-01-06", "2029-01-05")
    regel = caseload(leven, NIEUW, nieuw_id)
    assert regel["eindeTermijn"] == "2029-01-05"
    assert regel["status"] == "pip_vastgesteld"
    assert regel["volgendeDeadline"] == {"soort": "inburgeringstermijn", "datum": "2029-01-05"}

    # DUO tells it again: nothing moves twice.
    leven.duo_notificatie("SS121", bsn, "2026-08-21T10:00:00+02:00", doel=NIEUW_OIN)
    leven.verwerk()
    nieuw = ok(leven.client.get(f"{INTAKE}/inburgeraars/{nieuw_id}", headers=leven.kr(NIEUW)))
    assert nieuw["vorigeGemeente"] == OUD
    assert caseload(leven, NIEUW, nieuw_id)["eindeTermijn"] == "2029-01-05"
