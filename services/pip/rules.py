"""The rules of the PIP and the inburgeringstraject: value sets, named rule violations and
the guards that raise them, and the deadlines of the traject, each computed here once. The
aggregate in `domainmodel.py` calls these guards; each violation names its source (`bron`)
and the request field it concerns (`veld`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from shared import termijnen
from shared.domain import RuleViolation, add_months, add_years

DUO_DAGTEKENING = "DUO README: Het aanleveren van een PIP, Datum dagtekening"
DUO_NIVEAU = "DUO README: Het aanleveren van een PIP, Niveau"
DUO_INTENSITEIT = "DUO README: Het aanleveren van een PIP, Geschatte intensiteit B1 route"
DUO_MAP_PVT = (
    "DUO README: Module Arbeidsmarkt en Participatie (MAP) / Participatieverklaringstraject (PVT)"
)
DUO_VRIJSTELLING = "DUO Vrijstelling API (GeheleVrijstelling / GedeeltelijkeVrijstelling)"
DUO_ONTHEFFING = "DUO Ontheffing API (GeheleOntheffing / GedeeltelijkeOntheffing)"
BESCHIKKING = "art. 15 Wi2021 (het PIP is een beschikking met dagtekening)"
TIEN_WEKEN = "art. 15 Wi2021, art. 5.3 Besluit inburgering 2021"
TERMIJN = "art. 11 Wi2021"
AFSCHALEN = "art. 32 Wi2021, art. 5.5 Besluit inburgering 2021"
LEERROUTES = "domain.md: Leerroutes"
ONTZORGING = (
    "art. 56a Participatiewet; domain.md stap 3 en 8 (bij bijstand bevat het PIP het besluit "
    "over ontzorging)"
)

VERLENGING_NA_INFORMATIE_DAGEN = 14
TERMIJN_JAREN = 3
LEERROUTEWISSEL_MAANDEN = 18
AFSCHAAL_CURSUSUREN = 600
MINIMUM_PVT_UREN = 12
Z_ROUTE_UREN = 800


class Doelgroep(StrEnum):
    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige_migrant"


class Leerroute(StrEnum):
    B1 = "b1"
    ONDERWIJS = "onderwijs"
    Z = "z"


class Niveau(StrEnum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"

    def minstens(self, vereist: Niveau) -> bool:
        order = list(Niveau)
        return order.index(self) >= order.index(vereist)


class Examenonderdeel(StrEnum):
    LEZEN = "lezen"
    LUISTEREN = "luisteren"
    SCHRIJVEN = "schrijven"
    SPREKEN = "spreken"
    KNM = "knm"


TAALONDERDELEN = (
    Examenonderdeel.LEZEN,
    Examenonderdeel.LUISTEREN,
    Examenonderdeel.SCHRIJVEN,
    Examenonderdeel.SPREKEN,
)


class UrenSoort(StrEnum):
    CURSUS = "cursus"
    PVT = "pvt"
    MAP = "map"
    PARTICIPATIE = "participatie"


class Verwijtbaar(StrEnum):
    JA = "ja"
    NEE = "nee"


class VerlengingReden(StrEnum):
    ZIEKTE = "ziekte"
    ALFABETISERING = "alfabetisering"
    ONDERWIJS = "onderwijs"
    BEVALLING = "bevalling"
    OVERIG = "overig"


class Omvang(StrEnum):
    GEHEEL = "geheel"
    GEDEELTELIJK = "gedeeltelijk"


class VoldaanGrond(StrEnum):
    DIPLOMA = "diploma"
    VRIJSTELLING = "vrijstelling"
    ONTHEFFING = "ontheffing"
    Z_ROUTE_AFGEROND = "z_route_afgerond"
    LEERROUTE_AFGEROND = "leerroute_afgerond"


class VrijstellingReden(StrEnum):
    """DUO's codes (Vrijstelling API, RedenVrijstellingInburgeringsplicht)."""

    AVI = "AVI"
    DIP = "DIP"
    DOC = "DOC"
    GED = "GED"
    INB = "INB"
    INS = "INS"
    OPL = "OPL"


class OntheffingGrond(StrEnum):
    """DUO's codes: bijzondere individuele omstandigheden, medisch."""

    BIO = "BIO"
    MED = "MED"


