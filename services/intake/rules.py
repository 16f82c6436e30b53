"""The rules of the registration and the brede intake (art. 14 Wi2021): the value sets they
speak of, one named violation per rule with its source (`bron`), and the guards that raise
them. The aggregate in `domainmodel.py` and the use cases in `application.py` call these
guards; the guards take plain values, so they know nothing of events or storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from uuid import UUID

from shared.bsn import is_geldig_bsn
from shared.domain import RuleViolation, add_months, add_years
from shared.gemeenten import is_gemeentecode

# art. 3 Wi2021: obliged from 16 (secundair: Schulinck 'Minderjarige vreemdelingen'); under
# 18 in practice only on request (DUO Gebeurtenissen: "op verzoek inburgeringsplichtig
# gemaakt voordat degene 18 jaar is"), as the kwalificatieplicht exempts the others.
MINIMUMLEEFTIJD = 16
STANDAARDLEEFTIJD = 18
LEEFTIJD_BRON = (
    "art. 3 Wi2021 (vanaf 16 jaar tot de pensioengerechtigde leeftijd, art. 7a AOW); "
    "secundair: Schulinck 'Minderjarige vreemdelingen' (16/17: meestal vrijgesteld, "
    "kwalificatieplicht); DUO Gebeurtenissen 'Nieuwe inburgeringsplichtige' (op verzoek "
    "inburgeringsplichtig voor 18 jaar)"
)
# The pensioengerechtigde leeftijd (art. 7a AOW) of each calendar year, in months: 2024-2027
# 67 years, 2028-2031 67 years and 3 months (secundair: spin.nl 'AOW-leeftijd naar 67 jaar
# en 3 maanden', syfers.nl 'AOW-leeftijd blijft 67 jaar en drie maanden in 2031'). Later
# years are not set yet; the last known value stands until the law says otherwise.
AOW_LEEFTIJD_MAANDEN = {
    2019: 66 * 12 + 4,
    2020: 66 * 12 + 4,
    2021: 66 * 12 + 4,
    2022: 66 * 12 + 7,
    2023: 66 * 12 + 10,
    2024: 67 * 12,
    2025: 67 * 12,
    2026: 67 * 12,
    2027: 67 * 12,
    2028: 67 * 12 + 3,
    2029: 67 * 12 + 3,
    2030: 67 * 12 + 3,
    2031: 67 * 12 + 3,
}
# art. 5.3 lid 1 Besluit inburgering 2021: the PIP is set within ten weeks after DUO's
# kennisgeving of the obligation, or after the BRP registration in the gemeente when later.
TIEN_WEKEN = dt.timedelta(weeks=10)
BRON_TIEN_WEKEN = (
    "art. 15 Wi2021; art. 5.3 lid 1 Besluit inburgering 2021 (binnen tien weken na de "
    "kennisgeving van DUO, of na inschrijving in de BRP als die later is)"
)
VVE_LEEFTIJD = 4
# The legal maximum of the college's fine (art. 29 Wi2021; amount found only in a secondary
# source). A fine that high needs the person heard first (art. 5:53 Awb: above EUR 340).
BOETE_MAXIMUM_EURO = 800
BRON_BOETE_MAXIMUM = (
    "art. 29 Wi2021 jo. art. 5:46 lid 1 Awb; bedrag secundair: Schulinck, 'Samenloop tussen "
    "de nieuwe Wet inburgering en de Participatiewet' (maximaal EUR 800)"
)
ZIENSWIJZE_GRENS_EURO = 340
# What the klantregisseur proposes unless they say otherwise: gemeentelijk beleid, not law.
BOETE_NIET_VERSCHENEN_EURO = 250


class Doelgroep(StrEnum):
    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige_migrant"


class Leerroute(StrEnum):
    B1 = "b1"
    ONDERWIJS = "onderwijs"
    Z = "z"


class ToetsResultaat(StrEnum):
    """DUO's LeerbaarheidstoetsResultaat ("B1-route haalbaar", ...) in our spelling."""

    B1_ROUTE_HAALBAAR = "b1_route_haalbaar"
    B1_ROUTE_NIET_HAALBAAR = "b1_route_niet_haalbaar"
    ONBEKEND = "onbekend"


