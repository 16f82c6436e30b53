"""The NL API Design Rules (standards.md §2), checked on every service's API at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.intake.config import IntakeSettings
from services.intake.main import create_app as create_intake
from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.main import create_app as create_ontzorging
from services.pip.config import PipSettings
from services.pip.main import create_app as create_pip
from shared.config import PlatformSettings

FACTORIES: dict[str, Callable[[PlatformSettings], FastAPI]] = {
    "intake": lambda s: create_intake(IntakeSettings(**s.model_dump())),
    "pip": lambda s: create_pip(PipSettings(**s.model_dump())),
    "ontzorging": lambda s: create_ontzorging(OntzorgingSettings(**s.model_dump())),
}
KEBAB_SEGMENT = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)*|\{[a-zA-Z_]+\})$")
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


@pytest.fixture(params=sorted(FACTORIES))
def client(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[TestClient]:
    settings = PlatformSettings(environment="test", data_dir=tmp_path, database_url=None)
    with TestClient(FACTORIES[request.param](settings)) as test_client:
        yield test_client


def openapi(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_openapi_is_public_with_cors_and_contact(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.headers["access-control-allow-origin"] == "*"
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert re.match(r"^\d+\.\d+\.\d+$", spec["info"]["version"])
    assert {"name", "email", "url"} <= set(spec["info"]["contact"])


def test_every_response_carries_the_api_version(client: TestClient) -> None:
    version = openapi(client)["info"]["version"]
    for response in (client.get("/api/v1/openapi.json"), client.get("/api/v1/nergens")):
        assert response.headers["api-version"] == version


def test_paths_are_kebab_case_under_api_v1_and_never_carry_a_bsn(client: TestClient) -> None:
    for path in openapi(client)["paths"]:
        assert path.startswith("/api/v1/")
        for segment in path.removeprefix("/api/v1/").split("/"):
            assert KEBAB_SEGMENT.match(segment), f"{path}: {segment!r} is not kebab-case"
        assert "bsn" not in path.lower(), f"{path} puts a BSN in a URL"


def test_json_properties_and_query_keys_are_lower_camel_case(client: TestClient) -> None:
    spec = openapi(client)
    for name, schema in spec["components"]["schemas"].items():
        for prop in schema.get("properties", {}):
            if name in ("HTTPValidationError", "ValidationError"):
                continue
            assert CAMEL.match(prop), f"{name}.{prop} is not lowerCamelCase"
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    assert CAMEL.match(parameter["name"]), f"{path}?{parameter['name']}"


def test_errors_are_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nergens")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert {"status", "title"} <= set(response.json())


def test_a_trailing_slash_is_not_redirected(client: TestClient) -> None:
    path = next(iter(openapi(client)["paths"]))
    response = client.get(path.split("{")[0].rstrip("/") + "/", follow_redirects=False)
    assert response.status_code == 404


def test_an_unsupported_method_is_405_with_allow(client: TestClient) -> None:
    paths = openapi(client)["paths"]
    path, operations = next((p, o) for p, o in paths.items() if "{" not in p)
    method = next(m for m in ("delete", "patch", "put", "post") if m not in operations)
    response = client.request(method.upper(), path)
    assert response.status_code == 405
    assert response.headers["allow"]
    assert response.headers["content-type"] == "application/problem+json"


def test_a_request_without_token_is_401_problem_json(client: TestClient) -> None:
    paths = openapi(client)["paths"]
    path = next(p for p, o in paths.items() if "get" in o and "openapi" not in p)
    response = client.get(re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_invalid_input_is_400_listing_every_error(client: TestClient) -> None:
    paths = openapi(client)["paths"]
    path = next(p for p, o in paths.items() if "{" not in p and "post" in o)
    response = client.post(path, json={"onbekendVeld": 1}, headers=_token(client))
    assert response.status_code == 400
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert len(body["invalidParams"]) >= 2, "all input errors at once, not only the first"


def _token(client: TestClient) -> dict[str, str]:
    from shared.auth import Rol, TokenVerifier

    verifier = TokenVerifier(client.app.state.settings)  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {verifier.issue('t', Rol.KLANTREGISSEUR, ['GM0222'])}"}
