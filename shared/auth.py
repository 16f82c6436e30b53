"""Bearer tokens: which gemeenten and arbeidsmarktregio's a caller acts for, and in which role.

Tokens are JWTs verified with PyJWT. Claims: `sub`, `aud`, `exp`, `rol`, `gemeenten` (a list of
CBS codes, more than one for a shared regional sociale dienst) and, optionally, `regios` (a list
of arbeidsmarktregio slugs, e.g. "achterhoek", each one of the configured regions of
shared/regions.py).

Roles: klantregisseur and teamleider handle cases; a beleidsmedewerker sees figures; a
regionaal analist reads a region's pseudonymised models and feed (`regios` only, no
gemeenten); an integrator is a system that replays the feeds of the gemeenten and/or regions
its token names. Endpoints allow roles by an explicit list (`check_rol`), so a new role gets
nothing it was not given.
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
from shared.domain import GeenToegang
from shared.gemeenten import is_gemeentecode
from shared.regions import Regions, regio_slug, regions_from_settings


class Rol(StrEnum):
    KLANTREGISSEUR = "klantregisseur"
    TEAMLEIDER = "teamleider"
    BELEIDSMEDEWERKER = "beleidsmedewerker"
    REGIONAAL_ANALIST = "regionaal_analist"
    INTEGRATOR = "integrator"


# Roles that act for a region only; their tokens name regions, never gemeenten.
REGIONALE_ROLLEN = frozenset({Rol.REGIONAAL_ANALIST})


class AuthError(Exception):
    """401: no valid token."""


@dataclass(frozen=True)
class Principal:
    subject: str
    rol: Rol
    gemeenten: frozenset[str]
    regios: frozenset[str] = frozenset()  # arbeidsmarktregio slugs

    def check_gemeente(self, gemeente: str) -> None:
        if gemeente not in self.gemeenten:
            raise GeenToegang(f"Dit token geeft geen toegang tot gemeente {gemeente}")

    def check_regio(self, regio: str) -> None:
        """`regio` by slug or name; 403 unless the token names that region."""
        if regio_slug(regio) not in self.regios:
            raise GeenToegang(f"Dit token geeft geen toegang tot arbeidsmarktregio {regio}")

    def check_rol(self, *rollen: Rol) -> None:
        if self.rol not in rollen:
            allowed = ", ".join(r.value for r in rollen)
            raise GeenToegang(f"Rol {self.rol.value} mag dit niet; toegestaan: {allowed}")


class TokenVerifier:
    def __init__(self, settings: PlatformSettings) -> None:
        assert settings.jwt_secret is not None
        self._key = settings.jwt_secret.get_secret_value()
        self._algorithm = settings.jwt_algorithm
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._settings = settings
        self._regions: Regions | None = None

    def regions(self) -> Regions:
        """The configured regions, read when the first token names one."""
        if self._regions is None:
            self._regions = regions_from_settings(self._settings)
        return self._regions

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
        gemeenten = claims.get("gemeenten", [])
        if not isinstance(gemeenten, list):
            raise AuthError("Token noemt geen gemeenten")
        unknown = [g for g in gemeenten if not isinstance(g, str) or not is_gemeentecode(g)]
        if unknown:
            raise AuthError(f"Token noemt onbekende gemeentecodes: {unknown}")
        regios = self._regios(claims)
        if rol in REGIONALE_ROLLEN:
            if gemeenten:
                raise AuthError(f"Een token met rol {rol.value} noemt regio's, geen gemeenten")
            if not regios:
                raise AuthError(f"Een token met rol {rol.value} noemt geen regio's")
        elif not gemeenten and not (rol is Rol.INTEGRATOR and regios):
            raise AuthError("Token noemt geen gemeenten")
        return Principal(
            subject=str(claims["sub"]),
            rol=rol,
            gemeenten=frozenset(gemeenten),
            regios=frozenset(regios),
        )

    def _regios(self, claims: dict[str, Any]) -> list[str]:
        """The `regios` claim: slugs of configured regions (absent means none)."""
        regios = claims.get("regios")
        if regios is None:
            return []
        if not isinstance(regios, list) or not all(isinstance(r, str) for r in regios):
            raise AuthError("De claim regios is geen lijst van regionamen")
        known = {regio_slug(name) for name in self.regions().regios}
        unknown = [r for r in regios if r not in known]
        if unknown:
            raise AuthError(f"Token noemt onbekende arbeidsmarktregio's: {unknown}")
        return regios

    def issue(
        self,
        subject: str,
        rol: Rol,
        gemeenten: list[str],
        *,
        valid_for: dt.timedelta = dt.timedelta(hours=8),
        regios: list[str] | None = None,
        **extra: Any,
    ) -> str:
        """Sign a token (development, demo seeding and tests; production uses an IdP).
        `regios` are region slugs or names; they are signed as slugs."""
        now = dt.datetime.now(dt.UTC)
        claims: dict[str, Any] = {
            "sub": subject,
            "rol": rol.value,
            "gemeenten": gemeenten,
            "aud": self._audience,
            "iat": now,
            "exp": now + valid_for,
            **extra,
        }
        if regios is not None:
            claims["regios"] = [regio_slug(r) for r in regios]
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


def main(argv: list[str] | None = None) -> int:
    """`python -m shared.auth --rol integrator --gemeenten GM0222 --regios achterhoek`: print
    a development token signed with this environment's JWT_SECRET (never in production,
    where an identity provider issues tokens)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m shared.auth", description=main.__doc__)
    parser.add_argument("--rol", required=True, choices=[r.value for r in Rol])
    parser.add_argument("--gemeenten", default="", help="CBS codes, comma-separated")
    parser.add_argument("--regios", default="", help="region slugs, comma-separated")
    parser.add_argument("--sub", default="ontwikkelaar")
    parser.add_argument("--uren", type=float, default=8.0, help="valid for this many hours")
    args = parser.parse_args(argv)
    settings = PlatformSettings()
    if settings.environment == "production":
        print("No development tokens in production: use the identity provider.", file=sys.stderr)
        return 1
    verifier = TokenVerifier(settings)
    token = verifier.issue(
        args.sub,
        Rol(args.rol),
        [g.strip().upper() for g in args.gemeenten.split(",") if g.strip()],
        regios=[r.strip() for r in args.regios.split(",") if r.strip()] or None,
        valid_for=dt.timedelta(hours=args.uren),
    )
    try:
        verifier.verify(token)
    except AuthError as e:
        print(str(e), file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