class Status(StrEnum):
    CONCEPT = "concept"
    VASTGESTELD = "vastgesteld"
    VOLDAAN = "voldaan"


# --- Violations -----------------------------------------------------------------------


class Regel(RuleViolation):
    """A named rule; `veld` is the request field (camelCase) the violation concerns."""

    standaard_veld: ClassVar[str] = ""

    def __init__(
        self, detail: str, *, veld: str | None = None, ontbrekend: Iterable[str] = ()
    ) -> None:
        super().__init__(detail, ontbrekend=ontbrekend)
        self.veld = veld or self.standaard_veld


class RegelsOvertreden(RuleViolation):
    """More than one rule refused the same command; all are reported at once."""

    title = "Regels overtreden"

    def __init__(self, overtredingen: Sequence[Regel]) -> None:
        self.overtredingen = list(overtredingen)
        codes = ", ".join(o.code for o in self.overtredingen)
        super().__init__(f"{len(self.overtredingen)} regels overtreden: {codes}")


class TrajectBestaatAl(RuleViolation):
    status = 409
    title = "Bestaat al"
    bron = "art. 15 Wi2021 (het college stelt het PIP van de inburgeraar vast)"


class InburgeringsplichtAlVoldaan(Regel):
    bron = "domain.md: Progress (plicht voldaan); DUO README: MAP/PVT (plicht nog niet voldaan)"


class ConceptNietMeerWijzigbaar(Regel):
    bron = BESCHIKKING


class PIPNietVastgesteld(Regel):
    bron = "DUO README: MAP/PVT (uw gemeente moet een actuele PIP hebben)"


class PIPAlVastgesteld(Regel):
    bron = TIEN_WEKEN


class DatumInDeToekomst(Regel):
    bron = "DUO README: MAP/PVT (datum mag niet in de toekomst liggen)"


class DagtekeningInDeToekomst(Regel):
    bron = BESCHIKKING
    standaard_veld = "dagtekening"


class DagtekeningVoorStartInburgeringsplicht(Regel):
    bron = DUO_DAGTEKENING
    standaard_veld = "dagtekening"


class DagtekeningVoorVestiging(Regel):
    bron = DUO_DAGTEKENING
    standaard_veld = "dagtekening"


class DagtekeningVoorEerderePIP(Regel):
    bron = DUO_DAGTEKENING
    standaard_veld = "dagtekening"


class NiveauA2BijOnderwijsroute(Regel):
    bron = DUO_NIVEAU
    standaard_veld = "niveau"


class NiveauB1BijZRoute(Regel):
    bron = DUO_NIVEAU
    standaard_veld = "niveau"


class NiveauA2BijEerstePIPInB1Route(Regel):
    bron = DUO_NIVEAU
    standaard_veld = "niveau"


class NiveauA1AlleenInZRoute(Regel):
    bron = f"{LEERROUTES} (B1-route en onderwijsroute: B1 of B2; Z-route: streefniveau A1)"
    standaard_veld = "niveau"


class GeschatteIntensiteitNietToegestaan(Regel):
    bron = DUO_INTENSITEIT
    standaard_veld = "geschatteIntensiteit"


class MAPNietInOnderwijsroute(Regel):
    bron = "art. 8 lid 3 Wi2021 (domain.md: Leerroutes)"
    standaard_veld = "map"


class MAPOntbreektInPIP(Regel):
    bron = f"{LEERROUTES} (MAP: ja in B1-route en Z-route)"
    standaard_veld = "map"


class PVTIntensiteitTeLaag(Regel):
    bron = f"{LEERROUTES} (PVT: ten minste 12 uur)"
    standaard_veld = "pvtIntensiteitUren"


class OntzorgingAlleenVoorAsielstatushouders(Regel):
    bron = "art. 56a Participatiewet (domain.md: Ontzorging)"
    standaard_veld = "ontzorging"


class StartdatumBijstandOntbreekt(Regel):
    bron = f"{ONTZORGING}: ontzorgen in de eerste zes maanden van de bijstand"
    standaard_veld = "startdatumBijstand"


class VerblijfsvergunningAsielOntbreekt(Regel):
    bron = f"{ONTZORGING}: alleen met een verblijfsvergunning asiel voor bepaalde tijd"
    standaard_veld = "verblijfsvergunningAsielBepaaldeTijd"


