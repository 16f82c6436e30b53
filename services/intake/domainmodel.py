"""The inburgeraar and the brede intake (art. 14 Wi2021).

Commands (public methods) check the rules with the named guards below and then call one
private `@event` method per fact; those only change state, because they also run when the
aggregate is replayed, when "today" has moved on. Events carry dates as ISO strings and
enums as their values, so any consumer can decode them with eventsourcing's default
transcoder (which has no transcoding for `datetime.date`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import Enum, StrEnum
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import event

from shared.bsn import is_geldig_bsn
from shared.domain import VERWIJDERD, GemeenteAggregate, IsoDatum, RuleViolation, add_years, today
from shared.gemeenten import is_gemeentecode

PIP_TERMIJN = dt.timedelta(days=70)
MINIMUMLEEFTIJD = 16
VVE_LEEFTIJD = 4
BOETE_NIET_VERSCHENEN_EURO = 250
MAX_BOETES_NIET_VERSCHENEN = 2


class Doelgroep(StrEnum):
    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige_migrant"


class Relatie(StrEnum):
    PARTNER = "partner"
    KIND = "kind"
    OVERIG = "overig"


class ToetsResultaat(StrEnum):
    """DUO's LeerbaarheidstoetsResultaat ("B1-route haalbaar", ...) in our spelling."""

    B1_ROUTE_HAALBAAR = "b1_route_haalbaar"
    B1_ROUTE_NIET_HAALBAAR = "b1_route_niet_haalbaar"
    ONBEKEND = "onbekend"


class VrijstellingReden(StrEnum):
    VISUELE_BEPERKING = "visuele_beperking"
    AUDITIEVE_BEPERKING = "auditieve_beperking"


class Leefgebied(StrEnum):
    TAAL = "taal"
    FINANCIEN = "financien"
    HUISVESTING = "huisvesting"
    GEZIN_EN_KINDEROPVANG = "gezin_en_kinderopvang"
    SOCIAAL_NETWERK = "sociaal_netwerk"
    MOTIVATIE_EN_AMBITIE = "motivatie_en_ambitie"


class Hoofddoel(StrEnum):
    WERK = "werk"
    ONDERWIJS = "onderwijs"
    PARTICIPATIE = "participatie"


class Leerroute(StrEnum):
    B1 = "b1"
    ONDERWIJS = "onderwijs"
    Z = "z"


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


# --- Rules -------------------------------------------------------------------------------


class BsnOngeldig(RuleViolation):
    bron = "11-proef BSN (Wet algemene bepalingen burgerservicenummer)"


class OnbekendeGemeentecode(RuleViolation):
    bron = "CBS gemeentelijke indeling 2024"


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


def check_niet_vergeten(inburgeraar: Inburgeraar) -> None:
    if inburgeraar.vergeten:
        raise AlVergeten(f"De persoonsgegevens van {inburgeraar.id} zijn al vergeten")


def check_bsn(bsn: str) -> None:
    if not is_geldig_bsn(bsn):
        raise BsnOngeldig("BSN voldoet niet aan de 11-proef (9 cijfers)")


def check_gemeentecode(gemeente: str) -> None:
    if not is_gemeentecode(gemeente):
        raise OnbekendeGemeentecode(f"{gemeente!r} is geen CBS-gemeentecode (GMxxxx)")


def check_niet_in_toekomst(datum: dt.date, wat: str) -> None:
    if datum > today():
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


def check_leerbaarheidstoets(toets: Leerbaarheidstoets) -> None:
    if (toets.uitslag is None) == (toets.vrijstelling is None):
        raise LeerbaarheidstoetsOngeldig("Geef een uitslag of een vrijstelling, niet beide")
    if toets.vrijstelling is not None and not toets.vrijstelling.toelichting.strip():
        raise LeerbaarheidstoetsOngeldig("Een vrijstelling vraagt een toelichting")


