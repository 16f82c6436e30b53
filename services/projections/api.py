"""The gemeente read models over HTTP (services/projections/gemeente/):

    GET /api/v1/gemeenten/{gemeentecode}/caseload      klantregisseur, teamleider
    GET /api/v1/gemeenten/{gemeentecode}/signalen      klantregisseur, teamleider
    GET /api/v1/gemeenten/{gemeentecode}/monitoring    also beleidsmedewerker (figures only)

Filters are query parameters (repeat one to allow several values); `sorteer=veld` or
`-veld` (comma-separated for more keys; an unknown field is a 400 naming it); `pagina` and
`paginaGrootte` (at most 100) with `totaal` and `_links` (self, next, prev).

Every response says how far the read model has caught up, so a client can wait for its own
write: `meta.positie` (per source: the position projected so far; a service log's
notification id, or a topic partition's next offset), `meta.achterstand` (records not yet
projected; 0 when caught up; null when the sources cannot be asked) and `meta.generatie`;
the same in the headers `X-Positie` (`source=position, ...`) and `X-Achterstand`. With
Kafka the positions are those of the gemeente's own topics.

A token for another gemeente is 403; the names in the caseload are for klantregisseurs and
teamleiders: a beleidsmedewerker sees the figures only (403 on caseload and signalen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from pydantic import Field

from services.projections.gemeente import queries
from services.projections.gemeente.afgeleid import OntzorgingStatus, Signaalsoort, Status
from services.projections.gemeente.queries import (
    CaseloadFilter,
    Cohortcijfers,
    SignalenFilter,
    Sortering,
)
from services.projections.gemeente.tabellen import CASELOAD, MONITORING, SIGNALEN
from services.projections.projector import ReadModel, suffix
from shared.api import ApiModel, Gemeentecode
from shared.auth import CurrentPrincipal, Principal, Rol
from shared.clock import current_clock
from shared.logboek import activiteiten, noteer_betrokkene, verwerking

if TYPE_CHECKING:
    from services.projections.leesmodellen import Projections


router = APIRouter(tags=["Leesmodellen per gemeente"])

# Register of processing activities (Logboek Dataverwerkingen): every route that touches a
# person's data declares one of these.
VERWERKINGEN = activiteiten(
    "projections",
    "art. 14-16 Wi2021 (regie op de inburgering); art. 6 lid 1 sub e AVG",
    {
        "caseload": "De caseload: één regel per inburgeraar",
        "signalen": "Open signalen per inburgeraar",
    },
)


def _verwerkt(code: str) -> Any:
    return verwerking(VERWERKINGEN[code])


MAX_PAGINA_GROOTTE = 100
BEHANDELAARS = (Rol.KLANTREGISSEUR, Rol.TEAMLEIDER)
CIJFERS = (Rol.KLANTREGISSEUR, Rol.TEAMLEIDER, Rol.BELEIDSMEDEWERKER)

Leerroute = Literal["b1", "onderwijs", "z"]
Doelgroep = Literal["asielstatushouder", "gezinsmigrant", "overige_migrant"]
Pagina = Annotated[int, Query(ge=1, description="Paginanummer, vanaf 1")]
PaginaGrootte = Annotated[
    int, Query(alias="paginaGrootte", ge=1, le=MAX_PAGINA_GROOTTE, description="Hoogstens 100")
]
Klantregisseur = Annotated[str | None, Query(min_length=1, max_length=200)]


# --- Response bodies ----------------------------------------------------------------------------

VOORTGANG: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "X-Positie": {
                "description": "Per bron de verwerkte positie: `bron=positie, ...`",
                "schema": {"type": "string"},
            },
            "X-Achterstand": {
                "description": "Records die nog niet verwerkt zijn (0: bij; `onbekend` als de "
                "bronnen niet bereikbaar zijn)",
                "schema": {"type": "string"},
            },
        }
    }
}


class Meta(ApiModel):
    positie: dict[str, int] = Field(description="Per bron de verwerkte positie")
    achterstand: int | None = Field(
        description="Records die nog niet verwerkt zijn (0: bij); leeg als de bronnen niet "
        "bereikbaar zijn"
    )
    generatie: int = Field(description="De generatie van het leesmodel die antwoordt")


class Link(ApiModel):
    href: str


class Links(ApiModel):
    self_: Link = Field(alias="self")
    next: Link | None = None
    prev: Link | None = None


class VolgendeDeadline(ApiModel):
    soort: str = Field(description="pip, inburgeringstermijn of ontzorgingsperiode")
    datum: dt.date


class ContactpersoonRegel(ApiModel):
    naam: str | None
    medewerker_id: str | None
    organisatie: str | None
    datum: dt.date | None = Field(description="Sinds wanneer")


class DuaalTrajectRegel(ApiModel):
    id: str
    soort: str | None
    werkgever: str | None
    startdatum: dt.date | None
    einddatum: dt.date | None
    uren_per_week: int | None
    jobhunter: str | None
    jobcoach: str | None
    taalcoaching: bool
    taalcoach: str | None
    actief: bool = Field(description="Nog geen uitkomst")
    uitkomst: str | None = None
    uitkomst_datum: dt.date | None = None
    besprekingen: int = Field(0, description="Voortgangsgesprekken die het bespraken")
    laatste_bespreking: dt.date | None = None
    laatste_oordeel: str | None = None


class AanbodRegel(ApiModel):
    aanbieder: str
    keurmerk_blik_op_werk: bool
    erkende_taalschakelinstelling: bool
    leerroute: str | None
    startdatum: dt.date | None
    einddatum: dt.date | None


class BegeleidingRegel(ApiModel):
    organisatie: str | None
    startdatum: dt.date | None
    einddatum: dt.date | None


class CaseloadRegel(ApiModel):
    inburgeraar_id: str
    gemeente: str
    naam: str | None
    doelgroep: str | None
    klantregisseur: str | None
    status: Status
    leerroute: str | None = Field(description="Van het actuele PIP, anders de geadviseerde")
    leerroute_vastgesteld: bool
    niveau: str | None
    datum_start_inburgeringsplicht: dt.date | None
    uiterste_datum_pip: dt.date | None
    dagen_tot_pip: int | None = Field(
        description="Dagen tot de uiterste datum van het PIP (negatief: te laat); leeg als er "
        "een PIP is of de plicht voldaan is"
    )
    pip_dagtekening: dt.date | None
    volgende_deadline: VolgendeDeadline | None
    einde_termijn: dt.date | None
    laatste_voortgangsgesprek: dt.date | None
    ontzorging_status: OntzorgingStatus | None
    einde_ontzorgingsperiode: dt.date | None
    persoonsgegevens_verwijderd: bool = Field(
        False,
        description="The person's data is forgotten (art. 17 AVG): naam is null for good; "
        "the facts (route, dates, levels) remain",
    )
    aanbevelingen: list[str] = Field(
        default_factory=list,
        description="Aanbevolen, geen wettelijke eis: bv. 'hoofddoel' na een intake zonder",
    )
    einde_reden: str | None = Field(
        None,
        description="Waarom de plicht hier eindigde (status beeindigd): verhuisd, overleden, "
        "ingetrokken: <reden>",
    )
    contactpersoon_gemeente: ContactpersoonRegel | None = None
    contactpersoon_aanbieder: ContactpersoonRegel | None = None
    duale_trajecten: list[DuaalTrajectRegel] = Field(
        default_factory=list, description="Taal met werk, stage of vrijwilligerswerk"
    )
    inburgeringsaanbod: list[AanbodRegel] = Field(default_factory=list)
    maatschappelijke_begeleiding: BegeleidingRegel | None = None


class Caseload(ApiModel):
    caseload: list[CaseloadRegel]
    totaal: int
    pagina: int
    pagina_grootte: int
    links: Links = Field(alias="_links")
    meta: Meta


class SignaalRegel(ApiModel):
    inburgeraar_id: str
    gemeente: str
    soort: Signaalsoort
    datum: dt.date = Field(
        description="Waar het om gaat: de uiterste datum van het PIP, het einde van de "
        "termijn, het laatste voortgangsgesprek (of PIP), het einde van de ontzorgingsperiode"
    )
    sinds: dt.date = Field(description="Sinds wanneer het signaal open staat")
    bron: Literal["event", "berekend"]
    klantregisseur: str | None


class Signalen(ApiModel):
    signalen: list[SignaalRegel]
    totaal: int
    pagina: int
    pagina_grootte: int
    links: Links = Field(alias="_links")
    meta: Meta


class Duur(ApiModel):
    """Dagen vanaf de start van de inburgeringsplicht, over wie de stap gezet heeft."""

    aantal: int
    gemiddelde: float | None
    mediaan: float | None


class Examencijfer(ApiModel):
    onderdeel: str
    afgenomen: int
    behaald: int
    slagingspercentage: float | None


class Cohort(ApiModel):
    cohort: int = Field(description="Jaar waarin de inburgeringsplicht begon")
    aantal_inburgeraars: int
    intake_afgerond: int
    dagen_tot_intake_afgerond: Duur
    met_pip: int
    dagen_tot_pip: Duur
    eerste_pips: int
    eerste_pips_binnen_tien_weken: int
    aandeel_eerste_pips_binnen_tien_weken: float | None
    leerroutes: dict[str, int] = Field(description="Personen per leerroute van het actuele PIP")
    examens: list[Examencijfer]


class Monitoring(ApiModel):
    gemeente: str
    cohorten: list[Cohort]
    links: Links = Field(alias="_links")
    meta: Meta


# --- Access, progress, sorting, paging ----------------------------------------------------------


def _toegang(principal: Principal, gemeentecode: str, rollen: Sequence[Rol]) -> None:
    principal.check_gemeente(gemeentecode)
    principal.check_rol(*rollen)


def _invalid(name: str, reason: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", name), "type": "value_error", "msg": reason}])


def _sortering(sorteer: str, velden: Mapping[str, str]) -> list[Sortering]:
    """`veld,-ander` -> the columns, or a 400 naming each unknown field."""
    keys = [key.strip() for key in sorteer.split(",")]
    onbekend = [key.lstrip("-") for key in keys if key.lstrip("-") not in velden]
    if onbekend:
        raise _invalid(
            "sorteer",
            f"onbekend sorteerveld {', '.join(repr(k) for k in onbekend)}; "
            f"toegestaan: {', '.join(sorted(velden))}",
        )
    return [Sortering(velden[key.lstrip("-")], key.startswith("-")) for key in keys]


T = TypeVar("T")


def _lees(
    request: Request,
    response: Response,
    read_model: ReadModel,
    gemeente: str,
    read: Callable[[str], T],
) -> tuple[T, Meta]:
    """Rows of the active generation, and how far that generation is. The positions are read
    first, so the rows hold at least what they say. A rebuild that switches over meanwhile
    drops the tables being read: then once more, from the new generation."""
    projections: Projections = request.app.state.projections
    for attempt in (1, 2):
        voortgang = projections.voortgang(read_model, gemeente)
        try:
            rows = read(suffix(voortgang.generatie))
        except Exception:
            if (
                attempt == 2
                or projections.generations.active(read_model.name) == voortgang.generatie
            ):
                raise
            continue
        achterstand = voortgang.achterstand
        response.headers["X-Positie"] = ", ".join(f"{s}={p}" for s, p in voortgang.positie.items())
        response.headers["X-Achterstand"] = "onbekend" if achterstand is None else str(achterstand)
        meta = Meta(
            positie=voortgang.positie, achterstand=achterstand, generatie=voortgang.generatie
        )
        return rows, meta
    raise AssertionError("unreachable")


def _links(request: Request, pagina: int, grootte: int, totaal: int) -> Links:
    def link(n: int) -> Link:
        return Link(href=str(request.url.include_query_params(pagina=n)))

    return Links(
        self_=link(pagina),
        next=link(pagina + 1) if pagina * grootte < totaal else None,
        prev=link(pagina - 1) if pagina > 1 else None,
    )


def _datum(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


# --- Caseload -----------------------------------------------------------------------------------

CASELOAD_SORTEERVELDEN = {
    "naam": "naam",
    "status": "status",
    "doelgroep": "doelgroep",
    "klantregisseur": "klantregisseur",
    "leerroute": "leerroute",
    "niveau": "niveau",
    "datumStartInburgeringsplicht": "datum_start",
    "uitersteDatumPip": "uiterste_datum_pip",
    "dagenTotPip": "pip_open_tot",
    "volgendeDeadline": "deadline_datum",
    "eindeTermijn": "termijn_einde",
    "laatsteVoortgangsgesprek": "laatste_voortgangsgesprek",
    "ontzorgingStatus": "ontzorging_status",
    "eindeOntzorgingsperiode": "einde_ontzorgingsperiode",
    "inburgeraarId": "inburgeraar_id",
    "contactpersoon": "contactpersoon",
}


def _caseload_regel(rij: queries.CaseloadRij) -> CaseloadRegel:
    noteer_betrokkene(rij.inburgeraar_id, rij.gemeente)
    deadline = rij.volgende_deadline
    return CaseloadRegel(
        inburgeraar_id=rij.inburgeraar_id,
        gemeente=rij.gemeente,
        naam=rij.naam,
        doelgroep=rij.doelgroep,
        klantregisseur=rij.klantregisseur,
        status=Status(rij.status),
        leerroute=rij.leerroute,
        leerroute_vastgesteld=rij.leerroute_vastgesteld,
        niveau=rij.niveau,
        datum_start_inburgeringsplicht=_datum(rij.datum_start_inburgeringsplicht),
        uiterste_datum_pip=_datum(rij.uiterste_datum_pip),
        dagen_tot_pip=rij.dagen_tot_pip,
        pip_dagtekening=_datum(rij.pip_dagtekening),
        volgende_deadline=VolgendeDeadline(
            soort=deadline[0], datum=dt.date.fromisoformat(deadline[1])
        )
        if deadline
        else None,
        einde_termijn=_datum(rij.einde_termijn),
        laatste_voortgangsgesprek=_datum(rij.laatste_voortgangsgesprek),
        ontzorging_status=OntzorgingStatus(rij.ontzorging_status)
        if rij.ontzorging_status
        else None,
        einde_ontzorgingsperiode=_datum(rij.einde_ontzorgingsperiode),
        persoonsgegevens_verwijderd=rij.vergeten_op is not None,
        aanbevelingen=list(rij.aanbevelingen),
        einde_reden=rij.einde_reden,
        **_regie(rij.regie),
    )


def _regie(regie: Mapping[str, Any]) -> dict[str, Any]:
    contacten = regie.get("contactpersonen") or {}
    begeleiding = regie.get("begeleiding")
    return {
        "contactpersoon_gemeente": _contact(contacten.get("gemeente")),
        "contactpersoon_aanbieder": _contact(contacten.get("aanbieder")),
        "duale_trajecten": [DuaalTrajectRegel(**d) for d in regie.get("duale_trajecten", [])],
        "inburgeringsaanbod": [AanbodRegel(**a) for a in regie.get("aanbod", [])],
        "maatschappelijke_begeleiding": BegeleidingRegel(**begeleiding) if begeleiding else None,
    }


def _contact(contact: Mapping[str, Any] | None) -> ContactpersoonRegel | None:
    return ContactpersoonRegel(**contact) if contact else None


@router.get(
    "/gemeenten/{gemeentecode}/caseload",
    response_model=Caseload,
    responses=VOORTGANG,
    summary="De caseload: één regel per inburgeraar, met status, deadlines en ontzorging",
    dependencies=[_verwerkt("caseload")],
)
def caseload(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    gemeentecode: Annotated[Gemeentecode, PathParam()],
    status: Annotated[list[Status] | None, Query()] = None,
    leerroute: Annotated[list[Leerroute] | None, Query()] = None,
    doelgroep: Annotated[list[Doelgroep] | None, Query()] = None,
    ontzorging_status: Annotated[
        list[OntzorgingStatus] | None, Query(alias="ontzorgingStatus")
    ] = None,
    klantregisseur: Klantregisseur = None,
    contactpersoon: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Medewerker-id (anders naam) van de contactpersoon bij de gemeente: "
            "de eigen caseload",
        ),
    ] = None,
    sorteer: Annotated[
        str, Query(description=f"Eén of meer van: {', '.join(CASELOAD_SORTEERVELDEN)}")
    ] = "volgendeDeadline",
    pagina: Pagina = 1,
    pagina_grootte: PaginaGrootte = 20,
) -> Caseload:
    _toegang(principal, gemeentecode, BEHANDELAARS)
    sortering = _sortering(sorteer, CASELOAD_SORTEERVELDEN)
    filter_ = CaseloadFilter(
        status=[s.value for s in status or ()],
        leerroute=list(leerroute or ()),
        doelgroep=list(doelgroep or ()),
        klantregisseur=klantregisseur,
        ontzorging_status=[s.value for s in ontzorging_status or ()],
        contactpersoon=contactpersoon,
    )
    store = request.app.state.store
    vandaag = current_clock().today()
    (rijen, totaal), meta = _lees(
        request,
        response,
        CASELOAD,
        gemeentecode,
        lambda sfx: queries.caseload(
            store,
            sfx,
            gemeentecode,
            filter_,
            sortering,
            (pagina - 1) * pagina_grootte,
            pagina_grootte,
            vandaag,
        ),
    )
    return Caseload(
        caseload=[_caseload_regel(rij) for rij in rijen],
        totaal=totaal,
        pagina=pagina,
        pagina_grootte=pagina_grootte,
        links=_links(request, pagina, pagina_grootte, totaal),
        meta=meta,
    )


# --- Signalen -----------------------------------------------------------------------------------

SIGNAAL_SORTEERVELDEN = {
    "sinds": "sinds",
    "datum": "datum",
    "soort": "soort",
    "inburgeraarId": "inburgeraar_id",
    "klantregisseur": "klantregisseur",
}


@router.get(
    "/gemeenten/{gemeentecode}/signalen",
    response_model=Signalen,
    responses=VOORTGANG,
    summary="Open signalen: PIP te laat, termijn loopt af, geen voortgang, ontzorging voorbij",
    dependencies=[_verwerkt("signalen")],
)
def signalen(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    gemeentecode: Annotated[Gemeentecode, PathParam()],
    soort: Annotated[list[Signaalsoort] | None, Query()] = None,
    klantregisseur: Klantregisseur = None,
    inburgeraar_id: Annotated[str | None, Query(alias="inburgeraarId", max_length=36)] = None,
    sorteer: Annotated[
        str, Query(description=f"Eén of meer van: {', '.join(SIGNAAL_SORTEERVELDEN)}")
    ] = "sinds",
    pagina: Pagina = 1,
    pagina_grootte: PaginaGrootte = 20,
) -> Signalen:
    _toegang(principal, gemeentecode, BEHANDELAARS)
    sortering = _sortering(sorteer, SIGNAAL_SORTEERVELDEN)
    filter_ = SignalenFilter(
        soort=[s.value for s in soort or ()],
        klantregisseur=klantregisseur,
        inburgeraar_id=inburgeraar_id,
    )
    store = request.app.state.store
    settings = request.app.state.settings
    vandaag = current_clock().today()
    gevonden, meta = _lees(
        request,
        response,
        SIGNALEN,
        gemeentecode,
        lambda sfx: queries.signalen(
            store, sfx, gemeentecode, filter_, vandaag, settings.signaal_geen_voortgang_dagen
        ),
    )
    geordend = queries.sorteer_signalen(gevonden, sortering)
    begin = (pagina - 1) * pagina_grootte
    for s in geordend[begin : begin + pagina_grootte]:
        noteer_betrokkene(s.inburgeraar_id, s.gemeente)
    return Signalen(
        signalen=[
            SignaalRegel(
                inburgeraar_id=s.inburgeraar_id,
                gemeente=s.gemeente,
                soort=Signaalsoort(s.soort),
                datum=dt.date.fromisoformat(s.datum),
                sinds=dt.date.fromisoformat(s.sinds),
                bron="event" if s.bron == "event" else "berekend",
                klantregisseur=s.klantregisseur,
            )
            for s in geordend[begin : begin + pagina_grootte]
        ],
        totaal=len(geordend),
        pagina=pagina,
        pagina_grootte=pagina_grootte,
        links=_links(request, pagina, pagina_grootte, len(geordend)),
        meta=meta,
    )


# --- Monitoring ---------------------------------------------------------------------------------


def _cohort(cijfers: Cohortcijfers) -> Cohort:
    return Cohort(
        cohort=cijfers.cohort,
        aantal_inburgeraars=cijfers.aantal_inburgeraars,
        intake_afgerond=cijfers.intake_afgerond,
        dagen_tot_intake_afgerond=Duur(**vars(cijfers.dagen_tot_intake_afgerond)),
        met_pip=cijfers.met_pip,
        dagen_tot_pip=Duur(**vars(cijfers.dagen_tot_pip)),
        eerste_pips=cijfers.eerste_pips,
        eerste_pips_binnen_tien_weken=cijfers.eerste_pips_binnen_tien_weken,
        aandeel_eerste_pips_binnen_tien_weken=cijfers.aandeel_binnen_tien_weken,
        leerroutes=cijfers.leerroutes,
        examens=[
            Examencijfer(
                onderdeel=e.onderdeel,
                afgenomen=e.afgenomen,
                behaald=e.behaald,
                slagingspercentage=round(100 * e.behaald / e.afgenomen, 1) if e.afgenomen else None,
            )
            for e in cijfers.examens
        ],
    )


@router.get(
    "/gemeenten/{gemeentecode}/monitoring",
    response_model=Monitoring,
    responses=VOORTGANG,
    summary="CBS Statistiek Wet inburgering per cohort: doorlooptijden, routes, examens",
)
def monitoring(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    gemeentecode: Annotated[Gemeentecode, PathParam()],
    cohort: Annotated[
        int | None, Query(ge=2000, le=2100, description="Jaar waarin de plicht begon")
    ] = None,
    doelgroep: Annotated[Doelgroep | None, Query()] = None,
) -> Monitoring:
    _toegang(principal, gemeentecode, CIJFERS)
    store = request.app.state.store
    cijfers, meta = _lees(
        request,
        response,
        MONITORING,
        gemeentecode,
        lambda sfx: queries.monitoring(store, sfx, gemeentecode, cohort, doelgroep),
    )
    return Monitoring(
        gemeente=gemeentecode,
        cohorten=[_cohort(c) for c in cijfers],
        links=Links(self_=Link(href=str(request.url))),
        meta=meta,
    )