class LeerrouteWijzigingNaAchttienMaanden(Regel):
    bron = f"{LEERROUTES} (wijziging leerroute binnen 18 maanden na start termijn, nieuw PIP)"
    standaard_veld = "leerroute"


class AfschalenAlleenVanuitB1Route(Regel):
    bron = AFSCHALEN
    standaard_veld = "niveau"


class OnvoldoendeCursusurenVoorAfschalen(Regel):
    bron = AFSCHALEN
    standaard_veld = "niveau"


class InspanningNietVastgesteld(Regel):
    bron = AFSCHALEN
    standaard_veld = "niveau"


class VerzoekInformatieNaTienWeken(Regel):
    bron = TIEN_WEKEN
    standaard_veld = "opgevraagdOp"


class OntvangstVoorVerzoek(Regel):
    bron = TIEN_WEKEN
    standaard_veld = "informatieOntvangenOp"


class InburgeringstermijnNietGestart(Regel):
    bron = TERMIJN


class VerlengingNietNaEinddatum(Regel):
    bron = TERMIJN
    standaard_veld = "nieuweEinddatum"


class DatumVoorStartInburgeringstermijn(Regel):
    bron = DUO_MAP_PVT
    standaard_veld = "datum"


class VerwijtbaarheidOntbreekt(Regel):
    bron = DUO_MAP_PVT
    standaard_veld = "verwijtbaar"


class VerwijtbaarheidNietToegestaan(Regel):
    bron = DUO_MAP_PVT
    standaard_veld = "verwijtbaar"


class VerwijtbaarNeeNietToegestaan(Regel):
    bron = DUO_MAP_PVT
    standaard_veld = "verwijtbaar"


class VerwijtbaarJaNietToegestaan(Regel):
    bron = DUO_MAP_PVT
    standaard_veld = "verwijtbaar"


class OnvoldoendePVTUren(Regel):
    bron = f"{LEERROUTES} (PVT: ten minste 12 uur, eindigt met ondertekening)"


class UrenNietPositief(Regel):
    bron = "DUO GevolgdeUren API (uren: positief geheel getal)"
    standaard_veld = "uren"


class DatumVoorPIP(Regel):
    bron = "art. 15 Wi2021 (het PIP beschrijft hoe de voortgang wordt gevolgd)"
    standaard_veld = "datum"


class EindgesprekAlleenInZRoute(Regel):
    bron = f"{LEERROUTES} (Z-route: eindgesprek)"
    standaard_veld = "eindgesprekZRoute"


class ExamenniveauOngeldig(Regel):
    bron = "DUO Examen API (ExamenniveauWI2021: A2, B1, B2; KNM zonder niveau)"
    standaard_veld = "niveau"


class VrijstellingOngeldig(Regel):
    bron = DUO_VRIJSTELLING


class OntheffingOngeldig(Regel):
    bron = DUO_ONTHEFFING


class GrondVereistBeschikking(Regel):
    bron = "DUO Gebeurtenissen SS107 / SS108"
    standaard_veld = "grond"


class GrondPastNietBijLeerroute(Regel):
    bron = "DUO Gebeurtenissen SS106; domain.md: Progress"
    standaard_veld = "grond"


class LeerrouteNietAfgerond(Regel):
    bron = "domain.md: Leerroutes en Progress (taal, KNM, PVT, MAP; SS106)"


class ZRouteNietAfgerond(Regel):
    bron = f"{LEERROUTES} (Z-route: 800 cursusuren, 800 participatie-uren, eindgesprek)"


# --- Collecting ------------------------------------------------------------------------


def alle(*guards: Callable[[], None]) -> None:
    """Run every guard; raise the one violation, or all of them together."""
    gevonden: list[Regel] = []
    for guard in guards:
        try:
            guard()
        except Regel as e:
            gevonden.append(e)
    if len(gevonden) == 1:
        raise gevonden[0]
    if gevonden:
        raise RegelsOvertreden(gevonden)


# --- Guards: the state of the traject ---------------------------------------------------


