"""HTTP conventions of the NL API Design Rules, shared by every service's FastAPI app:
`/api/v1`, the API-Version header, problem+json errors (400 for invalid input, all errors
at once), camelCase JSON, no trailing-slash redirects, security headers."""

from __future__ import annotations

import datetime as dt
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from eventsourcing.application import Application
from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.auth import AuthError, CurrentPrincipal, Principal, Rol, TokenVerifier
from shared.config import PlatformSettings
from shared.domain import DomainError
from shared.gemeenten import check_gemeentecode
from shared.logboek import BetrokkeneSleutel, Logboek, SQLLogboek, Verwerking, records_van
from shared.tracing import continue_from, span

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"


class ApiModel(BaseModel):
    """Base of request and response bodies: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


Gemeentecode = Annotated[
    str,
    AfterValidator(check_gemeentecode),
    Field(examples=["GM0222"], description="CBS-gemeentecode van 2024 (GMxxxx)"),
]


def behandelaar(principal: CurrentPrincipal) -> Principal:
    """Case data (health included) is for the people handling the case: klantregisseurs and
    teamleiders. Beleidsmedewerkers see figures, in the projections."""
    principal.check_rol(Rol.KLANTREGISSEUR, Rol.TEAMLEIDER)
    return principal


Behandelaar = Annotated[Principal, Depends(behandelaar)]


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    code: str | None = None
    bron: str | None = None
    invalid_params: list[dict[str, Any]] | None = None

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = Problem(status=status, title=title, detail=detail, **extra).model_dump(
        by_alias=True, exclude_none=True
    )
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {})
    )


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": title}
    for code, title in [
        (400, "Ongeldige invoer of regel overtreden"),
        (401, "Niet geauthenticeerd"),
        (403, "Geen toegang"),
        (404, "Niet gevonden"),
        (409, "Gelijktijdige wijziging"),
    ]
}


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "body")


def create_api(
    *,
    title: str,
    version: str,
    description: str,
    settings: PlatformSettings,
    routers: Sequence[APIRouter],
    application: Application[Any] | None = None,
    logboek: Logboek | None = None,
) -> FastAPI:
    """Build a service's FastAPI app following the API Design Rules. The application, if
    given, is what the routes use (`request.app.state.application`) and is closed on
    shutdown. Requests that process a person's data are written to the `logboek`
    (default: the platform's table, see shared/logboek.py)."""
    verwerkingen: Logboek = logboek or SQLLogboek(settings)
    assert settings.logboek_sleutel is not None
    sleutel = BetrokkeneSleutel(settings.logboek_sleutel.get_secret_value())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if application is not None:
            application.close()
        verwerkingen.close()

    app = FastAPI(
        lifespan=lifespan,
        title=title,
        version=version,
        description=description,
        contact={
            "name": "Inburgering platform",
            "email": "beheer@inburgering.example",
            "url": "https://inburgering.example",
        },
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        responses=PROBLEM_RESPONSES,
    )
    app.router.redirect_slashes = False
    app.state.settings = settings
    app.state.application = application
    app.state.token_verifier = TokenVerifier(settings)
    app.state.logboek = verwerkingen
    # Apps used without their lifespan (tests, mounted sub-apps) still free the log's pool.
    weakref.finalize(app, verwerkingen.close)
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["API-Version"] = version
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if request.url.path.endswith("/openapi.json"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        else:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.middleware("http")
    async def _trace_en_logboek(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """W3C Trace Context in and out, and the Logboek Dataverwerkingen record of a route
        that declared a processing activity, written once the outcome is known."""
        request_span = continue_from(request.headers.get("traceparent"))
        start = dt.datetime.now(dt.UTC)
        status_code = 500
        with span(request_span):
            try:
                response = await call_next(request)
                status_code = response.status_code
            finally:
                current: Verwerking | None = getattr(request.state, "verwerking", None)
                if current is not None:
                    records = records_van(
                        current,
                        sleutel=sleutel,
                        trace_id=request_span.trace_id,
                        span_id=request_span.span_id,
                        parent_span_id=request_span.parent_span_id,
                        status_code=status_code,
                        start=start,
                        end=dt.datetime.now(dt.UTC),
                        system=title,
                        version=version,
                    )
                    await run_in_threadpool(verwerkingen.schrijf, records)
        response.headers["traceparent"] = request_span.traceparent
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        invalid = [
            {"name": _field_name(err["loc"]), "code": err["type"], "reason": err["msg"]}
            for err in exc.errors()
        ]
        return problem(
            400,
            "Ongeldige invoer",
            f"{len(invalid)} fout(en) in de invoer",
            invalid_params=invalid,
        )

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        extra: dict[str, Any] = {"code": exc.code, "bron": exc.bron}
        params = [
            {"name": name, "code": "ontbreekt", "reason": f"{name} ontbreekt"}
            for name in exc.ontbrekend
        ]
        # A violation that names the request field it concerns (e.g. shared.awb's rules).
        if veld := getattr(exc, "veld", None):
            params.insert(0, {"name": veld, "code": exc.code, "reason": exc.detail})
        if params:
            extra["invalid_params"] = params
        return problem(exc.status, exc.title, exc.detail, **extra)

    @app.exception_handler(AuthError)
    async def _unauthenticated(_: Request, exc: AuthError) -> JSONResponse:
        return problem(
            401, "Niet geauthenticeerd", str(exc), headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("Onverwachte fout bij %s %s", request.method, request.url.path)
        return problem(500, "Interne fout", "Er ging iets mis; de fout is gelogd.")

    return app


def expected_version(
    if_match: Annotated[
        str | None,
        Header(description='The version you saw (ETag), e.g. "3"; a stale one gives 409.'),
    ] = None,
) -> int | None:
    """FastAPI dependency: the aggregate version a client claims to change (If-Match)."""
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise RequestValidationError(
            [{"loc": ("header", "If-Match"), "type": "value_error", "msg": "geen versienummer"}]
        )
    return int(value)


ExpectedVersion = Annotated[int | None, Depends(expected_version)]


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}
