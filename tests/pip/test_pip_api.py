"""The PIP service through HTTP: the legal path as one scenario, each DUO rule refused
with 400 naming it, and the edges (authentication, gemeenten, concurrency).

The clock fixture stands on 2026-01-05. The standard inburgeraar's obligation started on
2025-10-20, so the ten weeks ended on 2025-12-29.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.pip.config import PipSettings
from services.pip.main import create_app
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings

Headers = Callable[..., dict[str, str]]
API = "/api/v1"
PROBLEM = "application/problem+json"


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(PipSettings(**settings.model_dump()))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def kr(auth_headers: Headers) -> dict[str, str]:
    return auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])


def concept(**overrides: Any) -> dict[str, Any]:
    body = {
        "gemeente": "GM0222",
        "inburgeraarId": str(uuid.uuid4()),
        "doelgroep": "asielstatushouder",
        "datumStartInburgeringsplicht": "2025-10-20",
        "uitersteDatumPip": "2025-12-29",
        "geadviseerdeLeerroute": "b1",
    }
    return body | overrides


def vaststelling(**overrides: Any) -> dict[str, Any]:
    body = {
        "dagtekening": "2025-12-15",
        "leerroute": "b1",
        "map": True,
        "mapIntensiteitUren": 40,
        "pvtIntensiteitUren": 12,
        "begeleiding": "Klantregisseur belt maandelijks",
    }
    return body | overrides


def maak_concept(client: TestClient, headers: dict[str, str], **overrides: Any) -> str:
    response = client.post(f"{API}/pips", json=concept(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def post(
    client: TestClient, url: str, body: dict[str, Any], headers: dict[str, str], status: int = 200
) -> dict[str, Any]:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == status, response.text
    return dict(response.json())


def test_an_inburgeraar_goes_from_draft_pip_to_obligation_met(
    client: TestClient, kr: dict[str, str], clock: FrozenClock
) -> None:
    """The whole legal path: art. 15 (PIP within ten weeks, extended for third-party
    information, art. 5.3 Besluit), art. 11 (termijn), progress, DUO exam results (SS199),
    PVT, MAP, TaalniveauBehaald, KNM and the obligation met (leerroute afgerond)."""
    created = client.post(f"{API}/pips", json=concept(), headers=kr)
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    assert created.headers["API-Version"] == "1.0.0"
    pip = created.json()
    url = f"{API}/pips/{pip['id']}"
    assert created.headers["Location"] == url
    assert (pip["status"], pip["uitersteDatumPip"]) == ("concept", "2025-12-29")

    gewijzigd = client.put(
        f"{url}/concept",
        json={
            "doelgroep": "asielstatushouder",
            "datumStartInburgeringsplicht": "2025-10-20",
            "vestigingsdatum": "2025-11-01",
            "geadviseerdeLeerroute": "b1",
        },
        headers=kr | {"If-Match": '"1"'},
    )
    assert gewijzigd.status_code == 200, gewijzigd.text
    assert gewijzigd.headers["ETag"] == '"2"'

    wachten = {
        "derde": "GGD",
        "opgevraagdOp": "2025-12-01",
        "informatieOntvangenOp": "2025-12-26",
    }
    pip = post(client, f"{url}/wachten-op-derden", wachten, kr)
    assert pip["uitersteDatumPip"] == "2026-01-09"

    pip = post(client, f"{url}/vaststellingen", vaststelling(dagtekening="2026-01-05"), kr)
    assert pip["status"] == "vastgesteld"
    assert pip["binnenTienWeken"] is True
    assert pip["actuelePip"]["niveau"] == "B1"
    assert pip["actuelePip"]["isEerstePip"] is True
    assert pip["inburgeringstermijn"] == {
        "startdatum": "2026-01-06",
        "einddatum": "2029-01-05",
        "verlengingen": [],
    }

    clock.set(dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC))
    for soort, uren in [("cursus", 420), ("pvt", 12), ("map", 40)]:
        post(
            client,
            f"{url}/cursusuren",
            {
                "soort": soort,
                "aanbieder": "Taalschool Oost",
                "keurmerk": True,
                "uren": uren,
                "peildatum": "2026-08-31",
            },
            kr,
        )
    gesprek = {"datum": "2026-04-01", "inspanningVoldoende": True, "verslag": "Gaat goed"}
    post(client, f"{url}/voortgangsgesprekken", gesprek, kr)
    post(client, f"{url}/participatieverklaring", {"datum": "2026-06-15"}, kr)
    post(client, f"{url}/map-afronding", {"datumEindgesprek": "2026-07-01"}, kr)

    examens = [("lezen", "2026-08-03"), ("luisteren", "2026-08-04"), ("schrijven", "2026-08-05")]
    for onderdeel, datum in examens:
        uitslag = {"onderdeel": onderdeel, "examendatum": datum, "behaald": True, "niveau": "B1"}
        post(client, f"{url}/examenuitslagen", uitslag, kr)
    knm = {"onderdeel": "knm", "examendatum": "2026-08-10", "behaald": True}
    pip = post(client, f"{url}/examenuitslagen", knm, kr)
    assert pip["taalniveauBehaald"] is None
    assert pip["ontbrekendVoorAfronding"] == ["spreken"]

    spreken = {"onderdeel": "spreken", "examendatum": "2026-08-20", "behaald": True, "niveau": "B1"}
    pip = post(client, f"{url}/examenuitslagen", spreken, kr)
    assert pip["taalniveauBehaald"] == {"niveau": "B1", "datum": "2026-08-20"}
    assert pip["knmBehaaldOp"] == "2026-08-10"
    assert pip["ontbrekendVoorAfronding"] == []

    pip = post(client, f"{url}/voldaan", {"grond": "leerroute_afgerond", "datum": "2026-08-31"}, kr)
    assert pip["status"] == "voldaan"
    assert pip["voldaan"] == {"grond": "leerroute_afgerond", "datum": "2026-08-31"}

    na_afloop = client.post(f"{url}/examenuitslagen", json=spreken, headers=kr)
    assert na_afloop.status_code == 400
    assert na_afloop.json()["code"] == "InburgeringsplichtAlVoldaan"

    gelezen = client.get(url, headers=kr)
    assert gelezen.status_code == 200
    assert gelezen.headers["ETag"] == f'"{gelezen.json()["versie"]}"'
    assert gelezen.headers["Cache-Control"] == "no-store"

    application = client.app.state.application  # type: ignore[attr-defined]
    namen = [
        e.topic.rsplit(".", 1)[-1] for e in application.recorder.select_events(uuid.UUID(pip["id"]))
    ]
    assert namen[:5] == [
        "PIPOpgesteld",
        "ConceptPIPGewijzigd",
        "PIPTermijnOpgeschort",
        "PIPVastgesteld",
        "InburgeringstermijnGestart",
    ]
    assert namen[-5:] == [
        "ExamenuitslagOntvangen",
        "KNMBehaald",
        "ExamenuitslagOntvangen",
        "TaalniveauBehaald",
        "InburgeringsplichtVoldaan",
    ]
    assert {"VoortgangsgesprekGevoerd", "ParticipatieverklaringOndertekend", "MAPAfgerond"} <= set(
        namen
    )


Setup = Callable[[TestClient, str, dict[str, str], FrozenClock], None]


def niets(client: TestClient, url: str, kr: dict[str, str], clock: FrozenClock) -> None:
    pass


def eerste_pip(client: TestClient, url: str, kr: dict[str, str], clock: FrozenClock) -> None:
    post(client, f"{url}/vaststellingen", vaststelling(), kr)
    pvt = {"soort": "pvt", "aanbieder": "Gemeente", "keurmerk": False, "uren": 12}
    post(client, f"{url}/cursusuren", pvt | {"peildatum": "2026-01-02"}, kr)


def na_de_termijn(client: TestClient, url: str, kr: dict[str, str], clock: FrozenClock) -> None:
    eerste_pip(client, url, kr, clock)
    clock.set(dt.datetime(2029, 3, 1, 9, tzinfo=dt.UTC))


DUO_REGELS: list[tuple[str, dict[str, Any], Setup, str, dict[str, Any]]] = [
    (
        "DagtekeningVoorStartInburgeringsplicht",
        {},
        niets,
        "vaststellingen",
        vaststelling(dagtekening="2025-10-19"),
    ),
    (
        "DagtekeningVoorVestiging",
        {"vestigingsdatum": "2025-12-20"},
        niets,
        "vaststellingen",
        vaststelling(),
    ),
    (
        "DagtekeningVoorEerderePIP",
        {},
        eerste_pip,
        "vaststellingen",
        vaststelling(dagtekening="2025-12-14"),
    ),
    (
        "DagtekeningInDeToekomst",
        {},
        niets,
        "vaststellingen",
        vaststelling(dagtekening="2026-01-06"),
    ),
    (
        "NiveauA2BijOnderwijsroute",
        {},
        niets,
        "vaststellingen",
        vaststelling(leerroute="onderwijs", niveau="A2", map=False),
    ),
    ("NiveauB1BijZRoute", {}, niets, "vaststellingen", vaststelling(leerroute="z", niveau="B1")),
    ("NiveauA2BijEerstePIPInB1Route", {}, niets, "vaststellingen", vaststelling(niveau="A2")),
    (
        "GeschatteIntensiteitNietToegestaan",
        {"doelgroep": "gezinsmigrant"},
        niets,
        "vaststellingen",
        vaststelling(geschatteIntensiteit=400),
    ),
    (
        "MAPNietInOnderwijsroute",
        {},
        niets,
        "vaststellingen",
        vaststelling(leerroute="onderwijs", map=True),
    ),
    ("PIPNietVastgesteld", {}, niets, "participatieverklaring", {"datum": "2026-01-02"}),
    (
        "DatumVoorStartInburgeringstermijn",
        {},
        eerste_pip,
        "participatieverklaring",
        {"datum": "2025-12-15"},
    ),
    ("DatumInDeToekomst", {}, eerste_pip, "map-afronding", {"datumEindgesprek": "2026-01-06"}),
    (
        "VerwijtbaarheidNietToegestaan",
        {},
        eerste_pip,
        "map-afronding",
        {"datumEindgesprek": "2026-01-02", "verwijtbaar": "nee"},
    ),
    (
        "VerwijtbaarNeeNietToegestaan",
        {},
        eerste_pip,
        "participatieverklaring",
        {"datum": "2026-01-02", "verwijtbaar": "nee"},
    ),
    (
        "VerwijtbaarheidOntbreekt",
        {},
        na_de_termijn,
        "participatieverklaring",
        {"datum": "2029-02-01"},
    ),
    (
        "VerwijtbaarJaNietToegestaan",
        {},
        na_de_termijn,
        "map-afronding",
        {"datumEindgesprek": "2028-12-15", "verwijtbaar": "ja"},
    ),
]


@pytest.mark.parametrize(
    ("regel", "concept_velden", "setup", "pad", "body"),
    DUO_REGELS,
    ids=[r[0] for r in DUO_REGELS],
)
def test_the_api_refuses_what_duo_would_refuse_naming_the_rule(
    client: TestClient,
    kr: dict[str, str],
    clock: FrozenClock,
    regel: str,
    concept_velden: dict[str, Any],
    setup: Setup,
    pad: str,
    body: dict[str, Any],
) -> None:
    """DUO README: Het aanleveren van een PIP (dagtekening, niveau, geschatte intensiteit),
    art. 8 lid 3 Wi2021 (no MAP in the onderwijsroute), and DUO README MAP/PVT (current PIP,
    dates within the termijn and not in the future, the 'verwijtbaar' flag)."""
    url = maak_concept(client, kr, **concept_velden)
    setup(client, url, kr, clock)
    voor = client.get(url, headers=kr).json()["versie"]

    response = client.post(f"{url}/{pad}", json=body, headers=kr)

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert regel in {p["code"] for p in problem["invalidParams"]}
    assert problem["bron"]
    assert client.get(url, headers=kr).json()["versie"] == voor


def test_all_violations_of_a_vaststelling_come_back_at_once(
    client: TestClient, kr: dict[str, str]
) -> None:
    """DUO README: Het aanleveren van een PIP - every failed condition is reported."""
    url = maak_concept(client, kr, doelgroep="gezinsmigrant")
    body = vaststelling(
        dagtekening="2026-01-06", leerroute="onderwijs", niveau="A2", geschatteIntensiteit=10
    )
    response = client.post(f"{url}/vaststellingen", json=body, headers=kr)
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "RegelsOvertreden"
    assert [(p["name"], p["code"]) for p in problem["invalidParams"]] == [
        ("dagtekening", "DagtekeningInDeToekomst"),
        ("niveau", "NiveauA2BijOnderwijsroute"),
        ("geschatteIntensiteit", "GeschatteIntensiteitNietToegestaan"),
        ("map", "MAPNietInOnderwijsroute"),
    ]
    assert "art. 8 lid 3 Wi2021" in problem["bron"]


def test_invalid_input_is_a_400_naming_every_field(client: TestClient, kr: dict[str, str]) -> None:
    """NL API Design Rules: invalid input is 400 problem+json with all errors at once."""
    response = client.post(
        f"{API}/pips",
        json={"gemeente": "GM9999", "doelgroep": "toerist", "onbekend": 1},
        headers=kr,
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    namen = {p["name"] for p in response.json()["invalidParams"]}
    assert namen == {
        "gemeente",
        "doelgroep",
        "inburgeraarId",
        "datumStartInburgeringsplicht",
        "uitersteDatumPip",
        "onbekend",
    }
    assert client.get(f"{API}/pips", headers=kr).status_code == 400


def test_a_late_pip_is_accepted_and_marked_late(client: TestClient, kr: dict[str, str]) -> None:
    """art. 15 Wi2021: a PIP after the ten weeks is allowed, marked binnenTienWeken=false."""
    url = maak_concept(client, kr)
    pip = post(client, f"{url}/vaststellingen", vaststelling(dagtekening="2026-01-02"), kr)
    assert pip["binnenTienWeken"] is False
    assert pip["actuelePip"]["binnenTienWeken"] is False


def test_a_pip_with_ontzorging_states_the_bijstand_and_the_asylum_permit(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 56a Participatiewet, domain.md steps 3 and 8: the beschikking with ontzorging
    names the start of the bijstand and the temporary asylum permit, or is refused naming
    both fields."""
    url = maak_concept(client, kr)
    fout = client.post(f"{url}/vaststellingen", json=vaststelling(ontzorging=True), headers=kr)
    assert fout.status_code == 400, fout.text
    assert fout.headers["content-type"] == PROBLEM
    assert {(p["name"], p["code"]) for p in fout.json()["invalidParams"]} == {
        ("startdatumBijstand", "StartdatumBijstandOntbreekt"),
        ("verblijfsvergunningAsielBepaaldeTijd", "VerblijfsvergunningAsielOntbreekt"),
    }

    pip = post(
        client,
        f"{url}/vaststellingen",
        vaststelling(
            ontzorging=True,
            startdatumBijstand="2025-12-01",
            verblijfsvergunningAsielBepaaldeTijd=True,
        ),
        kr,
    )
    assert pip["actuelePip"]["ontzorging"] is True
    assert pip["actuelePip"]["startdatumBijstand"] == "2025-12-01"
    assert pip["actuelePip"]["verblijfsvergunningAsielBepaaldeTijd"] is True


