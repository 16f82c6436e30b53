"""Financieel ontzorgen through HTTP: the whole path as one scenario, then the refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.main import create_app
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings

Headers = Callable[..., dict[str, str]]
BASE = "/api/v1/ontzorgingen"
PROBLEM = "application/problem+json"

VASTE_LASTEN = {
    "huur": ("Woonstichting De Liemers", "NL91ABNA0417164300", 65_000),
    "energie": ("Energieleverancier", "NL20INGB0001234567", 12_000),
    "zorgverzekering": ("Zorgverzekeraar", "NL39RABO0300065264", 14_500),
    "gemeentelijke-belastingen": ("Gemeente Doetinchem", "NL86INGB0002445588", 3_000),
}


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(OntzorgingSettings(**settings.model_dump()))
    with TestClient(app) as test_client:
        yield test_client


def zet_klok(clock: FrozenClock, dag: dt.date) -> None:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, 0, tzinfo=dt.UTC))


def startverzoek(**wijziging: Any) -> dict[str, Any]:
    return {
        "gemeente": "GM0222",
        "inburgeraarId": str(uuid4()),
        "pipId": str(uuid4()),
        "doelgroep": "asielstatushouder",
        "ontvangtBijstand": True,
        "verblijfsvergunningAsielBepaaldeTijd": True,
        "beschikkingsdatum": "2026-01-05",
        "startdatumBijstand": "2026-01-01",
        "betaalmachtigingGegeven": True,
    } | wijziging


def start(client: TestClient, headers: dict[str, str], **wijziging: Any) -> dict[str, Any]:
    response = client.post(BASE, json=startverzoek(**wijziging), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def leg_vast(client: TestClient, headers: dict[str, str], ontzorging_id: str) -> None:
    for post, (crediteur, iban, bedrag) in VASTE_LASTEN.items():
        response = client.put(
            f"{BASE}/{ontzorging_id}/vaste-lasten/{post}",
            json={"crediteur": crediteur, "iban": iban, "bedragPerMaandCent": bedrag},
            headers=headers,
        )
        assert response.status_code == 200, response.text


def betaling(maand: str, post: str, betaaldatum: dt.date) -> dict[str, Any]:
    bedrag = VASTE_LASTEN[post.replace("_", "-")][2]
    return {"maand": maand, "post": post, "bedragCent": bedrag, "betaaldatum": str(betaaldatum)}


def test_a_statushouder_is_ontzorgd_six_months_and_becomes_financially_self_reliant(
    client: TestClient, clock: FrozenClock, auth_headers: Headers
) -> None:
    """art. 56a Participatiewet and domain.md step 8, from beschikking to self-reliance."""
    headers = auth_headers()

    # The beschikking: bijstand since 1 January, so the gemeente pays January to June.
    gestart = start(client, headers)
    ontzorging_id = gestart["id"]
    url = f"{BASE}/{ontzorging_id}"
    assert gestart["status"] == "ontzorgd"
    assert gestart["eindeOntzorgingsperiode"] == "2026-07-01"
    assert gestart["ontzorgingsmaanden"][0] == "2026-01"
    assert gestart["ontzorgingsmaanden"][-1] == "2026-06"
    assert gestart["ontbrekendeVasteLasten"] == [
        "huur",
        "gas",
        "elektriciteit",
        "water",
        "zorgverzekering",
    ]

    # Fixed costs first: rent, energy, health insurance and the municipal taxes.
    leg_vast(client, headers, ontzorging_id)
    assert client.get(url, headers=headers).json()["ontbrekendeVasteLasten"] == ["water"]

    # Six months of payments, each month from that month's bijstand.
    for maand_index in range(6):
        betaaldatum = dt.date(2026, 1 + maand_index, 5)
        zet_klok(clock, betaaldatum)
        maand = betaaldatum.strftime("%Y-%m")
        for post in ("huur", "energie", "zorgverzekering", "gemeentelijke_belastingen"):
            response = client.post(
                f"{url}/betalingen", json=betaling(maand, post, betaaldatum), headers=headers
            )
            assert response.status_code == 200, response.text
    ontzorging = client.get(url, headers=headers).json()
    assert len(ontzorging["betalingen"]) == 24
    assert sum(b["bedragCent"] for b in ontzorging["betalingen"]) == 6 * 94_500

    # A seventh month is not paid directly any more.
    zet_klok(clock, dt.date(2026, 6, 30))
    response = client.post(
        f"{url}/betalingen", json=betaling("2026-07", "huur", dt.date(2026, 6, 30)), headers=headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "BetalingBuitenOntzorgingsperiode"

    # Budgetbeheer is refused while the six months run ...
    response = client.post(
        f"{url}/budgetbeheer", json={"startdatum": "2026-06-30"}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "OntzorgingsperiodeNietVerstreken"
    assert response.headers["content-type"] == PROBLEM

    # ... and accepted once they have ended.
    zet_klok(clock, dt.date(2026, 7, 1))
    response = client.post(
        f"{url}/budgetbeheer", json={"startdatum": "2026-07-01"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "budgetbeheer"

    zet_klok(clock, dt.date(2026, 7, 15))
    response = client.post(
        f"{url}/budgetcoachinggesprekken", json={"gespreksdatum": "2026-07-15"}, headers=headers
    )
    assert response.status_code == 200, response.text

    zet_klok(clock, dt.date(2026, 8, 1))
    response = client.post(
        f"{url}/afbouw",
        json={"startdatum": "2026-08-01", "posten": ["energie", "gemeentelijke_belastingen"]},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    afgebouwd = {v["post"]: v["zelfBetaald"] for v in response.json()["vasteLasten"]}
    assert afgebouwd == {
        "huur": False,
        "energie": True,
        "zorgverzekering": False,
        "gemeentelijke_belastingen": True,
    }

    zet_klok(clock, dt.date(2026, 10, 1))
    response = client.post(
        f"{url}/budgetcoachinggesprekken", json={"gespreksdatum": "2026-09-30"}, headers=headers
    )
    assert response.status_code == 200, response.text
    response = client.post(
        f"{url}/financiele-zelfredzaamheid",
        json={"vaststellingsdatum": "2026-10-01"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    einde = response.json()
    assert einde["status"] == "financieel_zelfredzaam"
    assert einde["budgetcoachinggesprekken"] == ["2026-07-15", "2026-09-30"]
    assert all(v["zelfBetaald"] for v in einde["vasteLasten"])
    assert response.headers["ETag"] == f'"{einde["versie"]}"'

    # After that nothing changes, not even a stop.
    response = client.post(
        f"{url}/beeindiging",
        json={"einddatum": "2026-10-01", "reden": "bijstand_beeindigd"},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "OntzorgingAfgesloten"

    gevonden = client.get(BASE, params={"inburgeraarId": gestart["inburgeraarId"]}, headers=headers)
    assert [o["id"] for o in gevonden.json()] == [ontzorging_id]


def test_a_gezinsmigrant_with_an_asylum_permit_is_ontzorgd_one_without_is_not(
    client: TestClient, auth_headers: Headers
) -> None:
    """art. 56a lid 1 Participatiewet: the temporary asylum permit and bijstand decide, not
    the doelgroep (a nareiziger on an afhankelijke asielvergunning is ontzorgd)."""
    nareiziger = client.post(
        BASE, json=startverzoek(doelgroep="gezinsmigrant"), headers=auth_headers()
    )
    assert nareiziger.status_code == 201, nareiziger.text
    response = client.post(
        BASE,
        json=startverzoek(doelgroep="gezinsmigrant", verblijfsvergunningAsielBepaaldeTijd=False),
        headers=auth_headers(),
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "OntzorgingNietToegestaan"
    assert problem["bron"].startswith("art. 56a lid 1 Participatiewet")
    assert [p["name"] for p in problem["invalidParams"]] == [
        "verblijfsvergunning asiel voor bepaalde tijd"
    ]


def test_a_statushouder_without_bijstand_is_not_ontzorgd(
    client: TestClient, auth_headers: Headers
) -> None:
    response = client.post(BASE, json=startverzoek(ontvangtBijstand=False), headers=auth_headers())
    assert response.status_code == 400
    assert response.json()["code"] == "OntzorgingNietToegestaan"


def test_bad_input_names_every_error_at_once(client: TestClient, auth_headers: Headers) -> None:
    verzoek = startverzoek(
        gemeente="GM9999", inburgeraarId="geen-uuid", doelgroep="toerist", ontvangtBijstand="ja"
    )
    del verzoek["beschikkingsdatum"]
    response = client.post(BASE, json=verzoek, headers=auth_headers())
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    namen = {p["name"] for p in response.json()["invalidParams"]}
    assert namen == {
        "gemeente",
        "inburgeraarId",
        "doelgroep",
        "ontvangtBijstand",
        "beschikkingsdatum",
    }


def test_a_bad_iban_is_refused_and_named(client: TestClient, auth_headers: Headers) -> None:
    headers = auth_headers()
    ontzorging_id = start(client, headers)["id"]
    response = client.put(
        f"{BASE}/{ontzorging_id}/vaste-lasten/huur",
        json={"crediteur": "Verhuurder", "iban": "NL91ABNA0417164301", "bedragPerMaandCent": 0},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    params = {p["name"]: p["reason"] for p in response.json()["invalidParams"]}
    assert set(params) == {"iban", "bedragPerMaandCent"}
    assert "mod-97" in params["iban"]
    assert client.get(f"{BASE}/{ontzorging_id}", headers=headers).json()["vasteLasten"] == []


def test_a_payment_is_never_made_twice(
    client: TestClient, clock: FrozenClock, auth_headers: Headers
) -> None:
    headers = auth_headers()
    ontzorging_id = start(client, headers)["id"]
    leg_vast(client, headers, ontzorging_id)
    url = f"{BASE}/{ontzorging_id}/betalingen"
    verzoek = betaling("2026-01", "huur", dt.date(2026, 1, 5))
    assert client.post(url, json=verzoek, headers=headers).status_code == 200
    herhaald = client.post(url, json=verzoek, headers=headers)
    assert herhaald.status_code == 409
    assert herhaald.json()["code"] == "BetalingAlGedaan"
    assert "al betaald op 2026-01-05" in herhaald.json()["detail"]
    assert len(client.get(f"{BASE}/{ontzorging_id}", headers=headers).json()["betalingen"]) == 1


def test_no_payment_of_a_post_not_registered_and_no_other_post_is_required(
    client: TestClient, auth_headers: Headers
) -> None:
    """art. 56a Pw: only registered fixed costs are paid; since 2023 no set of posts is a
    precondition (secundair: Verzamelbrief inburgering april 2023)."""
    headers = auth_headers()
    ontzorging_id = start(client, headers)["id"]
    response = client.post(
        f"{BASE}/{ontzorging_id}/betalingen",
        json=betaling("2026-01", "huur", dt.date(2026, 1, 5)),
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "VasteLastNietVastgelegd"
    assert {p["name"] for p in response.json()["invalidParams"]} == {"huur"}


def test_a_second_start_for_the_same_inburgeraar_conflicts(
    client: TestClient, auth_headers: Headers
) -> None:
    headers = auth_headers()
    eerste = start(client, headers)
    response = client.post(
        BASE, json=startverzoek(inburgeraarId=eerste["inburgeraarId"]), headers=headers
    )
    assert response.status_code == 409
    assert response.json()["code"] == "OntzorgingBestaatAl"


def test_another_gemeente_cannot_see_or_change_it(
    client: TestClient, auth_headers: Headers
) -> None:
    ontzorging = start(client, auth_headers())
    amsterdam = auth_headers(gemeenten=["GM0363"])
    assert client.get(f"{BASE}/{ontzorging['id']}", headers=amsterdam).status_code == 404
    response = client.post(
        f"{BASE}/{ontzorging['id']}/beeindiging",
        json={"einddatum": "2026-01-05", "reden": "bijstand_beeindigd"},
        headers=amsterdam,
    )
    assert response.status_code == 404
    gevonden = client.get(
        BASE, params={"inburgeraarId": ontzorging["inburgeraarId"]}, headers=amsterdam
    )
    assert gevonden.json() == []
    assert client.post(BASE, json=startverzoek(), headers=amsterdam).status_code == 403


def test_without_a_token_nothing_is_shown(client: TestClient, auth_headers: Headers) -> None:
    ontzorging_id = start(client, auth_headers())["id"]
    response = client.get(f"{BASE}/{ontzorging_id}")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert client.post(BASE, json=startverzoek()).status_code == 401


def test_a_beleidsmedewerker_does_not_read_a_persons_case(
    client: TestClient, auth_headers: Headers
) -> None:
    ontzorging_id = start(client, auth_headers())["id"]
    beleid = auth_headers(rol=Rol.BELEIDSMEDEWERKER)
    assert client.get(f"{BASE}/{ontzorging_id}", headers=beleid).status_code == 403


def test_two_changes_with_the_same_if_match_one_wins_nothing_is_lost(
    client: TestClient, auth_headers: Headers
) -> None:
    headers = auth_headers()
    gestart = client.post(BASE, json=startverzoek(), headers=headers)
    url, versie = f"{BASE}/{gestart.json()['id']}", gestart.headers["ETag"]
    huur = {"crediteur": "Woonstichting", "iban": "NL91ABNA0417164300", "bedragPerMaandCent": 1}
    energie = huur | {"crediteur": "Energieleverancier", "iban": "NL20INGB0001234567"}
    eerste = client.put(
        f"{url}/vaste-lasten/huur", json=huur, headers=headers | {"If-Match": versie}
    )
    tweede = client.put(
        f"{url}/vaste-lasten/energie", json=energie, headers=headers | {"If-Match": versie}
    )
    assert (eerste.status_code, tweede.status_code) == (200, 409)
    assert tweede.json()["code"] == "ConcurrencyConflict"
    opnieuw = client.put(
        f"{url}/vaste-lasten/energie",
        json=energie,
        headers=headers | {"If-Match": eerste.headers["ETag"]},
    )
    assert opnieuw.status_code == 200
    assert [v["post"] for v in opnieuw.json()["vasteLasten"]] == ["huur", "energie"]


def test_paths_are_kebab_case_and_the_contract_is_published(client: TestClient) -> None:
    """NL API Design Rules: kebab-case paths, OpenAPI without authentication."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    for path in response.json()["paths"]:
        vast = [deel for deel in path.split("/") if deel and not deel.startswith("{")]
        assert all(deel == deel.lower() and "_" not in deel for deel in vast), path
