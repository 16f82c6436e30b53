"""The replay feeds over HTTP: the archive keeps every CloudEvent once at a stable position,
pages come back in order as CloudEvents JSON batches with links onward, and only the gemeente's
or the region's integrator (or the region's analyst) reads them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from services.projections import feed_api
from services.projections.config import ProjectionsSettings
from services.projections.feed import FEED_GEMEENTE, FEED_REGIO
from services.projections.main import create_app
from services.projections.projector import Projector
from shared.api import create_api
from shared.auth import Rol, TokenVerifier
from shared.bus import ensure_topics
from shared.cloudevents import source_of
from shared.config import PlatformSettings
from shared.consumer import Positions
from shared.sqlstore import SQLStore
from shared.topics import gemeente_topic
from tests.chain.keten import ListSource

API = "/api/v1"
DOETINCHEM, WINTERSWIJK, AMSTERDAM = "GM0222", "GM0294", "GM0363"
GEMEENTEN = (DOETINCHEM, AMSTERDAM)
INTAKE_FEED = f"{API}/feeds/gemeenten/{DOETINCHEM}/intake"
ACHTERHOEK_FEED = f"{API}/feeds/regios/achterhoek"
AMSTERDAM_FEED = f"{API}/feeds/regios/groot-amsterdam"
BATCH = "application/cloudevents-batch+json"


def domain_event(gemeente: str, service: str, sequence: int, name: str = "x") -> dict[str, Any]:
    ce_type = {
        "intake": "nl.inburgering.intake.inburgeraar-geregistreerd.v1",
        "pip": "nl.inburgering.pip.pip-opgesteld.v1",
    }[service]
    return {
        "specversion": "1.0",
        "id": f"{gemeente}-{service}-{sequence}-{name}",
        "source": source_of(gemeente, service),
        "type": ce_type,
        "subject": "5f0c3c9e-0000-4000-8000-000000000001",
        "time": "2026-01-05T09:00:00Z",
        "datacontenttype": "application/json",
        "sequence": str(sequence),
        "sequencetype": "Integer",
        "gemeente": gemeente,
        "data": {"naam": f"Persoon {sequence}", "bsn": "111222333"},
    }


def regional_event(regio: str, n: int) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"{regio}-{n}",
        "source": f"urn:nld:regio:{regio}:systeem:inburgering-regio",
        "type": "nl.inburgering.regio.intake-afgerond.v1",
        "subject": f"pseudoniem-{n}",
        "datacontenttype": "application/json",
        "gemeente": DOETINCHEM,
        "data": {"persoon": f"pseudoniem-{n}", "gemeente": DOETINCHEM, "leerroute": "b1"},
    }


# Doetinchem's intake log serves Winterswijk too: Doetinchem's positions have gaps.
INTAKE_LOG = [
    domain_event(DOETINCHEM, "intake", 1),
    domain_event(DOETINCHEM, "intake", 2),
    domain_event(WINTERSWIJK, "intake", 3),
    domain_event(DOETINCHEM, "intake", 4),
    domain_event(DOETINCHEM, "intake", 5),
    domain_event(WINTERSWIJK, "intake", 6),
    domain_event(DOETINCHEM, "intake", 7),
]
REGIONAL = [regional_event("achterhoek", n) for n in range(1, 5)] + [
    regional_event("groot-amsterdam", 1)
]


class LogLike(ListSource):
    """A list of CloudEvents that, like a service log, knows how many are still unread."""

    def backlog(self, positions: Positions) -> int:
        return len(self.cloudevents) - positions(self.name)


@pytest.fixture
def feed_settings(settings: PlatformSettings, tmp_path: Path) -> PlatformSettings:
    """Two configured regions: the Achterhoek and Groot Amsterdam."""
    csv = tmp_path / "regios.csv"
    csv.write_text(
        "arbeidsmarktregio,gemeentecode\n"
        f"Achterhoek,{DOETINCHEM}\nAchterhoek,{WINTERSWIJK}\nGroot Amsterdam,{AMSTERDAM}\n"
    )
    return settings.model_copy(update={"regio_csv": csv})


@pytest.fixture
def store(feed_settings: PlatformSettings) -> Iterator[SQLStore]:
    made = SQLStore(feed_settings, "projections")
    yield made
    made.close()


@pytest.fixture
def projectors(store: SQLStore) -> list[Projector]:
    return [
        Projector(store, FEED_GEMEENTE, LogLike("log:Intake", INTAKE_LOG)),
        Projector(store, FEED_REGIO, ListSource("kafka:regio.achterhoek.inburgering:0", REGIONAL)),
    ]


@pytest.fixture
def client(
    feed_settings: PlatformSettings, store: SQLStore, projectors: list[Projector]
) -> Iterator[TestClient]:
    app = create_api(
        title="Projecties",
        version="1.0.0",
        description="feeds",
        settings=feed_settings,
        routers=[feed_api.router],
    )
    app.state.store = store
    app.state.projectors = projectors
    with TestClient(app) as made:
        yield made


@pytest.fixture
def token(feed_settings: PlatformSettings) -> Any:
    verifier = TokenVerifier(feed_settings)

    def make(rol: Rol, gemeenten: list[str], regios: list[str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {verifier.issue('t', rol, gemeenten, regios=regios)}"}

    return make


def caught_up(projectors: list[Projector]) -> None:
    for projector in projectors:
        projector.run_until_idle()


def replay(client: TestClient, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Follow rel="next" from `url` until a page comes back empty."""
    events: list[dict[str, Any]] = []
    while True:
        page = client.get(url, headers=headers)
        assert page.status_code == 200, page.text
        assert page.headers["content-type"] == BATCH
        batch = page.json()
        if not batch:
            return events
        events += batch
        url = page.links["next"]["url"]