class Onderdeel(StrEnum):
    """The mandatory parts of the brede intake, named like the endpoints that record them."""

    INTAKEGESPREK = "intakegesprek"
    LEERBAARHEIDSTOETS = "leerbaarheidstoets"
    OPLEIDING_EN_WERKERVARING = "opleiding-en-werkervaring"
    PERSOONLIJKE_OMSTANDIGHEDEN = "persoonlijke-omstandigheden"
    HOOFDDOEL = "hoofddoel"
    LEERROUTE_ADVIES = "leerroute-advies"
    MOTIVATIE_AFWIJKING_TOETS = "leerroute-advies.motivatie"
    VVE_INFORMATIE = "vve-informatie"


class Gevolg(StrEnum):
    WAARSCHUWING = "waarschuwing"
    BOETEVOORSTEL = "boetevoorstel"
    # Only in history: before fines became beschikkingen a no-show could be fined at once.
    BOETE = "boete"
    GEEN = "geen"


class Aanleiding(StrEnum):
    """What a fine is for (art. 29 Wi2021): not cooperating with the brede intake, or a duty
    of the PIP not kept (a missed PIP appointment among them)."""

    NIET_VERSCHENEN_BREDE_INTAKE = "niet_verschenen_brede_intake"
    PIP_VERPLICHTING_NIET_NAGEKOMEN = "pip_verplichting_niet_nagekomen"


class PipVerplichting(StrEnum):
    VERSCHIJNEN_OP_AFSPRAAK = "verschijnen_op_afspraak"
    DEELNAME_LEERROUTE = "deelname_leerroute"
    PVT = "pvt"
    MAP = "map"
    OVERIG = "overig"


class Verwijtbaarheid(StrEnum):
    """The judgement of art. 5:41 and 5:46 lid 2 Awb."""

    VERWIJTBAAR = "verwijtbaar"
    VERMINDERD_VERWIJTBAAR = "verminderd_verwijtbaar"
    NIET_VERWIJTBAAR = "niet_verwijtbaar"


class AfwijzingReden(StrEnum):
    NIET_VERWIJTBAAR = "niet_verwijtbaar"
    GEEN_OVERTREDING = "geen_overtreding"


class VoorstelStatus(StrEnum):
    OPEN = "open"
    OPGELEGD = "opgelegd"
    AFGEWEZEN = "afgewezen"
    HERROEPEN = "herroepen"


# --- Violations ----------------------------------------------------------------------------


class BsnOngeldig(RuleViolation):
    bron = "11-proef BSN (Wet algemene bepalingen burgerservicenummer)"


class OnbekendeGemeentecode(RuleViolation):
    bron = "CBS gemeentelijke indeling 2024"


class AlGeregistreerd(RuleViolation):
    status = 409
    title = "Al geregistreerd"
    bron = "één inburgeraar per inburgeringsplichtige per gemeente"

    def __init__(self, detail: str, bestaand_id: UUID) -> None:
        super().__init__(detail)
        self.bestaand_id = bestaand_id


class DatumInToekomst(RuleViolation):
    bron = "feiten worden vastgelegd nadat ze zich voordeden"


class TeJongVoorInburgeringsplicht(RuleViolation):
    bron = LEEFTIJD_BRON


class VerzoekOntbreektOnderAchttien(RuleViolation):
    bron = LEEFTIJD_BRON
    veld = "opVerzoek"


class AOWLeeftijdBereikt(RuleViolation):
    veld = "geboortedatum"
    bron = (
        f"{LEEFTIJD_BRON}; DUO Gebeurtenissen SS110 (inburgeringsplicht ingetrokken: AOW geworden)"
    )


class DatumVoorStartInburgeringsplicht(RuleViolation):
    bron = "art. 14 Wi2021 (brede intake volgt op de start van de inburgeringsplicht)"


class KennisgevingVoorStartInburgeringsplicht(RuleViolation):
    bron = f"{BRON_TIEN_WEKEN}; DUO Inburgeringsplicht API (kennisgeving van een bestaande plicht)"


class KennisgevingNietNieuwer(RuleViolation):
    status = 409
    title = "Kennisgeving niet nieuwer"
    bron = "DUO Gebeurtenissen SS139 (een nieuwe kennisgeving start de tien weken opnieuw)"


class ParticipatieurenOngeldig(RuleViolation):
    veld = "uren"
    bron = (
        "art. 3.14 Besluit inburgering 2021 (participatie-uren tijdens de brede intake tellen "
        "voor de Z-route; secundair: issue 13)"
    )


