"""Fines through HTTP: every refusal is a 4xx naming the rule and the field, and leaves the
case as it was. The clock fixture stands on 2026-01-05; each test moves it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.intake.config import IntakeSettings
from services.intake.main import create_app
from shared.clock import FrozenClock
from shared.config import PlatformSettings

Headers = Callable[..., dict[str, str]]
API = "/api/v1"


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    clock.set(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    with TestClient(create_app(IntakeSettings(**settings.model_dump()))) as test_client:
        yield test_client


def met_voorstel(client: TestClient, kr: dict[str, str]) -> str:
    body = {
        "gemeente": "GM0222",
        "doelgroep": "gezinsmigrant",
        "bsn": "111222333",
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
    }
    created = client.post(f"{API}/inburgeraars", json=body, headers=kr)
    assert created.status_code == 201, created.text
    url = f"{API}/inburgeraars/{created.json()['id']}"
    eerste = {"datum": "2026-02-16", "nieuweUitnodiging": "2026-02-23"}
    assert client.post(f"{url}/niet-verschenen", json=eerste, headers=kr).status_code == 201
    tweede = client.post(f"{url}/niet-verschenen", json={"datum": "2026-02-23"}, headers=kr)
    assert tweede.status_code == 201
    return url


def refused(response: Any, status: int, code: str, veld: str) -> None:
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["code"] == code
    assert problem["bron"]
    assert problem["invalidParams"][0]["name"] == veld


def test_refused_steps_of_a_fine_name_the_rule_and_the_field_and_store_nothing(
    client: TestClient, auth_headers: Headers
) -> None:
    """art. 5:53 lid 3 Awb (zienswijze first, a real period); art. 3:41 Awb (sent after the
    dagtekening); art. 29 Wi2021 jo. 5:46 lid 1 Awb (maximum); art. 5:41 Awb."""
    kr = auth_headers()
    url = met_voorstel(client, kr)
    voorstel = f"{url}/boetevoorstellen/1"
    versie = client.get(url, headers=kr).json()["versie"]

    refused(
        client.post(
            f"{voorstel}/zienswijzeverzoek",
            json={"datum": "2026-03-02", "reactieUiterlijk": "2026-03-01"},
            headers=kr,
        ),
        400,
        "ReactietermijnOngeldig",
        "reactieUiterlijk",
    )
    beschikking = {
        "bedragEuro": 250,
        "verwijtbaarheid": "verwijtbaar",
        "dagtekening": "2026-03-02",
        "verzenddatum": "2026-03-02",
    }
    refused(
        client.post(f"{voorstel}/beschikking", json=beschikking, headers=kr),
        400,
        "ZienswijzeNietAfgewacht",
        "zienswijze",
    )
    verzoek = {"datum": "2026-03-02", "reactieUiterlijk": "2026-03-09"}
    assert client.post(f"{voorstel}/zienswijzeverzoek", json=verzoek, headers=kr).status_code == 201
    afgezien = {"datum": "2026-03-02", "uitdrukkelijk": True}
    assert (
        client.post(f"{voorstel}/zienswijze-afgezien", json=afgezien, headers=kr).status_code == 201
    )
    versie = client.get(url, headers=kr).json()["versie"]

    refused(
        client.post(
            f"{voorstel}/beschikking",
            json=beschikking | {"verzenddatum": "2026-03-01"},
            headers=kr,
        ),
        400,
        "VerzendingVoorDagtekening",
        "verzenddatum",
    )
    refused(
        client.post(f"{voorstel}/beschikking", json=beschikking | {"bedragEuro": 900}, headers=kr),
        400,
        "BoetebedragOngeldig",
        "bedragEuro",
    )
    refused(
        client.post(
            f"{voorstel}/beschikking",
            json=beschikking | {"verwijtbaarheid": "niet_verwijtbaar"},
            headers=kr,
        ),
        400,
        "NietVerwijtbaarBeboet",
        "verwijtbaarheid",
    )
    refused(
        client.post(
            f"{voorstel}/afwijzing",
            json={"datum": "2026-03-02", "reden": "niet_verwijtbaar"},
            headers=kr,
        ),
        400,
        "AfwijzingZonderMotivering",
        "toelichting",
    )
    refused(
        client.post(f"{voorstel}/bezwaar", json={"ontvangenOp": "2026-03-02"}, headers=kr),
        409,
        "GeenOpenBezwaar",
        "volgnummer",
    )
    assert client.get(url, headers=kr).json()["versie"] == versie, "nothing stored"
    assert client.get(url, headers=kr).json()["boetevoorstellen"][0]["status"] == "open"


def test_an_unknown_proposal_is_404_and_a_handled_one_409(
    client: TestClient, auth_headers: Headers
) -> None:
    """platformregel (volgnummer per inburgeraar); art. 5:43 Awb (one besluit per overtreding)."""
    kr = auth_headers()
    url = met_voorstel(client, kr)
    onbekend = client.post(
        f"{url}/boetevoorstellen/7/zienswijzeverzoek",
        json={"datum": "2026-03-02", "reactieUiterlijk": "2026-03-09"},
        headers=kr,
    )
    assert onbekend.status_code == 404
    assert onbekend.json()["code"] == "BoetevoorstelOnbekend"
    afwijzing = {"datum": "2026-03-02", "reden": "geen_overtreding", "toelichting": "Wel gekomen"}
    assert (
        client.post(f"{url}/boetevoorstellen/1/afwijzing", json=afwijzing, headers=kr).status_code
        == 201
    )
    nogmaals = client.post(f"{url}/boetevoorstellen/1/afwijzing", json=afwijzing, headers=kr)
    assert nogmaals.status_code == 409
    assert nogmaals.json()["code"] == "BoetevoorstelAfgehandeld"


def test_malformed_input_is_a_400_naming_the_field(
    client: TestClient, auth_headers: Headers
) -> None:
    """Input validation: an amount is a positive whole number of euros, a verdict one of the
    Awb's (art. 7:11), a date a date."""
    kr = auth_headers()
    url = met_voorstel(client, kr)
    nul = client.post(
        f"{url}/pip-verplichting-niet-nagekomen",
        json={
            "pipId": "0b9b3a52-3f7e-4c1e-9a51-8f1d2f6a0c11",
            "verplichting": "pvt",
            "datum": "2026-02-26",
            "voorgesteldBedragEuro": 0,
        },
        headers=kr,
    )
    assert nul.status_code == 400
    assert nul.json()["invalidParams"][0]["name"] == "voorgesteldBedragEuro"
    beslissing = client.post(
        f"{url}/boetevoorstellen/1/bezwaar/beslissing",
        json={"datum": "2026-03-02", "beslissing": "half"},
        headers=kr,
    )
    assert beslissing.status_code == 400
    assert beslissing.json()["invalidParams"][0]["name"] == "beslissing"
    datum = client.post(
        f"{url}/boetevoorstellen/1/bezwaar", json={"ontvangenOp": "gisteren"}, headers=kr
    )
    assert datum.status_code == 400
    assert datum.json()["invalidParams"][0]["name"] == "ontvangenOp"