# --- The archive and its pages --------------------------------------------------------------


def test_an_integrator_replays_the_gemeente_feed_page_by_page_in_order(
    client: TestClient, projectors: list[Projector], token: Any
) -> None:
    caught_up(projectors)
    headers = token(Rol.INTEGRATOR, [DOETINCHEM])
    first = client.get(f"{INTAKE_FEED}?limit=2", headers=headers)
    assert [e["sequence"] for e in first.json()] == ["1", "2"]
    assert first.links["next"]["url"].endswith("?vanaf=3&limit=2")

    events = replay(client, f"{INTAKE_FEED}?limit=2", headers)
    mine = [e for e in INTAKE_LOG if e["gemeente"] == DOETINCHEM]
    assert events == mine, "the whole CloudEvents, in order, each once"
    assert [e["sequence"] for e in events] == ["1", "2", "4", "5", "7"]
    # Another gemeente on the same log has its own feed.
    winterswijk = replay(
        client,
        f"{API}/feeds/gemeenten/{WINTERSWIJK}/intake?limit=1",
        token(Rol.INTEGRATOR, [WINTERSWIJK]),
    )
    assert [e["sequence"] for e in winterswijk] == ["3", "6"]


def test_a_page_says_how_far_the_archive_is_and_links_the_contracts(
    client: TestClient, projectors: list[Projector], token: Any
) -> None:
    headers = token(Rol.INTEGRATOR, [DOETINCHEM])
    before = client.get(INTAKE_FEED, headers=headers)
    assert before.json() == []
    assert before.headers["X-Achterstand"] == str(len(INTAKE_LOG))
    assert before.headers["X-Laatste-Positie"] == "0"

    projectors[0].run_once(max_records=4)
    halfway = client.get(INTAKE_FEED, headers=headers)
    assert halfway.headers["X-Achterstand"] == "3"
    assert halfway.headers["X-Positie"] == "log:Intake=4"
    assert [e["sequence"] for e in halfway.json()] == ["1", "2", "4"]

    caught_up(projectors)
    page = client.get(f"{INTAKE_FEED}?vanaf=2&limit=2", headers=headers)
    assert page.headers["X-Achterstand"] == "0"
    assert page.headers["X-Positie"] == "log:Intake=7"
    assert page.headers["X-Laatste-Positie"] == "7"
    assert [e["sequence"] for e in page.json()] == ["2", "4"]
    links = link_header(page)
    assert links["self"].endswith("/intake?vanaf=2&limit=2")
    assert links["next"].endswith("/intake?vanaf=5&limit=2")
    described = link_header(page, "describedby")
    asyncapi = next(u for u in described if u.endswith("/contracten/asyncapi.json"))
    [schema] = [u for u in described if "/contracten/schemas/" in u]
    assert schema.endswith("/nl.inburgering.intake.inburgeraar-geregistreerd.v1.json")

    # The contracts are public, for anyone writing a consumer.
    document = client.get(asyncapi)
    assert document.status_code == 200
    assert document.json()["asyncapi"].startswith("3.")
    assert document.headers["Access-Control-Allow-Origin"] == "*"
    data_schema = client.get(schema)
    assert data_schema.status_code == 200
    assert data_schema.headers["content-type"] == "application/schema+json"
    assert "naam" in data_schema.json()["x-persoonsgegevens"]