class COAProfielNietVoorDoelgroep(RuleViolation):
    bron = "domain.md: COA koppelt en draagt over, alleen bij asielstatushouders"


class IntakeAfgesloten(RuleViolation):
    bron = "art. 14 Wi2021 (de brede intake is afgerond)"


class LeerbaarheidstoetsOngeldig(RuleViolation):
    bron = (
        "art. 14 lid 3 Wi2021; Besluit inburgering 2021 (vrijstelling: visuele/auditieve beperking)"
    )


class LeerrouteAdviesZonderToets(RuleViolation):
    bron = "art. 14 lid 3 Wi2021 (het advies weegt de uitkomst van de leerbaarheidstoets)"


class AfwijkingZonderMotivatie(RuleViolation):
    bron = (
        "art. 14 Wi2021; Divosa Handreiking brede intake en PIP (afwijken van de toets met redenen)"
    )


class IntakeOnvolledig(RuleViolation):
    bron = "art. 14 Wi2021 (minimale inhoud brede intake); domain.md stap 2 (VVE)"


class AfrondingVoorLaatsteGesprek(RuleViolation):
    bron = "art. 14 Wi2021 (de intake eindigt na de gesprekken)"


class NietVerschenenAlVastgelegd(RuleViolation):
    bron = "domain.md stap 2 (één sanctie per gemiste afspraak)"


class NieuweUitnodigingOngeldig(RuleViolation):
    bron = "domain.md stap 2 (eerste keer niet verschenen: waarschuwing en nieuwe uitnodiging)"


class Handhavingsregel(RuleViolation):
    """A rule of the fine procedure; `veld` is the request field (camelCase) it concerns."""

    veld: str = ""

    def __init__(self, detail: str, *, veld: str | None = None) -> None:
        super().__init__(detail)
        if veld is not None:
            self.veld = veld


class BoetebedragOngeldig(Handhavingsregel):
    bron = BRON_BOETE_MAXIMUM
    veld = "bedragEuro"


class PipVerplichtingZonderPip(Handhavingsregel):
    bron = "art. 29 Wi2021 jo. art. 15 Wi2021 (de verplichting staat in een vastgesteld PIP)"
    veld = "pipId"


class BoetevoorstelOnbekend(Handhavingsregel):
    status = 404
    title = "Niet gevonden"
    bron = "platformregel: een boetevoorstel heeft een volgnummer per inburgeraar"


class BoetevoorstelAfgehandeld(Handhavingsregel):
    status = 409
    title = "Boetevoorstel afgehandeld"
    bron = "art. 5:43 Awb en art. 5:51 Awb (één besluit over een overtreding)"


class ReactietermijnOngeldig(Handhavingsregel):
    bron = "art. 5:53 lid 3 Awb jo. art. 4:8 Awb (gelegenheid om een zienswijze te geven)"
    veld = "reactieUiterlijk"


class ReactietermijnLooptNog(Handhavingsregel):
    bron = "art. 5:53 lid 3 Awb (de gelegenheid blijft tot de gestelde termijn om is)"
    veld = "datum"


class ZienswijzeNietGevraagd(Handhavingsregel):
    bron = "art. 5:53 lid 3 Awb (eerst de gelegenheid tot een zienswijze)"
    veld = "zienswijze"


class ZienswijzeNietAfgewacht(Handhavingsregel):
    bron = (
        "art. 5:53 lid 1 en lid 3 Awb (boete boven EUR 340: de overtreder wordt gehoord "
        "voordat de boete wordt opgelegd)"
    )
    veld = "zienswijze"


class NietVerwijtbaarBeboet(Handhavingsregel):
    bron = "art. 5:41 Awb (geen boete voor zover de overtreding niet kan worden verweten)"
    veld = "verwijtbaarheid"


class AfwijzingZonderMotivering(Handhavingsregel):
    bron = "art. 3:46 Awb (een besluit berust op een deugdelijke motivering); art. 5:41 Awb"
    veld = "toelichting"


class BesluitVoorVoorstel(Handhavingsregel):
    bron = "art. 5:53 lid 3 Awb (eerst horen, dan besluiten); art. 5:51 Awb"
    veld = "dagtekening"


