"""Who may read feeds and regional models: the roles `integrator` and `regionaal_analist`, and
the `regios` claim (slugs of configured arbeidsmarktregio's) beside `gemeenten`. The new roles
get nothing they were not given: every case endpoint of the services refuses them."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.intake.config import IntakeSettings
from services.intake.main import create_app as create_intake
from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.main import create_app as create_ontzorging
from services.pip.config import PipSettings
from services.pip.main import create_app as create_pip
from shared.auth import AuthError, Principal, Rol, TokenVerifier
from shared.config import PlatformSettings
from shared.domain import GeenToegang


@pytest.fixture
def verifier(settings: PlatformSettings) -> TokenVerifier:
    return TokenVerifier(settings)


def signed(settings: PlatformSettings, **claims: Any) -> str:
    """A token with exactly these claims (beside sub, aud, exp), signed with the real key."""
    assert settings.jwt_secret is not None
    body = {
        "sub": "test",
        "aud": settings.jwt_audience,
        "exp": dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
        **claims,
    }
    return jwt.encode(body, settings.jwt_secret.get_secret_value(), algorithm="HS256")


def test_an_integrator_token_names_gemeenten_and_regions(verifier: TokenVerifier) -> None:
    token = verifier.issue("zaaksysteem", Rol.INTEGRATOR, ["GM0222"], regios=["Achterhoek"])
    principal = verifier.verify(token)
    assert principal.rol is Rol.INTEGRATOR
    assert principal.gemeenten == {"GM0222"}
    assert principal.regios == {"achterhoek"}, "a region's name is signed as its slug"
    principal.check_gemeente("GM0222")
    principal.check_regio("achterhoek")
    principal.check_regio("Achterhoek")


def test_an_integrator_for_a_region_only_needs_no_gemeente(verifier: TokenVerifier) -> None:
    principal = verifier.verify(verifier.issue("bi", Rol.INTEGRATOR, [], regios=["achterhoek"]))
    assert principal.gemeenten == frozenset()
    with pytest.raises(GeenToegang):
        principal.check_gemeente("GM0222")


def test_a_regional_analyst_acts_for_regions_never_for_gemeenten(
    verifier: TokenVerifier,
) -> None:
    analist = verifier.verify(
        verifier.issue("analist", Rol.REGIONAAL_ANALIST, [], regios=["achterhoek"])
    )
    assert analist.regios == {"achterhoek"} and analist.gemeenten == frozenset()
    with pytest.raises(AuthError, match="geen gemeenten"):
        verifier.verify(
            verifier.issue("analist", Rol.REGIONAAL_ANALIST, ["GM0222"], regios=["achterhoek"])
        )
    with pytest.raises(AuthError, match="geen regio"):
        verifier.verify(verifier.issue("analist", Rol.REGIONAAL_ANALIST, []))


@pytest.mark.parametrize(
    ("regios", "reason"),
    [
        (["groot-amsterdam"], "onbekende arbeidsmarktregio"),  # not in the configured file
        ("achterhoek", "geen lijst"),
        ([7], "geen lijst"),
    ],
)
def test_a_token_naming_an_unknown_region_is_refused(
    settings: PlatformSettings, verifier: TokenVerifier, regios: Any, reason: str
) -> None:
    token = signed(settings, rol="integrator", gemeenten=["GM0222"], regios=regios)
    with pytest.raises(AuthError, match=reason):
        verifier.verify(token)


def test_a_token_naming_nothing_is_refused_for_every_role(
    settings: PlatformSettings, verifier: TokenVerifier
) -> None:
    for rol in Rol:
        with pytest.raises(AuthError):
            verifier.verify(signed(settings, rol=rol.value, gemeenten=[]))
    with pytest.raises(AuthError, match="geen gemeenten"):
        verifier.verify(signed(settings, rol="klantregisseur", regios=["achterhoek"]))


def test_existing_tokens_mean_what_they_meant(
    settings: PlatformSettings, verifier: TokenVerifier
) -> None:
    principal = verifier.verify(signed(settings, rol="teamleider", gemeenten=["GM0222", "GM0197"]))
    assert principal == Principal("test", Rol.TEAMLEIDER, frozenset({"GM0222", "GM0197"}))
    with pytest.raises(GeenToegang):
        principal.check_regio("achterhoek")


# --- The services' case endpoints refuse the new roles ---------------------------------------

SERVICES: dict[str, Callable[[PlatformSettings], FastAPI]] = {
    "intake": lambda s: create_intake(IntakeSettings(**s.model_dump())),
    "pip": lambda s: create_pip(PipSettings(**s.model_dump())),
    "ontzorging": lambda s: create_ontzorging(OntzorgingSettings(**s.model_dump())),
}


def case_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path with every parameter filled by an id) of each operation the service's
    OpenAPI document lists."""
    found = []
    for template, operations in app.openapi()["paths"].items():
        path = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), template)
        found += [(method.upper(), path) for method in operations]
    return found


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_case_endpoint_refuses_integrators_and_regional_analysts(
    settings: PlatformSettings, verifier: TokenVerifier, service: str
) -> None:
    """The services allow klantregisseur and teamleider by name (shared/api.py Behandelaar);
    the feeds' roles read no case, not even with the gemeente in their token."""
    tokens = {
        "integrator": verifier.issue("i", Rol.INTEGRATOR, ["GM0222"], regios=["achterhoek"]),
        "regionaal_analist": verifier.issue("a", Rol.REGIONAAL_ANALIST, [], regios=["achterhoek"]),
    }
    app = SERVICES[service](settings)
    with TestClient(app) as client:
        routes = case_routes(app)
        assert len(routes) >= 3
        for rol, token in tokens.items():
            for method, path in routes:
                response = client.request(
                    method, path, json={}, headers={"Authorization": f"Bearer {token}"}
                )
                assert response.status_code == 403, (rol, method, path, response.text)
                assert response.headers["content-type"] == "application/problem+json"
        # The refusal is the role's: a klantregisseur of the same gemeente gets past it.
        klantregisseur = verifier.issue("k", Rol.KLANTREGISSEUR, ["GM0222"])
        for method, path in routes:
            response = client.request(
                method, path, json={}, headers={"Authorization": f"Bearer {klantregisseur}"}
            )
            assert response.status_code != 403, (method, path, response.text)