def check_traject_nieuw(bestaat: bool, gemeente: str, inburgeraar_id: UUID) -> None:
    """One traject per inburgeraar per gemeente."""
    if bestaat:
        raise TrajectBestaatAl(
            f"Gemeente {gemeente} heeft al een PIP voor inburgeraar {inburgeraar_id}"
        )


def check_niet_voldaan(voldaan: VoldaanGrond | None) -> None:
    if voldaan is not None:
        raise InburgeringsplichtAlVoldaan(
            f"De inburgeringsplicht is voldaan ({voldaan}); er verandert niets meer"
        )


def check_concept_wijzigbaar(status: Status) -> None:
    if status is not Status.CONCEPT:
        raise ConceptNietMeerWijzigbaar(
            "Het PIP is vastgesteld; wijzigen kan alleen met een nieuw PIP (vaststelling)"
        )


def check_pip_vastgesteld(aantal_pips: int) -> None:
    if not aantal_pips:
        raise PIPNietVastgesteld("Er is nog geen vastgesteld PIP")


def check_nog_geen_pip(aantal_pips: int) -> None:
    """Waiting for third parties extends the ten weeks, so only while no PIP is set."""
    if aantal_pips:
        raise PIPAlVastgesteld("Het PIP is al vastgesteld; de tien weken zijn voorbij")


# --- Guards: dates ---------------------------------------------------------------------


def check_niet_in_toekomst(datum: dt.date, vandaag: dt.date, veld: str = "datum") -> None:
    if datum > vandaag:
        raise DatumInDeToekomst(f"{veld} {datum} ligt in de toekomst", veld=veld)


def check_dagtekening_niet_in_toekomst(dagtekening: dt.date, vandaag: dt.date) -> None:
    if dagtekening > vandaag:
        raise DagtekeningInDeToekomst(f"De dagtekening {dagtekening} ligt in de toekomst")


def check_dagtekening_niet_voor_start(dagtekening: dt.date, start: dt.date) -> None:
    if dagtekening < start:
        raise DagtekeningVoorStartInburgeringsplicht(
            f"De dagtekening {dagtekening} ligt voor de start van de inburgeringsplicht {start}"
        )


def check_dagtekening_niet_voor_vestiging(dagtekening: dt.date, vestiging: dt.date | None) -> None:
    if vestiging is not None and dagtekening < vestiging:
        raise DagtekeningVoorVestiging(
            f"De dagtekening {dagtekening} ligt voor de vestiging in de gemeente {vestiging}"
        )


def check_dagtekening_niet_voor_eerdere_pip(
    dagtekening: dt.date, initieel: dt.date | None, actueel: dt.date | None
) -> None:
    eerdere = [d for d in (initieel, actueel) if d is not None and dagtekening < d]
    if eerdere:
        raise DagtekeningVoorEerderePIP(
            f"De dagtekening {dagtekening} ligt voor de dagtekening {max(eerdere)} van een "
            "eerder PIP (initieel of actueel)"
        )


# --- Guards: PIP content ---------------------------------------------------------------


def standaard_niveau(leerroute: Leerroute, niveau: Niveau | None) -> Niveau | None:
    """DUO README: Niveau (B1 when omitted) in the B1-route and the onderwijsroute."""
    if niveau is None and leerroute in (Leerroute.B1, Leerroute.ONDERWIJS):
        return Niveau.B1
    return niveau


def is_afschaling(
    huidige_leerroute: Leerroute | None,
    huidig_niveau: Niveau | None,
    leerroute: Leerroute,
    niveau: Niveau | None,
) -> bool:
    """A new PIP that lowers the B1-route from B1 to A2 is afschalen (art. 32 Wi2021)."""
    return (
        huidige_leerroute is Leerroute.B1
        and leerroute is Leerroute.B1
        and niveau is Niveau.A2
        and huidig_niveau is not Niveau.A2
    )


def check_niveau_bij_onderwijsroute(leerroute: Leerroute, niveau: Niveau | None) -> None:
    if leerroute is Leerroute.ONDERWIJS and niveau is Niveau.A2:
        raise NiveauA2BijOnderwijsroute("Niveau A2 mag niet bij de onderwijsroute")


def check_niveau_bij_z_route(leerroute: Leerroute, niveau: Niveau | None) -> None:
    if leerroute is Leerroute.Z and niveau is not None and niveau.minstens(Niveau.B1):
        raise NiveauB1BijZRoute(f"Niveau {niveau} (B1 of hoger) mag niet bij de Z-route")