class AlVergeten(RuleViolation):
    status = 409
    title = "Persoonsgegevens al vergeten"
    bron = "art. 17 AVG (recht op vergetelheid)"


# --- Guards: registration ------------------------------------------------------------------


def check_bsn(bsn: str) -> None:
    if not is_geldig_bsn(bsn):
        raise BsnOngeldig("BSN voldoet niet aan de 11-proef (9 cijfers)")


def check_gemeentecode(gemeente: str) -> None:
    if not is_gemeentecode(gemeente):
        raise OnbekendeGemeentecode(f"{gemeente!r} is geen CBS-gemeentecode (GMxxxx)")


def check_niet_al_geregistreerd(gemeente: str, bestaand_id: UUID | None) -> None:
    if bestaand_id is not None:
        raise AlGeregistreerd(
            f"Deze persoon is in {gemeente} al geregistreerd als inburgeraar {bestaand_id}",
            bestaand_id,
        )


def check_niet_in_toekomst(datum: dt.date, vandaag: dt.date, wat: str) -> None:
    if datum > vandaag:
        raise DatumInToekomst(f"{wat} {datum.isoformat()} ligt in de toekomst")


def aow_datum(geboortedatum: dt.date) -> dt.date:
    """The day the person reaches the pensioengerechtigde leeftijd (art. 7a AOW), which the
    law sets per range of birth dates: the age of year Y holds for those born from 1 January
    of Y minus that age, up to where the next year's range begins."""
    maanden = AOW_LEEFTIJD_MAANDEN[min(AOW_LEEFTIJD_MAANDEN)]
    for jaar in sorted(AOW_LEEFTIJD_MAANDEN):
        if add_months(dt.date(jaar, 1, 1), -AOW_LEEFTIJD_MAANDEN[jaar]) <= geboortedatum:
            maanden = AOW_LEEFTIJD_MAANDEN[jaar]
    return add_months(geboortedatum, maanden)


def check_leeftijd(
    geboortedatum: dt.date, start_inburgeringsplicht: dt.date, op_verzoek: bool = False
) -> None:
    """From 16 to the AOW age (art. 3 Wi2021); under 18 only on the person's request."""
    start = start_inburgeringsplicht.isoformat()
    if add_years(geboortedatum, MINIMUMLEEFTIJD) > start_inburgeringsplicht:
        raise TeJongVoorInburgeringsplicht(
            f"Op {start} was de persoon nog geen {MINIMUMLEEFTIJD} jaar"
        )
    if add_years(geboortedatum, STANDAARDLEEFTIJD) > start_inburgeringsplicht and not op_verzoek:
        raise VerzoekOntbreektOnderAchttien(
            f"Op {start} was de persoon nog geen {STANDAARDLEEFTIJD} jaar: alleen "
            "inburgeringsplichtig op eigen verzoek (geef opVerzoek: true)"
        )
    aow = aow_datum(geboortedatum)
    if start_inburgeringsplicht >= aow:
        raise AOWLeeftijdBereikt(
            f"Op {start} had de persoon de pensioengerechtigde leeftijd bereikt "
            f"({aow.isoformat()}): niet inburgeringsplichtig"
        )


def check_niet_voor_start(datum: dt.date, start: dt.date, wat: str) -> None:
    if datum < start:
        raise DatumVoorStartInburgeringsplicht(
            f"{wat} {datum.isoformat()} ligt voor de start van de inburgeringsplicht "
            f"({start.isoformat()})"
        )


def check_kennisgeving_niet_voor_start(kennisgeving: dt.date, start: dt.date) -> None:
    if kennisgeving < start:
        raise KennisgevingVoorStartInburgeringsplicht(
            f"datumKennisgeving {kennisgeving.isoformat()} ligt voor de start van de "
            f"inburgeringsplicht ({start.isoformat()})"
        )


def check_kennisgeving_nieuwer(nieuw: dt.date, huidig: dt.date) -> None:
    """Only a later kennisgeving (SS139 again, e.g. on leaving the COA) restarts the clock."""
    if nieuw <= huidig:
        raise KennisgevingNietNieuwer(
            f"datumKennisgeving {nieuw.isoformat()} is niet later dan de vastgelegde "
            f"{huidig.isoformat()}"
        )


