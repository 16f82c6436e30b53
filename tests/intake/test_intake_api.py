"""The intake service through HTTP: the legal path as one scenario, and the edges.

The clock fixture stands on 2026-01-05; the obligation started on 2025-12-01.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient

from services.intake.config import IntakeSettings
from services.intake.domainmodel import Inburgeraar
from services.intake.main import create_app
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings

Headers = Callable[..., dict[str, str]]
BSN = "111222333"
API = "/api/v1"


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(IntakeSettings(**settings.model_dump()))
    with TestClient(app) as test_client:
        yield test_client


def registratie(**overrides: Any) -> dict[str, Any]:
    body = {
        "gemeente": "GM0222",
        "doelgroep": "asielstatushouder",
        "bsn": BSN,
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "adres": {
            "straat": "Grutstraat",
            "huisnummer": 12,
            "postcode": "7001BX",
            "woonplaats": "Doetinchem",
        },
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
        "vestigingsdatum": "2025-12-15",
    }
    return body | overrides


def registreer(client: TestClient, headers: dict[str, str], **overrides: Any) -> str:
    response = client.post(f"{API}/inburgeraars", json=registratie(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_an_asielstatushouder_goes_through_the_whole_brede_intake(
    client: TestClient, auth_headers: Headers
) -> None:
    """art. 14 Wi2021 from registration to IntakeAfgerond, with the refusals on the way."""
    kr = auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])

    created = client.post(f"{API}/inburgeraars", json=registratie(), headers=kr)
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    assert created.headers["API-Version"] == "1.0.0"
    inburgeraar = created.json()
    url = f"{API}/inburgeraars/{inburgeraar['id']}"
    assert created.headers["Location"] == url
    # Ten weeks after the BRP registration, later than the kennisgeving (art. 5.3 Besluit).
    assert inburgeraar["uitersteDatumPip"] == "2026-02-23"
    intake = f"{url}/brede-intake"

    def put(pad: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        response = client.put(f"{intake}/{pad}", json=body, headers=kr)
        assert response.status_code == status, response.text
        return dict(response.json())

    coa = client.post(
        f"{url}/coa-profiel",
        json={
            "huishouden": [
                {"relatie": "partner", "geboortedatum": "1992-07-14"},
                {"relatie": "kind", "geboortedatum": "2023-06-01"},
            ],
            "herkomstland": "Syrië",
            "talen": ["Arabisch", "Engels"],
            "opleiding": "middelbare school afgerond",
            "werkervaring": "8 jaar kapper",
            "zichtbareBeperkingen": "loopt met een kruk",
        },
        headers={**kr, "If-Match": '"1"'},
    )
    assert coa.status_code == 201, coa.text
    assert coa.json()["kinderenOnder4"] is True

    for datum, klantregisseur in [("2025-12-10", "kr-1"), ("2025-12-17", "kr-2")]:
        gesprek = client.post(
            f"{url}/intakegesprekken",
            json={"gespreksdatum": datum, "klantregisseur": klantregisseur},
            headers=kr,
        )
        assert gesprek.status_code == 201, gesprek.text
    assert [g["volgnummer"] for g in gesprek.json()["intakegesprekken"]] == [1, 2]

    put(
        "leerbaarheidstoets",
        {
            "uitslag": {
                "resultaat": "b1_route_haalbaar",
                "behaaldeScore": "71,20",
                "benodigdeScore": "60,00",
                "datumAfname": "2025-12-12",
            }
        },
    )
    put(
        "opleiding-en-werkervaring",
        {
            "opleidingen": [
                {"omschrijving": "middelbare school", "diploma": True, "land": "Syrië"}
            ],
            "werkervaring": [{"functie": "kapper", "jaren": 8}],
        },
    )
    put(
        "persoonlijke-omstandigheden",
        {
            "fysiekeGezondheid": "knieblessure",
            "mentaleGezondheid": "slaapt slecht",
            "geboortedataKinderen": ["2023-06-01"],
        },
    )
    put("leefgebieden/gezin-en-kinderopvang", {"bevindingen": "peuter thuis, geen opvang"})
    put("leefgebieden/taal", {"bevindingen": "spreekt Arabisch en wat Engels"})
    put("hoofddoel", {"hoofddoel": "werk", "toelichting": "eigen kapsalon"})

    onvolledig = client.post(
        f"{intake}/afronding", json={"afrondingsdatum": "2026-01-05"}, headers=kr
    )
    assert onvolledig.status_code == 400
    assert onvolledig.headers["content-type"] == "application/problem+json"
    assert onvolledig.json()["code"] == "IntakeOnvolledig"
    assert [p["name"] for p in onvolledig.json()["invalidParams"]] == [
        "leerroute-advies",
        "vve-informatie",
    ]

    zonder_motivatie = put("leerroute-advies", {"leerroute": "z"}, status=400)
    assert zonder_motivatie["code"] == "AfwijkingZonderMotivatie"
    assert zonder_motivatie["bron"].startswith("art. 14")
    put("leerroute-advies", {"leerroute": "b1"})
    staat = put("vve-informatie", {"datumGeinformeerd": "2025-12-17"})
    assert staat["ontbrekend"] == []

    gelezen = client.get(url, headers=kr)
    assert gelezen.status_code == 200
    assert gelezen.headers["Cache-Control"] == "no-store"
    staat = gelezen.json()
    assert gelezen.headers["ETag"] == f'"{staat["versie"]}"'
    assert (staat["bsn"], staat["naam"], staat["adres"]["postcode"]) == (
        BSN,
        "Amal Haddad",
        "7001BX",
    )
    assert staat["persoonlijkeOmstandigheden"]["mentaleGezondheid"] == "slaapt slecht"
    assert staat["coaProfiel"]["zichtbareBeperkingen"] == "loopt met een kruk"
    assert [g["leefgebied"] for g in staat["leefgebieden"]] == ["gezin_en_kinderopvang", "taal"]

    afgerond = client.post(
        f"{intake}/afronding",
        json={"afrondingsdatum": "2026-01-05"},
        headers={**kr, "If-Match": gelezen.headers["ETag"]},
    )
    assert afgerond.status_code == 201, afgerond.text
    assert afgerond.json()["afgerond"] is True

    gesloten = put("hoofddoel", {"hoofddoel": "onderwijs"}, status=400)
    assert gesloten["code"] == "IntakeAfgesloten"

    application = client.app.state.application  # type: ignore[attr-defined]
    [laatste] = application.notification_log.select(
        start=1, limit=10, topics=[get_topic(Inburgeraar.IntakeAfgerond)]
    )
    event = application.mapper.to_domain_event(laatste)
    assert (event.gemeente, event.doelgroep, event.leerroute, event.vestigingsdatum) == (
        "GM0222",
        "asielstatushouder",
        "b1",
        dt.date(2025, 12, 15),
    )
    assert (event.datum_start_inburgeringsplicht, event.afrondingsdatum) == (
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 5),
    )
    assert str(event.inburgeraar_id) == inburgeraar["id"]
    assert BSN.encode() not in laatste.state and b"Haddad" not in laatste.state


def test_invalid_registration_names_every_error_at_once(
    client: TestClient, auth_headers: Headers
) -> None:
    """NL API Design Rules: 400 problem+json with all input errors."""
    response = client.post(
        f"{API}/inburgeraars",
        json=registratie(
            bsn="123456789",
            gemeente="GM9999",
            doelgroep="toerist",
            geboortedatum="2-3-1994",
            adres={"straat": "", "huisnummer": 0, "postcode": "7001 bx", "woonplaats": "D"},
            onbekend=True,
        ),
        headers=auth_headers(),
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    namen = {p["name"] for p in response.json()["invalidParams"]}
    assert namen == {
        "bsn",
        "gemeente",
        "doelgroep",
        "geboortedatum",
        "adres.straat",
        "adres.huisnummer",
        "adres.postcode",
        "onbekend",
    }


def test_a_bad_bsn_is_refused_in_registration_and_search(
    client: TestClient, auth_headers: Headers
) -> None:
    """11-proef."""
    for path, body in [
        ("inburgeraars", registratie(bsn="111222334")),
        ("inburgeraar-zoekvragen", {"bsn": "111222334"}),
        ("inburgeraar-zoekvragen", {"bsn": "11122233"}),
    ]:
        response = client.post(f"{API}/{path}", json=body, headers=auth_headers())
        assert response.status_code == 400, path
        assert [p["name"] for p in response.json()["invalidParams"]] == ["bsn"]


def test_domain_rules_refuse_with_their_source(client: TestClient, auth_headers: Headers) -> None:
    te_jong = client.post(
        f"{API}/inburgeraars", json=registratie(geboortedatum="2012-01-01"), headers=auth_headers()
    )
    assert te_jong.status_code == 400
    assert te_jong.json()["code"] == "TeJongVoorInburgeringsplicht"
    assert "art. 3" in te_jong.json()["bron"]

    gezinsmigrant = registreer(client, auth_headers(), doelgroep="gezinsmigrant")
    coa = client.post(
        f"{API}/inburgeraars/{gezinsmigrant}/coa-profiel",
        json={"herkomstland": "Marokko"},
        headers=auth_headers(),
    )
    assert coa.status_code == 400
    assert coa.json()["code"] == "COAProfielNietVoorDoelgroep"

    te_vroeg = client.post(
        f"{API}/inburgeraars/{gezinsmigrant}/intakegesprekken",
        json={"gespreksdatum": "2025-11-30", "klantregisseur": "kr-1"},
        headers=auth_headers(),
    )
    assert te_vroeg.status_code == 400
    assert te_vroeg.json()["code"] == "DatumVoorStartInburgeringsplicht"


def test_the_leerbaarheidstoets_takes_a_result_or_an_exemption(
    client: TestClient, auth_headers: Headers
) -> None:
    url = f"{API}/inburgeraars/{registreer(client, auth_headers())}/brede-intake"
    uitslag = {
        "resultaat": "b1_route_niet_haalbaar",
        "behaaldeScore": "40,00",
        "benodigdeScore": "60,00",
        "datumAfname": "2025-12-12",
    }
    vrijstelling = {"reden": "auditieve_beperking", "toelichting": "doof"}
    beide = client.put(
        f"{url}/leerbaarheidstoets",
        json={"uitslag": uitslag, "vrijstelling": vrijstelling},
        headers=auth_headers(),
    )
    assert beide.status_code == 400
    foute_score = client.put(
        f"{url}/leerbaarheidstoets",
        json={"uitslag": uitslag | {"behaaldeScore": "40.0"}},
        headers=auth_headers(),
    )
    assert [p["name"] for p in foute_score.json()["invalidParams"]] == ["uitslag.behaaldeScore"]
    vrijgesteld = client.put(
        f"{url}/leerbaarheidstoets", json={"vrijstelling": vrijstelling}, headers=auth_headers()
    )
    assert vrijgesteld.status_code == 200
    assert vrijgesteld.json()["leerbaarheidstoets"]["vrijstelling"] == vrijstelling
    onbekend_gebied = client.put(
        f"{url}/leefgebieden/gezin_en_kinderopvang",
        json={"bevindingen": "x"},
        headers=auth_headers(),
    )
    assert onbekend_gebied.status_code == 400


def test_no_show_brings_a_warning_then_a_proposal_not_a_fine(
    client: TestClient, auth_headers: Headers
) -> None:
    """domain.md step 2 (warning first); art. 29 Wi2021 with art. 5:53 Awb: the second
    no-show is a proposal the klantregisseur decides on, nothing is owed yet."""
    url = f"{API}/inburgeraars/{registreer(client, auth_headers())}/niet-verschenen"
    zonder_uitnodiging = client.post(url, json={"datum": "2025-12-10"}, headers=auth_headers())
    assert zonder_uitnodiging.status_code == 400
    assert zonder_uitnodiging.json()["code"] == "NieuweUitnodigingOngeldig"
    eerste = client.post(
        url,
        json={"datum": "2025-12-10", "nieuweUitnodiging": "2025-12-17"},
        headers=auth_headers(),
    )
    assert eerste.status_code == 201
    assert eerste.json()["nietVerschenen"][-1]["gevolg"] == "waarschuwing"
    assert eerste.json()["boetes"] == []
    tweede = client.post(url, json={"datum": "2025-12-17"}, headers=auth_headers())
    assert tweede.json()["nietVerschenen"][-1]["gevolg"] == "boetevoorstel"
    assert tweede.json()["boetes"] == []
    [voorstel] = tweede.json()["boetevoorstellen"]
    assert voorstel["status"] == "open"
    assert voorstel["voorgesteldBedragEuro"] == 250
    assert voorstel["maximumBedragEuro"] == 800


def test_search_by_bsn_stays_within_the_callers_gemeenten(
    client: TestClient, auth_headers: Headers
) -> None:
    inburgeraar_id = registreer(client, auth_headers(Rol.KLANTREGISSEUR, ["GM0222"]))
    gevonden = client.post(
        f"{API}/inburgeraar-zoekvragen",
        json={"bsn": BSN},
        headers=auth_headers(Rol.TEAMLEIDER, ["GM0197", "GM0222"]),
    )
    assert gevonden.status_code == 200
    assert [r["id"] for r in gevonden.json()["resultaten"]] == [inburgeraar_id]
    assert "bsn" not in gevonden.json()["resultaten"][0]
    elders = client.post(
        f"{API}/inburgeraar-zoekvragen",
        json={"bsn": BSN},
        headers=auth_headers(Rol.KLANTREGISSEUR, ["GM0197"]),
    )
    assert elders.json() == {"resultaten": []}


def test_the_same_person_registered_twice_in_one_gemeente_is_a_conflict(
    client: TestClient, auth_headers: Headers
) -> None:
    eerste = registreer(client, auth_headers())
    tweede = client.post(f"{API}/inburgeraars", json=registratie(), headers=auth_headers())
    assert tweede.status_code == 409
    assert eerste in tweede.json()["detail"]


def test_other_gemeenten_roles_and_strangers_are_kept_out(
    client: TestClient, auth_headers: Headers
) -> None:
    inburgeraar_id = registreer(client, auth_headers(Rol.KLANTREGISSEUR, ["GM0222"]))
    url = f"{API}/inburgeraars/{inburgeraar_id}"
    assert client.get(url, headers=auth_headers(Rol.KLANTREGISSEUR, ["GM0197"])).status_code == 404
    assert (
        client.get(url, headers=auth_headers(Rol.BELEIDSMEDEWERKER, ["GM0222"])).status_code == 403
    )
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer rommel"}).status_code == 401
    elders = client.post(
        f"{API}/inburgeraars",
        json=registratie(gemeente="GM0200"),
        headers=auth_headers(Rol.KLANTREGISSEUR, ["GM0222"]),
    )
    assert elders.status_code == 403
    wijzig_elders = client.put(
        f"{url}/brede-intake/hoofddoel",
        json={"hoofddoel": "werk"},
        headers=auth_headers(Rol.TEAMLEIDER, ["GM0197"]),
    )
    assert wijzig_elders.status_code == 404
    assert client.get(url, headers=auth_headers(Rol.TEAMLEIDER, ["GM0222"])).status_code == 200


def test_two_changes_from_the_same_version_give_one_success_and_one_conflict(
    client: TestClient, auth_headers: Headers
) -> None:
    """If-Match: the second writer learns of the first instead of overwriting it."""
    url = f"{API}/inburgeraars/{registreer(client, auth_headers())}"
    versie = client.get(url, headers=auth_headers()).headers["ETag"]
    antwoorden = [
        client.put(
            f"{url}/brede-intake/hoofddoel",
            json={"hoofddoel": doel},
            headers={**auth_headers(), "If-Match": versie},
        )
        for doel in ("werk", "participatie")
    ]
    assert sorted(a.status_code for a in antwoorden) == [200, 409]
    assert antwoorden[1].headers["content-type"] == "application/problem+json"
    staat = client.get(url, headers=auth_headers()).json()
    assert staat["hoofddoel"]["hoofddoel"] == "werk"
    assert staat["versie"] == 2


def test_the_openapi_document_is_public(client: TestClient) -> None:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paden = response.json()["paths"]
    assert "/api/v1/inburgeraars/{inburgeraar_id}/brede-intake/leefgebieden/{leefgebied}" in paden
    assert all(p == p.lower() and "_" not in p.replace("inburgeraar_id", "") for p in paden)