def check_niveau_a2_bij_eerste_pip(
    leerroute: Leerroute, niveau: Niveau | None, is_eerste_pip: bool
) -> None:
    if is_eerste_pip and leerroute is Leerroute.B1 and niveau is Niveau.A2:
        raise NiveauA2BijEerstePIPInB1Route(
            "Niveau A2 mag niet bij de B1-route in het eerste PIP van de inburgeraar"
        )


def check_niveau_a1_alleen_in_z_route(leerroute: Leerroute, niveau: Niveau | None) -> None:
    if niveau is Niveau.A1 and leerroute is not Leerroute.Z:
        raise NiveauA1AlleenInZRoute(f"Niveau A1 past alleen bij de Z-route, niet bij {leerroute}")


def check_geschatte_intensiteit(
    leerroute: Leerroute, doelgroep: Doelgroep, geschatte_intensiteit: int | None
) -> None:
    if geschatte_intensiteit is None:
        return
    if leerroute is not Leerroute.B1 or doelgroep is not Doelgroep.ASIELSTATUSHOUDER:
        raise GeschatteIntensiteitNietToegestaan(
            "Een geschatte intensiteit mag alleen bij de B1-route van een asielstatushouder "
            f"(hier: {leerroute}, {doelgroep})"
        )


def check_geen_map_in_onderwijsroute(leerroute: Leerroute, map_: bool) -> None:
    if leerroute is Leerroute.ONDERWIJS and map_:
        raise MAPNietInOnderwijsroute("De onderwijsroute kent geen MAP")


def check_map_in_pip(leerroute: Leerroute, map_: bool) -> None:
    if leerroute is not Leerroute.ONDERWIJS and not map_:
        raise MAPOntbreektInPIP(f"Het PIP voor de {leerroute}-route moet de MAP bevatten")


def check_pvt_intensiteit(uren: int) -> None:
    if uren < MINIMUM_PVT_UREN:
        raise PVTIntensiteitTeLaag(f"Het PVT omvat ten minste {MINIMUM_PVT_UREN} uur, niet {uren}")


def check_ontzorging(doelgroep: Doelgroep, ontzorging: bool) -> None:
    if ontzorging and doelgroep is not Doelgroep.ASIELSTATUSHOUDER:
        raise OntzorgingAlleenVoorAsielstatushouders(
            f"Ontzorging is alleen voor asielstatushouders, niet voor {doelgroep}"
        )


def check_bijstand_bij_ontzorging(ontzorging: bool, startdatum_bijstand: dt.date | None) -> None:
    if ontzorging and startdatum_bijstand is None:
        raise StartdatumBijstandOntbreekt(
            "Ontzorging volgt op bijstand: geef de startdatum van de bijstand op; daarvan "
            "hangen de zes maanden ontzorgen af"
        )


def check_verblijfsvergunning_bij_ontzorging(ontzorging: bool, vergunning: bool | None) -> None:
    if ontzorging and vergunning is not True:
        reden = "geef op of" if vergunning is None else "alleen als"
        raise VerblijfsvergunningAsielOntbreekt(
            f"Ontzorging kan {reden} de inburgeraar een verblijfsvergunning asiel voor "
            "bepaalde tijd heeft"
        )


def check_leerroute_wijziging(
    huidige: Leerroute | None,
    nieuwe: Leerroute,
    termijn_start: dt.date | None,
    dagtekening: dt.date,
) -> None:
    if huidige is None or termijn_start is None or huidige is nieuwe:
        return
    grens = add_months(termijn_start, LEERROUTEWISSEL_MAANDEN)
    if dagtekening >= grens:
        raise LeerrouteWijzigingNaAchttienMaanden(
            f"De leerroute mag alleen binnen 18 maanden na de start van de termijn "
            f"({termijn_start}) wijzigen, dus voor {grens}"
        )


# --- Guards: afschalen (art. 32) -------------------------------------------------------


def check_afschalen_vanuit_b1_route(leerroute: Leerroute | None, niveau: Niveau | None) -> None:
    if leerroute is not Leerroute.B1 or niveau is not Niveau.B1:
        raise AfschalenAlleenVanuitB1Route(
            f"Afschalen naar A2 kan alleen vanuit de B1-route op niveau B1 "
            f"(nu: {leerroute}, {niveau})"
        )


