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
TIEN_WEKEN = (
    "art. 15 Wi2021, art. 5.3 Besluit inburgering 2021 (tien weken na DUO's kennisgeving of "
    "de inschrijving in de BRP; intake stelt de datum vast)"
)
TERMIJN = "art. 11 lid 1 en 2 Wi2021 (drie jaar vanaf de dag na de dagtekening van het PIP)"
TERMIJN_VAN_DUO = (
    "art. 11 en 12 Wi2021 (DUO stelt de termijn vast en verlengt hem); DUO Inburgeringstermijn "
    "API, Gebeurtenissen SS102-SS104"
)
HERHAALDE_VERLENGING = (
    "art. 12 Wi2021 jo. art. 4.1 en 4.5 Besluit inburgering 2021 (secundair: Schulinck, "
    "'Wijzigingen hoofdstuk 4 concept Besluit inburgering': een verlengde termijn kan opnieuw "
    "worden verlengd, de aanvraag pas in de laatste zes maanden van die termijn; inburgeren.nl "
    "'Extra tijd': niet twee keer extra tijd voor dezelfde periode)"
)
AFSCHALEN = (
    "art. 5.5 Besluit inburgering 2021 (600 uur bij een cursusinstelling met keurmerk en "
    "voldoende inspanning; secundair: Blik op Werk 'Afstandsonderwijs binnen inburgering', "
    "Schulinck 'Het aanpassen van de leerroute': alleen in de B1-route, geheel of gedeeltelijk)"
)
LEERROUTEWISSEL = (
    "art. 17 Wi2021 jo. Besluit inburgering 2021 (wijziging leerroute binnen 18 maanden na de "
    "start van de termijn; de wissel van onderwijsroute naar B1-route kan altijd); secundair: "
    "issue 13, Schulinck 'Het aanpassen van de leerroute' (artikeltekst niet primair nagelezen)"
)
Z_ROUTE_UREN_BRON = (
    "art. 3.14 Besluit inburgering 2021 (Z-route: 800 uur cursus; asielstatushouders ook 800 "
    "uur participatie, waaronder die tijdens de brede intake; secundair: nagelezen notitie "
    "wetten.overheid.nl jci1.3:c:BWBR0045555&artikel=3.14)"
)
PLICHTNIVEAU = (
    "DUO PIP API NiveauPip (A2 of B1, het minimaal te behalen niveau); inburgeren.nl "
    "'U gaat inburgeren' (B1-route en onderwijsroute: B1, B2 mag)"
)
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


class StartdatumBijstandOntbreekt(Regel):
    bron = f"{ONTZORGING}: ontzorgen in de eerste zes maanden van de bijstand"
    standaard_veld = "startdatumBijstand"


class VerblijfsvergunningAsielOntbreekt(Regel):
    bron = f"{ONTZORGING}: alleen met een verblijfsvergunning asiel voor bepaalde tijd"
    standaard_veld = "verblijfsvergunningAsielBepaaldeTijd"


class LeerrouteWijzigingNaAchttienMaanden(Regel):
    bron = LEERROUTEWISSEL
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


class HerhaaldeVerlengingTeVroeg(Regel):
    bron = HERHAALDE_VERLENGING
    standaard_veld = "nieuweEinddatum"


class TermijnVanDuoOngeldig(Regel):
    bron = TERMIJN_VAN_DUO
    standaard_veld = "einddatum"


class DatumVoorStartInburgeringstermijn(Regel):
    bron = DUO_MAP_PVT
    standaard_veld = "datum"


class VerwijtbaarheidOntbreekt(Regel):
    bron = DUO_MAP_PVT
    standaard_veld = "verwijtbaar"


class VerwijtbaarheidNietToegestaan(Regel):
    bron = f"{DUO_MAP_PVT}; DUO Inburgeringstermijn API (einddatum exclusief)"
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
    bron = f"{Z_ROUTE_UREN_BRON}; eindgesprek: inburgeren.nl 'U gaat inburgeren'"


class AfschalingOnderdeelOngeldig(Regel):
    bron = AFSCHALEN
    standaard_veld = "onderdelen"


class MaximumParticipatieurenOngeldig(Regel):
    bron = (
        f"{DUO_ONTHEFFING}; {Z_ROUTE_UREN_BRON} (een gedeeltelijke medische ontheffing kan "
        "de participatie-uren begrenzen)"
    )
    standaard_veld = "maximumParticipatieUren"


class IntakeurenOngeldig(Regel):
    bron = Z_ROUTE_UREN_BRON
    standaard_veld = "uren"


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


