"""Replay feeds over HTTP, and the event contracts they follow.

    GET /api/v1/feeds/gemeenten/{gemeentecode}/{service}?vanaf=<positie>&limit=<n>
    GET /api/v1/feeds/regios/{regio}?vanaf=<positie>&limit=<n>
    GET /api/v1/contracten/asyncapi.json              (public)
    GET /api/v1/contracten/schemas/{type}.json        (public)

A feed page is a CloudEvents JSON batch (`application/cloudevents-batch+json`: a JSON array of
structured-mode CloudEvents, each exactly as archived) of the events at positions >= `vanaf`,
in position order, at most `limit` (1..1000, default 100). The `Link` header names the next
page (`rel="next"`: `vanaf` = last position + 1; an empty page's next is itself, to poll
again), the AsyncAPI document and the JSON Schema of each type on the page
(`rel="describedby"`). Like every query of the projections: `X-Positie` (how far the archive
has read each source) and `X-Achterstand` (records not yet archived, 0 when caught up); and
`X-Laatste-Positie`, the feed's last position now. A gemeente feed's positions name only
that gemeente's sources where the sources are its own (Kafka topics).

Who may read (the token's `rol`, `gemeenten` and `regios`):
- a gemeente feed: an integrator whose token names that gemeente. The feed is a bulk export of
  everything the gemeente recorded, health and finances included: it is for the gemeente's own
  systems, not for people. Klantregisseurs and teamleiders read single cases through the
  services, beleidsmedewerkers read figures.
- a regional feed (pseudonymised, no personal fields): an integrator or a regionaal analist
  whose token names that region.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from contracts import pip as pip_contract
from services.projections.feed import (
    FEED_GEMEENTE,
    FEED_REGIO,
    Page,
    gemeente_page,
    regio_page,
)
from services.projections.projector import Generations, ReadModel
from shared.api import Gemeentecode, problem
from shared.auth import CurrentPrincipal, Rol, TokenVerifier
from shared.regions import regio_slug
from shared.sqlstore import SQLStore

router = APIRouter(tags=["Feeds"])

BATCH_MEDIA_TYPE = "application/cloudevents-batch+json"
SCHEMA_MEDIA_TYPE = "application/schema+json"
CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
MAX_LIMIT = 1000
GEMEENTE_FEED_ROLLEN = (Rol.INTEGRATOR,)
REGIO_FEED_ROLLEN = (Rol.INTEGRATOR, Rol.REGIONAAL_ANALIST)
_TYPE = re.compile(r"^nl\.inburgering\.[a-z]+\.[a-z0-9-]+\.v[0-9]+$")

Service = Literal["intake", "pip", "ontzorging"]
Vanaf = Annotated[
    int,
    Query(ge=0, description="Eerste positie van de pagina; 0 of 1 begint bij het begin."),
]
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Hoogstens zoveel events (1..{MAX_LIMIT}).")
]

BATCH_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "CloudEvents JSON batch: een array van CloudEvents in structured mode.",
        "content": {BATCH_MEDIA_TYPE: {"schema": {"type": "array", "items": {"type": "object"}}}},
        "headers": {
            "Link": {"description": 'rel="next", rel="describedby" (AsyncAPI, JSON Schemas)'},
            "X-Positie": {"description": "Per bron de positie tot waar het archief bijgewerkt is"},
            "X-Achterstand": {"description": "Records die het archief nog niet verwerkt heeft"},
            "X-Laatste-Positie": {"description": "De laatste positie van de feed nu"},
        },
    }
}


def _generations(request: Request) -> Generations:
    """Made once per app: making it creates the bookkeeping tables (a write); reads after
    that are plain queries."""
    generations: Generations | None = getattr(request.app.state, "feed_generations", None)
    if generations is None:
        store: SQLStore = request.app.state.store
        generations = request.app.state.feed_generations = Generations(store)
    return generations


def voortgang(
    request: Request, model: ReadModel, gemeente: str | None = None
) -> tuple[dict[str, int], int | None]:
    """(position per source, records not yet projected; None when the sources cannot tell)
    of `model`'s active generation. For a gemeente feed the service's own reckoning, which
    names only that gemeente's sources; otherwise the stored positions and the backlog of
    the projectors (or their stand-ins) the app holds."""
    projections = getattr(request.app.state, "projections", None)
    if gemeente is not None and projections is not None:
        stand = projections.voortgang(model, gemeente)
        return dict(stand.positie), stand.achterstand
    generations = _generations(request)
    generation = generations.active(model.name)
    positions = generations.positions(model.name, generation) if generation else {}
    achterstand = 0
    for projector in getattr(request.app.state, "projectors", ()):
        backlog = getattr(projector.source, "backlog", None)
        if projector.model.name == model.name and backlog is not None:
            achterstand += int(backlog(projector.position))
    return positions, achterstand


def _link(url: str, rel: str, **params: str) -> str:
    extra = "".join(f'; {k}="{v}"' for k, v in params.items())
    return f'<{url}>; rel="{rel}"{extra}'


def _batch(
    request: Request,
    page: Page,
    vanaf: int,
    limit: int,
    model: ReadModel,
    gemeente: str | None = None,
) -> Response:
    volgende = page.last + 1 if page.last is not None else vanaf
    links = [
        _link(str(request.url.include_query_params(vanaf=vanaf, limit=limit)), "self"),
        _link(str(request.url.include_query_params(vanaf=volgende, limit=limit)), "next"),
        _link(str(request.url_for("asyncapi")), "describedby", type="application/json"),
    ]
    for ce_type in sorted({entry.type for entry in page.entries}):
        if (CONTRACTS / "schemas" / f"{ce_type}.json").is_file():
            url = str(request.url_for("schema", type=ce_type))
            links.append(_link(url, "describedby", type=SCHEMA_MEDIA_TYPE, title=ce_type))
    positions, achterstand = voortgang(request, model, gemeente)
    body = "[" + ",".join(entry.cloudevent for entry in page.entries) + "]"
    return Response(
        body,
        media_type=BATCH_MEDIA_TYPE,
        headers={
            "Link": ", ".join(links),
            "X-Positie": ", ".join(f"{s}={p}" for s, p in sorted(positions.items())),
            "X-Achterstand": "onbekend" if achterstand is None else str(achterstand),
            "X-Laatste-Positie": str(page.head),
        },
    )


@router.get(
    "/feeds/gemeenten/{gemeentecode}/{service}",
    response_class=Response,
    responses=BATCH_RESPONSE,
    summary="Alle events van één service van een gemeente, op volgorde (replay)",
)
def gemeente_feed(
    request: Request,
    principal: CurrentPrincipal,
    gemeentecode: Gemeentecode,
    service: Service,
    vanaf: Vanaf = 0,
    limit: Limit = 100,
) -> Response:
    """Positions are the events' `sequence`: their place in the service's log, in the order of
    every partition of `<gemeente>.inburgering.<service>`."""
    principal.check_rol(*GEMEENTE_FEED_ROLLEN)
    principal.check_gemeente(gemeentecode)
    page = gemeente_page(_generations(request), gemeentecode, service, vanaf, limit)
    return _batch(request, page, vanaf, limit, FEED_GEMEENTE, gemeentecode)


@router.get(
    "/feeds/regios/{regio}",
    response_class=Response,
    responses=BATCH_RESPONSE,
    summary="Alle regionale events van een arbeidsmarktregio, op volgorde (replay)",
)
def regio_feed(
    request: Request,
    principal: CurrentPrincipal,
    regio: Annotated[str, PathParam(description="Slug van de regio, bv. achterhoek")],
    vanaf: Vanaf = 0,
    limit: Limit = 100,
) -> Response:
    """Positions are the order in which the archive received the regional events."""
    principal.check_rol(*REGIO_FEED_ROLLEN)
    verifier: TokenVerifier = request.app.state.token_verifier
    known = {regio_slug(name) for name in verifier.regions().regios}
    if regio not in known:
        return problem(404, "Niet gevonden", f"Onbekende arbeidsmarktregio {regio!r}")
    principal.check_regio(regio)
    page = regio_page(_generations(request), regio, vanaf, limit)
    return _batch(request, page, vanaf, limit, FEED_REGIO)


def _public(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@router.get(
    "/contracten/asyncapi.json",
    name="asyncapi",
    response_class=FileResponse,
    tags=["Contracten"],
    responses={200: {"description": "AsyncAPI 3.0", "content": {"application/json": {}}}},
    summary="Het AsyncAPI-document van de topics en events (openbaar)",
)
def asyncapi() -> Response:
    return _public(FileResponse(CONTRACTS / "asyncapi.json", media_type="application/json"))


@router.get(
    "/contracten/schemas/{type}.json",
    name="schema",
    response_class=FileResponse,
    tags=["Contracten"],
    responses={200: {"description": "JSON Schema", "content": {SCHEMA_MEDIA_TYPE: {}}}},
    summary="Het JSON Schema van de data van één event-type (openbaar)",
)
def schema(
    ce_type: Annotated[str, PathParam(alias="type", examples=[pip_contract.PIP_VASTGESTELD])],
) -> Response:
    path = CONTRACTS / "schemas" / f"{ce_type}.json"
    if not _TYPE.match(ce_type) or not path.is_file():
        return problem(404, "Niet gevonden", f"Geen schema voor type {ce_type!r}")
    return _public(FileResponse(path, media_type=SCHEMA_MEDIA_TYPE))