def check_afschaaluren(keurmerkuren: int) -> None:
    if keurmerkuren < AFSCHAAL_CURSUSUREN:
        raise OnvoldoendeCursusurenVoorAfschalen(
            f"Afschalen vraagt ten minste {AFSCHAAL_CURSUSUREN} cursusuren bij een aanbieder "
            f"met keurmerk; geregistreerd: {keurmerkuren}",
            ontbrekend=["cursusuren"],
        )


def check_inspanning(oordeel: bool | None) -> None:
    if oordeel is not True:
        raise InspanningNietVastgesteld(
            "Afschalen vraagt een vastgelegd oordeel 'voldoende inspanning' in het laatste "
            "voortgangsgesprek met een oordeel",
            ontbrekend=["inspanningVoldoende"],
        )


# --- Guards: ten weeks and the termijn -------------------------------------------------


def check_verzoek_binnen_tien_weken(opgevraagd_op: dt.date, basis_uiterste: dt.date) -> None:
    if opgevraagd_op > basis_uiterste:
        raise VerzoekInformatieNaTienWeken(
            f"Informatie van derden opgevraagd op {opgevraagd_op}, na het verstrijken van de "
            f"tien weken ({basis_uiterste}); dat verlengt de termijn niet"
        )


def check_ontvangst_na_verzoek(opgevraagd_op: dt.date, ontvangen_op: dt.date) -> None:
    if ontvangen_op < opgevraagd_op:
        raise OntvangstVoorVerzoek(
            f"Informatie ontvangen op {ontvangen_op}, voor het verzoek van {opgevraagd_op}"
        )


def check_termijn_gestart(termijn_einde: dt.date | None) -> dt.date:
    if termijn_einde is None:
        raise InburgeringstermijnNietGestart(
            "De inburgeringstermijn start pas na het eerste vastgestelde PIP"
        )
    return termijn_einde


def check_verlenging_na_einddatum(huidige_einde: dt.date, nieuwe_einde: dt.date) -> None:
    if nieuwe_einde <= huidige_einde:
        raise VerlengingNietNaEinddatum(
            f"De nieuwe einddatum {nieuwe_einde} ligt niet na de huidige {huidige_einde}"
        )


# --- Guards: MAP and PVT dates (DUO) ---------------------------------------------------


def check_niet_voor_termijnstart(datum: dt.date, termijn_start: dt.date) -> None:
    if datum < termijn_start:
        raise DatumVoorStartInburgeringstermijn(
            f"De datum {datum} ligt voor de start van de inburgeringstermijn {termijn_start}"
        )


def check_verwijtbaarheid_bij_overschrijding(
    datum: dt.date, einde: dt.date, verwijtbaar: Verwijtbaar | None
) -> None:
    if verwijtbaar is None and datum > einde:
        raise VerwijtbaarheidOntbreekt(
            f"De datum {datum} ligt na het einde van de termijn {einde}: geef 'verwijtbaar' op"
        )


def check_geen_verwijtbaarheid_binnen_termijn(
    datum: dt.date, einde: dt.date, verwijtbaar: Verwijtbaar | None
) -> None:
    if verwijtbaar is not None and datum < einde:
        raise VerwijtbaarheidNietToegestaan(
            f"De datum {datum} ligt voor het einde van de termijn {einde}: 'verwijtbaar' mag "
            "dan niet worden opgegeven"
        )


def check_verwijtbaar_nee(
    einde: dt.date, verwijtbaar: Verwijtbaar | None, vandaag: dt.date
) -> None:
    if verwijtbaar is Verwijtbaar.NEE and not eindigt_binnen_twee_maanden(einde, vandaag):
        raise VerwijtbaarNeeNietToegestaan(
            f"'Nee' mag alleen als de termijn binnen twee maanden eindigt (einde {einde})"
        )


def check_verwijtbaar_ja(datum: dt.date, einde: dt.date, verwijtbaar: Verwijtbaar | None) -> None:
    if verwijtbaar is Verwijtbaar.JA and datum <= einde:
        raise VerwijtbaarJaNietToegestaan(
            f"'Ja' mag alleen bij overschrijding van de termijn (einde {einde}, datum {datum})"
        )


