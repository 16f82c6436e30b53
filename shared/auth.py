"""Bearer tokens: which gemeenten a user acts for, and in which role.

Tokens are JWTs verified with PyJWT. Claims: `sub`, `aud`, `exp`, `rol` and `gemeenten`
(a list of CBS codes, more than one for a shared regional sociale dienst).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.config import PlatformSettings
from shared.gemeenten import is_gemeentecode


class Rol(StrEnum):
    KLANTREGISSEUR = "klantregisseur"
    TEAMLEIDER = "teamleider"
    BELEIDSMEDEWERKER = "beleidsmedewerker"


class AuthError(Exception):
    """401: no valid token."""


class Forbidden(Exception):
    """403: a valid token that does not allow this."""


@dataclass(frozen=True)
class Principal:
    subject: str
    rol: Rol
    gemeenten: frozenset[str]

    def check_gemeente(self, gemeente: str) -> None:
        if gemeente not in self.gemeenten:
            raise Forbidden(f"Dit token geeft geen toegang tot gemeente {gemeente}")

    def check_rol(self, *rollen: Rol) -> None:
        if self.rol not in rollen:
            allowed = ", ".join(r.value for r in rollen)
            raise Forbidden(f"Rol {self.rol.value} mag dit niet; toegestaan: {allowed}")


class TokenVerifier:
    def __init__(self, settings: PlatformSettings) -> None:
        assert settings.jwt_secret is not None
        self._key = settings.jwt_secret.get_secret_value()
        self._algorithm = settings.jwt_algorithm
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.PyJWTError as e:
            raise AuthError(f"Ongeldig token: {e}") from e
        try:
            rol = Rol(str(claims.get("rol")))
        except ValueError as e:
            raise AuthError(f"Token heeft geen geldige rol: {claims.get('rol')!r}") from e
        gemeenten = claims.get("gemeenten")
        if not isinstance(gemeenten, list) or not gemeenten:
            raise AuthError("Token noemt geen gemeenten")
        unknown = [g for g in gemeenten if not isinstance(g, str) or not is_gemeentecode(g)]
        if unknown:
            raise AuthError(f"Token noemt onbekende gemeentecodes: {unknown}")
        return Principal(subject=str(claims["sub"]), rol=rol, gemeenten=frozenset(gemeenten))

    def issue(
        self,
        subject: str,
        rol: Rol,
        gemeenten: list[str],
        *,
        valid_for: dt.timedelta = dt.timedelta(hours=8),
        **extra: Any,
    ) -> str:
        """Sign a token (development, demo seeding and tests; production uses an IdP)."""
        now = dt.datetime.now(dt.UTC)
        claims = {
            "sub": subject,
            "rol": rol.value,
            "gemeenten": gemeenten,
            "aud": self._audience,
            "iat": now,
            "exp": now + valid_for,
            **extra,
        }
        if self._issuer:
            claims["iss"] = self._issuer
        return jwt.encode(claims, self._key, algorithm=self._algorithm)


_bearer = HTTPBearer(auto_error=False)


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the verified caller. The app stores its verifier in state."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("Bearer-token ontbreekt")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