LINK = re.compile(r"<(?P<url>[^>]*)>(?P<params>[^,]*)")


def link_header(response: Response, rel: str = "") -> Any:
    """rel -> url from the Link header; with `rel`, every url of that rel."""
    links = [
        (re.search(r'rel="([^"]*)"', m["params"]).group(1), m["url"])  # type: ignore[union-attr]
        for m in LINK.finditer(response.headers["Link"])
    ]
    if rel:
        return [url for r, url in links if r == rel]
    return dict(links)


def test_the_archive_keeps_an_event_delivered_twice_once(
    store: SQLStore, client: TestClient, token: Any
) -> None:
    again = [*INTAKE_LOG[:3], INTAKE_LOG[1], INTAKE_LOG[0]]  # a relay re-sent after a crash
    Projector(
        store, FEED_GEMEENTE, ListSource("kafka:gm0222.inburgering.intake:0", again)
    ).run_until_idle()
    events = replay(client, INTAKE_FEED, token(Rol.INTEGRATOR, [DOETINCHEM]))
    assert [e["id"] for e in events] == [INTAKE_LOG[0]["id"], INTAKE_LOG[1]["id"]]


def test_an_event_the_archive_cannot_place_is_logged_and_left_out(
    store: SQLStore, client: TestClient, token: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Positions are never reused nor renumbered: a second event at a taken sequence (a reset
    service log) or one without a sequence does not enter the feed; the error is logged."""
    other_at_2 = domain_event(DOETINCHEM, "intake", 2, name="after-a-reset")
    no_sequence = domain_event(DOETINCHEM, "intake", 8) | {"sequence": None}
    source = ListSource("s", [*INTAKE_LOG[:2], other_at_2, no_sequence, INTAKE_LOG[3]])
    with caplog.at_level(logging.ERROR):
        Projector(store, FEED_GEMEENTE, source).run_until_idle()
    events = replay(client, INTAKE_FEED, token(Rol.INTEGRATOR, [DOETINCHEM]))
    assert [e["id"] for e in events] == [INTAKE_LOG[i]["id"] for i in (0, 1, 3)]
    logged = caplog.text
    assert "position 2 already holds another event" in logged and other_at_2["id"] in logged
    assert f"{no_sequence['id']} has no valid sequence" in logged


def test_a_region_numbers_its_events_in_the_order_they_arrive(
    client: TestClient, projectors: list[Projector], token: Any
) -> None:
    caught_up(projectors)
    page = client.get(ACHTERHOEK_FEED, headers=token(Rol.REGIONAAL_ANALIST, [], ["achterhoek"]))
    assert page.json() == REGIONAL[:4]
    assert page.headers["X-Laatste-Positie"] == "4"
    second = client.get(
        f"{ACHTERHOEK_FEED}?vanaf=3&limit=1", headers=token(Rol.INTEGRATOR, [], ["achterhoek"])
    )
    assert second.json() == [REGIONAL[2]]
    assert second.links["next"]["url"].endswith("?vanaf=4&limit=1")
    amsterdam = client.get(AMSTERDAM_FEED, headers=token(Rol.INTEGRATOR, [], ["groot-amsterdam"]))
    assert amsterdam.json() == [REGIONAL[4]]
    assert amsterdam.headers["X-Laatste-Positie"] == "1", "each region counts from 1"


def test_a_regional_page_links_the_schema_of_its_regional_types(
    client: TestClient, projectors: list[Projector], token: Any
) -> None:
    caught_up(projectors)
    page = client.get(ACHTERHOEK_FEED, headers=token(Rol.REGIONAAL_ANALIST, [], ["achterhoek"]))
    described = link_header(page, "describedby")
    [schema] = [u for u in described if "/contracten/schemas/" in u]
    assert schema.endswith("/nl.inburgering.regio.intake-afgerond.v1.json")
    data_schema = client.get(schema)
    assert data_schema.status_code == 200
    assert data_schema.headers["content-type"] == "application/schema+json"
    assert data_schema.json()["x-persoonsgegevens"] == []
    assert "persoon" in data_schema.json()["required"]


# --- Who may read ---------------------------------------------------------------------------

GEMEENTE = "gemeente"
REGIO = "regio"


@pytest.mark.parametrize(
    ("who", "rol", "gemeenten", "regios", "feed", "status"),
    [
        ("own gemeente's integrator", Rol.INTEGRATOR, [DOETINCHEM], None, GEMEENTE, 200),
        ("integrator of two gemeenten", Rol.INTEGRATOR, [AMSTERDAM, DOETINCHEM], None, GEMEENTE,
         200),
        ("other gemeente's integrator", Rol.INTEGRATOR, [WINTERSWIJK], None, GEMEENTE, 403),
        ("region's integrator, gemeente feed", Rol.INTEGRATOR, [], ["achterhoek"], GEMEENTE, 403),
        ("klantregisseur", Rol.KLANTREGISSEUR, [DOETINCHEM], None, GEMEENTE, 403),
        ("teamleider", Rol.TEAMLEIDER, [DOETINCHEM], None, GEMEENTE, 403),
        ("beleidsmedewerker", Rol.BELEIDSMEDEWERKER, [DOETINCHEM], None, GEMEENTE, 403),
        ("regional analyst, gemeente feed", Rol.REGIONAAL_ANALIST, [], ["achterhoek"], GEMEENTE,
         403),
        ("region's integrator", Rol.INTEGRATOR, [], ["achterhoek"], REGIO, 200),
        ("region's analyst", Rol.REGIONAAL_ANALIST, [], ["achterhoek"], REGIO, 200),
        ("other region's integrator", Rol.INTEGRATOR, [], ["groot-amsterdam"], REGIO, 403),
        ("other region's analyst", Rol.REGIONAAL_ANALIST, [], ["groot-amsterdam"], REGIO, 403),
        ("gemeente's integrator, region feed", Rol.INTEGRATOR, [DOETINCHEM], None, REGIO, 403),
        ("beleidsmedewerker in the region", Rol.BELEIDSMEDEWERKER, [DOETINCHEM], ["achterhoek"],
         REGIO, 403),
    ],
)  # fmt: skip
def test_who_reads_which_feed(
    client: TestClient,
    projectors: list[Projector],
    token: Any,
    who: str,
    rol: Rol,
    gemeenten: list[str],
    regios: list[str] | None,
    feed: str,
    status: int,
) -> None:
    caught_up(projectors)
    url = INTAKE_FEED if feed == GEMEENTE else ACHTERHOEK_FEED
    response = client.get(url, headers=token(rol, gemeenten, regios))
    assert response.status_code == status, (who, response.text)
    if status == 200:
        assert response.json(), who
    else:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == status


@pytest.mark.parametrize("url", [INTAKE_FEED, ACHTERHOEK_FEED])
def test_without_a_valid_token_there_is_no_feed(client: TestClient, url: str) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = client.get(url, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["WWW-Authenticate"] == "Bearer"


# --- Paging at the edges --------------------------------------------------------------------


def test_a_page_beyond_the_end_is_empty_and_its_next_is_itself(
    client: TestClient, projectors: list[Projector], token: Any
) -> None:
    caught_up(projectors)
    headers = token(Rol.INTEGRATOR, [DOETINCHEM], ["achterhoek"])
    for url in (f"{INTAKE_FEED}?vanaf=8&limit=5", f"{ACHTERHOEK_FEED}?vanaf=5&limit=5"):
        page = client.get(url, headers=headers)
        assert page.status_code == 200 and page.json() == []
        assert page.links["next"]["url"] == page.links["self"]["url"], "poll here again"
    last = client.get(f"{INTAKE_FEED}?vanaf=7", headers=headers)
    assert [e["sequence"] for e in last.json()] == ["7"]


@pytest.mark.parametrize(
    ("query", "invalid"),
    [
        ("limit=0", ["limit"]),
        (f"limit={feed_api.MAX_LIMIT + 1}", ["limit"]),
        ("limit=veel", ["limit"]),
        ("vanaf=-1", ["vanaf"]),
        ("vanaf=-1&limit=0", ["vanaf", "limit"]),
    ],
)
def test_paging_out_of_bounds_is_a_bad_request_naming_the_parameter(
    client: TestClient, token: Any, query: str, invalid: list[str]
) -> None:
    headers = token(Rol.INTEGRATOR, [DOETINCHEM], ["achterhoek"])
    for url in (INTAKE_FEED, ACHTERHOEK_FEED):
        response = client.get(f"{url}?{query}", headers=headers)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert sorted(p["name"] for p in response.json()["invalidParams"]) == sorted(invalid)


def test_the_largest_page_is_allowed(client: TestClient, token: Any) -> None:
    response = client.get(
        f"{INTAKE_FEED}?limit={feed_api.MAX_LIMIT}", headers=token(Rol.INTEGRATOR, [DOETINCHEM])
    )
    assert response.status_code == 200


def test_unknown_gemeenten_services_regions_and_types(client: TestClient, token: Any) -> None:
    headers = token(Rol.INTEGRATOR, [DOETINCHEM], ["achterhoek"])
    bad_code = client.get(f"{API}/feeds/gemeenten/GM9999/intake", headers=headers)
    assert bad_code.status_code == 400
    assert bad_code.json()["invalidParams"][0]["name"] == "gemeentecode"
    bad_service = client.get(f"{API}/feeds/gemeenten/{DOETINCHEM}/boekhouding", headers=headers)
    assert bad_service.status_code == 400
    assert bad_service.json()["invalidParams"][0]["name"] == "service"
    unknown_region = client.get(f"{API}/feeds/regios/twente", headers=headers)
    assert unknown_region.status_code == 404
    assert unknown_region.headers["content-type"] == "application/problem+json"
    for ce_type in ("nl.inburgering.intake.bestaat-niet.v1", "..%2F..%2Fpyproject"):
        missing = client.get(f"{API}/contracten/schemas/{ce_type}.json")
        assert missing.status_code == 404


# --- In the projections service -------------------------------------------------------------


@pytest.mark.kafka
def test_in_kafka_mode_a_gemeente_feed_tells_only_its_own_topics_progress(
    feed_settings: PlatformSettings, kafka_bootstrap_servers: str, token: Any
) -> None:
    """The service's app (services/projections/main.py) with the projectors in a worker: the
    lag is counted against the topics' end offsets, and an integrator of one gemeente does
    not learn how busy another gemeente of the same deployment is."""
    ensure_topics(kafka_bootstrap_servers, [gemeente_topic(g, "intake") for g in GEMEENTEN])
    settings = ProjectionsSettings(
        **feed_settings.model_dump()
        | {
            "platform_mode": "kafka",
            "kafka_bootstrap_servers": kafka_bootstrap_servers,
            "gemeenten": list(GEMEENTEN),
        }
    )
    with TestClient(create_app(settings)) as client:
        page = client.get(INTAKE_FEED, headers=token(Rol.INTEGRATOR, [DOETINCHEM]))
    assert page.status_code == 200, page.text
    sources = [pair.split("=")[0] for pair in page.headers["X-Positie"].split(", ")]
    assert sources and all(s.startswith("kafka:gm0222.inburgering.") for s in sources)
    assert int(page.headers["X-Achterstand"]) >= 0