def uiterste_datum_pip(
    datum_kennisgeving: dt.date, datum_inschrijving_brp: dt.date | None
) -> dt.date:
    """The last day to set the PIP (art. 5.3 lid 1 Besluit inburgering 2021): ten weeks
    after DUO's kennisgeving, or after the BRP registration in the gemeente when that is
    later. "Binnen tien weken na" counts from the day after: the same weekday ten weeks on
    is the last day, included."""
    start = max(datum_kennisgeving, datum_inschrijving_brp or datum_kennisgeving)
    return start + TIEN_WEKEN


def check_participatieuren(uren: int) -> None:
    if uren <= 0:
        raise ParticipatieurenOngeldig(f"Participatie-uren zijn positief, niet {uren}")


def check_coa_profiel_toegestaan(doelgroep: Doelgroep) -> None:
    if doelgroep is not Doelgroep.ASIELSTATUSHOUDER:
        raise COAProfielNietVoorDoelgroep(
            f"Een COA-profiel hoort alleen bij een asielstatushouder, niet bij {doelgroep.value}"
        )


# --- Guards: the brede intake --------------------------------------------------------------


def check_intake_open(afrondingsdatum: dt.date | None) -> None:
    if afrondingsdatum is not None:
        raise IntakeAfgesloten(
            f"De brede intake is op {afrondingsdatum.isoformat()} afgerond; "
            "onderdelen kunnen niet meer worden gewijzigd"
        )


def check_leerbaarheidstoets(heeft_uitslag: bool, vrijstelling_toelichting: str | None) -> None:
    """Either a result or an exemption (`vrijstelling_toelichting` None: no exemption)."""
    if heeft_uitslag == (vrijstelling_toelichting is not None):
        raise LeerbaarheidstoetsOngeldig("Geef een uitslag of een vrijstelling, niet beide")
    if vrijstelling_toelichting is not None and not vrijstelling_toelichting.strip():
        raise LeerbaarheidstoetsOngeldig("Een vrijstelling vraagt een toelichting")


def wijkt_af_van_toets(resultaat: ToetsResultaat | None, leerroute: Leerroute) -> bool:
    """Whether the advised route goes against the toets outcome (B1 attainable or not);
    `resultaat` None: an exemption, nothing to go against."""
    haalbaar = {Leerroute.B1, Leerroute.ONDERWIJS}
    if resultaat is ToetsResultaat.B1_ROUTE_HAALBAAR:
        return leerroute not in haalbaar
    if resultaat is ToetsResultaat.B1_ROUTE_NIET_HAALBAAR:
        return leerroute in haalbaar
    return False


def check_leerroute_advies(
    toets_vastgelegd: bool,
    resultaat: ToetsResultaat | None,
    leerroute: Leerroute,
    motivatie: str | None,
) -> None:
    if not toets_vastgelegd:
        raise LeerrouteAdviesZonderToets(
            "Leg eerst de leerbaarheidstoets (uitslag of vrijstelling) vast"
        )
    if wijkt_af_van_toets(resultaat, leerroute) and not (motivatie and motivatie.strip()):
        raise AfwijkingZonderMotivatie(
            f"Leerroute {leerroute.value} wijkt af van de uitkomst van de leerbaarheidstoets "
            f"({resultaat.value if resultaat else ''}); motiveer de afwijking"
        )


def is_onder_vve_leeftijd(geboortedatum: dt.date, peildatum: dt.date) -> bool:
    """A child born by `peildatum` and not yet four: the parent gets the VVE information."""
    return geboortedatum <= peildatum < add_years(geboortedatum, VVE_LEEFTIJD)


def check_intake_volledig(ontbrekend: list[Onderdeel]) -> None:
    if ontbrekend:
        namen = [o.value for o in ontbrekend]
        raise IntakeOnvolledig(
            f"De brede intake is niet volledig; ontbreekt: {', '.join(namen)}",
            ontbrekend=namen,
        )


def check_afronding_na_gesprekken(
    afrondingsdatum: dt.date, gespreksdata: Iterable[dt.date]
) -> None:
    laatste = max(gespreksdata, default=None)
    if laatste is not None and afrondingsdatum < laatste:
        raise AfrondingVoorLaatsteGesprek(
            f"afrondingsdatum {afrondingsdatum.isoformat()} ligt voor het laatste "
            f"intakegesprek ({laatste.isoformat()})"
        )


# --- Guards: not showing up ----------------------------------------------------------------


