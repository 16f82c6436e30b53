"""HTTP routes of the intake service: translate, dispatch, nothing more."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import AfterValidator, Field, model_validator

from services.intake.application import IntakeApplication
from services.intake.domainmodel import (
    Adres,
    COAProfiel,
    Doelgroep,
    Gevolg,
    Hoofddoel,
    HoofddoelKeuze,
    Huisgenoot,
    Leefgebied,
    LeefgebiedBevinding,
    Leerbaarheidstoets,
    Leerroute,
    LeerrouteAdvies,
    Opleiding,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    Relatie,
    ToetsResultaat,
    Toetsuitslag,
    ToetsVrijstelling,
    VrijstellingReden,
    Werkervaring,
)
from shared.api import API_PREFIX, ApiModel, Behandelaar, ExpectedVersion, Gemeentecode, etag
from shared.bsn import is_geldig_bsn

router = APIRouter(tags=["Inburgeraars en brede intake"])

Tekst = Annotated[str, Field(min_length=1, max_length=4000)]
KorteTekst = Annotated[str, Field(min_length=1, max_length=200)]


def _geldig_bsn(value: str) -> str:
    if not is_geldig_bsn(value):
        raise ValueError("BSN voldoet niet aan de 11-proef (9 cijfers)")
    return value


Bsn = Annotated[
    str, AfterValidator(_geldig_bsn), Field(description="Burgerservicenummer (11-proef)")
]
Score = Annotated[str, Field(pattern=r"^\d{1,3},\d{2}$", examples=["62,50"])]


def _application(request: Request) -> IntakeApplication:
    application: IntakeApplication = request.app.state.application
    return application


App = Annotated[IntakeApplication, Depends(_application)]


# --- request bodies ---


class AdresIn(ApiModel):
    straat: KorteTekst
    huisnummer: int = Field(ge=1, le=99999)
    huisnummertoevoeging: str | None = Field(None, max_length=10)
    postcode: str = Field(pattern=r"^[1-9][0-9]{3}[A-Z]{2}$", examples=["7001AB"])
    woonplaats: KorteTekst


class InburgeraarRegistratie(ApiModel):
    gemeente: Gemeentecode
    doelgroep: Doelgroep
    bsn: Bsn
    naam: KorteTekst
    geboortedatum: dt.date
    adres: AdresIn | None = None
    datum_start_inburgeringsplicht: dt.date = Field(
        description="Start van de inburgeringsplicht (DUO-melding); start de 10-weken-termijn"
    )
    vestigingsdatum: dt.date | None = Field(None, description="Vestiging in de gemeente")


class Zoekvraag(ApiModel):
    bsn: Bsn


class VestigingIn(ApiModel):
    vestigingsdatum: dt.date


class HuisgenootIn(ApiModel):
    relatie: Relatie
    geboortedatum: dt.date


class COAProfielIn(ApiModel):
    huishouden: list[HuisgenootIn] = Field(default_factory=list, max_length=30)
    herkomstland: KorteTekst
    talen: list[KorteTekst] = Field(default_factory=list, max_length=20)
    opleiding: Tekst | None = None
    werkervaring: Tekst | None = None
    zichtbare_beperkingen: Tekst | None = None


class IntakegesprekIn(ApiModel):
    gespreksdatum: dt.date
    klantregisseur: KorteTekst


class ToetsuitslagIn(ApiModel):
    resultaat: ToetsResultaat
    behaalde_score: Score
    benodigde_score: Score
    datum_afname: dt.date


class ToetsVrijstellingIn(ApiModel):
    reden: VrijstellingReden
    toelichting: Tekst


class LeerbaarheidstoetsIn(ApiModel):
    """Either the result (as DUO reports it) or an exemption, never both."""

    uitslag: ToetsuitslagIn | None = None
    vrijstelling: ToetsVrijstellingIn | None = None

    @model_validator(mode="after")
    def _een_van_beide(self) -> LeerbaarheidstoetsIn:
        if (self.uitslag is None) == (self.vrijstelling is None):
            raise ValueError("geef een uitslag of een vrijstelling, niet beide")
        return self


class OpleidingIn(ApiModel):
    omschrijving: KorteTekst
    diploma: bool
    land: KorteTekst | None = None
    jaren: int | None = Field(None, ge=0, le=40)


class WerkervaringIn(ApiModel):
    functie: KorteTekst
    land: KorteTekst | None = None
    jaren: int | None = Field(None, ge=0, le=60)


class OpleidingEnWerkervaringIn(ApiModel):
    opleidingen: list[OpleidingIn] = Field(max_length=30)
    werkervaring: list[WerkervaringIn] = Field(max_length=30)
    toelichting: Tekst | None = None


class PersoonlijkeOmstandighedenIn(ApiModel):
    fysieke_gezondheid: Tekst
    mentale_gezondheid: Tekst
    geboortedata_kinderen: list[dt.date] = Field(default_factory=list, max_length=20)
    overige: Tekst | None = None


class LeefgebiedIn(ApiModel):
    bevindingen: Tekst
    ondersteuningsbehoefte: Tekst | None = None


class HoofddoelIn(ApiModel):
    hoofddoel: Hoofddoel
    toelichting: Tekst | None = None


class LeerrouteAdviesIn(ApiModel):
    leerroute: Leerroute
    motivatie: Tekst | None = Field(
        None, description="Verplicht als het advies afwijkt van de leerbaarheidstoets"
    )


class VVEInformatieIn(ApiModel):
    datum_geinformeerd: dt.date


class NietVerschenenIn(ApiModel):
    datum: dt.date = Field(description="Datum van de gemiste afspraak")
    nieuwe_uitnodiging: dt.date | None = Field(
        None, description="Datum van de nieuwe afspraak; verplicht de eerste keer"
    )


class AfrondingIn(ApiModel):
    afrondingsdatum: dt.date


class LeefgebiedPad(StrEnum):
    TAAL = "taal"
    FINANCIEN = "financien"
    HUISVESTING = "huisvesting"
    GEZIN_EN_KINDEROPVANG = "gezin-en-kinderopvang"
    SOCIAAL_NETWERK = "sociaal-netwerk"
    MOTIVATIE_EN_AMBITIE = "motivatie-en-ambitie"


# --- responses ---


class HuisgenootOut(ApiModel):
    relatie: Relatie
    geboortedatum: dt.date


class COAProfielOut(ApiModel):
    huishouden: list[HuisgenootOut]
    herkomstland: str
    talen: list[str]
    opleiding: str | None
    werkervaring: str | None
    zichtbare_beperkingen: str | None


class AdresOut(ApiModel):
    straat: str
    huisnummer: int
    huisnummertoevoeging: str | None
    postcode: str
    woonplaats: str


class IntakegesprekOut(ApiModel):
    volgnummer: int
    gespreksdatum: dt.date
    klantregisseur: str


class LeerbaarheidstoetsOut(ApiModel):
    uitslag: ToetsuitslagIn | None
    vrijstelling: ToetsVrijstellingIn | None


class LeefgebiedOut(ApiModel):
    leefgebied: Leefgebied
    bevindingen: str
    ondersteuningsbehoefte: str | None


class NietVerschenenOut(ApiModel):
    datum: dt.date
    gevolg: Gevolg
    nieuwe_uitnodiging: dt.date | None


class BoeteOut(ApiModel):
    volgnummer: int
    bedrag_euro: int
    datum_niet_verschenen: dt.date


class InburgeraarOut(ApiModel):
    id: UUID
    versie: int
    gemeente: str
    doelgroep: Doelgroep
    bsn: str
    naam: str
    geboortedatum: dt.date
    adres: AdresOut | None
    datum_start_inburgeringsplicht: dt.date
    uiterste_datum_pip: dt.date = Field(description="Start inburgeringsplicht + 10 weken")
    vestigingsdatum: dt.date | None
    coa_profiel: COAProfielOut | None
    intakegesprekken: list[IntakegesprekOut]
    leerbaarheidstoets: LeerbaarheidstoetsOut | None
    opleiding_en_werkervaring: OpleidingEnWerkervaringIn | None
    persoonlijke_omstandigheden: PersoonlijkeOmstandighedenIn | None
    leefgebieden: list[LeefgebiedOut]
    hoofddoel: HoofddoelIn | None
    leerroute_advies: LeerrouteAdviesIn | None
    vve_geinformeerd_op: dt.date | None
    kinderen_onder_4: bool
    niet_verschenen: list[NietVerschenenOut]
    boetes: list[BoeteOut]
    afgerond: bool
    afrondingsdatum: dt.date | None
    ontbrekend: list[str] = Field(description="Verplichte onderdelen die nog ontbreken")


class ZoekresultaatOut(ApiModel):
    id: UUID
    gemeente: str
    doelgroep: Doelgroep
    naam: str
    geboortedatum: dt.date
    afgerond: bool


class ZoekresultatenOut(ApiModel):
    resultaten: list[ZoekresultaatOut]


def _out(response: Response, state: dict[str, Any]) -> InburgeraarOut:
    response.headers.update(etag(state["versie"]))
    return InburgeraarOut.model_validate(state)


# --- routes ---


@router.post(
    "/inburgeraars",
    status_code=status.HTTP_201_CREATED,
    summary="Registreer een inburgeraar",
)
def registreer_inburgeraar(
    body: InburgeraarRegistratie, principal: Behandelaar, app: App, response: Response
) -> InburgeraarOut:
    principal.check_gemeente(body.gemeente)
    state = app.registreer_inburgeraar(
        gemeente=body.gemeente,
        doelgroep=body.doelgroep,
        bsn=body.bsn,
        naam=body.naam,
        geboortedatum=body.geboortedatum,
        adres=Adres(**body.adres.model_dump()) if body.adres else None,
        datum_start_inburgeringsplicht=body.datum_start_inburgeringsplicht,
        vestigingsdatum=body.vestigingsdatum,
        gemeenten=principal.gemeenten,
    )
    response.headers["Location"] = f"{API_PREFIX}/inburgeraars/{state['id']}"
    return _out(response, state)


@router.get("/inburgeraars/{inburgeraar_id}", summary="Een inburgeraar en de stand van de intake")
def inburgeraar(
    inburgeraar_id: UUID, principal: Behandelaar, app: App, response: Response
) -> InburgeraarOut:
    return _out(response, app.inburgeraar(inburgeraar_id, gemeenten=principal.gemeenten))


@router.post("/inburgeraar-zoekvragen", summary="Zoek inburgeraars op BSN in je gemeenten")
def zoek_inburgeraar(body: Zoekvraag, principal: Behandelaar, app: App) -> ZoekresultatenOut:
    gevonden = app.zoek_op_bsn(body.bsn, gemeenten=principal.gemeenten)
    return ZoekresultatenOut(
        resultaten=[
            ZoekresultaatOut.model_validate({k: g[k] for k in ZoekresultaatOut.model_fields})
            for g in gevonden
        ]
    )


@router.put("/inburgeraars/{inburgeraar_id}/vestiging", summary="Leg de vestigingsdatum vast")
def leg_vestiging_vast(
    inburgeraar_id: UUID,
    body: VestigingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.leg_vestigingsdatum_vast(
        inburgeraar_id,
        body.vestigingsdatum,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state)


@router.post(
    "/inburgeraars/{inburgeraar_id}/coa-profiel",
    status_code=status.HTTP_201_CREATED,
    summary="Ontvang het overdrachtsprofiel van het COA (asielstatushouders)",
)
def ontvang_coa_profiel(
    inburgeraar_id: UUID,
    body: COAProfielIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    profiel = COAProfiel(
        huishouden=[Huisgenoot(h.relatie, h.geboortedatum) for h in body.huishouden],
        herkomstland=body.herkomstland,
        talen=list(body.talen),
        opleiding=body.opleiding,
        werkervaring=body.werkervaring,
        zichtbare_beperkingen=body.zichtbare_beperkingen,
    )
    state = app.ontvang_coa_profiel(
        inburgeraar_id, profiel, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state)


@router.post(
    "/inburgeraars/{inburgeraar_id}/intakegesprekken",
    status_code=status.HTTP_201_CREATED,
    summary="Leg een gevoerd intakegesprek vast",
)
def voer_intakegesprek(
    inburgeraar_id: UUID,
    body: IntakegesprekIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.voer_intakegesprek(
        inburgeraar_id,
        body.gespreksdatum,
        body.klantregisseur,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state)


BREDE_INTAKE = "/inburgeraars/{inburgeraar_id}/brede-intake"


@router.put(f"{BREDE_INTAKE}/leerbaarheidstoets", summary="Leg de leerbaarheidstoets vast")
def leg_leerbaarheidstoets_vast(
    inburgeraar_id: UUID,
    body: LeerbaarheidstoetsIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    toets = Leerbaarheidstoets(
        uitslag=Toetsuitslag(**body.uitslag.model_dump()) if body.uitslag else None,
        vrijstelling=ToetsVrijstelling(**body.vrijstelling.model_dump())
        if body.vrijstelling
        else None,
    )
    state = app.leg_leerbaarheidstoets_vast(
        inburgeraar_id, toets, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state)


@router.put(
    f"{BREDE_INTAKE}/opleiding-en-werkervaring", summary="Leg opleiding en werkervaring vast"
)
def leg_opleiding_en_werkervaring_vast(
    inburgeraar_id: UUID,
    body: OpleidingEnWerkervaringIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    gegevens = OpleidingEnWerkervaring(
        opleidingen=[Opleiding(**o.model_dump()) for o in body.opleidingen],
        werkervaring=[Werkervaring(**w.model_dump()) for w in body.werkervaring],
        toelichting=body.toelichting,
    )
    state = app.leg_opleiding_en_werkervaring_vast(
        inburgeraar_id, gegevens, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state)


@router.put(
    f"{BREDE_INTAKE}/persoonlijke-omstandigheden",
    summary="Leg persoonlijke omstandigheden vast, inclusief fysieke en mentale gezondheid",
)
def leg_persoonlijke_omstandigheden_vast(
    inburgeraar_id: UUID,
    body: PersoonlijkeOmstandighedenIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    gegevens = PersoonlijkeOmstandigheden(
        fysieke_gezondheid=body.fysieke_gezondheid,
        mentale_gezondheid=body.mentale_gezondheid,
        geboortedata_kinderen=list(body.geboortedata_kinderen),
        overige=body.overige,
    )
    state = app.leg_persoonlijke_omstandigheden_vast(
        inburgeraar_id, gegevens, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state)


@router.put(f"{BREDE_INTAKE}/leefgebieden/{{leefgebied}}", summary="Leg een leefgebied vast")
def leg_leefgebied_vast(
    inburgeraar_id: UUID,
    leefgebied: LeefgebiedPad,
    body: LeefgebiedIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    bevinding = LeefgebiedBevinding(
        Leefgebied(leefgebied.value.replace("-", "_")),
        body.bevindingen,
        body.ondersteuningsbehoefte,
    )
    state = app.leg_leefgebied_vast(
        inburgeraar_id, bevinding, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state)


@router.put(f"{BREDE_INTAKE}/hoofddoel", summary="Leg het hoofddoel vast")
def leg_hoofddoel_vast(
    inburgeraar_id: UUID,
    body: HoofddoelIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.leg_hoofddoel_vast(
        inburgeraar_id,
        HoofddoelKeuze(body.hoofddoel, body.toelichting),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state)


@router.put(f"{BREDE_INTAKE}/leerroute-advies", summary="Adviseer een leerroute")
def adviseer_leerroute(
    inburgeraar_id: UUID,
    body: LeerrouteAdviesIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.adviseer_leerroute(
        inburgeraar_id,
        LeerrouteAdvies(body.leerroute, body.motivatie),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state)


@router.put(
    f"{BREDE_INTAKE}/vve-informatie",
    summary="Leg vast dat de ouder is geïnformeerd over voor- en vroegschoolse educatie",
)
def geef_vve_informatie(
    inburgeraar_id: UUID,
    body: VVEInformatieIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.geef_vve_informatie(
        inburgeraar_id,
        body.datum_geinformeerd,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state)


@router.post(
    f"{BREDE_INTAKE}/afronding",
    status_code=status.HTTP_201_CREATED,
    summary="Rond de brede intake af (alleen als alle verplichte onderdelen er zijn)",
)
def rond_intake_af(
    inburgeraar_id: UUID,
    body: AfrondingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.rond_intake_af(
        inburgeraar_id,
        body.afrondingsdatum,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state)


@router.post(
    "/inburgeraars/{inburgeraar_id}/niet-verschenen",
    status_code=status.HTTP_201_CREATED,
    summary="Leg vast dat de inburgeraar niet verscheen (waarschuwing, daarna boete)",
)
def registreer_niet_verschenen(
    inburgeraar_id: UUID,
    body: NietVerschenenIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    _, state = app.registreer_niet_verschenen(
        inburgeraar_id,
        body.datum,
        body.nieuwe_uitnodiging,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state)
