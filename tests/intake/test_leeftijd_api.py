"""Age, the hoofddoel as a recommendation and the intake's participation hours through
HTTP: a 400 with the rule's source, nothing stored half-written. The clock fixture stands
on 2026-01-05."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shared.auth import Rol
from tests.intake.test_intake_api import API, Headers, client, registratie, registreer

__all__ = ["client"]


def test_registration_under_18_asks_for_op_verzoek(
    client: TestClient, auth_headers: Headers
) -> None:
    """art. 3 Wi2021 (vanaf 16 jaar); DUO Gebeurtenissen (op verzoek voor 18 jaar)."""
    kr = auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])
    fout = client.post(
        f"{API}/inburgeraars", json=registratie(geboortedatum="2008-06-01"), headers=kr
    )
    assert fout.status_code == 400
    assert fout.json()["code"] == "VerzoekOntbreektOnderAchttien"
    assert [p["name"] for p in fout.json()["invalidParams"]] == ["opVerzoek"]
    assert "art. 3 Wi2021" in fout.json()["bron"]
    zoek = client.post(f"{API}/inburgeraar-zoekvragen", json={"bsn": "111222333"}, headers=kr)
    assert zoek.json()["resultaten"] == []
    registreer(client, kr, geboortedatum="2008-06-01", opVerzoek=True)


def test_registration_at_aow_age_is_refused(client: TestClient, auth_headers: Headers) -> None:
    """art. 3 Wi2021 jo. art. 7a AOW (67 in 2025; secundair: spin.nl); DUO SS110."""
    kr = auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])
    fout = client.post(
        f"{API}/inburgeraars", json=registratie(geboortedatum="1958-11-30"), headers=kr
    )
    assert (fout.status_code, fout.json()["code"]) == (400, "AOWLeeftijdBereikt")
    assert [p["name"] for p in fout.json()["invalidParams"]] == ["geboortedatum"]


def test_op_verzoek_must_be_a_boolean(client: TestClient, auth_headers: Headers) -> None:
    """Invalid input names the field."""
    kr = auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])
    fout = client.post(f"{API}/inburgeraars", json=registratie(opVerzoek="graag"), headers=kr)
    assert fout.status_code == 400
    assert [p["name"] for p in fout.json()["invalidParams"]] == ["opVerzoek"]


def test_intake_participation_hours_and_the_hoofddoel_recommendation(
    client: TestClient, auth_headers: Headers
) -> None:
    """art. 3.14 Besluit (participatie-uren tijdens de brede intake tellen voor de Z-route);
    art. 14 lid 3 Wi2021 (geen hoofddoel vereist: een aanbeveling)."""
    kr = auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])
    url = f"{API}/inburgeraars/{registreer(client, kr)}"
    staat = client.get(url, headers=kr).json()
    assert "hoofddoel" not in staat["ontbrekend"]
    assert staat["aanbevelingen"] == ["hoofddoel"]
    pad = f"{url}/brede-intake/participatieuren"
    fout = client.post(pad, json={"uren": 0, "peildatum": "2025-12-20"}, headers=kr)
    assert fout.status_code == 400
    assert [p["name"] for p in fout.json()["invalidParams"]] == ["uren"]
    te_vroeg = client.post(pad, json={"uren": 5, "peildatum": "2025-11-30"}, headers=kr)
    assert (te_vroeg.status_code, te_vroeg.json()["code"]) == (
        400,
        "DatumVoorStartInburgeringsplicht",
    )
    gelukt = client.post(pad, json={"uren": 5, "peildatum": "2025-12-20"}, headers=kr)
    assert gelukt.status_code == 201
    assert gelukt.json()["participatieuren"] == 5