def check_niet_verschenen_nieuw(datum: dt.date, eerder: Iterable[dt.date]) -> None:
    if datum in set(eerder):
        raise NietVerschenenAlVastgelegd(
            f"Niet verschijnen op {datum.isoformat()} is al vastgelegd"
        )


def check_nieuwe_uitnodiging(
    datum: dt.date, nieuwe_uitnodiging: dt.date | None, *, verplicht: bool
) -> None:
    if nieuwe_uitnodiging is None:
        if verplicht:
            raise NieuweUitnodigingOngeldig(
                "Bij de eerste keer niet verschijnen hoort een waarschuwing met een nieuwe "
                "uitnodiging; geef de nieuwe datum"
            )
        return
    if nieuwe_uitnodiging <= datum:
        raise NieuweUitnodigingOngeldig("De nieuwe uitnodiging moet na de gemiste afspraak liggen")


def gevolg_niet_verschenen(keer: int) -> Gevolg:
    """The first time a warning with a new invitation (practice, not law: a fine is a last
    resort); after that a proposal to the klantregisseur, never a fine by itself. The law
    caps the amount of a fine, not how many there are."""
    return Gevolg.WAARSCHUWING if keer == 1 else Gevolg.BOETEVOORSTEL


# --- Guards: fines (art. 29 Wi2021; titel 5.4 Awb) -------------------------------------------


def zienswijze_verplicht(maximum_euro: int) -> bool:
    """Art. 5:53 lid 1 Awb: the procedure with hearing applies when the fine that *can* be
    imposed for the overtreding exceeds EUR 340."""
    return maximum_euro > ZIENSWIJZE_GRENS_EURO


def check_boetebedrag(bedrag_euro: int, maximum_euro: int, veld: str = "bedragEuro") -> None:
    if not 1 <= bedrag_euro <= maximum_euro:
        raise BoetebedragOngeldig(
            f"{veld} {bedrag_euro} ligt niet tussen 1 en het wettelijk maximum van EUR "
            f"{maximum_euro}",
            veld=veld,
        )


def check_pip_verplichting(pip_id: UUID | None) -> None:
    if pip_id is None:
        raise PipVerplichtingZonderPip("Noem het PIP waarin de verplichting staat")


def check_voorstel_open(status: VoorstelStatus, volgnummer: int) -> None:
    if status is not VoorstelStatus.OPEN:
        raise BoetevoorstelAfgehandeld(
            f"Boetevoorstel {volgnummer} is al afgehandeld ({status.value})"
        )


def check_reactietermijn(datum: dt.date, reactie_uiterlijk: dt.date) -> None:
    if reactie_uiterlijk <= datum:
        raise ReactietermijnOngeldig(
            "De termijn voor een zienswijze moet na de datum van het verzoek liggen"
        )


def check_afzien(datum: dt.date, reactie_uiterlijk: dt.date | None, *, uitdrukkelijk: bool) -> None:
    if reactie_uiterlijk is None:
        raise ZienswijzeNietGevraagd("Er is de inburgeraar nog geen zienswijze gevraagd")
    if not uitdrukkelijk and datum <= reactie_uiterlijk:
        raise ReactietermijnLooptNog(
            f"De inburgeraar kan tot en met {reactie_uiterlijk.isoformat()} een zienswijze geven"
        )


def check_gehoord(verplicht: bool, zienswijze_afgerond: bool) -> None:
    if verplicht and not zienswijze_afgerond:
        raise ZienswijzeNietAfgewacht(
            "Leg eerst de zienswijze vast, of dat de inburgeraar ervan afzag"
        )


def check_verwijtbaar(verwijtbaarheid: Verwijtbaarheid) -> None:
    if verwijtbaarheid is Verwijtbaarheid.NIET_VERWIJTBAAR:
        raise NietVerwijtbaarBeboet(
            "Een overtreding die niet kan worden verweten wordt niet beboet: wijs het voorstel af"
        )


def check_motivering(toelichting: str | None) -> str:
    if toelichting is None or not toelichting.strip():
        raise AfwijzingZonderMotivering("Motiveer de afwijzing van het boetevoorstel")
    return toelichting.strip()


def check_besluit_na(datum: dt.date, eerder: dt.date, wat: str, veld: str = "dagtekening") -> None:
    if datum < eerder:
        raise BesluitVoorVoorstel(
            f"{veld} {datum.isoformat()} ligt voor {wat} ({eerder.isoformat()})", veld=veld
        )


