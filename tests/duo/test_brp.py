"""The BRP adapter (services/duo/brp.py) against the BRP simulator, every request and every
answer checked against the committed spec of the BRP API Personen (contracts/brp)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import httpx
import pytest
from openapi_core.testing import MockRequest, MockResponse
from starlette.testclient import TestClient

from services.duo.application import BrpOnbereikbaar, BrpPersoon
from services.duo.bootstrap import build_brp
from services.duo.brp import BrpClient, BrpClientSettings, persoon_uit_brp, weergavenaam
from services.duo.brp_simulator import (
    BrpInschrijving,
    BrpSimulator,
    create_app,
    mock_request,
    spec,
    valideer_verzoek,
)
from services.duo.config import DuoSettings
from services.duo.rules import inschrijving_in_gemeente
from shared.config import DEMO_GEMEENTE

BSN = "999993653"
BASIS = "http://brp"


def _mock_request(request: httpx.Request) -> MockRequest:
    assert (request.method, request.url.path) == ("POST", "/personen")
    return mock_request(dict(request.headers), request.content)


class BrpContract:
    def __init__(self) -> None:
        self.verzoeken = 0
        self.antwoorden = 0

    def verzoek(self, request: httpx.Request) -> None:
        _mock_request(request)
        valideer_verzoek(dict(request.headers), request.content)
        self.verzoeken += 1

    def antwoord(self, response: httpx.Response) -> None:
        response.read()
        spec().validate_response(
            _mock_request(response.request),
            MockResponse(
                response.content,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=response.headers.get("content-type", ""),
            ),
        )
        self.antwoorden += 1


class Storing(httpx.BaseTransport):
    def __init__(self) -> None:
        self.gezien = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.gezien += 1
        raise httpx.ConnectError("verbinding geweigerd", request=request)


@pytest.fixture
def brp() -> BrpSimulator:
    simulator = BrpSimulator()
    simulator.ken_persoon(
        BSN,
        BrpInschrijving(
            voornamen="Fatima Zahra",
            voorvoegsel="van den",
            geslachtsnaam="Berg",
            geboortedatum=dt.date(1990, 3, 14),
            gemeente_van_inschrijving=DEMO_GEMEENTE,
            datum_inschrijving_in_gemeente=dt.date(2026, 2, 2),
        ),
    )
    return simulator


@pytest.fixture
def contract() -> BrpContract:
    return BrpContract()


@pytest.fixture
def http(brp: BrpSimulator, contract: BrpContract) -> Iterator[TestClient]:
    with TestClient(create_app(brp), base_url=BASIS) as client:
        client.event_hooks = {"request": [contract.verzoek], "response": [contract.antwoord]}
        yield client


@pytest.fixture
def wachttijden() -> list[float]:
    return []


@pytest.fixture
def client(http: TestClient, wachttijden: list[float]) -> BrpClient:
    settings = BrpClientSettings(base_url=BASIS, api_key="sleutel", backoff_seconden=0.1)
    return BrpClient(settings, http=http, sleep=wachttijden.append)


def test_a_known_person_gets_one_name_with_voorvoegsel_the_birth_date_and_the_brp_date(
    client: BrpClient, contract: BrpContract, brp: BrpSimulator
) -> None:
    """BRP API Personen 2.7.0 (RaadpleegMetBurgerservicenummer): naam.voornamen, voorvoegsel,
    geslachtsnaam, geboorte.datum and datumInschrijvingInGemeente, asked with `fields`."""
    persoon = client.persoon(BSN)
    assert persoon == BrpPersoon(
        naam="Fatima Zahra van den Berg",
        geboortedatum=dt.date(1990, 3, 14),
        datum_inschrijving_in_gemeente=dt.date(2026, 2, 2),
        gemeente_van_inschrijving=DEMO_GEMEENTE,
    )
    assert (contract.verzoeken, contract.antwoorden) == (1, 1)
    [vraag] = brp.verzoeken
    assert vraag["type"] == "RaadpleegMetBurgerservicenummer"
    assert vraag["burgerservicenummer"] == [BSN]
    assert "datumInschrijvingInGemeente" in vraag["fields"]


def test_an_unknown_bsn_is_no_person(client: BrpClient, contract: BrpContract) -> None:
    """BRP API Personen: an unknown BSN gives 200 with no `personen`."""
    assert client.persoon("123456782") is None
    assert contract.antwoorden == 1


def test_a_404_is_no_person(wachttijden: list[float]) -> None:
    """The adapter reads a 404 (some gateways in front of the BRP) as an unknown person."""
    transport = httpx.MockTransport(lambda _: httpx.Response(404))
    http = httpx.Client(transport=transport, base_url=BASIS)
    client = BrpClient(BrpClientSettings(base_url=BASIS), http=http, sleep=wachttijden.append)
    assert client.persoon(BSN) is None


def test_the_api_key_travels_as_x_api_key(brp: BrpSimulator, http: TestClient) -> None:
    """BRP API Personen (secundair: RvIG getting started): the key in header X-API-KEY.
    A wrong key is refused with 401 and the adapter names the BRP."""
    brp.api_key = "sleutel"
    goed = BrpClient(BrpClientSettings(base_url=BASIS, api_key="sleutel"), http=http)
    assert goed.persoon(BSN) is not None
    fout = BrpClient(BrpClientSettings(base_url=BASIS, api_key="anders"), http=http)
    with pytest.raises(BrpOnbereikbaar, match="BRP weigerde het verzoek: HTTP 401"):
        fout.persoon(BSN)


def test_a_bsn_the_spec_refuses_gets_the_brp_400_and_a_clear_error(brp: BrpSimulator) -> None:
    """BRP API Personen: Burgerservicenummer is 9 digits; else 400 Bad Request, and the
    adapter names the BRP."""
    with TestClient(create_app(brp), base_url=BASIS) as http:
        client = BrpClient(BrpClientSettings(base_url=BASIS), http=http, sleep=lambda _: None)
        with pytest.raises(BrpOnbereikbaar, match="BRP weigerde het verzoek: HTTP 400"):
            client.persoon("12345")
    assert brp.verzoeken == []


def test_a_request_breaking_the_spec_fails_the_contract_check(client: BrpClient) -> None:
    """The committed spec (contracts/brp/openapi.json) is the judge of every request sent."""
    with pytest.raises(Exception, match=r"burgerservicenummer|12345|does not match"):
        client.persoon("12345")


def test_the_brp_down_is_retried_then_a_clear_error(
    brp: BrpSimulator, client: BrpClient, wachttijden: list[float]
) -> None:
    """503 (Bronservice BRP niet beschikbaar) is retried with backoff, then named."""
    brp.storing(10)
    with pytest.raises(BrpOnbereikbaar, match="BRP niet bereikbaar na 3 pogingen: HTTP 503"):
        client.persoon(BSN)
    assert wachttijden == [0.1, 0.2]


def test_a_passing_outage_is_retried_away(
    brp: BrpSimulator, client: BrpClient, wachttijden: list[float]
) -> None:
    """One 503, then the BRP answers: the person comes through."""
    brp.storing(1)
    assert client.persoon(BSN) is not None
    assert wachttijden == [0.1]


def test_no_connection_is_a_clear_error(wachttijden: list[float]) -> None:
    """Connection refused on every attempt: BrpOnbereikbaar naming the BRP."""
    transport = Storing()
    http = httpx.Client(transport=transport, base_url=BASIS)
    settings = BrpClientSettings(base_url=BASIS, max_pogingen=2)
    client = BrpClient(settings, http=http, sleep=wachttijden.append)
    with pytest.raises(BrpOnbereikbaar, match="BRP niet bereikbaar na 2 pogingen: ConnectError"):
        client.persoon(BSN)
    assert transport.gezien == 2


def test_a_partial_birth_date_is_no_date_to_register_with() -> None:
    """BRP API Personen AbstractDatum: JaarDatum/JaarMaandDatum/DatumOnbekend are not whole
    dates; the registration waits, visible, rather than making one up."""
    persoon = {
        "naam": {"geslachtsnaam": "Berg"},
        "geboorte": {"datum": {"type": "JaarDatum", "jaar": 1990, "langFormaat": "1990"}},
    }
    with pytest.raises(BrpOnbereikbaar, match="geen volledige geboortedatum"):
        persoon_uit_brp(persoon)


def test_a_partial_registration_date_is_none() -> None:
    """Only a whole datumInschrijvingInGemeente (type Datum) is a start of the ten weeks."""
    persoon = persoon_uit_brp(
        {
            "naam": {"geslachtsnaam": "Berg"},
            "geboorte": {"datum": {"type": "Datum", "datum": "1990-03-14", "langFormaat": "x"}},
            "datumInschrijvingInGemeente": {
                "type": "JaarMaandDatum",
                "jaar": 2026,
                "maand": 2,
                "langFormaat": "februari 2026",
            },
        }
    )
    assert persoon.datum_inschrijving_in_gemeente is None
    assert persoon.gemeente_van_inschrijving is None


def test_a_name_without_voornamen_or_voorvoegsel() -> None:
    """NaamBasis: voornamen and voorvoegsel are optional; the geslachtsnaam stays."""
    assert weergavenaam({"geslachtsnaam": "Berg"}) == "Berg"
    assert weergavenaam({"voorvoegsel": "de", "geslachtsnaam": "Vries"}) == "de Vries"


def test_the_brp_date_counts_only_for_the_gemeente_the_person_is_registered_in() -> None:
    """Art. 5.3 lid 1 Besluit inburgering 2021: ten weeks after registration in the BRP as
    ingezetene of this gemeente; a registration elsewhere is no date for this gemeente."""
    datum = dt.date(2026, 2, 2)
    assert inschrijving_in_gemeente("GM0222", datum, "GM0222") == datum
    assert inschrijving_in_gemeente("GM0363", datum, "GM0222") is None
    assert inschrijving_in_gemeente(None, datum, "GM0222") is None


def test_the_simulator_answers_only_the_fields_asked(http: TestClient) -> None:
    """BRP API Personen `fields`: only what is asked comes back."""
    vraag = {
        "type": "RaadpleegMetBurgerservicenummer",
        "burgerservicenummer": [BSN],
        "fields": ["naam.geslachtsnaam"],
    }
    response = http.post(
        "/personen",
        content=json.dumps(vraag),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.json()["personen"] == [{"naam": {"geslachtsnaam": "Berg"}}]


def test_no_brp_base_url_is_no_brp_and_production_needs_a_key() -> None:
    """Configuration: BRP_BASE_URL absent is no BRP; in production a BRP needs BRP_API_KEY."""
    assert build_brp(DuoSettings(environment="development")) is None
    met = DuoSettings(environment="development", brp_base_url="https://brp.example/api")
    assert isinstance(build_brp(met), BrpClient)
    with pytest.raises(ValueError, match="BRP_API_KEY"):
        DuoSettings(
            environment="production",
            brp_base_url="https://brp.example/api",
            duo_oin="00000001800866472000",
            duo_gemeente_oins={"00000001001589623000": "GM0222"},
            jwt_secret="s",
            pseudonym_key="k",
            logboek_sleutel="l",
            gemeenten=["GM0222"],
        )
