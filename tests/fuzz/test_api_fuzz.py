"""Fuzzing every HTTP API with schemathesis, generated from the APIs' own OpenAPI documents:
whatever a client sends, the answer is no 5xx, an error is problem+json (RFC 9457 with type,
title and status; NL API Design Rules, API-46), and the response conforms to the document.
DUO's Notificatie endpoint is fuzzed from DUO's own openapi.yml (contracts/duo/API/Notificatie,
v1.8.0): no 5xx, and errors are DUO's documented Foutmelding body.

Example counts are bounded so the fuzz run takes about a minute; FUZZ_EXAMPLES raises them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as st_checks
from starlette.testclient import TestClient

from services.duo.config import DuoSettings
from services.duo.main import create_app as duo_app
from services.intake.config import IntakeSettings
from services.intake.main import create_app as intake_app
from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.main import create_app as ontzorging_app
from services.pip.config import PipSettings
from services.pip.main import create_app as pip_app
from services.projections.config import ProjectionsSettings
from services.projections.main import create_app as projections_app
from shared.auth import Rol, TokenVerifier
from shared.config import PlatformSettings

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
DUO_OPENAPI = Path(__file__).parents[2] / "contracts/duo/API/Notificatie/openapi.yml"
DUO_OIN = "00000001800866472000"
GEMEENTE_OIN = "00000001001589623000"

Factory = Callable[[Any], FastAPI]
SERVICES: dict[str, tuple[type[PlatformSettings], Factory]] = {
    "intake": (IntakeSettings, intake_app),
    "pip": (PipSettings, pip_app),
    "ontzorging": (OntzorgingSettings, ontzorging_app),
    "projections": (ProjectionsSettings, projections_app),
}

PLATFORM_CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
]


def run_fuzz(schema: Any, call: Callable[[Any], Any], check_error: Callable[[Any], None]) -> int:
    """Every operation of the schema, EXAMPLES generated cases each; returns the count."""
    seen = 0
    failures: list[str] = []

    def fuzzer(strategy: Any) -> Callable[[], None]:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def fuzz(case: Any) -> None:
            nonlocal seen
            seen += 1
            try:
                check_error(call(case))
            except AssertionError as e:
                raise AssertionError(f"{e}\n{case.as_curl_command()}") from None

        return fuzz

    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            fuzzer(operation.as_strategy())()
        except Exception as e:  # every operation's findings, then one failure
            failures.append(f"{operation.label}: {type(e).__name__}: {e}")
    assert not failures, "\n\n".join(failures)
    return seen


@pytest.mark.parametrize("service", list(SERVICES))
def test_no_request_makes_a_platform_api_fail_or_break_its_contract(
    service: str, tmp_path: Path
) -> None:
    """NL API Design Rules (API-46 problem+json, API-51 OpenAPI): any input, no 5xx."""
    settings_class, factory = SERVICES[service]
    app_settings = settings_class(environment="test", data_dir=tmp_path, database_url=None)
    app = factory(app_settings)
    token = TokenVerifier(app_settings).issue("fuzz-1", Rol.KLANTREGISSEUR, ["GM0222"])
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app, raise_server_exceptions=False) as client:
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)

        def call(case: Any) -> Any:
            response = case.call(session=client, headers=headers)
            case.validate_response(response, checks=PLATFORM_CHECKS)
            return response

        def check_error(response: Any) -> None:
            if response.status_code < 400:
                return
            media = (response.headers.get("content-type") or [""])[0].split(";")[0]
            assert media == "application/problem+json", (response.status_code, media)
            body = response.json()
            assert isinstance(body, dict), body
            assert {"type", "title", "status"} <= body.keys(), body
            assert body["status"] == response.status_code

        assert run_fuzz(schema, call, check_error) > 0


def test_no_notificatie_makes_the_duo_endpoint_fail_or_leave_its_foutmelding(
    tmp_path: Path,
) -> None:
    """DUO Notificatie API 1.8.0 (openapi.yml): errors are a Foutmelding {fouttekst}, no 5xx."""
    app_settings = DuoSettings(
        environment="test",
        data_dir=tmp_path,
        database_url=None,
        duo_oin=DUO_OIN,
        duo_gemeente_oins=f"{GEMEENTE_OIN}=GM0222",
    )
    app = duo_app(app_settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        schema = schemathesis.openapi.from_path(DUO_OPENAPI)

        def call(case: Any) -> Any:
            # DUO's document names no server: its README's basispad is /v1.
            request = case.as_transport_kwargs(base_url="http://testserver/v1")
            check_error(client.request(**request))
            # Again from DUO to our gemeente, so the body gets past the sender check.
            request["headers"] = {**request["headers"], "bron": DUO_OIN, "doel": GEMEENTE_OIN}
            return client.request(**request)

        def check_error(response: Any) -> None:
            assert response.status_code < 500, (response.status_code, response.text)
            if response.status_code < 400:
                assert response.status_code == 201
                return
            body = response.json()
            assert isinstance(body, dict) and set(body) == {"fouttekst"}, body
            assert isinstance(body["fouttekst"], str) and len(body["fouttekst"]) <= 200

        assert run_fuzz(schema, call, check_error) > 0
