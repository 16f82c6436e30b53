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
    Hoofddoel,
    HoofddoelKeuze,
    Huisgenoot,
    Leefgebied,
    LeefgebiedBevinding,
    Leerbaarheidstoets,
    LeerrouteAdvies,
    Opleiding,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    Relatie,
    Toetsuitslag,
    ToetsVrijstelling,
    VrijstellingReden,
    Werkervaring,
)
from services.intake.rules import (
    Aanleiding,
    AfwijzingReden,
    ContactpersoonRol,
    Doelgroep,
    Gevolg,
    Leerroute,
    PipVerplichting,
    RedenIntrekking,
    TijdelijkeVrijstellingReden,
    ToetsResultaat,
    Verwijtbaarheid,
    VoorstelStatus,
)
from shared.api import API_PREFIX, ApiModel, Behandelaar, ExpectedVersion, Gemeentecode, etag
from shared.auth import Principal, Rol
from shared.awb import Beslissing
from shared.bsn import is_geldig_bsn
from shared.domain import VERWIJDERD
from shared.logboek import activiteiten, noteer_betrokkene, verwerking

router = APIRouter(tags=["Inburgeraars en brede intake"])

# Register of processing activities (Logboek Dataverwerkingen): every route that touches a
# person's data declares one of these.
VERWERKINGEN = activiteiten(
    "intake",
    "art. 14 Wi2021 (brede intake); art. 6 lid 1 sub e AVG",
    {
        "registreer-inburgeraar": "Registreer een inburgeraar",
        "inburgeraar": "Een inburgeraar en de stand van de intake",
        "zoek-inburgeraar": "Zoek inburgeraars op BSN in je gemeenten",
        "leg-vestiging-vast": "Leg de vestigingsdatum vast",
        "ontvang-coa-profiel": "Ontvang het overdrachtsprofiel van het COA (asielstatushouders)",
        "voer-intakegesprek": "Leg een gevoerd intakegesprek vast",
        "leg-leerbaarheidstoets-vast": "Leg de leerbaarheidstoets vast",
        "leg-opleiding-en-werkervaring-vast": "Leg opleiding en werkervaring vast",
        "leg-persoonlijke-omstandigheden-vast": "Leg persoonlijke omstandigheden vast",
        "leg-leefgebied-vast": "Leg een leefgebied vast",
        "leg-hoofddoel-vast": "Leg het hoofddoel vast",
        "registreer-participatieuren": "Leg participatie-uren tijdens de brede intake vast",
        "adviseer-leerroute": "Adviseer een leerroute",
        "geef-vve-informatie": "Leg vast dat de ouder is geïnformeerd over VVE",
        "rond-intake-af": "Rond de brede intake af",
        "registreer-niet-verschenen": "Leg vast dat de inburgeraar niet verscheen",
        "handhaaf": "Boetevoorstel, zienswijze, boetebeschikking en bezwaar (art. 29 Wi2021)",
        "vergeet-persoon": "Vergeet de persoonsgegevens van een inburgeraar (sleutel vernietigen)",
        "wijs-contactpersoon-toe": "Wijs de contactpersoon bij de gemeente of de aanbieder toe",
        "trek-plicht-in": "Leg vast dat de inburgeringsplicht is ingetrokken (SS110)",
        "registreer-overlijden": "Leg het overlijden van de inburgeraar vast (SS111)",
        "verleen-tijdelijke-vrijstelling": "Leg een tijdelijke vrijstelling vast (SS109)",
        "beeindig-tijdelijke-vrijstelling": "Leg het einde van een tijdelijke vrijstelling vast",
        "wijzig-doelgroep": "Leg een wijziging van de doelgroep vast (SS124/SS125)",
        "leg-vorige-gemeente-vast": "Leg vast uit welke gemeente de inburgeraar verhuisde",
    },
    leg_persoonlijke_omstandigheden_vast="art. 14 Wi2021; art. 9 lid 2 sub g AVG jo. "
    "art. 30 UAVG (gezondheid)",
)


