"""Routes, levels and hours through HTTP (issue 13, part 3): bad input is a 400 naming the
field, and nothing is stored half-written. The clock fixture stands on 2026-01-05."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.pip.test_pip_api import client, kr, maak_concept, post, vaststelling

__all__ = ["client", "kr"]


def b1_met_inspanning(client: TestClient, kr: dict[str, str]) -> str:
    url = maak_concept(client, kr)
    post(client, f"{url}/vaststellingen", vaststelling(), kr)
    uren = {"aanbieder": "Taalschool Oost", "keurmerk": True, "uren": 600}
    post(client, f"{url}/cursusuren", uren | {"peildatum": "2026-01-02"}, kr)
    gesprek = {"datum": "2026-01-03", "inspanningVoldoende": True}
    post(client, f"{url}/voortgangsgesprekken", gesprek, kr)
    return url


def test_afschalen_gedeeltelijk_through_http_names_the_components(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 5.5 Besluit inburgering 2021 (afschalen geheel of gedeeltelijk; secundair:
    Schulinck); DUO PIP API NiveauPip: the PIP's level becomes A2."""
    url = b1_met_inspanning(client, kr)
    body = {"dagtekening": "2026-01-05", "onderdelen": ["lezen"]}
    pip = post(client, f"{url}/afschalingen", body, kr)
    assert pip["actuelePip"]["niveau"] == "A2"
    assert pip["actuelePip"]["afgeschaaldeOnderdelen"] == ["lezen"]
    assert pip["plichtniveau"] == "A2"


def test_an_unknown_or_wrong_component_is_a_400_naming_onderdelen(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 5.5 Besluit: only the four language components have a level to lower."""
    url = b1_met_inspanning(client, kr)
    for onderdelen, code in (
        (["rekenen"], None),
        (["knm"], "AfschalingOnderdeelOngeldig"),
        ([], "AfschalingOnderdeelOngeldig"),
    ):
        body: dict[str, Any] = {"dagtekening": "2026-01-05", "onderdelen": onderdelen}
        fout = client.post(f"{url}/afschalingen", json=body, headers=kr)
        assert fout.status_code == 400, fout.text
        namen = [p["name"] for p in fout.json().get("invalidParams", [])]
        assert any(n.startswith("onderdelen") for n in namen), fout.json()
        if code:
            assert fout.json()["code"] == code
    pip = client.get(url, headers=kr).json()
    assert [v["versie"] for v in pip["pipVersies"]] == [1]


def test_a_cap_on_participation_hours_through_http(client: TestClient, kr: dict[str, str]) -> None:
    """DUO Ontheffing API (gedeeltelijk, MED); art. 3.14 Besluit (800 uur participatie)."""
    url = maak_concept(client, kr)
    post(client, f"{url}/vaststellingen", vaststelling(leerroute="z", niveau="A1"), kr)
    ontheffing = {"omvang": "gedeeltelijk", "grond": "BIO", "datumOordeel": "2026-01-02"}
    fout = client.post(
        f"{url}/ontheffingen", json=ontheffing | {"maximumParticipatieUren": 200}, headers=kr
    )
    assert fout.status_code == 400
    assert [p["name"] for p in fout.json()["invalidParams"]] == ["maximumParticipatieUren"]
    pip = post(
        client,
        f"{url}/ontheffingen",
        ontheffing | {"grond": "MED", "maximumParticipatieUren": 200},
        kr,
    )
    assert pip["ontheffingen"][0]["maximumParticipatieUren"] == 200
    assert pip["uren"]["participatieIntake"] == 0