def wijkt_af_van_toets(toets: Leerbaarheidstoets, leerroute: Leerroute) -> bool:
    """Whether the advised route goes against the toets outcome (B1 attainable or not)."""
    if toets.uitslag is None:
        return False
    haalbaar = {Leerroute.B1, Leerroute.ONDERWIJS}
    if toets.uitslag.resultaat is ToetsResultaat.B1_ROUTE_HAALBAAR:
        return leerroute not in haalbaar
    if toets.uitslag.resultaat is ToetsResultaat.B1_ROUTE_NIET_HAALBAAR:
        return leerroute in haalbaar
    return False


def check_leerroute_advies(
    toets: Leerbaarheidstoets | None, leerroute: Leerroute, motivatie: str | None
) -> None:
    if toets is None:
        raise LeerrouteAdviesZonderToets(
            "Leg eerst de leerbaarheidstoets (uitslag of vrijstelling) vast"
        )
    if wijkt_af_van_toets(toets, leerroute) and not (motivatie and motivatie.strip()):
        raise AfwijkingZonderMotivatie(
            f"Leerroute {leerroute.value} wijkt af van de uitkomst van de leerbaarheidstoets "
            f"({toets.uitslag.resultaat.value if toets.uitslag else ''}); motiveer de afwijking"
        )