def _verwerkt(code: str) -> Any:
    return verwerking(VERWERKINGEN[code])


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
        description="Start van de inburgeringsplicht (DUO: begindatum)"
    )
    datum_kennisgeving: dt.date = Field(
        description="DUO's kennisgeving van de inburgeringsplicht "
        "(datumKennisgevingInburgeringsplicht); de tien weken voor het PIP lopen vanaf deze "
        "datum of vanaf de inschrijving in de BRP als die later is (art. 5.3 Besluit)"
    )
    vestigingsdatum: dt.date | None = Field(
        None, description="Inschrijving in de BRP van de gemeente (vestiging)"
    )
    op_verzoek: bool = Field(
        False,
        description="Op eigen verzoek inburgeringsplichtig voor 18 jaar (16 of 17; art. 3 Wi2021)",
    )


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


class ParticipatieurenIn(ApiModel):
    uren: int = Field(gt=0, description="Uren participatie tijdens de brede intake")
    peildatum: dt.date = Field(description="Gevolgd tot en met deze datum")


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
    voorgesteld_bedrag_euro: int | None = Field(
        None,
        description="Voorgestelde boete als er een boetevoorstel volgt (vanaf de tweede keer); "
        "standaard het bedrag uit het gemeentelijk beleid",
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


class PersoonlijkeOmstandighedenOut(ApiModel):
    fysieke_gezondheid: str | None = Field(
        description="Gezondheidsgegeven (art. 9 AVG): alleen voor de klantregisseur, anders null"
    )
    mentale_gezondheid: str | None = Field(
        description="Gezondheidsgegeven (art. 9 AVG): alleen voor de klantregisseur, anders null"
    )
    geboortedata_kinderen: list[dt.date]
    overige: str | None


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


class BekendmakingOut(ApiModel):
    dagtekening: dt.date
    verzonden_op: dt.date
    bezwaartermijn_einde: dt.date = Field(description="Laatste dag om bezwaar te maken")


class BezwaarOut(ApiModel):
    ontvangen_op: dt.date
    ter_post_op: dt.date | None
    tijdig: bool
    beslistermijn_einde: dt.date = Field(description="Laatste dag om op het bezwaar te beslissen")
    beslissing: Beslissing | None
    beslist_op: dt.date | None


class BoetevoorstelOut(ApiModel):
    volgnummer: int
    aanleiding: Aanleiding
    datum_overtreding: dt.date
    pip_id: UUID | None
    verplichting: PipVerplichting | None
    voorgesteld_bedrag_euro: int
    maximum_bedrag_euro: int
    datum_voorstel: dt.date
    zienswijze_verplicht: bool
    status: VoorstelStatus
    zienswijze_gevraagd_op: dt.date | None
    reactie_uiterlijk: dt.date | None
    zienswijze_ontvangen_op: dt.date | None
    zienswijze_afgezien_op: dt.date | None
    bedrag_euro: int | None
    verwijtbaarheid: Verwijtbaarheid | None
    boete: int | None
    bekendmaking: BekendmakingOut | None
    afgewezen_op: dt.date | None
    afwijzing_reden: AfwijzingReden | None
    bezwaren: list[BezwaarOut]
    herroepen_op: dt.date | None


class ContactpersoonIn(ApiModel):
    naam: KorteTekst
    medewerker_id: KorteTekst | None = Field(
        None, description="Id van de medewerker (bij de gemeente: de klantregisseur)"
    )
    organisatie: KorteTekst | None = Field(
        None, description="Verplicht bij de aanbieder: de taalaanbieder"
    )
    datum: dt.date


class ContactpersoonOut(ContactpersoonIn):
    rol: ContactpersoonRol


class InburgeraarOut(ApiModel):
    id: UUID
    versie: int
    gemeente: str
    doelgroep: Doelgroep
    bsn: str
    naam: str
    geboortedatum: dt.date | None = Field(description="null once the person is forgotten")
    adres: AdresOut | None
    datum_start_inburgeringsplicht: dt.date
    datum_kennisgeving: dt.date
    uiterste_datum_pip: dt.date = Field(
        description="Tien weken na de kennisgeving, of na de vestiging als die later is"
    )
    vestigingsdatum: dt.date | None
    coa_profiel: COAProfielOut | None
    intakegesprekken: list[IntakegesprekOut]
    leerbaarheidstoets: LeerbaarheidstoetsOut | None
    opleiding_en_werkervaring: OpleidingEnWerkervaringIn | None
    persoonlijke_omstandigheden: PersoonlijkeOmstandighedenOut | None
    leefgebieden: list[LeefgebiedOut]
    hoofddoel: HoofddoelIn | None
    leerroute_advies: LeerrouteAdviesIn | None
    vve_geinformeerd_op: dt.date | None
    kinderen_onder_4: bool
    niet_verschenen: list[NietVerschenenOut]
    boetes: list[BoeteOut]
    boetevoorstellen: list[BoetevoorstelOut] = Field(
        description="Boetevoorstellen en hun afloop: zienswijze, beschikking, bezwaar"
    )
    afgerond: bool
    afrondingsdatum: dt.date | None
    vergeten_op: dt.date | None = Field(
        None,
        description="Set once the person's data is forgotten (art. 17 AVG): their personal "
        f"fields then read '{VERWIJDERD}' or null",
    )
    ontbrekend: list[str] = Field(description="Verplichte onderdelen die nog ontbreken")
    aanbevelingen: list[str] = Field(
        description="Aanbevolen onderdelen zonder wettelijke eis voor de afronding (hoofddoel)"
    )
    participatieuren: int = Field(
        description="Participatie-uren tijdens de brede intake (tellen voor de Z-route)"
    )
    beeindigd: str | None = Field(
        None, description="Waarom het dossier hier sloot: ingetrokken, overleden, verhuisd"
    )
    beeindigd_op: dt.date | None = None
    tijdelijk_vrijgesteld_sinds: dt.date | None = None
    tijdelijke_vrijstelling_reden: TijdelijkeVrijstellingReden | None = None
    vorige_gemeente: str | None = None
    verhuisd_naar: str | None = None
    contactpersonen: list[ContactpersoonOut] = Field(
        default_factory=list, description="De contactpersoon bij de gemeente en bij de aanbieder"
    )


class ZoekresultaatOut(ApiModel):
    id: UUID
    gemeente: str
    doelgroep: Doelgroep
    naam: str
    geboortedatum: dt.date
    afgerond: bool


class ZoekresultatenOut(ApiModel):
    resultaten: list[ZoekresultaatOut]


# Health data (art. 9 AVG: fysieke en mentale gezondheid, zichtbare beperkingen) is for the
# klantregisseur, who conducts the brede intake and draws up the PIP with it. A teamleider
# gets the case without it: supervising caseloads and deadlines needs no diagnosis.
GEZONDHEID_ROLLEN = frozenset({Rol.KLANTREGISSEUR})


def zonder_gezondheid(state: dict[str, Any]) -> dict[str, Any]:
    """The case without its health fields (they come back as null)."""
    state = dict(state)
    if omstandigheden := state.get("persoonlijke_omstandigheden"):
        state["persoonlijke_omstandigheden"] = {
            **omstandigheden,
            "fysieke_gezondheid": None,
            "mentale_gezondheid": None,
        }
    if profiel := state.get("coa_profiel"):
        state["coa_profiel"] = {**profiel, "zichtbare_beperkingen": None}
    return state


def _out(response: Response, state: dict[str, Any], principal: Principal) -> InburgeraarOut:
    noteer_betrokkene(state["id"], state["gemeente"])
    if principal.rol not in GEZONDHEID_ROLLEN:
        state = zonder_gezondheid(state)
    response.headers.update(etag(state["versie"]))
    return InburgeraarOut.model_validate(state)


# --- routes ---


@router.post(
    "/inburgeraars",
    status_code=status.HTTP_201_CREATED,
    summary="Registreer een inburgeraar",
    dependencies=[_verwerkt("registreer-inburgeraar")],
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
        datum_kennisgeving=body.datum_kennisgeving,
        op_verzoek=body.op_verzoek,
    )
    response.headers["Location"] = f"{API_PREFIX}/inburgeraars/{state['id']}"
    return _out(response, state, principal)


@router.get(
    "/inburgeraars/{inburgeraar_id}",
    summary="Een inburgeraar en de stand van de intake",
    dependencies=[_verwerkt("inburgeraar")],
)
def inburgeraar(
    inburgeraar_id: UUID, principal: Behandelaar, app: App, response: Response
) -> InburgeraarOut:
    state = app.inburgeraar(inburgeraar_id, gemeenten=principal.gemeenten)
    return _out(response, state, principal)


@router.post(
    "/inburgeraar-zoekvragen",
    summary="Zoek inburgeraars op BSN in je gemeenten",
    dependencies=[_verwerkt("zoek-inburgeraar")],
)
def zoek_inburgeraar(body: Zoekvraag, principal: Behandelaar, app: App) -> ZoekresultatenOut:
    gevonden = app.zoek_op_bsn(body.bsn, gemeenten=principal.gemeenten)
    for g in gevonden:
        noteer_betrokkene(g["id"], g["gemeente"])
    return ZoekresultatenOut(
        resultaten=[
            ZoekresultaatOut.model_validate({k: g[k] for k in ZoekresultaatOut.model_fields})
            for g in gevonden
        ]
    )


@router.put(
    "/inburgeraars/{inburgeraar_id}/vestiging",
    summary="Leg de vestigingsdatum vast",
    dependencies=[_verwerkt("leg-vestiging-vast")],
)
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
    return _out(response, state, principal)


@router.post(
    "/inburgeraars/{inburgeraar_id}/coa-profiel",
    status_code=status.HTTP_201_CREATED,
    summary="Ontvang het overdrachtsprofiel van het COA (asielstatushouders)",
    dependencies=[_verwerkt("ontvang-coa-profiel")],
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
    return _out(response, state, principal)


@router.post(
    "/inburgeraars/{inburgeraar_id}/intakegesprekken",
    status_code=status.HTTP_201_CREATED,
    summary="Leg een gevoerd intakegesprek vast",
    dependencies=[_verwerkt("voer-intakegesprek")],
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
    return _out(response, state, principal)


BREDE_INTAKE = "/inburgeraars/{inburgeraar_id}/brede-intake"


@router.put(
    f"{BREDE_INTAKE}/leerbaarheidstoets",
    summary="Leg de leerbaarheidstoets vast",
    dependencies=[_verwerkt("leg-leerbaarheidstoets-vast")],
)
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
    return _out(response, state, principal)


@router.put(
    f"{BREDE_INTAKE}/opleiding-en-werkervaring",
    summary="Leg opleiding en werkervaring vast",
    dependencies=[_verwerkt("leg-opleiding-en-werkervaring-vast")],
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
    return _out(response, state, principal)


@router.put(
    f"{BREDE_INTAKE}/persoonlijke-omstandigheden",
    summary="Leg persoonlijke omstandigheden vast, inclusief fysieke en mentale gezondheid",
    dependencies=[_verwerkt("leg-persoonlijke-omstandigheden-vast")],
)
def leg_persoonlijke_omstandigheden_vast(
    inburgeraar_id: UUID,
    body: PersoonlijkeOmstandighedenIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    # Who may not read health data does not write it either (GEZONDHEID_ROLLEN).
    principal.check_rol(*GEZONDHEID_ROLLEN)
    gegevens = PersoonlijkeOmstandigheden(
        fysieke_gezondheid=body.fysieke_gezondheid,
        mentale_gezondheid=body.mentale_gezondheid,
        geboortedata_kinderen=list(body.geboortedata_kinderen),
        overige=body.overige,
    )
    state = app.leg_persoonlijke_omstandigheden_vast(
        inburgeraar_id, gegevens, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state, principal)


@router.put(
    f"{BREDE_INTAKE}/leefgebieden/{{leefgebied}}",
    summary="Leg een leefgebied vast",
    dependencies=[_verwerkt("leg-leefgebied-vast")],
)
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
    return _out(response, state, principal)


@router.put(
    f"{BREDE_INTAKE}/hoofddoel",
    summary="Leg het hoofddoel vast",
    dependencies=[_verwerkt("leg-hoofddoel-vast")],
)
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
    return _out(response, state, principal)


@router.post(
    f"{BREDE_INTAKE}/participatieuren",
    status_code=201,
    summary="Leg participatie-uren tijdens de brede intake vast",
    dependencies=[_verwerkt("registreer-participatieuren")],
)
def registreer_participatieuren(
    inburgeraar_id: UUID,
    body: ParticipatieurenIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.registreer_participatieuren(
        inburgeraar_id,
        body.uren,
        body.peildatum,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.put(
    f"{BREDE_INTAKE}/leerroute-advies",
    summary="Adviseer een leerroute",
    dependencies=[_verwerkt("adviseer-leerroute")],
)
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
    return _out(response, state, principal)


@router.put(
    f"{BREDE_INTAKE}/vve-informatie",
    summary="Leg vast dat de ouder is geïnformeerd over voor- en vroegschoolse educatie",
    dependencies=[_verwerkt("geef-vve-informatie")],
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
    return _out(response, state, principal)


@router.post(
    f"{BREDE_INTAKE}/afronding",
    status_code=status.HTTP_201_CREATED,
    summary="Rond de brede intake af (alleen als alle verplichte onderdelen er zijn)",
    dependencies=[_verwerkt("rond-intake-af")],
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
    return _out(response, state, principal)


@router.post(
    "/inburgeraars/{inburgeraar_id}/niet-verschenen",
    status_code=status.HTTP_201_CREATED,
    summary="Leg vast dat de inburgeraar niet verscheen (waarschuwing, daarna boetevoorstel)",
    dependencies=[_verwerkt("registreer-niet-verschenen")],
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
        voorgesteld_bedrag_euro=body.voorgesteld_bedrag_euro,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


class VergeetverzoekOut(ApiModel):
    inburgeraar_id: UUID
    gemeente: str
    vergeten_op: dt.date
    versie: int


# Only the teamleider may have a person forgotten: the decision is irreversible.
VERGEET_ROLLEN = (Rol.TEAMLEIDER,)


@router.post(
    "/inburgeraars/{inburgeraar_id}/vergeetverzoeken",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Vergeet de persoonsgegevens van een inburgeraar (art. 17 AVG)",
    description="Destroys the person's key: their personal data in the event store, on Kafka, "
    "in the read models and feeds reads as removed from now on; the read models follow "
    "asynchronously. 409 when already forgotten.",
    dependencies=[_verwerkt("vergeet-persoon")],
)
def vergeet_persoon(
    inburgeraar_id: UUID, principal: Behandelaar, app: App, response: Response
) -> VergeetverzoekOut:
    # Unknown or another gemeente's person: 404 before the role, as for every case route.
    app.inburgeraar(inburgeraar_id, gemeenten=principal.gemeenten)
    principal.check_rol(*VERGEET_ROLLEN)
    state = app.vergeet_persoon(inburgeraar_id, gemeenten=principal.gemeenten)
    noteer_betrokkene(state["id"], state["gemeente"])
    response.headers.update(etag(state["versie"]))
    return VergeetverzoekOut(
        inburgeraar_id=state["id"],
        gemeente=state["gemeente"],
        vergeten_op=state["vergeten_op"],
        versie=state["versie"],
    )


# --- the whole life of the obligation ---


class IntrekkingIn(ApiModel):
    reden: RedenIntrekking
    datum: dt.date = Field(description="Einde van de inburgeringsplicht")


class OverlijdenIn(ApiModel):
    datum: dt.date


class TijdelijkeVrijstellingIn(ApiModel):
    reden: TijdelijkeVrijstellingReden = Field(
        description="DUO's code: INS (op verzoek, bewijs van inschrijving) of OPL (ambtshalve)"
    )
    datum: dt.date = Field(description="Begin van de tijdelijke vrijstelling")


class EindeVrijstellingIn(ApiModel):
    datum: dt.date = Field(description="Einde van de tijdelijke vrijstelling")


class DoelgroepwijzigingIn(ApiModel):
    doelgroep: Doelgroep
    datum: dt.date


class VorigeGemeenteIn(ApiModel):
    vorige_gemeente: Gemeentecode
    datum: dt.date = Field(description="Vestiging in deze gemeente")


LEVEN = "/inburgeraars/{inburgeraar_id}"


@router.post(
    f"{LEVEN}/intrekking",
    status_code=status.HTTP_201_CREATED,
    summary="De inburgeringsplicht is ingetrokken (naturalisatie, AOW-leeftijd, vertrek)",
    dependencies=[_verwerkt("trek-plicht-in")],
)
def trek_plicht_in(
    inburgeraar_id: UUID,
    body: IntrekkingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.trek_plicht_in(
        inburgeraar_id,
        body.reden,
        body.datum,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{LEVEN}/overlijden",
    status_code=status.HTTP_201_CREATED,
    summary="De inburgeraar is overleden",
    dependencies=[_verwerkt("registreer-overlijden")],
)
def registreer_overlijden(
    inburgeraar_id: UUID,
    body: OverlijdenIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.registreer_overlijden(
        inburgeraar_id, body.datum, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state, principal)


@router.post(
    f"{LEVEN}/tijdelijke-vrijstelling",
    status_code=status.HTTP_201_CREATED,
    summary="Een tijdelijke vrijstelling: de plicht en haar klokken pauzeren",
    dependencies=[_verwerkt("verleen-tijdelijke-vrijstelling")],
)
def verleen_tijdelijke_vrijstelling(
    inburgeraar_id: UUID,
    body: TijdelijkeVrijstellingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.verleen_tijdelijke_vrijstelling(
        inburgeraar_id,
        body.reden,
        body.datum,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{LEVEN}/tijdelijke-vrijstelling/einde",
    status_code=status.HTTP_201_CREATED,
    summary="Einde van de tijdelijke vrijstelling: de plicht loopt weer",
    dependencies=[_verwerkt("beeindig-tijdelijke-vrijstelling")],
)
def beeindig_tijdelijke_vrijstelling(
    inburgeraar_id: UUID,
    body: EindeVrijstellingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.beeindig_tijdelijke_vrijstelling(
        inburgeraar_id, body.datum, gemeenten=principal.gemeenten, verwachte_versie=versie
    )
    return _out(response, state, principal)


@router.post(
    f"{LEVEN}/doelgroepwijziging",
    status_code=status.HTTP_201_CREATED,
    summary="De doelgroep is gewijzigd (DUO SS124/SS125)",
    dependencies=[_verwerkt("wijzig-doelgroep")],
)
def wijzig_doelgroep(
    inburgeraar_id: UUID,
    body: DoelgroepwijzigingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.wijzig_doelgroep(
        inburgeraar_id,
        body.doelgroep,
        body.datum,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.put(
    f"{LEVEN}/vorige-gemeente",
    summary="De inburgeraar verhuisde uit een andere gemeente (die sluit haar dossier)",
    dependencies=[_verwerkt("leg-vorige-gemeente-vast")],
)
def leg_vorige_gemeente_vast(
    inburgeraar_id: UUID,
    body: VorigeGemeenteIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.leg_vorige_gemeente_vast(
        inburgeraar_id,
        body.vorige_gemeente,
        body.datum,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.put(
    "/inburgeraars/{inburgeraar_id}/contactpersonen/{rol}",
    summary="Wijs de contactpersoon bij de gemeente of de aanbieder toe (vervangt de vorige)",
    dependencies=[_verwerkt("wijs-contactpersoon-toe")],
)
def wijs_contactpersoon_toe(
    inburgeraar_id: UUID,
    rol: ContactpersoonRol,
    body: ContactpersoonIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.wijs_contactpersoon_toe(
        inburgeraar_id,
        rol=rol,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
        **body.model_dump(),
    )
    return _out(response, state, principal)


# --- Fines: proposal, zienswijze, beschikking, bezwaar (art. 29 Wi2021; titel 5.4 Awb) -------

BOETEVOORSTEL = "/inburgeraars/{inburgeraar_id}/boetevoorstellen/{volgnummer}"
Bedrag = Annotated[int, Field(ge=1, le=100_000, description="Bedrag in hele euro's")]


class PipVerplichtingNietNagekomenIn(ApiModel):
    pip_id: UUID = Field(description="Het PIP waarin de verplichting staat")
    verplichting: PipVerplichting
    datum: dt.date = Field(description="Datum van de overtreding")
    voorgesteld_bedrag_euro: Bedrag


class ZienswijzeVerzoekIn(ApiModel):
    datum: dt.date
    reactie_uiterlijk: dt.date = Field(description="Tot en met deze dag kan de zienswijze komen")


class ZienswijzeIn(ApiModel):
    datum: dt.date
    samenvatting: Tekst


class ZienswijzeAfgezienIn(ApiModel):
    datum: dt.date
    uitdrukkelijk: bool = Field(
        False, description="De inburgeraar zag er uitdrukkelijk van af (anders: termijn voorbij)"
    )


class BoetebeschikkingIn(ApiModel):
    bedrag_euro: Bedrag
    verwijtbaarheid: Verwijtbaarheid
    dagtekening: dt.date
    verzenddatum: dt.date = Field(description="Bekendmaking; de bezwaartermijn begint de dag erna")


class AfwijzingIn(ApiModel):
    datum: dt.date
    reden: AfwijzingReden
    toelichting: Tekst | None = None


class BezwaarIn(ApiModel):
    ontvangen_op: dt.date
    ter_post_op: dt.date | None = Field(None, description="Poststempel (art. 6:9 lid 2 Awb)")
    verschoonbaar_toelichting: Tekst | None = Field(
        None, description="Waarom een te laat bezwaar verschoonbaar is (art. 6:11 Awb)"
    )


class BeslissingOpBezwaarIn(ApiModel):
    datum: dt.date
    beslissing: Beslissing


@router.post(
    "/inburgeraars/{inburgeraar_id}/pip-verplichting-niet-nagekomen",
    status_code=status.HTTP_201_CREATED,
    summary="Leg vast dat een verplichting uit het PIP niet is nagekomen (boetevoorstel)",
    dependencies=[_verwerkt("handhaaf")],
)
def registreer_pip_verplichting_niet_nagekomen(
    inburgeraar_id: UUID,
    body: PipVerplichtingNietNagekomenIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.registreer_pip_verplichting_niet_nagekomen(
        inburgeraar_id,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{BOETEVOORSTEL}/zienswijzeverzoek",
    status_code=status.HTTP_201_CREATED,
    summary="Vraag de inburgeraar om een zienswijze (art. 5:53 Awb)",
    dependencies=[_verwerkt("handhaaf")],
)
def vraag_zienswijze(
    inburgeraar_id: UUID,
    volgnummer: int,
    body: ZienswijzeVerzoekIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.vraag_zienswijze(
        inburgeraar_id,
        volgnummer,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{BOETEVOORSTEL}/zienswijze",
    status_code=status.HTTP_201_CREATED,
    summary="Leg de zienswijze van de inburgeraar vast",
    dependencies=[_verwerkt("handhaaf")],
)
def ontvang_zienswijze(
    inburgeraar_id: UUID,
    volgnummer: int,
    body: ZienswijzeIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.ontvang_zienswijze(
        inburgeraar_id,
        volgnummer,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{BOETEVOORSTEL}/zienswijze-afgezien",
    status_code=status.HTTP_201_CREATED,
    summary="Leg vast dat de inburgeraar geen zienswijze gaf",
    dependencies=[_verwerkt("handhaaf")],
)
def zie_af_van_zienswijze(
    inburgeraar_id: UUID,
    volgnummer: int,
    body: ZienswijzeAfgezienIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.zie_af_van_zienswijze(
        inburgeraar_id,
        volgnummer,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{BOETEVOORSTEL}/beschikking",
    status_code=status.HTTP_201_CREATED,
    summary="Leg de boete op: de boetebeschikking (na zienswijze en oordeel verwijtbaarheid)",
    dependencies=[_verwerkt("handhaaf")],
)
def leg_boete_op(
    inburgeraar_id: UUID,
    volgnummer: int,
    body: BoetebeschikkingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.leg_boete_op(
        inburgeraar_id,
        volgnummer,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{BOETEVOORSTEL}/afwijzing",
    status_code=status.HTTP_201_CREATED,
    summary="Wijs het boetevoorstel af (niet verwijtbaar, art. 5:41 Awb)",
    dependencies=[_verwerkt("handhaaf")],
)
def wijs_boetevoorstel_af(
    inburgeraar_id: UUID,
    volgnummer: int,
    body: AfwijzingIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.wijs_boetevoorstel_af(
        inburgeraar_id,
        volgnummer,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{BOETEVOORSTEL}/bezwaar",
    status_code=status.HTTP_201_CREATED,
    summary="Leg een bezwaar tegen de boete vast (binnen zes weken na verzending)",
    dependencies=[_verwerkt("handhaaf")],
)
def dien_bezwaar_in(
    inburgeraar_id: UUID,
    volgnummer: int,
    body: BezwaarIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.dien_bezwaar_in(
        inburgeraar_id,
        volgnummer,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)


@router.post(
    f"{BOETEVOORSTEL}/bezwaar/beslissing",
    status_code=status.HTTP_201_CREATED,
    summary="Beslis op het bezwaar; gegrond herroept de boete",
    dependencies=[_verwerkt("handhaaf")],
)
def beslis_op_bezwaar(
    inburgeraar_id: UUID,
    volgnummer: int,
    body: BeslissingOpBezwaarIn,
    principal: Behandelaar,
    app: App,
    response: Response,
    versie: ExpectedVersion,
) -> InburgeraarOut:
    state = app.beslis_op_bezwaar(
        inburgeraar_id,
        volgnummer,
        **body.model_dump(),
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
    )
    return _out(response, state, principal)