def test_afschalen_and_a_termijn_extension_through_http(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 32 Wi2021 / art. 5.5 Besluit (600 quality-marked hours, effort) and art. 11."""
    url = maak_concept(client, kr)
    post(client, f"{url}/vaststellingen", vaststelling(), kr)
    fout = client.post(f"{url}/afschalingen", json={"dagtekening": "2026-01-05"}, headers=kr)
    assert fout.status_code == 400
    assert {p["code"] for p in fout.json()["invalidParams"]} == {
        "OnvoldoendeCursusurenVoorAfschalen",
        "InspanningNietVastgesteld",
    }
    uren = {"aanbieder": "Taalschool Oost", "keurmerk": True, "uren": 600}
    post(client, f"{url}/cursusuren", uren | {"peildatum": "2026-01-02"}, kr)
    post(
        client,
        f"{url}/voortgangsgesprekken",
        {"datum": "2026-01-03", "inspanningVoldoende": True},
        kr,
    )
    pip = post(client, f"{url}/afschalingen", {"dagtekening": "2026-01-05"}, kr)
    assert (pip["actuelePip"]["versie"], pip["actuelePip"]["niveau"]) == (2, "A2")

    verlenging = {"reden": "ziekte", "nieuweEinddatum": "2029-06-15"}
    pip = post(client, f"{url}/termijn-verlengingen", verlenging, kr)
    assert pip["inburgeringstermijn"]["einddatum"] == "2029-06-15"
    te_vroeg = client.post(
        f"{url}/termijn-verlengingen",
        json={"reden": "overig", "nieuweEinddatum": "2029-01-01"},
        headers=kr,
    )
    assert te_vroeg.json()["code"] == "VerlengingNietNaEinddatum"


def test_vrijstelling_and_ontheffing_through_http(client: TestClient, kr: dict[str, str]) -> None:
    """DUO SS107/SS108: a full vrijstelling or ontheffing means the obligation is met."""
    url = maak_concept(client, kr)
    deel = {
        "omvang": "gedeeltelijk",
        "onderdeel": "lezen",
        "niveau": "B1",
        "datumOordeel": "2026-01-02",
    }
    pip = post(client, f"{url}/vrijstellingen", deel | {"reden": "GED"}, kr)
    assert pip["status"] == "concept"
    pip = post(
        client,
        f"{url}/ontheffingen",
        {"omvang": "geheel", "grond": "MED", "datumOordeel": "2026-01-03"},
        kr,
    )
    assert pip["voldaan"] == {"grond": "ontheffing", "datum": "2026-01-03"}


def test_the_caller_must_be_authenticated_and_act_for_the_gemeente(
    client: TestClient, auth_headers: Headers, kr: dict[str, str]
) -> None:
    """Case data only for the own gemeenten: 401 without token, 403 for another gemeente
    or role, 404 for another gemeente's PIP."""
    inburgeraar = str(uuid.uuid4())
    url = maak_concept(client, kr, inburgeraarId=inburgeraar)

    assert client.get(url).status_code == 401
    assert client.post(f"{API}/pips", json=concept()).status_code == 401

    ander = auth_headers(Rol.KLANTREGISSEUR, ["GM0197"])
    assert client.get(url, headers=ander).status_code == 404
    assert (
        client.post(f"{url}/vaststellingen", json=vaststelling(), headers=ander).status_code == 404
    )
    assert client.post(f"{API}/pips", json=concept(), headers=ander).status_code == 403

    beleid = auth_headers(Rol.BELEIDSMEDEWERKER, ["GM0222"])
    assert client.get(url, headers=beleid).status_code == 403

    teamleider = auth_headers(Rol.TEAMLEIDER, ["GM0222", "GM0197"])
    assert client.get(url, headers=teamleider).status_code == 200
    gevonden = client.get(f"{API}/pips", params={"inburgeraarId": inburgeraar}, headers=teamleider)
    assert [p["gemeente"] for p in gevonden.json()["pips"]] == ["GM0222"]
    leeg = client.get(f"{API}/pips", params={"inburgeraarId": inburgeraar}, headers=ander)
    assert leeg.json() == {"pips": []}

    dubbel = client.post(f"{API}/pips", json=concept(inburgeraarId=inburgeraar), headers=kr)
    assert dubbel.status_code == 409
    assert dubbel.json()["code"] == "TrajectBestaatAl"


def test_two_changes_on_the_same_version_one_wins_and_nothing_is_lost(
    client: TestClient, kr: dict[str, str]
) -> None:
    """If-Match: a second change based on the same version is a 409; after a re-read both
    changes are kept."""
    url = maak_concept(client, kr)
    post(client, f"{url}/vaststellingen", vaststelling(), kr)
    etag = client.get(url, headers=kr).headers["ETag"]
    uren = {"aanbieder": "Taalschool Oost", "keurmerk": True, "peildatum": "2026-01-02"}

    eerste = client.post(
        f"{url}/cursusuren", json=uren | {"uren": 10}, headers=kr | {"If-Match": etag}
    )
    tweede = client.post(
        f"{url}/cursusuren", json=uren | {"uren": 20}, headers=kr | {"If-Match": etag}
    )

    assert eerste.status_code == 200
    assert tweede.status_code == 409
    assert tweede.headers["content-type"] == PROBLEM
    assert tweede.json()["status"] == 409
    opnieuw = client.get(url, headers=kr)
    assert [u["uren"] for u in opnieuw.json()["urenregistraties"]] == [10]

    derde = client.post(
        f"{url}/cursusuren",
        json=uren | {"uren": 20},
        headers=kr | {"If-Match": opnieuw.headers["ETag"]},
    )
    assert derde.status_code == 200
    assert [u["uren"] for u in derde.json()["urenregistraties"]] == [10, 20]


def test_the_openapi_document_is_public(client: TestClient) -> None:
    """NL API Design Rules: OpenAPI at /api/v1/openapi.json, kebab-case paths."""
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paden = response.json()["paths"]
    assert "/api/v1/pips/{pip_id}/wachten-op-derden" in paden
    assert all(p == p.lower() for p in paden)
