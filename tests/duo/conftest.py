"""The DUO simulator behind httpx, with every request and response checked against DUO's
OpenAPI files (openapi-core)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openapi_core.testing import MockRequest, MockResponse
from starlette.testclient import TestClient

from services.duo.client import DuoClient, DuoClientSettings
from services.duo.simulator import (
    BASISPAD,
    EXAMEN_SPEC,
    INBURGERINGSPLICHT_SPEC,
    INBURGERINGSTERMIJN_SPEC,
    LEERBAARHEIDSTOETS_SPEC,
    MAP_PVT_SPEC,
    ONTHEFFING_SPEC,
    PIP_SPEC,
    VRIJSTELLING_SPEC,
    DuoSimulator,
    create_app,
    spec,
)

GEMEENTE = "GM0222"
GEMEENTE_OIN = "00000001001589623000"


def _spec_en_patroon(path: str) -> tuple[Path, str]:
    """Which of DUO's OpenAPI files and which path pattern a request is for; a path no spec
    has fails the test."""
    for spec_path, patroon in (
        (EXAMEN_SPEC, "/personen/{bsn}/examens/resultaten"),
        (INBURGERINGSPLICHT_SPEC, "/personen/{bsn}/inburgeringsplicht"),
        (INBURGERINGSPLICHT_SPEC, "/personen/{bsn}/doelgroep"),
        (INBURGERINGSPLICHT_SPEC, "/personen/{bsn}/doelgroep/historie"),
        (INBURGERINGSTERMIJN_SPEC, "/personen/{bsn}/inburgeringstermijn"),
        (INBURGERINGSTERMIJN_SPEC, "/personen/{bsn}/inburgeringstermijn/historie"),
        (LEERBAARHEIDSTOETS_SPEC, "/personen/{bsn}/lbt/resultaten"),
        (MAP_PVT_SPEC, "/personen/{bsn}/map"),
        (MAP_PVT_SPEC, "/personen/{bsn}/pvt"),
        (PIP_SPEC, "/personen/{bsn}/PIP"),
        (VRIJSTELLING_SPEC, "/personen/{bsn}/vrijstellingen"),
        (ONTHEFFING_SPEC, "/personen/{bsn}/ontheffingen"),
    ):
        if path.endswith(patroon.removeprefix("/personen/{bsn}")):
            return spec_path, patroon
    raise AssertionError(f"{path} is in none of DUO's specs")


def _mock_request(request: httpx.Request) -> MockRequest:
    path = request.url.path.removeprefix(BASISPAD)
    _, patroon = _spec_en_patroon(path)
    return MockRequest(
        "http://duo",
        request.method,
        path,
        path_pattern=patroon,
        view_args={"bsn": path.split("/")[2]},
        headers=dict(request.headers),
        data=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
    )


class DuoContract:
    """Validates traffic against DUO's specs; counts what it checked."""

    def __init__(self) -> None:
        self.verzoeken = 0
        self.antwoorden = 0

    def verzoek(self, request: httpx.Request) -> None:
        spec_path, _ = _spec_en_patroon(request.url.path)
        spec(spec_path).validate_request(_mock_request(request))
        self.verzoeken += 1

    def antwoord(self, response: httpx.Response) -> None:
        response.read()
        spec_path, _ = _spec_en_patroon(response.request.url.path)
        spec(spec_path).validate_response(
            _mock_request(response.request),
            MockResponse(
                response.content,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=response.headers.get("content-type", "application/json"),
            ),
        )
        self.antwoorden += 1


class Storing(httpx.BaseTransport):
    """Fails the first `aantal` requests with a connection error, then passes them on."""

    def __init__(self, inner: httpx.BaseTransport, aantal: int) -> None:
        self.inner, self.aantal, self.gezien = inner, aantal, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.gezien += 1
        if self.aantal > 0:
            self.aantal -= 1
            raise httpx.ConnectError("verbinding geweigerd", request=request)
        return self.inner.handle_request(request)


@pytest.fixture
def duo() -> DuoSimulator:
    return DuoSimulator()


@pytest.fixture
def contract() -> DuoContract:
    return DuoContract()


@pytest.fixture
def duo_http(duo: DuoSimulator, contract: DuoContract) -> Iterator[TestClient]:
    """An httpx client on the simulator app; validates every exchange."""
    with TestClient(create_app(duo), base_url=f"http://duo{BASISPAD}") as http:
        http.event_hooks = {"request": [contract.verzoek], "response": [contract.antwoord]}
        yield http


@pytest.fixture
def settings_duo() -> DuoClientSettings:
    return DuoClientSettings(gemeente_oins={GEMEENTE: GEMEENTE_OIN}, backoff_seconden=0.1)


@pytest.fixture
def wachttijden() -> list[float]:
    return []


@pytest.fixture
def client(
    settings_duo: DuoClientSettings, duo_http: TestClient, wachttijden: list[float]
) -> DuoClient:
    return DuoClient(settings_duo, http=duo_http, sleep=wachttijden.append)
