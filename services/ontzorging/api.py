"""HTTP routes of financieel ontzorgen: translate, check access, dispatch."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from pydantic import AfterValidator, Field, StrictBool, StrictInt

from services.ontzorging.application import OntzorgingApplication, OntzorgingOverzicht
from services.ontzorging.rules import (
    MAAND_PATROON,
    Doelgroep,
    Post,
    RedenBeeindiging,
    iban_fout,
)
from shared.api import API_PREFIX, ApiModel, Behandelaar, ExpectedVersion, Gemeentecode, etag
from shared.awb import Beslissing
from shared.logboek import activiteiten, noteer_betrokkene, verwerking

router = APIRouter(tags=["Ontzorging"])

# Register of processing activities (Logboek Dataverwerkingen): every route that touches a
# person's data declares one of these.
VERWERKINGEN = activiteiten(
    "ontzorging",
    "art. 56a Participatiewet (financieel ontzorgen); art. 6 lid 1 sub e AVG",
    {
        "start-ontzorging": "Ontzorging starten (beschikking)",
        "zoek-ontzorgingen": "Ontzorgingen van een inburgeraar",
        "haal-ontzorging": "Ontzorging ophalen",
        "geef-betaalmachtiging": "Betaalmachtiging vastleggen",
        "weiger-betaalmachtiging": "Weigering betaalmachtiging vastleggen",
        "leg-te-betalen-posten-vast": "Te betalen posten vastleggen (maatwerk)",
        "zet-vrijwillig-voort": "Ontzorging vrijwillig voortzetten (art. 57 Pw)",
        "leg-vaste-last-vast": "Vaste last vastleggen",
        "betaal-vaste-last": "Betaling vaste last vastleggen",
        "start-budgetbeheer": "Budgetbeheer starten",
        "voer-budgetcoachinggesprek": "Budgetcoachinggesprek vastleggen",
        "start-afbouw": "Afbouw starten",
        "stel-financieel-zelfredzaam-vast": "Financiële zelfredzaamheid vaststellen",
        "beeindig-ontzorging": "Ontzorging beëindigen",
        "verzend-beschikking": "Verzending van de ontzorgingsbeschikking vastleggen",
        "bezwaar-ontzorging": "Bezwaar tegen de ontzorgingsbeschikking en de beslissing",
    },
)


def _verwerkt(code: str) -> Any:
    return verwerking(VERWERKINGEN[code])


def _geldige_iban(iban: str) -> str:
    fout = iban_fout(iban)
    if fout:
        raise ValueError(f"ongeldige IBAN: {fout}")
    return iban


Iban = Annotated[str, Field(examples=["NL91ABNA0417164300"]), AfterValidator(_geldige_iban)]
Maand = Annotated[str, Field(pattern=MAAND_PATROON, examples=["2026-01"])]
Eurocent = Annotated[StrictInt, Field(gt=0, description="Bedrag in eurocent")]


class PostInPad(StrEnum):
    """A post as a kebab-case path segment."""

    HUUR = "huur"
    ENERGIE = "energie"
    GAS = "gas"
    ELEKTRICITEIT = "elektriciteit"
    WATER = "water"
    ZORGVERZEKERING = "zorgverzekering"
    GEMEENTELIJKE_BELASTINGEN = "gemeentelijke-belastingen"

    def post(self) -> Post:
        return Post(self.value.replace("-", "_"))


# --- Requests -----------------------------------------------------------------------------


class OntzorgingStarten(ApiModel):
    gemeente: Gemeentecode
    inburgeraar_id: UUID
    pip_id: UUID | None = None
    doelgroep: Doelgroep
    ontvangt_bijstand: StrictBool
    verblijfsvergunning_asiel_bepaalde_tijd: StrictBool
    beschikkingsdatum: dt.date = Field(description="Dagtekening van de beschikking")
    startdatum_bijstand: dt.date = Field(description="De zes maanden lopen vanaf deze datum")
    betaalmachtiging_gegeven: StrictBool


class VasteLastVastleggen(ApiModel):
    crediteur: str = Field(min_length=1, max_length=200)
    iban: Iban
    bedrag_per_maand_cent: Eurocent
    ingangsmaand: Maand | None = Field(
        None, description="Vanaf welke maand dit bedrag geldt; standaard de eerste maand"
    )


class BetalingVastleggen(ApiModel):
    maand: Maand
    post: Post
    bedrag_cent: Eurocent
    betaaldatum: dt.date


class BetaalmachtigingVastleggen(ApiModel):
    machtigingsdatum: dt.date


class BetaalmachtigingWeigeren(ApiModel):
    weigeringsdatum: dt.date


class TeBetalenPostenVastleggen(ApiModel):
    posten: list[Post] = Field(description="De posten die de gemeente rechtstreeks betaalt")
    afwijkingsreden: str | None = Field(
        None,
        max_length=1000,
        description="Verplicht als de keuze afwijkt van de gebruikelijke posten",
    )


class VrijwilligVoortzetten(ApiModel):
    instemming_gegeven: StrictBool = Field(description="De inburgeraar stemt in (art. 57 Pw)")
    instemmingsdatum: dt.date
    einddatum: dt.date | None = Field(None, description="Leeg: voor onbepaalde tijd")


class BudgetbeheerStarten(ApiModel):
    startdatum: dt.date


class BudgetcoachinggesprekVastleggen(ApiModel):
    gespreksdatum: dt.date


class AfbouwStarten(ApiModel):
    startdatum: dt.date
    posten: list[Post] = Field(min_length=1, description="Posten die de inburgeraar zelf betaalt")


class ZelfredzaamheidVaststellen(ApiModel):
    vaststellingsdatum: dt.date


class OntzorgingBeeindigen(ApiModel):
    einddatum: dt.date
    reden: RedenBeeindiging
    toelichting: str | None = Field(None, max_length=1000)


# --- Responses ----------------------------------------------------------------------------


class VasteLastRegistratieResponse(ApiModel):
    crediteur: str
    iban: str
    bedrag_per_maand_cent: int
    ingangsmaand: str


class VasteLastResponse(ApiModel):
    post: Post
    zelf_betaald: bool = Field(description="Betaalt de inburgeraar deze post zelf (afbouw)")
    registraties: list[VasteLastRegistratieResponse]


class BetalingResponse(ApiModel):
    maand: str
    post: Post
    bedrag_cent: int
    betaaldatum: dt.date


class AfbouwResponse(ApiModel):
    startdatum: dt.date
    posten: list[Post]


class VrijwilligResponse(ApiModel):
    instemmingsdatum: dt.date
    ingangsdatum: dt.date
    einddatum: dt.date | None


class BeeindigingResponse(ApiModel):
    einddatum: dt.date
    reden: str = Field(
        description="Een RedenBeeindiging, of herroepen_na_bezwaar (bezwaar gegrond verklaard)"
    )
    toelichting: str | None


class BekendmakingResponse(ApiModel):
    dagtekening: dt.date
    verzonden_op: dt.date
    bezwaartermijn_einde: dt.date = Field(description="Laatste dag om bezwaar te maken")


class BezwaarResponse(ApiModel):
    ontvangen_op: dt.date
    ter_post_op: dt.date | None
    tijdig: bool
    beslistermijn_einde: dt.date = Field(description="Laatste dag om op het bezwaar te beslissen")
    beslissing: Beslissing | None
    beslist_op: dt.date | None


class VerzendingIn(ApiModel):
    verzenddatum: dt.date = Field(description="Bekendmaking; de bezwaartermijn begint de dag erna")


class BezwaarIn(ApiModel):
    ontvangen_op: dt.date
    ter_post_op: dt.date | None = Field(None, description="Poststempel (art. 6:9 lid 2 Awb)")
    verschoonbaar_toelichting: str | None = Field(
        None, max_length=4000, description="Waarom een te laat bezwaar verschoonbaar is"
    )


class BeslissingIn(ApiModel):
    datum: dt.date
    beslissing: Beslissing


class OntzorgingResponse(ApiModel):
    id: UUID
    versie: int
    gemeente: str
    inburgeraar_id: UUID
    pip_id: UUID | None
    doelgroep: Doelgroep
    status: str
    beschikkingsdatum: dt.date
    startdatum_bijstand: dt.date
    einde_ontzorgingsperiode: dt.date = Field(
        description="Startdatum bijstand + 6 kalendermaanden; vanaf deze dag budgetbeheer"
    )
    ontzorgingsmaanden: list[str]
    resterende_ontzorgingsmaanden: list[str] = Field(
        description="De maanden van de zes die de beschikking nog bereikt"
    )
    betaalmachtiging_gegeven: bool
    betaalmachtigingsdatum: dt.date | None
    betaalmachtiging_geweigerd_op: dt.date | None
    vaste_lasten: list[VasteLastResponse]
    gebruikelijke_posten: list[Post] = Field(description="Aanbeveling, geen voorwaarde")
    te_betalen_posten: list[Post] | None = Field(
        description="De keuze van de gemeente; leeg zolang zij niet koos"
    )
    afwijkingsreden: str | None
    ontbrekende_vaste_lasten: list[Post] = Field(
        description="Gekozen (of, zonder keuze, gebruikelijke) posten nog niet vastgelegd"
    )
    betalingen: list[BetalingResponse]
    budgetbeheer_startdatum: dt.date | None
    budgetcoachinggesprekken: list[dt.date]
    afbouw: list[AfbouwResponse]
    financieel_zelfredzaam_datum: dt.date | None
    vrijwillige_voortzetting: VrijwilligResponse | None
    beeindiging: BeeindigingResponse | None
    bekendmaking: BekendmakingResponse | None = Field(
        None, description="Verzending van de beschikking en de bezwaartermijn"
    )
    bezwaren: list[BezwaarResponse] = Field(default_factory=list)


# --- Routes -------------------------------------------------------------------------------


def _app(request: Request) -> OntzorgingApplication:
    application: OntzorgingApplication = request.app.state.application
    return application


def _antwoord(overzicht: OntzorgingOverzicht, response: Response) -> OntzorgingResponse:
    noteer_betrokkene(overzicht.inburgeraar_id, overzicht.gemeente)
    response.headers.update(etag(overzicht.versie))
    return OntzorgingResponse.model_validate(overzicht, from_attributes=True)


@router.post(
    "/ontzorgingen",
    status_code=201,
    summary="Ontzorging starten (beschikking)",
    dependencies=[_verwerkt("start-ontzorging")],
)
def start_ontzorging(
    body: OntzorgingStarten, request: Request, response: Response, principal: Behandelaar
) -> OntzorgingResponse:
    gemeenten = sorted(principal.gemeenten)
    principal.check_gemeente(body.gemeente)
    overzicht = _app(request).start_ontzorging(
        gemeente=body.gemeente,
        inburgeraar_id=body.inburgeraar_id,
        pip_id=body.pip_id,
        doelgroep=body.doelgroep,
        ontvangt_bijstand=body.ontvangt_bijstand,
        verblijfsvergunning_asiel_bepaalde_tijd=body.verblijfsvergunning_asiel_bepaalde_tijd,
        beschikkingsdatum=body.beschikkingsdatum,
        startdatum_bijstand=body.startdatum_bijstand,
        betaalmachtiging_gegeven=body.betaalmachtiging_gegeven,
        gemeenten=gemeenten,
    )
    response.headers["Location"] = f"{API_PREFIX}/ontzorgingen/{overzicht.id}"
    return _antwoord(overzicht, response)


@router.get(
    "/ontzorgingen",
    summary="Ontzorgingen van een inburgeraar",
    dependencies=[_verwerkt("zoek-ontzorgingen")],
)
def zoek_ontzorgingen(
    inburgeraar_id: Annotated[UUID, Query(alias="inburgeraarId")],
    request: Request,
    principal: Behandelaar,
) -> list[OntzorgingResponse]:
    gemeenten = sorted(principal.gemeenten)
    return [
        OntzorgingResponse.model_validate(o, from_attributes=True)
        for o in _app(request).ontzorgingen_van(inburgeraar_id, gemeenten)
    ]


@router.get(
    "/ontzorgingen/{ontzorging_id}",
    summary="Ontzorging ophalen",
    dependencies=[_verwerkt("haal-ontzorging")],
)
def haal_ontzorging(
    ontzorging_id: UUID, request: Request, response: Response, principal: Behandelaar
) -> OntzorgingResponse:
    overzicht = _app(request).ontzorging(ontzorging_id, sorted(principal.gemeenten))
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/betaalmachtiging",
    summary="Betaalmachtiging vastleggen",
    dependencies=[_verwerkt("geef-betaalmachtiging")],
)
def geef_betaalmachtiging(
    ontzorging_id: UUID,
    body: BetaalmachtigingVastleggen,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).geef_betaalmachtiging(
        ontzorging_id,
        body.machtigingsdatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/betaalmachtiging-weigering",
    summary="Weigering betaalmachtiging vastleggen",
    dependencies=[_verwerkt("weiger-betaalmachtiging")],
)
def weiger_betaalmachtiging(
    ontzorging_id: UUID,
    body: BetaalmachtigingWeigeren,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).weiger_betaalmachtiging(
        ontzorging_id,
        body.weigeringsdatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.put(
    "/ontzorgingen/{ontzorging_id}/te-betalen-posten",
    summary="Te betalen posten vastleggen (maatwerk)",
    dependencies=[_verwerkt("leg-te-betalen-posten-vast")],
)
def leg_te_betalen_posten_vast(
    ontzorging_id: UUID,
    body: TeBetalenPostenVastleggen,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).leg_te_betalen_posten_vast(
        ontzorging_id,
        body.posten,
        body.afwijkingsreden,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/vrijwillige-voortzetting",
    summary="Ontzorging vrijwillig voortzetten (art. 57 Pw)",
    dependencies=[_verwerkt("zet-vrijwillig-voort")],
)
def zet_vrijwillig_voort(
    ontzorging_id: UUID,
    body: VrijwilligVoortzetten,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).zet_vrijwillig_voort(
        ontzorging_id,
        instemming_gegeven=body.instemming_gegeven,
        instemmingsdatum=body.instemmingsdatum,
        einddatum=body.einddatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.put(
    "/ontzorgingen/{ontzorging_id}/vaste-lasten/{post}",
    summary="Vaste last vastleggen",
    dependencies=[_verwerkt("leg-vaste-last-vast")],
)
def leg_vaste_last_vast(
    ontzorging_id: UUID,
    post: PostInPad,
    body: VasteLastVastleggen,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).leg_vaste_last_vast(
        ontzorging_id,
        post.post(),
        crediteur=body.crediteur,
        iban=body.iban,
        bedrag_per_maand_cent=body.bedrag_per_maand_cent,
        ingangsmaand=body.ingangsmaand,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/betalingen",
    summary="Betaling vaste last vastleggen",
    dependencies=[_verwerkt("betaal-vaste-last")],
)
def betaal_vaste_last(
    ontzorging_id: UUID,
    body: BetalingVastleggen,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).betaal_vaste_last(
        ontzorging_id,
        maand=body.maand,
        post=body.post,
        bedrag_cent=body.bedrag_cent,
        betaaldatum=body.betaaldatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/budgetbeheer",
    summary="Budgetbeheer starten",
    dependencies=[_verwerkt("start-budgetbeheer")],
)
def start_budgetbeheer(
    ontzorging_id: UUID,
    body: BudgetbeheerStarten,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).start_budgetbeheer(
        ontzorging_id,
        body.startdatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/budgetcoachinggesprekken",
    summary="Budgetcoachinggesprek vastleggen",
    dependencies=[_verwerkt("voer-budgetcoachinggesprek")],
)
def voer_budgetcoachinggesprek(
    ontzorging_id: UUID,
    body: BudgetcoachinggesprekVastleggen,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).voer_budgetcoachinggesprek(
        ontzorging_id,
        body.gespreksdatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/afbouw",
    summary="Afbouw starten",
    dependencies=[_verwerkt("start-afbouw")],
)
def start_afbouw(
    ontzorging_id: UUID,
    body: AfbouwStarten,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).start_afbouw(
        ontzorging_id,
        body.startdatum,
        body.posten,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/financiele-zelfredzaamheid",
    summary="Financiële zelfredzaamheid vaststellen",
    dependencies=[_verwerkt("stel-financieel-zelfredzaam-vast")],
)
def stel_financieel_zelfredzaam_vast(
    ontzorging_id: UUID,
    body: ZelfredzaamheidVaststellen,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).stel_financieel_zelfredzaam_vast(
        ontzorging_id,
        body.vaststellingsdatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/beeindiging",
    summary="Ontzorging beëindigen",
    dependencies=[_verwerkt("beeindig-ontzorging")],
)
def beeindig_ontzorging(
    ontzorging_id: UUID,
    body: OntzorgingBeeindigen,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).beeindig(
        ontzorging_id,
        einddatum=body.einddatum,
        reden=body.reden,
        toelichting=body.toelichting,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


# --- The beschikking: bekendmaking and bezwaar (Awb) ----------------------------------------


@router.post(
    "/ontzorgingen/{ontzorging_id}/verzending",
    status_code=201,
    summary="Leg vast wanneer de beschikking is verzonden; de bezwaartermijn begint de dag erna",
    dependencies=[_verwerkt("verzend-beschikking")],
)
def verzend_beschikking(
    ontzorging_id: UUID,
    body: VerzendingIn,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).verzend(
        ontzorging_id,
        verzenddatum=body.verzenddatum,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/bezwaar",
    status_code=201,
    summary="Leg een bezwaar tegen de ontzorgingsbeschikking vast",
    dependencies=[_verwerkt("bezwaar-ontzorging")],
)
def dien_bezwaar_in(
    ontzorging_id: UUID,
    body: BezwaarIn,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).dien_bezwaar_in(
        ontzorging_id,
        **body.model_dump(),
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)


@router.post(
    "/ontzorgingen/{ontzorging_id}/bezwaar/beslissing",
    status_code=201,
    summary="Beslis op het bezwaar; gegrond herroept de ontzorging",
    dependencies=[_verwerkt("bezwaar-ontzorging")],
)
def beslis_op_bezwaar(
    ontzorging_id: UUID,
    body: BeslissingIn,
    request: Request,
    response: Response,
    principal: Behandelaar,
    versie: ExpectedVersion,
) -> OntzorgingResponse:
    overzicht = _app(request).beslis_op_bezwaar(
        ontzorging_id,
        datum=body.datum,
        beslissing=body.beslissing,
        gemeenten=sorted(principal.gemeenten),
        verwachte_versie=versie,
    )
    return _antwoord(overzicht, response)
