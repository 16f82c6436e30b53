"""Regional figures over HTTP, from the regional read models (services/projections/regio/):

    GET /api/v1/regios/{regio}/monitoring   CBS figures per gemeente and cohort, and summed
    GET /api/v1/regios/{regio}/inkoop       joint purchasing per gemeente, route and provider

`{regio}` is the region's slug (`achterhoek`). Filters: `gemeente` (repeatable; CBS codes of
the region), `cohort` (the year the obligation started), `leerroute` (of the current PIP).
`sorteer=veld` or `-veld` (comma-separated for more keys) orders `perGemeente`, which is paged
by `pagina` and `paginaGrootte` (at most 100) with `totaal` and `_links`; the summed figures
(`perRegio`, and `regiototaal` for inkoop) cover every asked gemeente, whatever the page.

How far the model has caught up is in every response, as in the gemeente API: `meta.positie`
(per source: position), `meta.achterstand` (records not yet projected; 0 when caught up) and
`meta.generatie`, and the same in the headers `X-Positie` (`source=position, ...`) and
`X-Achterstand`. The figures are read after the positions, from the same generation.

Who may read: a regionaal analist whose token names the region (every gemeente's figures);
a beleidsmedewerker of a gemeente in the region (the figures of the token's own gemeenten, and
the region's sums). Other roles: 403. The figures are pseudonymised aggregates; nothing here
identifies a person.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import Field

from services.projections.api import Duur, Examencijfer, Link, Links, Meta
from services.projections.projector import Generations
from services.projections.regio.queries import Filter, inkoop, monitoring
from services.projections.regio.tabellen import REGIO_INKOOP, REGIO_MODELS, REGIO_MONITORING
from shared.api import ApiModel, Gemeentecode
from shared.auth import CurrentPrincipal, Principal, Rol
from shared.domain import GeenToegang
from shared.regions import Regions, regio_slug, regions_from_settings
from shared.sqlstore import SQLStore

router = APIRouter(tags=["Regionale cijfers"])

MAX_PAGINA_GROOTTE = 100
REGIO_ROLLEN = (Rol.REGIONAAL_ANALIST, Rol.BELEIDSMEDEWERKER)

Leerroute = Literal["b1", "onderwijs", "z"]
T = TypeVar("T")


# --- Response bodies (Meta, Links, Duur and Examencijfer as in the gemeente API) -------------


class Arbeidsmarktregio(ApiModel):
    naam: str
    slug: str
    gemeenten: list[str]


class RegioCohort(ApiModel):
    """The CBS figures of one gemeente and cohort, or summed over the region (no gemeente);
    the same fields as a cohort of the gemeente monitoring."""

    gemeente: str | None = Field(description="CBS-code; leeg bij de som over de regio")
    cohort: int | None = Field(description="Jaar waarin de inburgeringsplicht begon")
    aantal_inburgeraars: int
    intake_afgerond: int
    dagen_tot_intake_afgerond: Duur
    met_pip: int
    dagen_tot_pip: Duur
    eerste_pips: int
    eerste_pips_binnen_tien_weken: int
    aandeel_eerste_pips_binnen_tien_weken: float | None = Field(
        description="Aandeel eerste PIP's binnen tien weken (70 dagen), 0..1"
    )
    leerroutes: dict[str, int] = Field(description="Personen per leerroute van het actuele PIP")
    examens: list[Examencijfer]


class RegioInkoopregel(ApiModel):
    """Who followed hours at one provider on one route: their hours and exam results. A
    person with hours at two providers counts for both; `regiototaal` counts each once."""

    gemeente: str | None = Field(description="CBS-code; leeg bij de som over de regio")
    leerroute: str | None = Field(description="Leerroute van het actuele PIP; leeg: nog geen PIP")
    aanbieder: str | None = Field(description="Taalaanbieder; leeg: nog geen uren geregistreerd")
    aantal_inburgeraars: int
    uren: int
    uren_keurmerk: int = Field(description="Uren bij een aanbieder met keurmerk")
    uren_per_soort: dict[str, int]
    examens: list[Examencijfer]


class RegioPagina(ApiModel):
    arbeidsmarktregio: Arbeidsmarktregio
    totaal: int
    pagina: int
    pagina_grootte: int
    links: Links = Field(alias="_links")
    meta: Meta


class RegioMonitoring(RegioPagina):
    per_gemeente: list[RegioCohort]
    per_regio: list[RegioCohort] = Field(description="Per cohort, over de gevraagde gemeenten")


class RegioInkoop(RegioPagina):
    per_gemeente: list[RegioInkoopregel]
    per_regio: list[RegioInkoopregel] = Field(
        description="Per leerroute en aanbieder, over de gevraagde gemeenten"
    )
    regiototaal: RegioInkoopregel = Field(description="Alles samen, iedere persoon één keer")


# --- Query parameters ------------------------------------------------------------------------

GemeenteFilter = Annotated[
    list[Gemeentecode] | None,
    Query(description="CBS-code(s) van gemeenten in de regio; herhaalbaar"),
]
CohortFilter = Annotated[
    int | None, Query(ge=1900, le=2100, description="Jaar waarin de inburgeringsplicht begon")
]
LeerrouteFilter = Annotated[Leerroute | None, Query(description="Leerroute van de huidige PIP")]
Sorteer = Annotated[
    str | None, Query(description="Veld(en), komma-gescheiden; `-veld` sorteert aflopend")
]
PaginaNummer = Annotated[int, Query(ge=1)]
PaginaGrootte = Annotated[int, Query(alias="paginaGrootte", ge=1, le=MAX_PAGINA_GROOTTE)]


def _invalid(name: str, reason: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", name), "type": "value_error", "msg": reason}])


# --- Access ----------------------------------------------------------------------------------


def _regions(request: Request) -> Regions:
    regions: Regions | None = getattr(request.app.state, "regions", None)
    if regions is None:
        regions = regions_from_settings(request.app.state.settings)
        request.app.state.regions = regions
    return regions


def _regio(regions: Regions, regio: str) -> Arbeidsmarktregio:
    try:
        naam = regions.naam_van(regio)
    except KeyError:
        raise HTTPException(404, f"Onbekende arbeidsmarktregio {regio}") from None
    return Arbeidsmarktregio(
        naam=naam, slug=regio_slug(naam), gemeenten=regions.gemeenten_van(naam)
    )


def _zichtbaar(principal: Principal, regio: Arbeidsmarktregio) -> frozenset[str]:
    """The gemeenten whose own figures the caller may see."""
    principal.check_rol(*REGIO_ROLLEN)
    if principal.rol is Rol.REGIONAAL_ANALIST:
        principal.check_regio(regio.slug)
        return frozenset(regio.gemeenten)
    eigen = principal.gemeenten & set(regio.gemeenten)
    if not eigen:
        raise GeenToegang(f"Dit token noemt geen gemeente van arbeidsmarktregio {regio.naam}")
    return frozenset(eigen)


def _filter(
    principal: Principal,
    regio: Arbeidsmarktregio,
    gemeente: list[str] | None,
    cohort: int | None,
    leerroute: str | None,
) -> tuple[Filter, frozenset[str]]:
    """(what the figures cover, whose per-gemeente rows the caller sees)."""
    zichtbaar = _zichtbaar(principal, regio)
    if gemeente:
        buiten = sorted(set(gemeente) - set(regio.gemeenten))
        if buiten:
            raise _invalid("gemeente", f"{', '.join(buiten)} hoort niet bij {regio.naam}")
        verboden = sorted(set(gemeente) - zichtbaar)
        if verboden:
            raise GeenToegang(f"Dit token geeft geen toegang tot gemeente {', '.join(verboden)}")
    gevraagd = frozenset(gemeente or regio.gemeenten)
    return Filter(regio.slug, gevraagd, cohort, leerroute), gevraagd & zichtbaar


# --- Progress, sorting, paging ---------------------------------------------------------------


def _achterstand(request: Request, model: str) -> int | None:
    """What this process's projectors of `model` (or, in Kafka mode, their stand-ins) have
    not read yet; None when a source cannot say (a broker out of reach)."""
    achterstand = 0
    for projector in getattr(request.app.state, "projectors", ()):
        backlog = getattr(projector.source, "backlog", None)
        if projector.model.name != model or backlog is None:
            continue
        try:
            achterstand += int(backlog(projector.position))
        except Exception:
            return None
    return achterstand


def _lees(
    request: Request, response: Response, model: str, read: Callable[[int], T]
) -> tuple[T, Meta]:
    """Positions first, then the figures of that same generation: the figures are at least
    as fresh as the positions say. A rebuild that switches over (and drops the old tables)
    in between: read again from the new generation."""
    store: SQLStore = request.app.state.store
    generations = Generations(store)
    for attempt in (1, 2):
        generatie = generations.active(model)
        if generatie is None:
            generatie = generations.ensure(next(m for m in REGIO_MODELS if m.name == model))
        positie = dict(sorted(generations.positions(model, generatie).items()))
        achterstand = _achterstand(request, model)
        try:
            figures = read(generatie)
        except Exception:
            if attempt == 2 or generations.active(model) == generatie:
                raise
            continue
        response.headers["X-Positie"] = ", ".join(f"{s}={p}" for s, p in positie.items())
        response.headers["X-Achterstand"] = "onbekend" if achterstand is None else str(achterstand)
        return figures, Meta(positie=positie, achterstand=achterstand, generatie=generatie)
    raise AssertionError("unreachable")


SortKey = Callable[[Any], Any]


def _sorted(rows: list[Any], sorteer: str | None, velden: dict[str, SortKey]) -> list[Any]:
    """Stable sort on each key from last to first; empty values last in either direction."""
    if not sorteer:
        return rows
    keys = [k.strip() for k in sorteer.split(",")]
    onbekend = [k.lstrip("-") for k in keys if k.lstrip("-") not in velden]
    if onbekend or not all(keys):
        raise _invalid(
            "sorteer",
            f"onbekend sorteerveld {', '.join(onbekend) or '(leeg)'}; "
            f"toegestaan: {', '.join(velden)}",
        )
    for key in reversed(keys):
        field = velden[key.lstrip("-")]
        present = [r for r in rows if field(r) is not None]
        absent = [r for r in rows if field(r) is None]
        rows = sorted(present, key=field, reverse=key.startswith("-")) + absent
    return rows


def _page(
    request: Request, rows: Sequence[Any], pagina: int, grootte: int
) -> tuple[list[Any], Links]:
    def link(n: int) -> Link:
        return Link(href=str(request.url.include_query_params(pagina=n, paginaGrootte=grootte)))

    start = (pagina - 1) * grootte
    laatste = max(1, -(-len(rows) // grootte))
    links = Links(
        self_=link(pagina),
        next=link(pagina + 1) if start + grootte < len(rows) else None,
        prev=link(min(pagina - 1, laatste)) if pagina > 1 else None,
    )
    return list(rows[start : start + grootte]), links


def _plain(value: Any) -> dict[str, Any]:
    return dataclasses.asdict(value)


# --- Endpoints -------------------------------------------------------------------------------

MONITORING_SORT: dict[str, SortKey] = {
    "gemeente": lambda r: r.gemeente,
    "cohort": lambda r: r.cohort,
    "aantalInburgeraars": lambda r: r.aantal_inburgeraars,
    "intakeAfgerond": lambda r: r.intake_afgerond,
    "metPip": lambda r: r.met_pip,
    "aandeelEerstePipsBinnenTienWeken": lambda r: r.aandeel_eerste_pips_binnen_tien_weken,
}

INKOOP_SORT: dict[str, SortKey] = {
    "gemeente": lambda r: r.gemeente,
    "leerroute": lambda r: r.leerroute,
    "aanbieder": lambda r: r.aanbieder,
    "aantalInburgeraars": lambda r: r.aantal_inburgeraars,
    "uren": lambda r: r.uren,
}


@router.get(
    "/regios/{regio}/monitoring",
    response_model=RegioMonitoring,
    summary="Monitoringcijfers (CBS) per gemeente en cohort, en opgeteld over de regio",
)
def regio_monitoring(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    regio: str,
    gemeente: GemeenteFilter = None,
    cohort: CohortFilter = None,
    leerroute: LeerrouteFilter = None,
    sorteer: Sorteer = None,
    pagina: PaginaNummer = 1,
    pagina_grootte: PaginaGrootte = 20,
) -> RegioMonitoring:
    arbeidsmarktregio = _regio(_regions(request), regio)
    f, zichtbaar = _filter(principal, arbeidsmarktregio, gemeente, cohort, leerroute)
    store: SQLStore = request.app.state.store
    (rijen, totalen), meta = _lees(
        request, response, REGIO_MONITORING, lambda g: monitoring(store, f, g)
    )
    rijen = _sorted([r for r in rijen if r.gemeente in zichtbaar], sorteer, MONITORING_SORT)
    page, links = _page(request, rijen, pagina, pagina_grootte)
    return RegioMonitoring(
        arbeidsmarktregio=arbeidsmarktregio,
        totaal=len(rijen),
        pagina=pagina,
        pagina_grootte=pagina_grootte,
        links=links,
        meta=meta,
        per_gemeente=[RegioCohort.model_validate(_plain(r)) for r in page],
        per_regio=[RegioCohort.model_validate(_plain(r)) for r in totalen],
    )


@router.get(
    "/regios/{regio}/inkoop",
    response_model=RegioInkoop,
    summary="Cijfers voor gezamenlijke inkoop: per leerroute en taalaanbieder, per gemeente "
    "en opgeteld",
)
def regio_inkoop(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    regio: str,
    gemeente: GemeenteFilter = None,
    cohort: CohortFilter = None,
    leerroute: LeerrouteFilter = None,
    sorteer: Sorteer = None,
    pagina: PaginaNummer = 1,
    pagina_grootte: PaginaGrootte = 20,
) -> RegioInkoop:
    arbeidsmarktregio = _regio(_regions(request), regio)
    f, zichtbaar = _filter(principal, arbeidsmarktregio, gemeente, cohort, leerroute)
    store: SQLStore = request.app.state.store
    cijfers, meta = _lees(request, response, REGIO_INKOOP, lambda g: inkoop(store, f, g))
    rijen = _sorted(
        [r for r in cijfers.per_gemeente if r.gemeente in zichtbaar], sorteer, INKOOP_SORT
    )
    page, links = _page(request, rijen, pagina, pagina_grootte)
    return RegioInkoop(
        arbeidsmarktregio=arbeidsmarktregio,
        totaal=len(rijen),
        pagina=pagina,
        pagina_grootte=pagina_grootte,
        links=links,
        meta=meta,
        per_gemeente=[RegioInkoopregel.model_validate(_plain(r)) for r in page],
        per_regio=[RegioInkoopregel.model_validate(_plain(r)) for r in cijfers.regio],
        regiototaal=RegioInkoopregel.model_validate(_plain(cijfers.totaal)),
    )
