"""The regional query API (services/projections/regio_api.py) in an app built by
shared.api.create_api: filters, sorting, pagination, position and lag, and who may read.

The models are fed hand-made regional CloudEvents (the shape shared/regional.py publishes),
so the figures are known to the person: 3 cohorts x 8 gemeenten of the Achterhoek."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic.alias_generators import to_camel

from services.projections import regio_api
from services.projections.projector import Projector
from services.projections.regio import REGIO_MODELS
from shared.api import create_api
from shared.auth import Rol, TokenVerifier
from shared.config import EXAMPLE_REGIO_CSV, PlatformSettings
from shared.consumer import Positions, Received
from shared.regional import regional_source
from shared.sqlstore import SQLStore

REGIO = "Achterhoek"
ACHTERHOEK = ["GM0197", "GM0222", "GM0294", "GM1509", "GM1586", "GM1859", "GM1876", "GM1955"]
DOETINCHEM, AALTEN, AMSTERDAM = "GM0222", "GM0197", "GM0363"
COHORTS = (2023, 2024, 2025)
MONITORING = "/api/v1/regios/achterhoek/monitoring"
INKOOP = "/api/v1/regios/achterhoek/inkoop"


class Stream:
    """Regional CloudEvents at positions 1, 2, ... that knows how many are not yet read."""

    name = "regio-test"

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        after = positions(self.name)
        return [
            Received(Tracking(self.name, n), event)
            for n, event in enumerate(self.events, start=1)
            if n > after
        ][:max_records]

    def rewind(self, positions: Positions) -> None:
        """Every poll reads from the stored position."""

    def backlog(self, positions: Positions) -> int:
        return len(self.events) - positions(self.name)


def regional(event: str, persoon: str, gemeente: str, **data: Any) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": regional_source(REGIO),
        "type": f"nl.inburgering.regio.{event}.v1",
        "subject": persoon,
        "time": "2026-01-05T09:00:00Z",
        "datacontenttype": "application/json",
        "partitionkey": persoon,
        "gemeente": gemeente,
        "data": {"persoon": persoon, "gemeente": gemeente}
        | {to_camel(k): v for k, v in data.items()},
    }


def person(
    gemeente: str, cohort: int, leerroute: str, aanbieder: str, geslaagd: bool
) -> list[dict[str, Any]]:
    """One person: start on 1 March, intake after 31 days, first PIP after 61 days (within
    ten weeks) on the B1-route, or after 92 days (late) on the others; 100 course hours."""
    p = secrets.token_hex(16)
    start = f"{cohort}-03-01"
    binnen = leerroute == "b1"
    return [
        regional("inburgeraar-geregistreerd", p, gemeente, doelgroep="asielstatushouder",
                 datum_start_inburgeringsplicht=start),
        regional("intake-afgerond", p, gemeente, leerroute=leerroute,
                 datum_start_inburgeringsplicht=start, afrondingsdatum=f"{cohort}-04-01"),
        regional("pip-vastgesteld", p, gemeente, pip_versie=1, is_eerste_pip=True,
                 dagtekening=f"{cohort}-05-01" if binnen else f"{cohort}-06-01",
                 leerroute=leerroute, niveau="B1", binnen_tien_weken=binnen),
        regional("cursusuren-geregistreerd", p, gemeente, soort="cursus", aanbieder=aanbieder,
                 keurmerk=True, uren=100, peildatum=f"{cohort}-09-01"),
        regional("examenuitslag-ontvangen", p, gemeente, onderdeel="lezen", behaald=geslaagd,
                 niveau="B1", examendatum=f"{cohort}-10-01"),
    ]  # fmt: skip


def population() -> list[dict[str, Any]]:
    """Per gemeente and cohort: i+1 persons on the B1-route at Taalschool A (the gemeente's
    index i), and in Doetinchem one more on the Z-route at Taalschool B who fails."""
    events = []
    for cohort in COHORTS:
        for i, gemeente in enumerate(ACHTERHOEK):
            for _ in range(i + 1):
                events += person(gemeente, cohort, "b1", "Taalschool A", True)
        events += person(DOETINCHEM, cohort, "z", "Taalschool B", False)
    return events


@pytest.fixture
def regio_settings(settings: PlatformSettings, tmp_path: Path) -> PlatformSettings:
    """Two regions: the Achterhoek, and Groot Amsterdam for the outsiders."""
    folder = tmp_path / "regios"
    folder.mkdir()
    (folder / "a.csv").write_text(EXAMPLE_REGIO_CSV.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.csv").write_text(
        "arbeidsmarktregio,gemeentecode\nGroot Amsterdam,GM0363\n", encoding="utf-8"
    )
    return settings.model_copy(update={"regio_csv": folder})


@pytest.fixture
def stream() -> Stream:
    return Stream()


@pytest.fixture
def app(regio_settings: PlatformSettings, stream: Stream) -> Iterator[FastAPI]:
    store = SQLStore(regio_settings, "projections")
    made = create_api(
        title="Projections (test)",
        version="1.0.0",
        description="regio",
        settings=regio_settings,
        routers=[regio_api.router],
    )
    made.state.store = store
    made.state.projectors = [Projector(store, model, stream) for model in REGIO_MODELS]
    yield made
    store.close()


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def project(app: FastAPI) -> None:
    for projector in app.state.projectors:
        projector.run_until_idle()


@pytest.fixture
def filled(app: FastAPI, stream: Stream) -> Stream:
    stream.events += population()
    project(app)
    return stream


def token(
    settings: PlatformSettings,
    rol: Rol,
    gemeenten: list[str] | None = None,
    regios: list[str] | None = None,
) -> dict[str, str]:
    issued = TokenVerifier(settings).issue("iemand", rol, gemeenten or [], regios=regios)
    return {"Authorization": f"Bearer {issued}"}


@pytest.fixture
def analist(regio_settings: PlatformSettings) -> dict[str, str]:
    return token(regio_settings, Rol.REGIONAAL_ANALIST, regios=["achterhoek"])


def get(client: TestClient, url: str, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def problem(
    client: TestClient, url: str, headers: dict[str, str], status: int, **params: Any
) -> dict[str, Any]:
    response = client.get(url, params=params, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def invalid_names(body: dict[str, Any]) -> list[str]:
    return [p["name"] for p in body["invalidParams"]]


# --- Position and lag ------------------------------------------------------------------------


def test_every_response_says_how_far_the_model_has_caught_up(
    app: FastAPI, client: TestClient, stream: Stream, analist: dict[str, str]
) -> None:
    """A client that wrote something waits until `positie` reaches its write; `achterstand`
    counts what is not yet projected, and is 0 when the model has caught up."""
    empty = client.get(MONITORING, headers=analist)
    assert empty.status_code == 200
    assert empty.json()["meta"] == {"positie": {}, "achterstand": 0, "generatie": 1}
    assert empty.json()["perGemeente"] == [] and empty.json()["totaal"] == 0

    stream.events += person(DOETINCHEM, 2025, "b1", "Taalschool A", True)
    behind = client.get(MONITORING, headers=analist)
    assert behind.json()["meta"] == {"positie": {}, "achterstand": 5, "generatie": 1}
    assert (behind.headers["X-Positie"], behind.headers["X-Achterstand"]) == ("", "5")
    assert behind.json()["perGemeente"] == [], "nothing projected yet"

    project(app)
    for url in (MONITORING, INKOOP):
        caught_up = client.get(url, headers=analist)
        assert caught_up.json()["meta"] == {
            "positie": {"regio-test": 5},
            "achterstand": 0,
            "generatie": 1,
        }
        assert caught_up.headers["X-Positie"] == "regio-test=5"
        assert caught_up.headers["X-Achterstand"] == "0"
        assert caught_up.headers["API-Version"] == "1.0.0"
    [row] = client.get(MONITORING, headers=analist).json()["perGemeente"]
    assert (row["gemeente"], row["cohort"], row["aantalInburgeraars"]) == (DOETINCHEM, 2025, 1)


# --- The figures through the API -------------------------------------------------------------


def test_the_monitoring_figures_per_gemeente_and_summed(
    client: TestClient, filled: Stream, analist: dict[str, str]
) -> None:
    body = get(client, MONITORING, analist, paginaGrootte=100)
    assert body["arbeidsmarktregio"] == {
        "naam": REGIO,
        "slug": "achterhoek",
        "gemeenten": ACHTERHOEK,
    }
    assert body["totaal"] == len(ACHTERHOEK) * len(COHORTS)
    doetinchem = next(
        r for r in body["perGemeente"] if (r["gemeente"], r["cohort"]) == (DOETINCHEM, 2024)
    )
    assert doetinchem == {
        "gemeente": DOETINCHEM,
        "cohort": 2024,
        "aantalInburgeraars": 3,
        "intakeAfgerond": 3,
        "dagenTotIntakeAfgerond": {"aantal": 3, "gemiddelde": 31.0, "mediaan": 31.0},
        "metPip": 3,
        "dagenTotPip": {"aantal": 3, "gemiddelde": 71.3, "mediaan": 61.0},
        "eerstePips": 3,
        "eerstePipsBinnenTienWeken": 2,
        "aandeelEerstePipsBinnenTienWeken": 0.6667,
        "leerroutes": {"b1": 2, "onderwijs": 0, "z": 1},
        "examens": [
            {"onderdeel": "lezen", "afgenomen": 3, "behaald": 2, "slagingspercentage": 66.7},
            {"onderdeel": "luisteren", "afgenomen": 0, "behaald": 0, "slagingspercentage": None},
            {"onderdeel": "schrijven", "afgenomen": 0, "behaald": 0, "slagingspercentage": None},
            {"onderdeel": "spreken", "afgenomen": 0, "behaald": 0, "slagingspercentage": None},
            {"onderdeel": "knm", "afgenomen": 0, "behaald": 0, "slagingspercentage": None},
        ],
    }
    per_cohort = sum(range(1, len(ACHTERHOEK) + 1)) + 1  # 36 + the Z-route person
    assert [(r["gemeente"], r["cohort"], r["aantalInburgeraars"]) for r in body["perRegio"]] == [
        (None, c, per_cohort) for c in COHORTS
    ]
    assert body["perRegio"][0]["leerroutes"] == {"b1": per_cohort - 1, "onderwijs": 0, "z": 1}


def test_the_inkoop_figures_per_route_and_provider(
    client: TestClient, filled: Stream, analist: dict[str, str]
) -> None:
    body = get(client, INKOOP, analist, gemeente=DOETINCHEM)
    assert [
        (r["leerroute"], r["aanbieder"], r["aantalInburgeraars"], r["uren"])
        for r in body["perGemeente"]
    ] == [
        ("b1", "Taalschool A", 2 * 3, 2 * 3 * 100),
        ("z", "Taalschool B", 3, 300),
    ]
    assert body["regiototaal"]["aantalInburgeraars"] == 9
    assert body["regiototaal"]["urenPerSoort"] == {"cursus": 900}
    assert body["regiototaal"]["examens"][0] == {
        "onderdeel": "lezen", "afgenomen": 9, "behaald": 6, "slagingspercentage": 66.7,
    }  # fmt: skip
    everything = get(client, INKOOP, analist, cohort=2025)
    assert [
        (r["leerroute"], r["aanbieder"], r["aantalInburgeraars"]) for r in everything["perRegio"]
    ] == [
        ("b1", "Taalschool A", 36),
        ("z", "Taalschool B", 1),
    ]
    assert everything["regiototaal"]["urenKeurmerk"] == 3700


# --- Filters, sorting, pagination ------------------------------------------------------------


def test_filters_narrow_the_rows_and_the_sums(
    client: TestClient, filled: Stream, analist: dict[str, str]
) -> None:
    twee = get(client, MONITORING, analist, gemeente=[DOETINCHEM, AALTEN], cohort=2025)
    assert [(r["gemeente"], r["cohort"]) for r in twee["perGemeente"]] == [
        (AALTEN, 2025),
        (DOETINCHEM, 2025),
    ]
    assert [r["aantalInburgeraars"] for r in twee["perRegio"]] == [1 + 3]
    z = get(client, MONITORING, analist, leerroute="z")
    assert [(r["gemeente"], r["aantalInburgeraars"]) for r in z["perGemeente"]] == [
        (DOETINCHEM, 1)
    ] * 3
    assert [r["aandeelEerstePipsBinnenTienWeken"] for r in z["perRegio"]] == [0.0] * 3
    inkoop_z = get(client, INKOOP, analist, leerroute="z", cohort=2023)
    assert [(r["gemeente"], r["aanbieder"]) for r in inkoop_z["perGemeente"]] == [
        (DOETINCHEM, "Taalschool B")
    ]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"gemeente": AMSTERDAM}, "gemeente"),  # a gemeente outside the region
        ({"gemeente": "GM9999"}, "gemeente.0"),  # no gemeente at all
        ({"leerroute": "b2"}, "leerroute"),
        ({"cohort": "twintig"}, "cohort"),
        ({"sorteer": "naam"}, "sorteer"),
        ({"sorteer": "-aantalInburgeraars,bsn"}, "sorteer"),
        ({"paginaGrootte": 101}, "paginaGrootte"),
        ({"pagina": 0}, "pagina"),
    ],
)
def test_a_bad_filter_sort_or_page_is_a_400_naming_it(
    client: TestClient, analist: dict[str, str], params: dict[str, Any], name: str
) -> None:
    for url in (MONITORING, INKOOP):
        body = problem(client, url, analist, 400, **params)
        assert name in invalid_names(body), body
    sort = problem(client, MONITORING, analist, 400, sorteer="-aantalInburgeraars,bsn")
    assert "bsn" in sort["invalidParams"][0]["reason"]


def test_sorting_on_one_or_more_fields(
    client: TestClient, filled: Stream, analist: dict[str, str]
) -> None:
    most = get(client, MONITORING, analist, sorteer="-aantalInburgeraars,gemeente", paginaGrootte=4)
    assert [(r["gemeente"], r["aantalInburgeraars"]) for r in most["perGemeente"]] == [
        ("GM1955", 8), ("GM1955", 8), ("GM1955", 8), ("GM1876", 7),
    ]  # fmt: skip
    by_cohort = get(client, MONITORING, analist, sorteer="-cohort,gemeente", paginaGrootte=2)
    assert [(r["cohort"], r["gemeente"]) for r in by_cohort["perGemeente"]] == [
        (2025, "GM0197"),
        (2025, "GM0222"),
    ]
    hours = get(client, INKOOP, analist, sorteer="uren,-gemeente", cohort=2023)
    assert [(r["uren"], r["gemeente"], r["leerroute"]) for r in hours["perGemeente"]][:3] == [
        (100, DOETINCHEM, "z"),
        (100, AALTEN, "b1"),
        (200, DOETINCHEM, "b1"),
    ]


def test_pages_with_totaal_and_links(
    client: TestClient, filled: Stream, analist: dict[str, str]
) -> None:
    first = get(client, MONITORING, analist, paginaGrootte=10)
    assert (first["totaal"], first["pagina"], first["paginaGrootte"]) == (24, 1, 10)
    assert len(first["perGemeente"]) == 10
    assert first["_links"]["next"] and first["_links"]["prev"] is None
    second = client.get(first["_links"]["next"]["href"], headers=analist).json()
    assert second["pagina"] == 2 and second["_links"]["prev"] and second["_links"]["next"]
    third = client.get(second["_links"]["next"]["href"], headers=analist).json()
    assert len(third["perGemeente"]) == 4 and third["_links"]["next"] is None
    rows = first["perGemeente"] + second["perGemeente"] + third["perGemeente"]
    assert len({(r["gemeente"], r["cohort"]) for r in rows}) == 24, "no row twice, none lost"
    assert third["perRegio"] == first["perRegio"], "the sums do not depend on the page"
    beyond = get(client, MONITORING, analist, pagina=9, paginaGrootte=10)
    assert beyond["perGemeente"] == [] and beyond["_links"]["prev"]["href"].endswith(
        "pagina=3&paginaGrootte=10"
    )


# --- Who may read ----------------------------------------------------------------------------


def test_without_a_token_401(client: TestClient) -> None:
    for url in (MONITORING, INKOOP):
        response = client.get(url)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get(MONITORING, headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_case_roles_integrators_and_other_regions_get_403(
    client: TestClient, regio_settings: PlatformSettings
) -> None:
    s = regio_settings
    for headers in (
        token(s, Rol.KLANTREGISSEUR, [DOETINCHEM]),
        token(s, Rol.TEAMLEIDER, [DOETINCHEM]),
        token(s, Rol.INTEGRATOR, regios=["achterhoek"]),
        token(s, Rol.REGIONAAL_ANALIST, regios=["groot-amsterdam"]),
        token(s, Rol.BELEIDSMEDEWERKER, [AMSTERDAM]),  # a gemeente outside the region
    ):
        for url in (MONITORING, INKOOP):
            problem(client, url, headers, 403)


def test_an_unknown_region_is_404(client: TestClient, analist: dict[str, str]) -> None:
    problem(client, "/api/v1/regios/twente/monitoring", analist, 404)


def test_a_beleidsmedewerker_sees_the_own_gemeente_and_the_regions_sums(
    client: TestClient, filled: Stream, regio_settings: PlatformSettings, analist: dict[str, str]
) -> None:
    """Not another gemeente's own figures: those are the region's, or that gemeente's."""
    beleid = token(regio_settings, Rol.BELEIDSMEDEWERKER, [DOETINCHEM])
    body = get(client, MONITORING, beleid)
    assert {r["gemeente"] for r in body["perGemeente"]} == {DOETINCHEM}
    assert body["totaal"] == len(COHORTS)
    assert body["perRegio"] == get(client, MONITORING, analist)["perRegio"]
    inkoop = get(client, INKOOP, beleid)
    assert {r["gemeente"] for r in inkoop["perGemeente"]} == {DOETINCHEM}
    assert inkoop["regiototaal"]["aantalInburgeraars"] == 3 * (36 + 1)
    problem(client, MONITORING, beleid, 403, gemeente=AALTEN)
    assert (
        get(client, MONITORING, beleid, gemeente=DOETINCHEM)["perRegio"][0]["aantalInburgeraars"]
        == 3
    )


def test_the_endpoints_are_in_the_openapi_document(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/regios/{regio}/monitoring", "/api/v1/regios/{regio}/inkoop"):
        operation = document["paths"][path]["get"]
        params = {p["name"] for p in operation["parameters"]}
        assert params == {"regio", "gemeente", "cohort", "leerroute", "sorteer", "pagina",
                          "paginaGrootte"}  # fmt: skip
    monitoring = document["components"]["schemas"]["RegioMonitoring"]["properties"]
    assert {"perGemeente", "perRegio", "meta", "_links", "totaal"} <= set(monitoring)
