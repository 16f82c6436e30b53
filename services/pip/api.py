"""HTTP API of the PIP service: routes translate JSON to use cases and back."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from services.pip.application import Overzicht, PipApplication
from services.pip.rules import (
    Doelgroep,
    DuaalOordeel,
    DuaalSoort,
    DuaalUitkomst,
    Examenonderdeel,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    RedenBeeindiging,
    Regel,
    RegelsOvertreden,
    Status,
    UrenSoort,
    VerlengingReden,
    Verwijtbaar,
    VoldaanGrond,
    VrijstellingReden,
)
from shared.api import ApiModel, Behandelaar, ExpectedVersion, Gemeentecode, etag, problem
from shared.awb import Beslissing
from shared.logboek import activiteiten, noteer_betrokkene, verwerking

router = APIRouter(tags=["PIP"])

# Register of processing activities (Logboek Dataverwerkingen): every route that touches a
# person's data declares one of these.
VERWERKINGEN = activiteiten(
    "pip",
    "art. 15-16 Wi2021 (PIP); art. 6 lid 1 sub e AVG",
    {
        "stel-concept-op": "Een concept-PIP opstellen",
        "zoek-pips": "De PIPs van een inburgeraar in de eigen gemeenten",
        "lees-pip": "Een PIP met termijnen, voortgang en uitslagen",
        "wijzig-concept": "Het concept-PIP wijzigen",
        "vaststellen": "Het PIP (opnieuw) vaststellen: een beschikking met dagtekening",
        "wacht-op-derden": "Wachten op informatie van derden (verlengt de tien weken)",
        "verleng-termijn": "Verlenging van de inburgeringstermijn door DUO",
        "registreer-uren": "Gevolgde uren registreren (cursus, PVT, MAP, participatie)",
        "schaal-af": "Afschalen van B1 naar A2 (art. 32)",
        "voer-gesprek": "Een voortgangsgesprek vastleggen",
        "onderteken-pvt": "Ondertekening van de participatieverklaring",
        "rond-map-af": "Eindgesprek MAP",
        "ontvang-examenuitslag": "Een examenuitslag van DUO (SS199)",
        "verleen-vrijstelling": "Vrijstelling door DUO (geheel: SS107)",
        "verleen-ontheffing": "Ontheffing door DUO (geheel: SS108)",
        "voldoe": "De inburgeringsplicht is voldaan",
        "verzend-pip": "Leg de verzending van het PIP vast (bekendmaking)",
        "bezwaar-pip": "Bezwaar tegen het PIP en de beslissing daarop",
        "leg-duaal-traject-vast": "Een duaal traject (taal met werk, stage of vrijwilligerswerk)",
        "rond-duaal-traject-af": "De uitkomst van een duaal traject",
        "leg-aanbod-vast": "Het inburgeringsaanbod aan een asielstatushouder (art. 16)",
        "leg-begeleiding-vast": "De maatschappelijke begeleiding (wie, van wanneer tot wanneer)",
        "lees-overdrachtsdossier": "Het overdrachtsdossier voor de nieuwe gemeente (verhuizing)",
    },
)


def _verwerkt(code: str) -> Any:
    return verwerking(VERWERKINGEN[code])


def _application(request: Request) -> PipApplication:
    application: PipApplication = request.app.state.application
    return application


App = Annotated[PipApplication, Depends(_application)]

Tekst = Annotated[str, Field(min_length=1, max_length=200)]
LangeTekst = Annotated[str, Field(max_length=4000)]


# --- Requests ----------------------------------------------------------------------------


class Concept(ApiModel):
    doelgroep: Doelgroep
    datum_start_inburgeringsplicht: dt.date
    vestigingsdatum: dt.date | None = None
    geadviseerde_leerroute: Leerroute | None = Field(
        None, description="Het advies uit de brede intake (later uit IntakeAfgerond)."
    )
    uiterste_datum_pip: dt.date | None = Field(
        None,
        description="De uiterste datum zoals de intake-service die vaststelt (tien weken na "
        "DUO's kennisgeving of de inschrijving in de BRP); leeg: ongewijzigd.",
    )


class NieuwConcept(Concept):
    gemeente: Gemeentecode
    inburgeraar_id: UUID = Field(description="Id van de inburgeraar in de intake-service.")
    uiterste_datum_pip: dt.date = Field(
        description="De uiterste datum uit de intake-service (uitersteDatumPip van de "
        "inburgeraar): tien weken na DUO's kennisgeving of de inschrijving in de BRP."
    )


class Vaststelling(ApiModel):
    dagtekening: dt.date
    leerroute: Leerroute
    niveau: Niveau | None = Field(None, description="Leeg: B1 bij B1-route en onderwijsroute.")
    map: bool = Field(description="Het PIP bevat de MAP (niet in de onderwijsroute).")
    map_intensiteit_uren: int | None = Field(None, ge=0)
    pvt_intensiteit_uren: int = Field(ge=0, description="Ten minste 12 uur.")
    knm: bool = True
    begeleiding: LangeTekst = Field("", description="Begeleiding en ondersteuning.")
    ontzorging: bool = Field(
        False, description="Het PIP besluit tot financieel ontzorgen (art. 56a Participatiewet)."
    )
    geschatte_intensiteit: int | None = Field(
        None, ge=1, le=9999, description="Uren; alleen B1-route en asielstatushouder."
    )
    startdatum_bijstand: dt.date | None = Field(
        None, description="Start van de bijstand; verplicht bij ontzorging (zes maanden vanaf)."
    )
    verblijfsvergunning_asiel_bepaalde_tijd: bool | None = Field(
        None, description="Verplicht (en waar) bij ontzorging."
    )


class WachtenOpDerden(ApiModel):
    derde: Tekst
    opgevraagd_op: dt.date
    informatie_ontvangen_op: dt.date


class TermijnVerlenging(ApiModel):
    reden: VerlengingReden
    nieuwe_einddatum: dt.date
    toelichting: LangeTekst | None = None


class Cursusuren(ApiModel):
    soort: UrenSoort = UrenSoort.CURSUS
    aanbieder: Tekst
    keurmerk: bool = Field(description="De aanbieder heeft het keurmerk van Blik op Werk.")
    uren: int = Field(gt=0)
    peildatum: dt.date = Field(description="Gevolgd tot en met deze datum.")


class Afschaling(ApiModel):
    dagtekening: dt.date
    onderdelen: list[Examenonderdeel] | None = Field(
        None,
        description="Taalonderdelen naar A2 (gedeeltelijk afschalen); leeg: alle nog op B1.",
    )


class Voortgangsgesprek(ApiModel):
    datum: dt.date
    inspanning_voldoende: bool | None = Field(
        None, description="Oordeel over de inspanning (nodig om af te schalen)."
    )
    eindgesprek_z_route: bool = False
    verslag: LangeTekst | None = None
    duaal_traject_id: UUID | None = Field(
        None, description="Het besproken duaal traject (met duaalOordeel)."
    )
    duaal_oordeel: DuaalOordeel | None = None


class Participatieverklaring(ApiModel):
    datum: dt.date = Field(description="Datum ondertekening.")
    verwijtbaar: Verwijtbaar | None = None


class MapAfronding(ApiModel):
    datum_eindgesprek: dt.date
    verwijtbaar: Verwijtbaar | None = None


class Examenuitslag(ApiModel):
    onderdeel: Examenonderdeel
    examendatum: dt.date
    behaald: bool
    niveau: Niveau | None = Field(None, description="A2, B1 of B2; leeg bij KNM.")


class VrijstellingBody(ApiModel):
    omvang: Omvang
    onderdeel: Examenonderdeel | None = None
    niveau: Niveau | None = None
    reden: VrijstellingReden | None = Field(None, description="DUO-code.")
    datum_oordeel: dt.date


class OntheffingBody(ApiModel):
    omvang: Omvang
    onderdeel: Examenonderdeel | None = None
    grond: OntheffingGrond = Field(description="DUO-code: BIO of MED.")
    datum_oordeel: dt.date
    maximum_participatie_uren: int | None = Field(
        None,
        description="Gedeeltelijke medische ontheffing: hoogstens zoveel participatie-uren "
        "in de Z-route (lager dan 800).",
    )


class Voldaan(ApiModel):
    grond: VoldaanGrond
    datum: dt.date


class DuaalTrajectIn(ApiModel):
    soort: DuaalSoort
    werkgever: Tekst = Field(description="Werkgever, stageplek of vrijwilligersorganisatie.")
    startdatum: dt.date
    einddatum: dt.date | None = None
    uren_per_week: int = Field(gt=0, le=60)
    jobhunter: Tekst | None = None
    jobcoach: Tekst | None = None
    taalcoaching: bool = Field(False, description="Taalcoaching op de werkplek.")
    taalcoach: Tekst | None = Field(None, description="Wie de taalcoaching geeft.")


class DuaalUitkomstIn(ApiModel):
    uitkomst: DuaalUitkomst
    datum: dt.date


class AanbodIn(ApiModel):
    aanbieder: Tekst
    instellingsnummer: str | None = Field(
        None, pattern=r"^\d{10}$", description="DUO's nummer van de cursusinstelling."
    )
    keurmerk_blik_op_werk: bool = Field(description="Op DUO's lijst met BoW-keurmerk.")
    erkende_taalschakelinstelling: bool = Field(
        False, description="Erkende Taalschakelinstelling (onderwijsroute)."
    )
    leerroute: Leerroute
    startdatum: dt.date
    einddatum: dt.date | None = None


class BegeleidingIn(ApiModel):
    organisatie: Tekst = Field(examples=["VluchtelingenWerk"])
    startdatum: dt.date
    einddatum: dt.date | None = None


# --- Responses ---------------------------------------------------------------------------


class DuaalTrajectOut(DuaalTrajectIn):
    id: UUID
    uitkomst: DuaalUitkomst | None
    uitkomst_datum: dt.date | None


class AanbodOut(AanbodIn):
    pass


class BegeleidingOut(BegeleidingIn):
    pass


class PipVersie(ApiModel):
    versie: int
    dagtekening: dt.date
    leerroute: Leerroute
    niveau: Niveau | None
    map: bool
    map_intensiteit_uren: int | None
    pvt_intensiteit_uren: int
    knm: bool
    begeleiding: str
    ontzorging: bool
    geschatte_intensiteit: int | None
    binnen_tien_weken: bool
    is_eerste_pip: bool
    startdatum_bijstand: dt.date | None
    verblijfsvergunning_asiel_bepaalde_tijd: bool | None
    afgeschaalde_onderdelen: list[Examenonderdeel] = Field(
        description="Gedeeltelijk afgeschaald: deze onderdelen op A2, de andere op B1."
    )


class Opschorting(ApiModel):
    derde: str
    opgevraagd_op: dt.date
    informatie_ontvangen_op: dt.date


class Verlenging(ApiModel):
    reden: VerlengingReden
    vorige_einddatum: dt.date
    nieuwe_einddatum: dt.date
    toelichting: str | None


class Inburgeringstermijn(ApiModel):
    startdatum: dt.date
    einddatum: dt.date
    verlengingen: list[Verlenging]


class UrenTotalen(ApiModel):
    cursus: int
    cursus_keurmerk: int
    pvt: int
    map: int
    participatie: int
    participatie_intake: int = Field(description="Participatie-uren uit de brede intake.")


class Urenregistratie(Cursusuren):
    pass


class Gesprek(Voortgangsgesprek):
    pass


class Afronding(ApiModel):
    datum: dt.date
    verwijtbaar: Verwijtbaar | None


class Taalniveau(ApiModel):
    niveau: Niveau
    datum: dt.date


class Uitslag(Examenuitslag):
    pass


class Vrijstelling(VrijstellingBody):
    pass


class Ontheffing(OntheffingBody):
    pass


class Beeindiging(ApiModel):
    reden: RedenBeeindiging
    datum: dt.date


class PipBekendmaking(ApiModel):
    pip_versie: int
    dagtekening: dt.date
    verzonden_op: dt.date
    bezwaartermijn_einde: dt.date = Field(description="Laatste dag om bezwaar te maken")


class PipBezwaar(ApiModel):
    pip_versie: int
    ontvangen_op: dt.date
    ter_post_op: dt.date | None
    tijdig: bool
    beslistermijn_einde: dt.date = Field(description="Laatste dag om op het bezwaar te beslissen")
    beslissing: Beslissing | None
    beslist_op: dt.date | None


class VerzendingIn(ApiModel):
    verzenddatum: dt.date = Field(description="Bekendmaking; de bezwaartermijn begint de dag erna")
    pip_versie: int | None = Field(None, description="Standaard de actuele PIP-versie")


class PipBezwaarIn(ApiModel):
    ontvangen_op: dt.date
    ter_post_op: dt.date | None = Field(None, description="Poststempel (art. 6:9 lid 2 Awb)")
    verschoonbaar_toelichting: str | None = Field(
        None, max_length=4000, description="Waarom een te laat bezwaar verschoonbaar is"
    )
    pip_versie: int | None = None


class PipBeslissingIn(ApiModel):
    datum: dt.date
    beslissing: Beslissing
    pip_versie: int | None = None


class Pip(ApiModel):
    id: UUID
    versie: int = Field(description="Versie van het traject; gebruik als If-Match.")
    inburgeraar_id: UUID
    gemeente: str
    status: Status
    doelgroep: Doelgroep
    datum_start_inburgeringsplicht: dt.date
    vestigingsdatum: dt.date | None
    geadviseerde_leerroute: Leerroute | None
    uiterste_datum_pip: dt.date = Field(description="Einde van de tien weken (art. 15).")
    binnen_tien_weken: bool | None
    opschortingen: list[Opschorting]
    actuele_pip: PipVersie | None
    plichtniveau: Niveau | None = Field(
        description="Het niveau van de plicht (A2/B1; een B2-ambitie telt als B1)."
    )
    pip_versies: list[PipVersie]
    inburgeringstermijn: Inburgeringstermijn | None
    uren: UrenTotalen
    urenregistraties: list[Urenregistratie]
    voortgangsgesprekken: list[Gesprek]
    participatieverklaring: Afronding | None
    map_afronding: Afronding | None
    examenuitslagen: list[Uitslag]
    taalniveau_behaald: Taalniveau | None
    knm_behaald_op: dt.date | None
    vrijstellingen: list[Vrijstelling]
    ontheffingen: list[Ontheffing]
    voldaan: Voldaan | None
    ontbrekend_voor_afronding: list[str]
    duale_trajecten: list[DuaalTrajectOut] = Field(default_factory=list)
    inburgeringsaanbod: list[AanbodOut] = Field(default_factory=list)
    maatschappelijke_begeleiding: BegeleidingOut | None = None
    beeindigd: Beeindiging | None = Field(
        None, description="Het traject sloot in deze gemeente: verhuisd, ingetrokken, overleden"
    )
    gepauzeerd_sinds: dt.date | None = Field(
        None, description="Tijdelijke vrijstelling: de klokken staan stil sinds deze datum"
    )
    overgenomen_van: str | None = Field(None, description="De vorige gemeente (verhuizing)")
    overgedragen_op: dt.date | None = None
    bekendmakingen: list[PipBekendmaking] = Field(
        default_factory=list, description="Verzending per PIP-versie en de bezwaartermijn"
    )
    bezwaren: list[PipBezwaar] = Field(default_factory=list)
    nieuw_pip_nodig: bool = Field(
        False, description="Een bezwaar tegen het PIP is gegrond: stel een nieuw PIP vast"
    )


class PipLijst(ApiModel):
    pips: list[Pip]


def _antwoord(response: Response, view: Overzicht) -> Pip:
    noteer_betrokkene(view["inburgeraar_id"], view["gemeente"])
    response.headers.update(etag(view["versie"]))
    return Pip.model_validate(view)


# --- Routes ------------------------------------------------------------------------------


@router.post(
    "/pips",
    status_code=201,
    summary="Een concept-PIP opstellen",
    dependencies=[_verwerkt("stel-concept-op")],
)
def stel_concept_op(
    body: NieuwConcept, principal: Behandelaar, app: App, response: Response
) -> Pip:
    principal.check_gemeente(body.gemeente)
    view = app.stel_concept_op(gemeenten=principal.gemeenten, **body.model_dump())
    response.headers["Location"] = f"/api/v1/pips/{view['id']}"
    return _antwoord(response, view)


@router.get(
    "/pips",
    summary="De PIPs van een inburgeraar in de eigen gemeenten",
    dependencies=[_verwerkt("zoek-pips")],
)
def zoek_pips(
    inburgeraar_id: Annotated[UUID, Query(alias="inburgeraarId")],
    principal: Behandelaar,
    app: App,
) -> PipLijst:
    views = app.zoek_op_inburgeraar(inburgeraar_id, gemeenten=principal.gemeenten)
    return PipLijst(pips=[Pip.model_validate(v) for v in views])


@router.get(
    "/pips/{pip_id}",
    summary="Een PIP met termijnen, voortgang en uitslagen",
    dependencies=[_verwerkt("lees-pip")],
)
def lees_pip(pip_id: UUID, principal: Behandelaar, app: App, response: Response) -> Pip:
    return _antwoord(response, app.pip(pip_id, gemeenten=principal.gemeenten))


@router.put(
    "/pips/{pip_id}/concept",
    summary="Het concept-PIP wijzigen",
    dependencies=[_verwerkt("wijzig-concept")],
)
def wijzig_concept(
    pip_id: UUID,
    body: Concept,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.wijzig_concept(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/vaststellingen",
    summary="Het PIP (opnieuw) vaststellen: een beschikking met dagtekening",
    dependencies=[_verwerkt("vaststellen")],
)
def vaststellen(
    pip_id: UUID,
    body: Vaststelling,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.vaststellen(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/wachten-op-derden",
    summary="Wachten op informatie van derden (verlengt de tien weken)",
    dependencies=[_verwerkt("wacht-op-derden")],
)
def wacht_op_derden(
    pip_id: UUID,
    body: WachtenOpDerden,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.wacht_op_derden(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/termijn-verlengingen",
    summary="Verlenging van de inburgeringstermijn door DUO",
    dependencies=[_verwerkt("verleng-termijn")],
)
def verleng_termijn(
    pip_id: UUID,
    body: TermijnVerlenging,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.verleng_termijn(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/cursusuren",
    summary="Gevolgde uren registreren (cursus, PVT, MAP, participatie)",
    dependencies=[_verwerkt("registreer-uren")],
)
def registreer_uren(
    pip_id: UUID,
    body: Cursusuren,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.registreer_uren(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/afschalingen",
    summary="Afschalen van B1 naar A2 (art. 32)",
    dependencies=[_verwerkt("schaal-af")],
)
def schaal_af(
    pip_id: UUID,
    body: Afschaling,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.schaal_af(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/voortgangsgesprekken",
    summary="Een voortgangsgesprek vastleggen",
    dependencies=[_verwerkt("voer-gesprek")],
)
def voer_gesprek(
    pip_id: UUID,
    body: Voortgangsgesprek,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.voer_gesprek(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/participatieverklaring",
    summary="Ondertekening van de participatieverklaring",
    dependencies=[_verwerkt("onderteken-pvt")],
)
def onderteken_pvt(
    pip_id: UUID,
    body: Participatieverklaring,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.onderteken_pvt(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/map-afronding",
    summary="Eindgesprek MAP",
    dependencies=[_verwerkt("rond-map-af")],
)
def rond_map_af(
    pip_id: UUID,
    body: MapAfronding,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.rond_map_af(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/examenuitslagen",
    summary="Een examenuitslag van DUO (SS199)",
    dependencies=[_verwerkt("ontvang-examenuitslag")],
)
def ontvang_examenuitslag(
    pip_id: UUID,
    body: Examenuitslag,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.ontvang_examenuitslag(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/vrijstellingen",
    summary="Vrijstelling door DUO (geheel: SS107)",
    dependencies=[_verwerkt("verleen-vrijstelling")],
)
def verleen_vrijstelling(
    pip_id: UUID,
    body: VrijstellingBody,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.verleen_vrijstelling(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/ontheffingen",
    summary="Ontheffing door DUO (geheel: SS108)",
    dependencies=[_verwerkt("verleen-ontheffing")],
)
def verleen_ontheffing(
    pip_id: UUID,
    body: OntheffingBody,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.verleen_ontheffing(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/voldaan",
    summary="De inburgeringsplicht is voldaan",
    dependencies=[_verwerkt("voldoe")],
)
def voldoe(
    pip_id: UUID,
    body: Voldaan,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.voldoe(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


# --- The PIP as a beschikking: bekendmaking and bezwaar (Awb) -----------------------------


@router.post(
    "/pips/{pip_id}/verzending",
    status_code=201,
    summary="Leg vast wanneer het PIP is verzonden; de bezwaartermijn begint de dag erna",
    dependencies=[_verwerkt("verzend-pip")],
)
def verzend(
    pip_id: UUID,
    body: VerzendingIn,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.verzend(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/bezwaar",
    status_code=201,
    summary="Leg een bezwaar tegen het PIP vast (binnen zes weken na verzending)",
    dependencies=[_verwerkt("bezwaar-pip")],
)
def dien_bezwaar_in(
    pip_id: UUID,
    body: PipBezwaarIn,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.dien_bezwaar_in(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/bezwaar/beslissing",
    status_code=201,
    summary="Beslis op het bezwaar tegen het PIP; gegrond: een nieuw PIP is nodig",
    dependencies=[_verwerkt("bezwaar-pip")],
)
def beslis_op_bezwaar(
    pip_id: UUID,
    body: PipBeslissingIn,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.beslis_op_bezwaar(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


# --- Duale trajecten, aanbod, maatschappelijke begeleiding ------------------------------


@router.post(
    "/pips/{pip_id}/duale-trajecten",
    status_code=201,
    summary="Een duaal traject (taal met werk, stage of vrijwilligerswerk) als deel van het PIP",
    dependencies=[_verwerkt("leg-duaal-traject-vast")],
)
def leg_duaal_traject_vast(
    pip_id: UUID,
    body: DuaalTrajectIn,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.leg_duaal_traject_vast(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/duale-trajecten/{duaal_traject_id}/uitkomst",
    summary="De uitkomst van een duaal traject",
    dependencies=[_verwerkt("rond-duaal-traject-af")],
)
def rond_duaal_traject_af(
    pip_id: UUID,
    duaal_traject_id: UUID,
    body: DuaalUitkomstIn,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.rond_duaal_traject_af(
        pip_id,
        duaal_traject_id,
        gemeenten=principal.gemeenten,
        verwachte_versie=versie,
        **body.model_dump(),
    )
    return _antwoord(response, view)


@router.post(
    "/pips/{pip_id}/inburgeringsaanbod",
    summary="Het inburgeringsaanbod aan een asielstatushouder (art. 16), één per aanbieder",
    dependencies=[_verwerkt("leg-aanbod-vast")],
)
def leg_aanbod_vast(
    pip_id: UUID,
    body: AanbodIn,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.leg_aanbod_vast(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


@router.put(
    "/pips/{pip_id}/maatschappelijke-begeleiding",
    summary="De maatschappelijke begeleiding: wie, van wanneer tot wanneer",
    dependencies=[_verwerkt("leg-begeleiding-vast")],
)
def leg_maatschappelijke_begeleiding_vast(
    pip_id: UUID,
    body: BegeleidingIn,
    principal: Behandelaar,
    app: App,
    versie: ExpectedVersion,
    response: Response,
) -> Pip:
    view = app.leg_maatschappelijke_begeleiding_vast(
        pip_id, gemeenten=principal.gemeenten, verwachte_versie=versie, **body.model_dump()
    )
    return _antwoord(response, view)


# --- Errors ------------------------------------------------------------------------------


class OverdrachtVerlenging(ApiModel):
    vorige_einddatum: dt.date
    nieuwe_einddatum: dt.date


class OverdrachtUitslag(ApiModel):
    onderdeel: Examenonderdeel
    examendatum: dt.date
    behaald: bool
    niveau: Niveau | None


class OverdrachtVrijstelling(ApiModel):
    omvang: Omvang
    onderdeel: Examenonderdeel | None
    niveau: Niveau | None
    reden: VrijstellingReden | None
    datum_oordeel: dt.date


class OverdrachtOntheffing(ApiModel):
    omvang: Omvang
    onderdeel: Examenonderdeel | None
    grond: OntheffingGrond
    datum_oordeel: dt.date
    maximum_participatie_uren: int | None


class Overdrachtsdossier(ApiModel):
    """Warm handover: what the next gemeente needs to continue, nothing more."""

    pip_id: UUID
    gemeente: str
    inburgeraar_id: UUID
    naar_gemeente: str
    nieuw_inburgeraar_id: UUID
    datum: dt.date
    doelgroep: Doelgroep
    datum_start_inburgeringsplicht: dt.date
    termijn_start: dt.date | None
    termijn_einde: dt.date | None
    verlengingen: list[OverdrachtVerlenging]
    eerste_dagtekening: dt.date | None
    laatste_dagtekening: dt.date | None
    binnen_tien_weken: bool | None
    leerroute: Leerroute | None
    niveau: Niveau | None
    uren: dict[str, int]
    inspanning_voldoende: bool | None
    uitslagen: list[OverdrachtUitslag]
    vrijstellingen: list[OverdrachtVrijstelling]
    knm_behaald_op: dt.date | None
    pvt_datum: dt.date | None
    map_datum: dt.date | None
    intake_participatie_uren: int = Field(
        0, description="Participatie-uren uit de brede intake (tellen voor de Z-route)"
    )
    afgeschaalde_onderdelen: list[Examenonderdeel] = Field(
        default_factory=list, description="Gedeeltelijke afschaling: deze onderdelen op A2"
    )
    ontheffingen: list[OverdrachtOntheffing] = Field(default_factory=list)


@router.get(
    "/pips/{pip_id}/overdrachtsdossier",
    summary="Het overdrachtsdossier van een traject dat naar een andere gemeente ging",
    description="Available to the old gemeente for one month after the handover (DUO shows "
    "it the person that long); 404 without a handover, 410 after that month.",
    dependencies=[_verwerkt("lees-overdrachtsdossier")],
)
def lees_overdrachtsdossier(pip_id: UUID, principal: Behandelaar, app: App) -> Overdrachtsdossier:
    dossier = app.overdrachtsdossier(pip_id, gemeenten=principal.gemeenten)
    noteer_betrokkene(dossier["inburgeraar_id"], dossier["gemeente"])
    return Overdrachtsdossier.model_validate(dossier)


def _param(regel: Regel) -> dict[str, Any]:
    return {"name": regel.veld or "body", "code": regel.code, "reason": regel.detail}


async def _regel(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Regel)
    params = [_param(exc)] + [
        {"name": naam, "code": "ontbreekt", "reason": f"{naam} ontbreekt"}
        for naam in exc.ontbrekend
    ]
    return problem(
        exc.status, exc.title, exc.detail, code=exc.code, bron=exc.bron, invalid_params=params
    )


async def _regels(_: Request, exc: Exception) -> JSONResponse:
    """All violations of one command at once, each with its own code and source."""
    assert isinstance(exc, RegelsOvertreden)
    params = [_param(o) | {"bron": o.bron} for o in exc.overtredingen]
    bronnen = "; ".join(dict.fromkeys(o.bron for o in exc.overtredingen if o.bron))
    return problem(
        exc.status, exc.title, exc.detail, code=exc.code, bron=bronnen, invalid_params=params
    )


def register_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RegelsOvertreden, _regels)
    app.add_exception_handler(Regel, _regel)