# --- Guards: forgetting --------------------------------------------------------------------


def check_niet_vergeten(inburgeraar_id: UUID, vergeten_op: dt.date | None) -> None:
    if vergeten_op is not None:
        raise AlVergeten(f"De persoonsgegevens van {inburgeraar_id} zijn al vergeten")


# --- The whole life of the obligation: it ends, pauses, changes doelgroep or moves ------------

BRON_INTREKKING = (
    "DUO Gebeurtenissen SS110 (inburgeringsplicht ingetrokken: verblijfsrecht ingetrokken of "
    "langer dan een jaar uit Nederland, genaturaliseerd, AOW-leeftijd); DUO Inburgeringsplicht "
    "API, RedenGeenInburgeringsplicht (secundair: de wetsartikelen zelf niet gevonden)"
)
BRON_OVERLIJDEN = "DUO Gebeurtenissen SS111 (persoon is overleden)"
BRON_TIJDELIJKE_VRIJSTELLING = (
    "art. 4 lid 1 onder b Wi2021 (vrijstelling bij een aangewezen opleiding; grondslag "
    "blijkt uit de aanhef van Stcrt. 2022, 33825, tekst zelf niet gevonden); DUO Vrijstelling "
    "API, TijdelijkeVrijstelling (INS, OPL); DUO Gebeurtenissen SS109, SS129, SS130"
)
BRON_DOELGROEP = "DUO Gebeurtenissen SS124/SS125; DUO Inburgeringsplicht API, Doelgroephistorie"
BRON_VERHUIZING = (
    "art. 1 Wi2021 (college: de gemeente waar de inburgeringsplichtige woont); art. 11 lid 3 "
    "onder b Wi2021 (een opnieuw vastgesteld PIP laat de termijn ongemoeid); DUO Gebeurtenissen "
    "SS120/SS121"
)


class RedenIntrekking(StrEnum):
    NATURALISATIE = "naturalisatie"
    AOW_LEEFTIJD = "aow_leeftijd"
    VERTREK_UIT_NEDERLAND = "vertrek_uit_nederland"
    VERBLIJFSRECHT_INGETROKKEN = "verblijfsrecht_ingetrokken"
    OVERIG = "overig"


class TijdelijkeVrijstellingReden(StrEnum):
    """DUO's codes of a tijdelijke vrijstelling (Vrijstelling API, TijdelijkeVrijstelling):
    INS on request, with proof of enrolment; OPL granted ex officio for a follow-up course."""

    INS = "INS"
    OPL = "OPL"


class PlichtBeeindigd(RuleViolation):
    status = 409
    title = "Inburgeringsplicht beëindigd"
    bron = f"{BRON_INTREKKING}; {BRON_OVERLIJDEN}"


class DatumVoorStartPlicht(RuleViolation):
    bron = "een einde, pauze of wijziging van de plicht volgt op haar start"


class TijdelijkeVrijstellingLooptAl(RuleViolation):
    status = 409
    title = "Tijdelijke vrijstelling loopt al"
    bron = BRON_TIJDELIJKE_VRIJSTELLING


class GeenTijdelijkeVrijstelling(RuleViolation):
    status = 409
    title = "Geen tijdelijke vrijstelling"
    bron = BRON_TIJDELIJKE_VRIJSTELLING


class EindeVoorBeginVrijstelling(RuleViolation):
    bron = BRON_TIJDELIJKE_VRIJSTELLING


class PlichtGepauzeerd(RuleViolation):
    status = 409
    title = "Inburgeringsplicht gepauzeerd"
    bron = BRON_TIJDELIJKE_VRIJSTELLING


class DoelgroepOngewijzigd(RuleViolation):
    bron = BRON_DOELGROEP


class VorigeGemeenteIsDezeGemeente(RuleViolation):
    bron = BRON_VERHUIZING


class VerhuizingAlVastgelegd(RuleViolation):
    status = 409
    title = "Verhuizing al vastgelegd"
    bron = BRON_VERHUIZING


def check_plicht_niet_beeindigd(beeindigd: str | None) -> None:
    """After withdrawal, death or a move away, this gemeente's file of the person is closed."""
    if beeindigd is not None:
        raise PlichtBeeindigd(f"De inburgeringsplicht is in deze gemeente beëindigd ({beeindigd})")