def check_pvt_uren(uren: int) -> None:
    if uren < MINIMUM_PVT_UREN:
        raise OnvoldoendePVTUren(
            f"Ondertekenen vraagt ten minste {MINIMUM_PVT_UREN} PVT-uren; geregistreerd: {uren}",
            ontbrekend=["pvt-uren"],
        )


# --- Guards: progress, exams, decisions ------------------------------------------------


def check_uren_positief(uren: int) -> None:
    if uren <= 0:
        raise UrenNietPositief(f"Uren moeten positief zijn, niet {uren}")


def check_niet_voor_pip(datum: dt.date, eerste_dagtekening: dt.date, veld: str = "datum") -> None:
    if datum < eerste_dagtekening:
        raise DatumVoorPIP(
            f"{veld} {datum} ligt voor de dagtekening van het PIP {eerste_dagtekening}", veld=veld
        )


def check_eindgesprek_in_z_route(leerroute: Leerroute, eindgesprek: bool) -> None:
    if eindgesprek and leerroute is not Leerroute.Z:
        raise EindgesprekAlleenInZRoute(
            f"Een eindgesprek Z-route hoort niet bij de {leerroute}-route"
        )


def check_examenniveau(onderdeel: Examenonderdeel, niveau: Niveau | None) -> None:
    if onderdeel is Examenonderdeel.KNM:
        if niveau is not None:
            raise ExamenniveauOngeldig("Het KNM-examen heeft geen niveau")
    elif niveau is None or niveau is Niveau.A1:
        raise ExamenniveauOngeldig(
            f"Een taalexamen ({onderdeel}) heeft niveau A2, B1 of B2, niet {niveau}"
        )


def check_vrijstelling(
    omvang: Omvang, onderdeel: Examenonderdeel | None, niveau: Niveau | None
) -> None:
    if omvang is Omvang.GEHEEL:
        if onderdeel is not None or niveau is not None:
            raise VrijstellingOngeldig(
                "Een gehele vrijstelling noemt geen onderdeel of niveau", veld="onderdeel"
            )
        return
    if onderdeel is None or onderdeel is Examenonderdeel.KNM:
        raise VrijstellingOngeldig(
            "Een gedeeltelijke vrijstelling geldt voor lezen, luisteren, schrijven of spreken",
            veld="onderdeel",
        )
    if niveau not in (Niveau.A2, Niveau.B1):
        raise VrijstellingOngeldig(
            "Een gedeeltelijke vrijstelling noemt niveau A2 of B1", veld="niveau"
        )


def check_ontheffing(omvang: Omvang, onderdeel: Examenonderdeel | None) -> None:
    if (omvang is Omvang.GEHEEL) != (onderdeel is None):
        raise OntheffingOngeldig(
            "Een gedeeltelijke ontheffing noemt precies één onderdeel, een gehele geen",
            veld="onderdeel",
        )


def check_grond_via_eigen_beschikking(grond: VoldaanGrond) -> None:
    if grond in (VoldaanGrond.VRIJSTELLING, VoldaanGrond.ONTHEFFING):
        raise GrondVereistBeschikking(
            f"Voldaan op grond van {grond} volgt uit het registreren van de gehele {grond}"
        )


def check_grond_past_bij_leerroute(grond: VoldaanGrond, leerroute: Leerroute | None) -> None:
    z_grond = grond is VoldaanGrond.Z_ROUTE_AFGEROND
    if leerroute is None or z_grond != (leerroute is Leerroute.Z):
        raise GrondPastNietBijLeerroute(f"Grond {grond} past niet bij leerroute {leerroute}")


