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
from shared.domain import RuleViolation, add_years
from shared.gemeenten import is_gemeentecode

MINIMUMLEEFTIJD = 16
VVE_LEEFTIJD = 4
BOETE_NIET_VERSCHENEN_EURO = 250
MAX_BOETES_NIET_VERSCHENEN = 2


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
    BOETE = "boete"
    GEEN = "geen"


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
    bron = "art. 3 Wi2021 (inburgeringsplichtig vanaf 16 jaar; artikel niet geverifieerd)"


class DatumVoorStartInburgeringsplicht(RuleViolation):
    bron = "art. 14 Wi2021 (brede intake volgt op de start van de inburgeringsplicht)"


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


def check_leeftijd(geboortedatum: dt.date, start_inburgeringsplicht: dt.date) -> None:
    if add_years(geboortedatum, MINIMUMLEEFTIJD) > start_inburgeringsplicht:
        raise TeJongVoorInburgeringsplicht(
            f"Op {start_inburgeringsplicht.isoformat()} was de persoon nog geen "
            f"{MINIMUMLEEFTIJD} jaar"
        )


def check_niet_voor_start(datum: dt.date, start: dt.date, wat: str) -> None:
    if datum < start:
        raise DatumVoorStartInburgeringsplicht(
            f"{wat} {datum.isoformat()} ligt voor de start van de inburgeringsplicht "
            f"({start.isoformat()})"
        )


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


def gevolg_niet_verschenen(keer: int, boetes: int) -> Gevolg:
    """The first time a warning with a new invitation; then a fine, at most twice."""
    if keer == 1:
        return Gevolg.WAARSCHUWING
    if boetes < MAX_BOETES_NIET_VERSCHENEN:
        return Gevolg.BOETE
    return Gevolg.GEEN


# --- Guards: forgetting --------------------------------------------------------------------


def check_niet_vergeten(inburgeraar_id: UUID, vergeten_op: dt.date | None) -> None:
    if vergeten_op is not None:
        raise AlVergeten(f"De persoonsgegevens van {inburgeraar_id} zijn al vergeten")