def plichtniveau(niveau: Niveau | None) -> Niveau | None:
    """The level the obligation asks: B1 at most. A B2 in the PIP is an ambition (the
    onderwijsroute and B1-route may aim higher), but DUO's PIP level and the exams that
    meet the obligation are A2 or B1 (DUO PIP API, NiveauPip)."""
    return Niveau.B1 if niveau is Niveau.B2 else niveau


def is_afschaling(
    huidige_leerroute: Leerroute | None,
    huidig_niveau: Niveau | None,
    leerroute: Leerroute,
    niveau: Niveau | None,
) -> bool:
    """A new PIP in the B1-route at A2 while the target was B1 (or higher) is afschalen
    (art. 5.5 Besluit), whatever route the person comes from: from the onderwijsroute too."""
    del huidige_leerroute  # the route one comes from does not matter, the target does
    return (
        leerroute is Leerroute.B1
        and niveau is Niveau.A2
        and huidig_niveau is not None
        and huidig_niveau.minstens(Niveau.B1)
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


def is_vrije_leerroutewissel(huidige: Leerroute, nieuwe: Leerroute) -> bool:
    """From the onderwijsroute to the B1-route at any moment; every other change of route
    within the 18 months (LEERROUTEWISSEL)."""
    return huidige is Leerroute.ONDERWIJS and nieuwe is Leerroute.B1


def check_leerroute_wijziging(
    huidige: Leerroute | None,
    nieuwe: Leerroute,
    termijn_start: dt.date | None,
    dagtekening: dt.date,
) -> None:
    if huidige is None or termijn_start is None or huidige is nieuwe:
        return
    if is_vrije_leerroutewissel(huidige, nieuwe):
        return
    grens = add_months(termijn_start, LEERROUTEWISSEL_MAANDEN)
    if dagtekening >= grens:
        raise LeerrouteWijzigingNaAchttienMaanden(
            f"De leerroute mag alleen binnen 18 maanden na de start van de termijn "
            f"({termijn_start}) wijzigen, dus voor {grens}"
        )


# --- Guards: afschalen (art. 32) -------------------------------------------------------


def check_afschalen_vanuit_b1_route(leerroute: Leerroute | None, niveau: Niveau | None) -> None:
    """Afschalen happens in the B1-route with B1 (or a B2 ambition) as the target; from the
    onderwijsroute one first moves to the B1-route, which is allowed at any moment."""
    if leerroute is not Leerroute.B1 or niveau is None or not niveau.minstens(Niveau.B1):
        hint = (
            "; stel eerst een PIP in de B1-route vast (van onderwijsroute naar B1-route kan "
            "altijd), of stel direct een PIP in de B1-route op niveau A2 vast"
            if leerroute is Leerroute.ONDERWIJS
            else ""
        )
        raise AfschalenAlleenVanuitB1Route(
            f"Afschalen naar A2 kan alleen in de B1-route met B1 als doel "
            f"(nu: {leerroute}, {niveau}){hint}"
        )


def check_afschaal_onderdelen(
    onderdelen: Iterable[Examenonderdeel], al_afgeschaald: Iterable[Examenonderdeel]
) -> None:
    """Afschalen geheel (all four language components) or gedeeltelijk (some of them); KNM
    has no level, and a component already at A2 cannot be lowered again."""
    gekozen = list(onderdelen)
    if not gekozen:
        raise AfschalingOnderdeelOngeldig("Noem ten minste één taalonderdeel om af te schalen")
    if len(set(gekozen)) != len(gekozen):
        raise AfschalingOnderdeelOngeldig("Een taalonderdeel staat dubbel in de afschaling")
    ongeldig = [o.value for o in gekozen if o not in TAALONDERDELEN]
    if ongeldig:
        raise AfschalingOnderdeelOngeldig(
            f"Alleen lezen, luisteren, schrijven en spreken kunnen naar A2, niet {ongeldig}"
        )
    dubbel = sorted(o.value for o in set(gekozen) & set(al_afgeschaald))
    if dubbel:
        raise AfschalingOnderdeelOngeldig(f"Al afgeschaald naar A2: {', '.join(dubbel)}")


def check_maximum_participatieuren(
    omvang: Omvang, grond: OntheffingGrond, maximum: int | None
) -> None:
    if maximum is None:
        return
    if omvang is not Omvang.GEDEELTELIJK or grond is not OntheffingGrond.MED:
        raise MaximumParticipatieurenOngeldig(
            "Een maximum aan participatie-uren hoort bij een gedeeltelijke medische "
            f"ontheffing (MED), niet bij {omvang} {grond}"
        )
    if maximum < 0 or maximum >= Z_ROUTE_UREN:
        raise MaximumParticipatieurenOngeldig(
            f"Het maximum aan participatie-uren ligt tussen 0 en {Z_ROUTE_UREN}, niet {maximum}"
        )


def vereiste_participatieuren(maxima: Iterable[int]) -> int:
    """The Z-route's participation hours (art. 3.14 Besluit), lowered by the lowest cap of a
    partial medical ontheffing."""
    return min([Z_ROUTE_UREN, *maxima])


def check_intakeuren(uren: int) -> None:
    if uren <= 0:
        raise IntakeurenOngeldig(f"Participatie-uren uit de intake zijn positief, niet {uren}")


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


def check_termijn_van_duo(startdatum: dt.date, einddatum: dt.date) -> None:
    if einddatum < startdatum:
        raise TermijnVanDuoOngeldig(
            f"DUO's termijn eindigt ({einddatum}) voor hij begint ({startdatum})"
        )


def check_verlenging_na_einddatum(huidige_einde: dt.date, nieuwe_einde: dt.date) -> None:
    if nieuwe_einde <= huidige_einde:
        raise VerlengingNietNaEinddatum(
            f"De nieuwe einddatum {nieuwe_einde} ligt niet na de huidige {huidige_einde}"
        )


def check_herhaalde_verlenging(
    eerdere_verlengingen: int, huidige_einde: dt.date, vandaag: dt.date
) -> None:
    """An extended termijn may be extended again, but only within its last six months: an
    earlier extension covers the time before, and no period is extended twice."""
    if eerdere_verlengingen == 0:
        return
    vanaf = add_months(huidige_einde, -6)
    if vandaag < vanaf:
        raise HerhaaldeVerlengingTeVroeg(
            f"De termijn is al verlengd tot {huidige_einde}; een nieuwe verlenging kan pas "
            f"vanaf {vanaf} (de laatste zes maanden van de verlengde termijn)"
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
    """DUO: before its einddatum, which is exclusive (the day after the last day), no
    'verwijtbaar'. So on the termijn's last day DUO refuses the flag too."""
    if verwijtbaar is not None and datum < duo_einddatum(einde):
        raise VerwijtbaarheidNietToegestaan(
            f"De datum {datum} valt binnen de termijn (laatste dag {einde}): 'verwijtbaar' "
            "mag dan niet worden opgegeven"
        )


def check_verwijtbaar_nee(
    einde: dt.date, verwijtbaar: Verwijtbaar | None, vandaag: dt.date
) -> None:
    """DUO: 'Nee' only when the termijn ends within two months (its last day, the day the
    signal of `eerste_dag_binnen_twee_maanden` counts from)."""
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


def check_ontheffing(
    omvang: Omvang, onderdeel: Examenonderdeel | None, maximum_participatie_uren: int | None = None
) -> None:
    """A partial ontheffing names one exam component, or (MED) caps the participation
    hours without naming one."""
    alleen_uren = omvang is Omvang.GEDEELTELIJK and maximum_participatie_uren is not None
    if not alleen_uren and (omvang is Omvang.GEHEEL) != (onderdeel is None):
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
    vereiste_participatie_uren: int = Z_ROUTE_UREN,
    taal_gedaan: Iterable[Examenonderdeel],
    knm_gedaan: bool,
    pvt: bool,
    map_: bool,
) -> list[str]:
    """What still stands between a traject and a completed leerroute: the Z-route's hours
    (art. 3.14 Besluit: the participation hours include those of the brede intake and may
    be capped by a partial medical ontheffing) and eindgesprek, or the other routes' exams
    (passed, exempted or ontheven); then PVT and MAP (domain.md: Leerroutes en Progress)."""
    ontbrekend: list[str] = []
    if leerroute is Leerroute.Z:
        if cursusuren < Z_ROUTE_UREN:
            ontbrekend.append("cursusuren")
        asiel = doelgroep is Doelgroep.ASIELSTATUSHOUDER
        if asiel and participatie_uren < vereiste_participatie_uren:
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


def duo_einddatum(einde: dt.date) -> dt.date:
    """DUO's einddatum of the termijn is exclusive (Inburgeringstermijn API); the platform's
    `einde` is the last day, included."""
    return einde + dt.timedelta(days=1)


def verlengd_na_informatie(informatie_ontvangen_op: dt.date) -> dt.date:
    """How far one wait for a third party extends the ten weeks: two weeks after the
    information arrived (art. 5.3 Besluit inburgering 2021)."""
    return informatie_ontvangen_op + dt.timedelta(days=VERLENGING_NA_INFORMATIE_DAGEN)


def uiterste_datum_pip(basis: dt.date, informatie_ontvangen: Iterable[dt.date] = ()) -> dt.date:
    """The last day to set the PIP: the ten weeks intake states in its events (`basis`:
    after DUO's kennisgeving or the BRP registration); waiting for third parties extends it
    to at most two weeks after the information arrived (art. 15 Wi2021, art. 5.3 Besluit)."""
    verlengingen = [verlengd_na_informatie(ontvangen) for ontvangen in informatie_ontvangen]
    return max([basis, *verlengingen])


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


# --- Duale trajecten, the aanbod to asielstatushouders, maatschappelijke begeleiding ----

DUAAL = (
    "art. 15 Wi2021 (het PIP beschrijft de leerroute en de participatie; secundair: MvT "
    "35483 nr. 3 §1.3.5, dualiteit: taal leren en participeren combineren)"
)
DUO_AANBOD = "DUO README: Inburgeringsaanbod"
AANBOD_WET = (
    "art. 16 Wi2021 (het college biedt asielstatushouders de leerroute aan; secundair: MvT "
    "35483 nr. 3 §2.5.6, artikeltekst niet primair nagelezen)"
)
MAATSCHAPPELIJKE_BEGELEIDING = (
    "art. 13 Wi2021 (maatschappelijke begeleiding door het college; secundair: MvT 35483 "
    "nr. 3 §2.5.1, artikeltekst niet primair nagelezen)"
)


class DuaalSoort(StrEnum):
    WERK = "werk"
    STAGE = "stage"
    VRIJWILLIGERSWERK = "vrijwilligerswerk"


class DuaalUitkomst(StrEnum):
    PLAATSING_VOORTGEZET = "plaatsing_voortgezet"
    CONTRACT = "contract"
    BEEINDIGD = "beeindigd"


class DuaalOordeel(StrEnum):
    """The review of a duaal traject in a voortgangsgesprek."""

    OP_KOERS = "op_koers"
    BIJSTUREN = "bijsturen"


class EindeVoorStart(Regel):
    bron = (
        "DUO Inburgeringsaanbod API (een periode: begin inclusief, einde daarna); "
        "secundair voor plaatsing en begeleiding"
    )
    standaard_veld = "einddatum"


class AanbodAlleenVoorAsielstatushouders(Regel):
    bron = f"{AANBOD_WET}; {DUO_AANBOD} (het inburgeringsaanbod is voor een asielmigrant)"
    standaard_veld = "doelgroep"


class AanbiederZonderKeurmerk(Regel):
    bron = (
        f"{DUO_AANBOD} (opleidingsinstelling met Blik op Werk-keurmerk); secundair: "
        "blikopwerk.nl, Keurmerk Inburgeren"
    )
    standaard_veld = "keurmerkBlikOpWerk"


class AanbiederGeenTaalschakelinstelling(Regel):
    bron = f"{DUO_AANBOD} (erkende Taalschakelinstelling als de persoon de onderwijsroute volgt)"
    standaard_veld = "erkendeTaalschakelinstelling"


class AanbodLeerrouteWijktAf(Regel):
    bron = f"{AANBOD_WET}; art. 15 Wi2021 (de leerroute staat in het PIP)"
    standaard_veld = "leerroute"


class AanbodVoorDagtekeningPIP(Regel):
    bron = f"{DUO_AANBOD} (de data liggen niet voor de dagtekening van de actuele PIP)"
    standaard_veld = "startdatum"


class TaalcoachOntbreekt(Regel):
    bron = f"{DUAAL}; secundair: issue 13 (taalcoaching op de werkplek: ja/nee, door wie)"
    standaard_veld = "taalcoach"


class DuaalTrajectOnbekend(Regel):
    bron = f"{DUAAL}; art. 15 Wi2021 (voortgang volgens het PIP)"
    standaard_veld = "duaalTrajectId"


class DuaalTrajectAfgerond(Regel):
    bron = f"{DUAAL} (na de uitkomst is de plaatsing voorbij)"
    standaard_veld = "duaalTrajectId"


class DuaalOordeelZonderTraject(Regel):
    bron = f"{DUAAL}; art. 15 Wi2021 (voortgang volgens het PIP)"
    standaard_veld = "duaalOordeel"


def check_periode(start: dt.date, einde: dt.date | None, veld: str = "einddatum") -> None:
    if einde is not None and einde < start:
        raise EindeVoorStart(f"{veld} {einde} ligt voor de start {start}", veld=veld)


def check_aanbod_voor_asielstatushouder(doelgroep: Doelgroep) -> None:
    if doelgroep is not Doelgroep.ASIELSTATUSHOUDER:
        raise AanbodAlleenVoorAsielstatushouders(
            f"Het inburgeringsaanbod van de gemeente is voor asielstatushouders, niet voor "
            f"{doelgroep}"
        )


def check_aanbieder_keurmerk(leerroute: Leerroute, keurmerk_bow: bool) -> None:
    """B1-route and Z-route: a provider with Blik op Werk's quality mark."""
    if leerroute is not Leerroute.ONDERWIJS and not keurmerk_bow:
        raise AanbiederZonderKeurmerk(
            f"De {leerroute}-route vraagt een aanbieder met het keurmerk van Blik op Werk"
        )


def check_aanbieder_taalschakel(leerroute: Leerroute, erkende_taalschakel: bool) -> None:
    """The onderwijsroute: a recognised Taalschakelinstelling (not Blik op Werk's mark)."""
    if leerroute is Leerroute.ONDERWIJS and not erkende_taalschakel:
        raise AanbiederGeenTaalschakelinstelling(
            "De onderwijsroute vraagt een erkende Taalschakelinstelling"
        )


def check_aanbod_leerroute(aanbod: Leerroute, pip: Leerroute) -> None:
    if aanbod is not pip:
        raise AanbodLeerrouteWijktAf(
            f"Het aanbod is voor de {aanbod}-route, het actuele PIP noemt de {pip}-route"
        )


def check_aanbod_niet_voor_pip(startdatum: dt.date, dagtekening: dt.date) -> None:
    if startdatum < dagtekening:
        raise AanbodVoorDagtekeningPIP(
            f"Het aanbod start op {startdatum}, voor de dagtekening van het actuele PIP "
            f"{dagtekening}"
        )


def check_taalcoach(taalcoaching: bool, taalcoach: str | None) -> None:
    if taalcoaching and not taalcoach:
        raise TaalcoachOntbreekt("Taalcoaching op de werkplek: noem wie die geeft")


def check_duaal_traject_bekend(duaal_traject_id: UUID, bekend: Iterable[UUID]) -> None:
    if duaal_traject_id not in set(bekend):
        raise DuaalTrajectOnbekend(f"Duaal traject {duaal_traject_id} bestaat niet in dit PIP")


def check_duaal_traject_lopend(uitkomst: DuaalUitkomst | None) -> None:
    if uitkomst is not None:
        raise DuaalTrajectAfgerond(f"Het duaal traject is al afgerond ({uitkomst})")


def check_duaal_oordeel(duaal_traject_id: UUID | None, oordeel: DuaalOordeel | None) -> None:
    """A review of a duaal traject names both the traject and the oordeel."""
    if (duaal_traject_id is None) != (oordeel is None):
        veld = "duaalTrajectId" if duaal_traject_id is None else "duaalOordeel"
        raise DuaalOordeelZonderTraject(
            "Een bespreking van een duaal traject noemt het traject en het oordeel", veld=veld
        )


# --- The whole life: the traject ends, pauses, moves to another gemeente ------------------

BRON_EINDE = (
    "DUO Gebeurtenissen SS110 (inburgeringsplicht ingetrokken), SS111 (overleden), "
    "SS120/SS121 (gevestigd in een andere gemeente); art. 1 Wi2021 (college: de gemeente "
    "waar de inburgeringsplichtige woont)"
)
BRON_TIJDELIJK = (
    "art. 4 lid 1 onder b Wi2021 (vrijstelling bij een aangewezen opleiding; grondslag "
    "blijkt uit de aanhef van Stcrt. 2022, 33825, tekst zelf niet gevonden); DUO Vrijstelling "
    "API, TijdelijkeVrijstelling (INS, OPL); DUO Gebeurtenissen SS109, SS129, SS130"
)
BRON_OVERNAME = (
    "art. 11 lid 3 onder b Wi2021 (een opnieuw vastgesteld PIP wijzigt de aanvang van de "
    "termijn niet); DUO README: Niveau (eerste PIP 'ongeacht welke gemeente'); DUO "
    "Gebeurtenissen SS121"
)
BRON_OVERDRACHT = (
    "secundair: DUO README, Scope (de vorige gemeente ziet de persoon nog zolang het actuele "
    "PIP jonger is dan een maand); art. 5 lid 1 onder c AVG (alleen wat de nieuwe gemeente "
    "nodig heeft)"
)
# DUO still shows the person to the previous gemeente while the current PIP is younger
# than a month (DUO README, Scope): the warm handover's file is open that long.
OVERDRACHT_INZAGE_MAANDEN = 1
TIJDELIJKE_VRIJSTELLINGSREDENEN = frozenset({VrijstellingReden.INS, VrijstellingReden.OPL})


class RedenBeeindiging(StrEnum):
    VERHUISD = "verhuisd"
    INGETROKKEN = "ingetrokken"
    OVERLEDEN = "overleden"


class TrajectBeeindigd(Regel):
    status = 409
    title = "Traject beëindigd"
    bron = BRON_EINDE


class TrajectGepauzeerd(Regel):
    status = 409
    title = "Traject gepauzeerd"
    bron = BRON_TIJDELIJK


class TrajectNietGepauzeerd(Regel):
    status = 409
    title = "Traject niet gepauzeerd"
    bron = BRON_TIJDELIJK


class TijdelijkeVrijstellingIsGeenVrijstelling(Regel):
    """A temporary vrijstelling (INS, OPL) pauses the obligation; it never meets it."""

    bron = BRON_TIJDELIJK
    standaard_veld = "reden"


class TrajectAlOvergenomen(Regel):
    status = 409
    title = "Traject al overgenomen"
    bron = BRON_OVERNAME


class GeenOverdracht(Regel):
    status = 404
    title = "Geen overdracht"
    bron = BRON_OVERDRACHT


class OverdrachtsdossierVerlopen(Regel):
    status = 410
    title = "Overdrachtsdossier verlopen"
    bron = BRON_OVERDRACHT


def check_niet_beeindigd(reden: RedenBeeindiging | None) -> None:
    if reden is not None:
        raise TrajectBeeindigd(f"Het traject is in deze gemeente beëindigd ({reden.value})")


def check_niet_gepauzeerd(sinds: dt.date | None) -> None:
    if sinds is not None:
        raise TrajectGepauzeerd(
            f"Het traject is sinds {sinds} gepauzeerd door een tijdelijke vrijstelling"
        )


def check_gepauzeerd(sinds: dt.date | None) -> dt.date:
    if sinds is None:
        raise TrajectNietGepauzeerd("Het traject is niet gepauzeerd")
    return sinds


def check_geen_tijdelijke_vrijstelling(reden: VrijstellingReden | None) -> None:
    """DUO's INS and OPL are a tijdelijke vrijstelling: the intake records it (SS109) and
    the traject pauses; registered here it would wrongly meet the obligation."""
    if reden in TIJDELIJKE_VRIJSTELLINGSREDENEN:
        raise TijdelijkeVrijstellingIsGeenVrijstelling(
            f"Reden {reden} is een tijdelijke vrijstelling: die pauzeert de plicht (leg haar "
            "vast bij de inburgeraar) en voldoet er niet aan"
        )


def check_niet_overgenomen(overgenomen: bool, aantal_pips: int) -> None:
    if overgenomen or aantal_pips:
        raise TrajectAlOvergenomen(
            "Dit traject is al overgenomen of heeft al een eigen PIP; een overdracht past niet"
        )


def check_overdracht(overdracht_op: dt.date | None) -> dt.date:
    if overdracht_op is None:
        raise GeenOverdracht("Dit traject is niet aan een andere gemeente overgedragen")
    return overdracht_op


def check_overdrachtsdossier_inzage(overdracht_op: dt.date, vandaag: dt.date) -> None:
    tot = add_months(overdracht_op, OVERDRACHT_INZAGE_MAANDEN)
    if vandaag > tot:
        raise OverdrachtsdossierVerlopen(
            f"Het overdrachtsdossier was in te zien tot en met {tot} (overdracht {overdracht_op})"
        )


def termijneinde_na_pauze(einde: dt.date, gepauzeerd_sinds: dt.date, hervat_op: dt.date) -> dt.date:
    """The termijn resumes after a temporary vrijstelling (SS130) and runs on by the days it
    stood still (secundair: DUO Gebeurtenissen, 'Termijn gewijzigd ... door het intrekken van
    een tijdelijke vrijstelling'); DUO's own einddatum, once it reports it, governs."""
    return einde + (hervat_op - gepauzeerd_sinds)