def check_plicht_niet_gepauzeerd(gepauzeerd_sinds: dt.date | None) -> None:
    """A temporary vrijstelling suspends the obligation: the intake does not end meanwhile."""
    if gepauzeerd_sinds is not None:
        raise PlichtGepauzeerd(
            f"De inburgeringsplicht is sinds {gepauzeerd_sinds.isoformat()} tijdelijk vrijgesteld"
        )


def check_na_start_plicht(datum: dt.date, start: dt.date, wat: str = "datum") -> None:
    if datum < start:
        raise DatumVoorStartPlicht(
            f"{wat} {datum.isoformat()} ligt voor de start van de inburgeringsplicht "
            f"({start.isoformat()})"
        )


def check_geen_tijdelijke_vrijstelling(gepauzeerd_sinds: dt.date | None) -> None:
    if gepauzeerd_sinds is not None:
        raise TijdelijkeVrijstellingLooptAl(
            f"Er loopt al een tijdelijke vrijstelling sinds {gepauzeerd_sinds.isoformat()}"
        )


def check_tijdelijke_vrijstelling_loopt(gepauzeerd_sinds: dt.date | None) -> dt.date:
    if gepauzeerd_sinds is None:
        raise GeenTijdelijkeVrijstelling("Er loopt geen tijdelijke vrijstelling om te beëindigen")
    return gepauzeerd_sinds


def check_einde_na_begin_vrijstelling(einde: dt.date, begin: dt.date) -> None:
    if einde < begin:
        raise EindeVoorBeginVrijstelling(
            f"Het einde {einde.isoformat()} ligt voor het begin van de tijdelijke vrijstelling "
            f"({begin.isoformat()})"
        )


def check_doelgroep_gewijzigd(van: Doelgroep, naar: Doelgroep) -> None:
    if van is naar:
        raise DoelgroepOngewijzigd(f"De doelgroep is al {naar.value}")


def check_vorige_gemeente(vorige: str, gemeente: str) -> None:
    if vorige == gemeente:
        raise VorigeGemeenteIsDezeGemeente(
            f"De vorige gemeente {vorige} is deze gemeente; een verhuizing gaat naar een andere"
        )


def check_verhuizing_nieuw(bekend: str | None) -> None:
    if bekend is not None:
        raise VerhuizingAlVastgelegd(f"De verhuizing ({bekend}) is al vastgelegd")


# --- Contact persons: one at the gemeente, one at the aanbieder ------------------------------

CONTACTPERSOON = (
    "secundair: DUO README, Contactpersoon (één contactpersoon per inburgeraar, bereikbaar "
    "voor de keten; koppelen overschrijft de vorige); domain.md Actors (één contactpersoon per "
    "inburgeraar); geen wettelijke plicht gevonden"
)


class ContactpersoonRol(StrEnum):
    GEMEENTE = "gemeente"
    AANBIEDER = "aanbieder"


class ContactpersoonOngewijzigd(RuleViolation):
    bron = CONTACTPERSOON


class ToewijzingVoorVorige(RuleViolation):
    bron = CONTACTPERSOON


class AanbiederOrganisatieOntbreekt(RuleViolation):
    bron = CONTACTPERSOON


def check_contactpersoon_gewijzigd(
    rol: ContactpersoonRol,
    huidige: tuple[str | None, str, str | None] | None,
    nieuwe: tuple[str | None, str, str | None],
) -> None:
    """(medewerker id, naam, organisatie): reassigning to the same person changes nothing."""
    if huidige == nieuwe:
        raise ContactpersoonOngewijzigd(
            f"{nieuwe[1]} is al de contactpersoon ({rol.value}); niets te wijzigen"
        )


def check_toewijzing_na_vorige(datum: dt.date, vorige: dt.date | None) -> None:
    if vorige is not None and datum < vorige:
        raise ToewijzingVoorVorige(
            f"datum {datum.isoformat()} ligt voor de toewijzing van de huidige contactpersoon "
            f"({vorige.isoformat()})"
        )


def check_organisatie_bij_aanbieder(rol: ContactpersoonRol, organisatie: str | None) -> None:
    if rol is ContactpersoonRol.AANBIEDER and not organisatie:
        raise AanbiederOrganisatieOntbreekt(
            "organisatie: de contactpersoon bij de aanbieder noemt de aanbieder"
        )