def ontbrekend_voor_afronding(
    leerroute: Leerroute,
    doelgroep: Doelgroep,
    *,
    cursusuren: int,
    participatie_uren: int,
    eindgesprek: bool,
    taal_gedaan: Iterable[Examenonderdeel],
    knm_gedaan: bool,
    pvt: bool,
    map_: bool,
) -> list[str]:
    """What still stands between a traject and a completed leerroute: the Z-route's hours
    and eindgesprek, or the other routes' exams (passed, exempted or ontheven); then PVT and
    MAP (domain.md: Leerroutes en Progress)."""
    ontbrekend: list[str] = []
    if leerroute is Leerroute.Z:
        if cursusuren < Z_ROUTE_UREN:
            ontbrekend.append("cursusuren")
        asiel = doelgroep is Doelgroep.ASIELSTATUSHOUDER
        if asiel and participatie_uren < Z_ROUTE_UREN:
            ontbrekend.append("participatie-uren")
        if not eindgesprek:
            ontbrekend.append("eindgesprek")
    else:
        gedaan = set(taal_gedaan)
        ontbrekend += [o.value for o in TAALONDERDELEN if o not in gedaan]
        if not knm_gedaan:
            ontbrekend.append("knm")
    if not pvt:
        ontbrekend.append("participatieverklaring")
    if leerroute is not Leerroute.ONDERWIJS and not map_:
        ontbrekend.append("map")
    return ontbrekend


def check_afgerond(ontbrekend: list[str], leerroute: Leerroute) -> None:
    if not ontbrekend:
        return
    fout = ZRouteNietAfgerond if leerroute is Leerroute.Z else LeerrouteNietAfgerond
    raise fout(
        f"De {leerroute}-route is nog niet afgerond: {', '.join(ontbrekend)}",
        ontbrekend=ontbrekend,
    )


# --- Deadlines: each computed here, and only here ---------------------------------------


def verlengd_na_informatie(informatie_ontvangen_op: dt.date) -> dt.date:
    """How far one wait for a third party extends the ten weeks: two weeks after the
    information arrived (art. 5.3 Besluit inburgering 2021)."""
    return informatie_ontvangen_op + dt.timedelta(days=VERLENGING_NA_INFORMATIE_DAGEN)


def uiterste_datum_pip(start: dt.date, informatie_ontvangen: Iterable[dt.date] = ()) -> dt.date:
    """The last day to set the PIP: ten weeks after the start (shared.termijnen); waiting for
    third parties extends it to at most two weeks after the information arrived (art. 15
    Wi2021, art. 5.3 Besluit)."""
    verlengingen = [verlengd_na_informatie(ontvangen) for ontvangen in informatie_ontvangen]
    return max([termijnen.uiterste_datum_pip(start), *verlengingen])


def binnen_tien_weken(dagtekening: dt.date, uiterste_datum: dt.date) -> bool:
    return dagtekening <= uiterste_datum


def start_termijn(dagtekening_eerste_pip: dt.date) -> dt.date:
    """art. 11 Wi2021: the termijn starts the day after the first PIP; later PIPs keep it."""
    return dagtekening_eerste_pip + dt.timedelta(days=1)


def einde_termijn(start: dt.date) -> dt.date:
    """art. 11 Wi2021: three years from the start, the last day included."""
    return add_years(start, TERMIJN_JAREN) - dt.timedelta(days=1)


# --- Passing time: when a signal is due ---------------------------------------------------


def pip_termijn_verstreken(uiterste_datum: dt.date, peildatum: dt.date) -> bool:
    """art. 15 Wi2021, art. 5.3 Besluit: the PIP is set on or before the uiterste datum
    (ten weeks, or two weeks after third-party information); from the next day it is late.
    DUO raises SS126 then; the gemeente knows it first."""
    return peildatum > uiterste_datum


def pip_te_laat_vanaf(uiterste_datum: dt.date) -> dt.date:
    """The first day on which `pip_termijn_verstreken` holds."""
    return uiterste_datum + dt.timedelta(days=1)


def eindigt_binnen_twee_maanden(einde: dt.date, peildatum: dt.date) -> bool:
    """DUO README, MAP/PVT: the inburgeringstermijn "is verstreken of eindigt binnen 2
    maanden" (from then on DUO accepts a culpability flag)."""
    return einde <= add_months(peildatum, 2)


def eerste_dag_binnen_twee_maanden(einde: dt.date) -> dt.date:
    """The first peildatum on which `eindigt_binnen_twee_maanden(einde, peildatum)` holds
    (calendar months: the 31st minus two months may land on the 29th or 30th)."""
    dag = add_months(einde, -2)
    while not eindigt_binnen_twee_maanden(einde, dag):
        dag += dt.timedelta(days=1)
    return dag