def check_intake_volledig(ontbrekend: list[Onderdeel]) -> None:
    if ontbrekend:
        namen = [o.value for o in ontbrekend]
        raise IntakeOnvolledig(
            f"De brede intake is niet volledig; ontbreekt: {', '.join(namen)}",
            ontbrekend=namen,
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


# --- Value objects -------------------------------------------------------------------------


def naar_event(value: Any) -> Any:
    """A value as the default JSON transcoder stores it: dates as ISO text, enums as values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: naar_event(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [naar_event(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _datum(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _datum_verplicht(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


@dataclass(frozen=True)
class Adres:
    straat: str
    huisnummer: int
    postcode: str
    woonplaats: str
    huisnummertoevoeging: str | None = None


@dataclass(frozen=True)
class Huisgenoot:
    relatie: Relatie
    geboortedatum: dt.date

    @classmethod
    def uit_event(cls, data: dict[str, Any]) -> Huisgenoot:
        return cls(Relatie(data["relatie"]), _datum_verplicht(data["geboortedatum"]))


@dataclass(frozen=True)
class COAProfiel:
    huishouden: list[Huisgenoot]
    herkomstland: str
    talen: list[str]
    opleiding: str | None = None
    werkervaring: str | None = None
    zichtbare_beperkingen: str | None = None


@dataclass(frozen=True)
class Intakegesprek:
    volgnummer: int
    gespreksdatum: dt.date
    klantregisseur: str


@dataclass(frozen=True)
class Toetsuitslag:
    resultaat: ToetsResultaat
    behaalde_score: str
    benodigde_score: str
    datum_afname: dt.date


@dataclass(frozen=True)
class ToetsVrijstelling:
    reden: VrijstellingReden
    toelichting: str


@dataclass(frozen=True)
class Leerbaarheidstoets:
    uitslag: Toetsuitslag | None = None
    vrijstelling: ToetsVrijstelling | None = None


@dataclass(frozen=True)
class Opleiding:
    omschrijving: str
    diploma: bool
    land: str | None = None
    jaren: int | None = None


@dataclass(frozen=True)
class Werkervaring:
    functie: str
    land: str | None = None
    jaren: int | None = None


@dataclass(frozen=True)
class OpleidingEnWerkervaring:
    opleidingen: list[Opleiding]
    werkervaring: list[Werkervaring]
    toelichting: str | None = None


@dataclass(frozen=True)
class PersoonlijkeOmstandigheden:
    fysieke_gezondheid: str
    mentale_gezondheid: str
    geboortedata_kinderen: list[dt.date] = field(default_factory=list)
    overige: str | None = None


@dataclass(frozen=True)
class LeefgebiedBevinding:
    leefgebied: Leefgebied
    bevindingen: str
    ondersteuningsbehoefte: str | None = None


@dataclass(frozen=True)
class HoofddoelKeuze:
    hoofddoel: Hoofddoel
    toelichting: str | None = None


@dataclass(frozen=True)
class LeerrouteAdvies:
    leerroute: Leerroute
    motivatie: str | None = None


@dataclass(frozen=True)
class NietVerschijning:
    datum: dt.date
    gevolg: Gevolg
    nieuwe_uitnodiging: dt.date | None = None


@dataclass(frozen=True)
class Boete:
    volgnummer: int
    bedrag_euro: int
    datum_niet_verschenen: dt.date


def _onder(leeftijd: int, geboortedatum: dt.date, peildatum: dt.date) -> bool:
    return geboortedatum <= peildatum < add_years(geboortedatum, leeftijd)


# --- The aggregate -------------------------------------------------------------------------


class Inburgeraar(GemeenteAggregate):
    """One inburgeringsplichtige as known to one gemeente, and the brede intake."""

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
        {
            "bsn",
            "naam",
            "geboortedatum",
            "adres",
            "coa_profiel",
            "leerbaarheidstoets",
            "opleiding_en_werkervaring",
            "persoonlijke_omstandigheden",
            "leefgebieden",
            "hoofddoel",
            "leerroute_advies",
        }
    )

    class InburgeraarGeregistreerd(GemeenteAggregate.Created):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"bsn", "naam", "geboortedatum", "adres"}
        )
        gemeente: str
        doelgroep: str
        bsn: str
        naam: str
        geboortedatum: IsoDatum
        adres: dict[str, Any] | None
        datum_start_inburgeringsplicht: IsoDatum
        vestigingsdatum: IsoDatum | None

    @event(InburgeraarGeregistreerd)
    def __init__(
        self,
        gemeente: str,
        doelgroep: str,
        bsn: str,
        naam: str,
        geboortedatum: IsoDatum,
        adres: dict[str, Any] | None,
        datum_start_inburgeringsplicht: IsoDatum,
        vestigingsdatum: IsoDatum | None,
    ) -> None:
        self.gemeente = gemeente
        self.doelgroep = Doelgroep(doelgroep)
        self.bsn = bsn
        self.naam = naam
        # None once the person is forgotten (crypto-shredding: the date is "removed").
        self.geboortedatum = _datum(None if geboortedatum == VERWIJDERD else geboortedatum)
        self.adres = Adres(**adres) if adres is not None else None
        self.datum_start_inburgeringsplicht = _datum_verplicht(datum_start_inburgeringsplicht)
        self.vestigingsdatum = _datum(vestigingsdatum)
        self.coa_profiel: COAProfiel | None = None
        self.intakegesprekken: list[Intakegesprek] = []
        self.leerbaarheidstoets: Leerbaarheidstoets | None = None
        self.opleiding_en_werkervaring: OpleidingEnWerkervaring | None = None
        self.persoonlijke_omstandigheden: PersoonlijkeOmstandigheden | None = None
        self.leefgebieden: dict[Leefgebied, LeefgebiedBevinding] = {}
        self.hoofddoel: HoofddoelKeuze | None = None
        self.leerroute_advies: LeerrouteAdvies | None = None
        self.vve_geinformeerd_op: dt.date | None = None
        self.niet_verschenen: list[NietVerschijning] = []
        self.boetes: list[Boete] = []
        self.afrondingsdatum: dt.date | None = None
        self.vergeten_op: dt.date | None = None

    @classmethod
    def registreer(
        cls,
        *,
        gemeente: str,
        doelgroep: Doelgroep,
        bsn: str,
        naam: str,
        geboortedatum: dt.date,
        adres: Adres | None,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None = None,
    ) -> Inburgeraar:
        check_gemeentecode(gemeente)
        check_bsn(bsn)
        check_niet_in_toekomst(geboortedatum, "geboortedatum")
        check_niet_in_toekomst(datum_start_inburgeringsplicht, "datumStartInburgeringsplicht")
        check_leeftijd(geboortedatum, datum_start_inburgeringsplicht)
        if vestigingsdatum is not None:
            check_niet_in_toekomst(vestigingsdatum, "vestigingsdatum")
        return cls(
            gemeente=gemeente,
            doelgroep=doelgroep.value,
            bsn=bsn,
            naam=naam,
            geboortedatum=naar_event(geboortedatum),
            adres=naar_event(adres),
            datum_start_inburgeringsplicht=naar_event(datum_start_inburgeringsplicht),
            vestigingsdatum=naar_event(vestigingsdatum),
        )

    # --- derived state ---

    @property
    def uiterste_datum_pip(self) -> dt.date:
        """The 10-week clock of art. 15 Wi2021 runs from the start of the obligation."""
        return self.datum_start_inburgeringsplicht + PIP_TERMIJN

    @property
    def afgerond(self) -> bool:
        return self.afrondingsdatum is not None

    def heeft_kinderen_onder_4(self, peildatum: dt.date) -> bool:
        """Children known from the intake itself or from the COA household."""
        geboortedata: list[dt.date] = []
        if self.persoonlijke_omstandigheden is not None:
            geboortedata += self.persoonlijke_omstandigheden.geboortedata_kinderen
        if self.coa_profiel is not None:
            geboortedata += [
                h.geboortedatum for h in self.coa_profiel.huishouden if h.relatie is Relatie.KIND
            ]
        return any(_onder(VVE_LEEFTIJD, d, peildatum) for d in geboortedata)

    def ontbrekende_onderdelen(self, peildatum: dt.date) -> list[Onderdeel]:
        ontbrekend: list[Onderdeel] = []
        if not self.intakegesprekken:
            ontbrekend.append(Onderdeel.INTAKEGESPREK)
        if self.leerbaarheidstoets is None:
            ontbrekend.append(Onderdeel.LEERBAARHEIDSTOETS)
        if self.opleiding_en_werkervaring is None:
            ontbrekend.append(Onderdeel.OPLEIDING_EN_WERKERVARING)
        if self.persoonlijke_omstandigheden is None:
            ontbrekend.append(Onderdeel.PERSOONLIJKE_OMSTANDIGHEDEN)
        if self.hoofddoel is None:
            ontbrekend.append(Onderdeel.HOOFDDOEL)
        if self.leerroute_advies is None:
            ontbrekend.append(Onderdeel.LEERROUTE_ADVIES)
        elif (
            self.leerbaarheidstoets is not None
            and wijkt_af_van_toets(self.leerbaarheidstoets, self.leerroute_advies.leerroute)
            and not (self.leerroute_advies.motivatie or "").strip()
        ):
            # The toets was recorded again after the advice and now contradicts it.
            ontbrekend.append(Onderdeel.MOTIVATIE_AFWIJKING_TOETS)
        if self.vve_geinformeerd_op is None and self.heeft_kinderen_onder_4(peildatum):
            ontbrekend.append(Onderdeel.VVE_INFORMATIE)
        return ontbrekend

    def check_open(self) -> None:
        if self.afrondingsdatum is not None:
            raise IntakeAfgesloten(
                f"De brede intake is op {self.afrondingsdatum.isoformat()} afgerond; "
                "onderdelen kunnen niet meer worden gewijzigd"
            )

    # --- commands and their events ---

    class VestigingsdatumVastgelegd(GemeenteAggregate.Event):
        vestigingsdatum: IsoDatum

    def leg_vestigingsdatum_vast(self, vestigingsdatum: dt.date) -> None:
        check_niet_in_toekomst(vestigingsdatum, "vestigingsdatum")
        self._vestigingsdatum_vastgelegd(vestigingsdatum=naar_event(vestigingsdatum))

    @event(VestigingsdatumVastgelegd)
    def _vestigingsdatum_vastgelegd(self, vestigingsdatum: str) -> None:
        self.vestigingsdatum = _datum_verplicht(vestigingsdatum)

    class COAProfielOntvangen(GemeenteAggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {
                "huishouden",
                "herkomstland",
                "talen",
                "opleiding",
                "werkervaring",
                "zichtbare_beperkingen",
            }
        )
        huishouden: list[dict[str, Any]]
        herkomstland: str
        talen: list[str]
        opleiding: str | None
        werkervaring: str | None
        zichtbare_beperkingen: str | None

    def ontvang_coa_profiel(self, profiel: COAProfiel) -> None:
        self.check_open()
        check_coa_profiel_toegestaan(self.doelgroep)
        for huisgenoot in profiel.huishouden:
            check_niet_in_toekomst(huisgenoot.geboortedatum, "geboortedatum huisgenoot")
        self._coa_profiel_ontvangen(**naar_event(profiel))

    @event(COAProfielOntvangen)
    def _coa_profiel_ontvangen(
        self,
        huishouden: list[dict[str, Any]],
        herkomstland: str,
        talen: list[str],
        opleiding: str | None,
        werkervaring: str | None,
        zichtbare_beperkingen: str | None,
    ) -> None:
        self.coa_profiel = COAProfiel(
            huishouden=[Huisgenoot.uit_event(h) for h in huishouden],
            herkomstland=herkomstland,
            talen=list(talen),
            opleiding=opleiding,
            werkervaring=werkervaring,
            zichtbare_beperkingen=zichtbare_beperkingen,
        )

    class IntakegesprekGevoerd(GemeenteAggregate.Event):
        volgnummer: int
        gespreksdatum: IsoDatum
        klantregisseur: str

    def voer_intakegesprek(self, gespreksdatum: dt.date, klantregisseur: str) -> int:
        self.check_open()
        check_niet_voor_start(gespreksdatum, self.datum_start_inburgeringsplicht, "gespreksdatum")
        check_niet_in_toekomst(gespreksdatum, "gespreksdatum")
        volgnummer = len(self.intakegesprekken) + 1
        self._intakegesprek_gevoerd(
            volgnummer=volgnummer,
            gespreksdatum=naar_event(gespreksdatum),
            klantregisseur=klantregisseur,
        )
        return volgnummer

    @event(IntakegesprekGevoerd)
    def _intakegesprek_gevoerd(
        self, volgnummer: int, gespreksdatum: str, klantregisseur: str
    ) -> None:
        self.intakegesprekken.append(
            Intakegesprek(volgnummer, _datum_verplicht(gespreksdatum), klantregisseur)
        )

    class LeerbaarheidstoetsVastgelegd(GemeenteAggregate.Event):
        # The reason for an exemption is a visual or auditory impairment: health data.
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"vrijstelling"})
        uitslag: dict[str, Any] | None
        vrijstelling: dict[str, Any] | None

    def leg_leerbaarheidstoets_vast(self, toets: Leerbaarheidstoets) -> None:
        self.check_open()
        check_leerbaarheidstoets(toets)
        if toets.uitslag is not None:
            check_niet_in_toekomst(toets.uitslag.datum_afname, "datumAfname")
        self._leerbaarheidstoets_vastgelegd(**naar_event(toets))

    @event(LeerbaarheidstoetsVastgelegd)
    def _leerbaarheidstoets_vastgelegd(
        self, uitslag: dict[str, Any] | None, vrijstelling: dict[str, Any] | None
    ) -> None:
        self.leerbaarheidstoets = Leerbaarheidstoets(
            uitslag=None
            if uitslag is None
            else Toetsuitslag(
                resultaat=ToetsResultaat(uitslag["resultaat"]),
                behaalde_score=uitslag["behaalde_score"],
                benodigde_score=uitslag["benodigde_score"],
                datum_afname=_datum_verplicht(uitslag["datum_afname"]),
            ),
            vrijstelling=None
            if vrijstelling is None
            else ToetsVrijstelling(
                VrijstellingReden(vrijstelling["reden"]), vrijstelling["toelichting"]
            ),
        )

    class OpleidingEnWerkervaringVastgelegd(GemeenteAggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"opleidingen", "werkervaring", "toelichting"}
        )
        opleidingen: list[dict[str, Any]]
        werkervaring: list[dict[str, Any]]
        toelichting: str | None

    def leg_opleiding_en_werkervaring_vast(self, gegevens: OpleidingEnWerkervaring) -> None:
        self.check_open()
        self._opleiding_en_werkervaring_vastgelegd(**naar_event(gegevens))

    @event(OpleidingEnWerkervaringVastgelegd)
    def _opleiding_en_werkervaring_vastgelegd(
        self,
        opleidingen: list[dict[str, Any]],
        werkervaring: list[dict[str, Any]],
        toelichting: str | None,
    ) -> None:
        self.opleiding_en_werkervaring = OpleidingEnWerkervaring(
            opleidingen=[Opleiding(**o) for o in opleidingen],
            werkervaring=[Werkervaring(**w) for w in werkervaring],
            toelichting=toelichting,
        )

    class PersoonlijkeOmstandighedenVastgelegd(GemeenteAggregate.Event):
        # Physical and mental health are special-category data (art. 9 AVG).
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"fysieke_gezondheid", "mentale_gezondheid", "geboortedata_kinderen", "overige"}
        )
        fysieke_gezondheid: str
        mentale_gezondheid: str
        geboortedata_kinderen: list[str]
        overige: str | None

    def leg_persoonlijke_omstandigheden_vast(self, gegevens: PersoonlijkeOmstandigheden) -> None:
        self.check_open()
        for geboortedatum in gegevens.geboortedata_kinderen:
            check_niet_in_toekomst(geboortedatum, "geboortedatum kind")
        self._persoonlijke_omstandigheden_vastgelegd(**naar_event(gegevens))

    @event(PersoonlijkeOmstandighedenVastgelegd)
    def _persoonlijke_omstandigheden_vastgelegd(
        self,
        fysieke_gezondheid: str,
        mentale_gezondheid: str,
        geboortedata_kinderen: list[str],
        overige: str | None,
    ) -> None:
        self.persoonlijke_omstandigheden = PersoonlijkeOmstandigheden(
            fysieke_gezondheid=fysieke_gezondheid,
            mentale_gezondheid=mentale_gezondheid,
            geboortedata_kinderen=[_datum_verplicht(d) for d in geboortedata_kinderen],
            overige=overige,
        )

    class LeefgebiedVastgelegd(GemeenteAggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"bevindingen", "ondersteuningsbehoefte"}
        )
        leefgebied: str
        bevindingen: str
        ondersteuningsbehoefte: str | None

    def leg_leefgebied_vast(self, bevinding: LeefgebiedBevinding) -> None:
        self.check_open()
        self._leefgebied_vastgelegd(**naar_event(bevinding))

    @event(LeefgebiedVastgelegd)
    def _leefgebied_vastgelegd(
        self, leefgebied: str, bevindingen: str, ondersteuningsbehoefte: str | None
    ) -> None:
        gebied = Leefgebied(leefgebied)
        self.leefgebieden[gebied] = LeefgebiedBevinding(gebied, bevindingen, ondersteuningsbehoefte)

    class HoofddoelVastgelegd(GemeenteAggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"toelichting"})
        hoofddoel: str
        toelichting: str | None

    def leg_hoofddoel_vast(self, keuze: HoofddoelKeuze) -> None:
        self.check_open()
        self._hoofddoel_vastgelegd(**naar_event(keuze))

    @event(HoofddoelVastgelegd)
    def _hoofddoel_vastgelegd(self, hoofddoel: str, toelichting: str | None) -> None:
        self.hoofddoel = HoofddoelKeuze(Hoofddoel(hoofddoel), toelichting)

    class LeerrouteGeadviseerd(GemeenteAggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"motivatie"})
        leerroute: str
        motivatie: str | None
        wijkt_af_van_toets: bool

    def adviseer_leerroute(self, advies: LeerrouteAdvies) -> None:
        self.check_open()
        check_leerroute_advies(self.leerbaarheidstoets, advies.leerroute, advies.motivatie)
        assert self.leerbaarheidstoets is not None
        self._leerroute_geadviseerd(
            leerroute=advies.leerroute.value,
            motivatie=advies.motivatie,
            wijkt_af_van_toets=wijkt_af_van_toets(self.leerbaarheidstoets, advies.leerroute),
        )

    @event(LeerrouteGeadviseerd)
    def _leerroute_geadviseerd(
        self, leerroute: str, motivatie: str | None, wijkt_af_van_toets: bool
    ) -> None:
        self.leerroute_advies = LeerrouteAdvies(Leerroute(leerroute), motivatie)

    class VVEInformatieGegeven(GemeenteAggregate.Event):
        datum_geinformeerd: IsoDatum

    def geef_vve_informatie(self, datum_geinformeerd: dt.date) -> None:
        self.check_open()
        check_niet_in_toekomst(datum_geinformeerd, "datumGeinformeerd")
        self._vve_informatie_gegeven(datum_geinformeerd=naar_event(datum_geinformeerd))

    @event(VVEInformatieGegeven)
    def _vve_informatie_gegeven(self, datum_geinformeerd: str) -> None:
        self.vve_geinformeerd_op = _datum_verplicht(datum_geinformeerd)

    class NietVerschenen(GemeenteAggregate.Event):
        datum: IsoDatum
        keer: int
        nieuwe_uitnodiging: str | None

    class WaarschuwingGegeven(GemeenteAggregate.Event):
        datum_niet_verschenen: IsoDatum
        nieuwe_uitnodiging: str

    class BoeteOpgelegd(GemeenteAggregate.Event):
        volgnummer: int
        bedrag_euro: int
        datum_niet_verschenen: IsoDatum

    def registreer_niet_verschenen(
        self, datum: dt.date, nieuwe_uitnodiging: dt.date | None
    ) -> Gevolg:
        """First no-show: warning and new invitation; then EUR 250, at most twice."""
        self.check_open()
        check_niet_voor_start(datum, self.datum_start_inburgeringsplicht, "datum")
        check_niet_in_toekomst(datum, "datum")
        if any(n.datum == datum for n in self.niet_verschenen):
            raise NietVerschenenAlVastgelegd(
                f"Niet verschijnen op {datum.isoformat()} is al vastgelegd"
            )
        keer = len(self.niet_verschenen) + 1
        check_nieuwe_uitnodiging(datum, nieuwe_uitnodiging, verplicht=keer == 1)
        self._niet_verschenen(
            datum=naar_event(datum), keer=keer, nieuwe_uitnodiging=naar_event(nieuwe_uitnodiging)
        )
        if keer == 1:
            assert nieuwe_uitnodiging is not None
            self._waarschuwing_gegeven(
                datum_niet_verschenen=naar_event(datum),
                nieuwe_uitnodiging=naar_event(nieuwe_uitnodiging),
            )
            return Gevolg.WAARSCHUWING
        if len(self.boetes) < MAX_BOETES_NIET_VERSCHENEN:
            self._boete_opgelegd(
                volgnummer=len(self.boetes) + 1,
                bedrag_euro=BOETE_NIET_VERSCHENEN_EURO,
                datum_niet_verschenen=naar_event(datum),
            )
            return Gevolg.BOETE
        return Gevolg.GEEN

    @event(NietVerschenen)
    def _niet_verschenen(self, datum: str, keer: int, nieuwe_uitnodiging: str | None) -> None:
        # The consequence is filled in by the warning or fine that follows, if any.
        self.niet_verschenen.append(
            NietVerschijning(_datum_verplicht(datum), Gevolg.GEEN, _datum(nieuwe_uitnodiging))
        )

    def _zet_gevolg(self, gevolg: Gevolg) -> None:
        laatste = self.niet_verschenen[-1]
        self.niet_verschenen[-1] = NietVerschijning(
            laatste.datum, gevolg, laatste.nieuwe_uitnodiging
        )

    @event(WaarschuwingGegeven)
    def _waarschuwing_gegeven(self, datum_niet_verschenen: str, nieuwe_uitnodiging: str) -> None:
        self._zet_gevolg(Gevolg.WAARSCHUWING)

    @event(BoeteOpgelegd)
    def _boete_opgelegd(
        self, volgnummer: int, bedrag_euro: int, datum_niet_verschenen: str
    ) -> None:
        self.boetes.append(Boete(volgnummer, bedrag_euro, _datum_verplicht(datum_niet_verschenen)))
        self._zet_gevolg(Gevolg.BOETE)

    class IntakeAfgerond(GemeenteAggregate.Event):
        """What the PIP service needs; deliberately no personal data.

        v2 of the stored shape adds the hoofddoel (work, education, participation), which
        the PIP and the monitoring figures use; intakes closed before it say None."""

        class_version = 2
        inburgeraar_id: UUID
        gemeente: str
        doelgroep: str
        datum_start_inburgeringsplicht: IsoDatum
        vestigingsdatum: IsoDatum | None
        leerroute: str
        afrondingsdatum: IsoDatum
        hoofddoel: str | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["hoofddoel"] = None

    def rond_af(self, afrondingsdatum: dt.date) -> None:
        self.check_open()
        check_niet_in_toekomst(afrondingsdatum, "afrondingsdatum")
        if self.intakegesprekken:
            laatste = max(g.gespreksdatum for g in self.intakegesprekken)
            if afrondingsdatum < laatste:
                raise AfrondingVoorLaatsteGesprek(
                    f"afrondingsdatum {afrondingsdatum.isoformat()} ligt voor het laatste "
                    f"intakegesprek ({laatste.isoformat()})"
                )
        check_intake_volledig(self.ontbrekende_onderdelen(afrondingsdatum))
        assert self.leerroute_advies is not None
        self._intake_afgerond(
            inburgeraar_id=self.id,
            gemeente=self.gemeente,
            doelgroep=self.doelgroep.value,
            datum_start_inburgeringsplicht=naar_event(self.datum_start_inburgeringsplicht),
            vestigingsdatum=naar_event(self.vestigingsdatum),
            leerroute=self.leerroute_advies.leerroute.value,
            afrondingsdatum=naar_event(afrondingsdatum),
            hoofddoel=self.hoofddoel.hoofddoel.value if self.hoofddoel else None,
        )

    @event(IntakeAfgerond)
    def _intake_afgerond(
        self,
        inburgeraar_id: UUID,
        gemeente: str,
        doelgroep: str,
        datum_start_inburgeringsplicht: IsoDatum,
        vestigingsdatum: IsoDatum | None,
        leerroute: str,
        afrondingsdatum: IsoDatum,
        hoofddoel: str | None = None,
    ) -> None:
        self.afrondingsdatum = _datum_verplicht(afrondingsdatum)

    class PersoonsgegevensVergeten(GemeenteAggregate.Event):
        """The person's key is destroyed (art. 17 AVG): their personal data in every event
        now reads as removed. Carries nothing personal itself."""

        gemeente: str
        inburgeraar_id: UUID
        datum: IsoDatum

    @property
    def vergeten(self) -> bool:
        return self.vergeten_op is not None

    def vergeet(self, datum: dt.date) -> None:
        check_niet_vergeten(self)
        self._persoonsgegevens_vergeten(
            gemeente=self.gemeente, inburgeraar_id=self.id, datum=naar_event(datum)
        )

    @event(PersoonsgegevensVergeten)
    def _persoonsgegevens_vergeten(
        self, gemeente: str, inburgeraar_id: UUID, datum: IsoDatum
    ) -> None:
        self.vergeten_op = _datum_verplicht(datum)
        # What this instance still holds in memory goes too; a reload reads it as removed.
        self.bsn = self.naam = VERWIJDERD
        self.geboortedatum = None
        self.adres = self.coa_profiel = None
        self.opleiding_en_werkervaring = self.persoonlijke_omstandigheden = None
        self.leefgebieden = {}
        if self.hoofddoel is not None:
            self.hoofddoel = HoofddoelKeuze(self.hoofddoel.hoofddoel, None)
        if self.leerroute_advies is not None:
            self.leerroute_advies = LeerrouteAdvies(self.leerroute_advies.leerroute, None)
        if self.leerbaarheidstoets is not None and self.leerbaarheidstoets.vrijstelling:
            self.leerbaarheidstoets = replace(self.leerbaarheidstoets, vrijstelling=None)


class BsnVerwijzing(GemeenteAggregate):
    """Search index entry: its id is an HMAC of gemeente and BSN (see the application), so
    neither the BSN nor a guessable hash of it is stored; it points to the inburgeraar."""

    class BsnVerwijzingVastgelegd(GemeenteAggregate.Created):
        intern: ClassVar[bool] = True
        gemeente: str
        inburgeraar_id: UUID

    @event(BsnVerwijzingVastgelegd)
    def __init__(self, id: UUID, gemeente: str, inburgeraar_id: UUID) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.vervallen = False

    class BsnVerwijzingVervallen(GemeenteAggregate.Event):
        """The person is forgotten: the BSN no longer finds them (art. 17 AVG)."""

        intern: ClassVar[bool] = True

    @event(BsnVerwijzingVervallen)
    def laat_vervallen(self) -> None:
        self.vervallen = True
