"""The inburgeraar and the brede intake (art. 14 Wi2021).

Commands (public methods) check the rules with the named guards of `rules.py` and then
call one private `@event` method per fact; those only assign, because they also run when the
aggregate is replayed, when "today" has moved on. Business dates travel in events as dates
(published as ISO 8601), enums as their values; the nested values (COA profile, toets,
opleidingen) as plain dicts with ISO date strings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import Enum, StrEnum
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import event

from contracts import intake as intake_contract
from services.intake.rules import (
    BOETE_NIET_VERSCHENEN_EURO,
    Doelgroep,
    Gevolg,
    Leerroute,
    Onderdeel,
    ToetsResultaat,
    check_afronding_na_gesprekken,
    check_bsn,
    check_coa_profiel_toegestaan,
    check_gemeentecode,
    check_intake_open,
    check_intake_volledig,
    check_leeftijd,
    check_leerbaarheidstoets,
    check_leerroute_advies,
    check_niet_in_toekomst,
    check_niet_vergeten,
    check_niet_verschenen_nieuw,
    check_niet_voor_start,
    check_nieuwe_uitnodiging,
    gevolg_niet_verschenen,
    is_onder_vve_leeftijd,
    wijkt_af_van_toets,
)
from shared import termijnen
from shared.domain import VERWIJDERD, GemeenteAggregate, today


class Relatie(StrEnum):
    PARTNER = "partner"
    KIND = "kind"
    OVERIG = "overig"


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


# --- Value objects -------------------------------------------------------------------------


def naar_event(value: Any) -> Any:
    """A nested value as its event stores it: plain dicts, dates as ISO text, enums as values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: naar_event(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [naar_event(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _datum(value: str) -> dt.date:
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
        return cls(Relatie(data["relatie"]), _datum(data["geboortedatum"]))


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
        """v2 (contract and stored shape) carries the last day to set the PIP, so no reader
        computes the ten weeks; registrations stored before it get it from their start."""

        cloudevent_type: ClassVar[str] = intake_contract.INBURGERAAR_GEREGISTREERD
        contract_version = 2
        class_version = 2
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"bsn", "naam", "geboortedatum", "adres"}
        )
        gemeente: str
        doelgroep: str
        bsn: str
        naam: str
        geboortedatum: dt.date
        adres: dict[str, Any] | None
        datum_start_inburgeringsplicht: dt.date
        vestigingsdatum: dt.date | None
        uiterste_datum_pip: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            start = state["datum_start_inburgeringsplicht"]
            if isinstance(start, str):
                start = dt.date.fromisoformat(start)
            state["uiterste_datum_pip"] = termijnen.uiterste_datum_pip(start)

    @event(InburgeraarGeregistreerd)
    def __init__(
        self,
        gemeente: str,
        doelgroep: str,
        bsn: str,
        naam: str,
        geboortedatum: dt.date | None,
        adres: dict[str, Any] | None,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        uiterste_datum_pip: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.doelgroep = Doelgroep(doelgroep)
        self.bsn = bsn
        self.naam = naam
        # None once the person is forgotten (crypto-shredding: the date is "removed").
        self.geboortedatum = geboortedatum
        self.adres = Adres(**adres) if adres is not None else None
        self.datum_start_inburgeringsplicht = datum_start_inburgeringsplicht
        self.vestigingsdatum = vestigingsdatum
        self.uiterste_datum_pip = uiterste_datum_pip
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
        vandaag = today()
        check_gemeentecode(gemeente)
        check_bsn(bsn)
        check_niet_in_toekomst(geboortedatum, vandaag, "geboortedatum")
        check_niet_in_toekomst(
            datum_start_inburgeringsplicht, vandaag, "datumStartInburgeringsplicht"
        )
        check_leeftijd(geboortedatum, datum_start_inburgeringsplicht)
        if vestigingsdatum is not None:
            check_niet_in_toekomst(vestigingsdatum, vandaag, "vestigingsdatum")
        return cls(
            gemeente=gemeente,
            doelgroep=doelgroep.value,
            bsn=bsn,
            naam=naam,
            geboortedatum=geboortedatum,
            adres=naar_event(adres),
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
            vestigingsdatum=vestigingsdatum,
            # The ten weeks of art. 15 Wi2021 run from the start of the obligation.
            uiterste_datum_pip=termijnen.uiterste_datum_pip(datum_start_inburgeringsplicht),
        )

    # --- derived state ---

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
        return any(is_onder_vve_leeftijd(d, peildatum) for d in geboortedata)

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
            and wijkt_af_van_toets(self.toetsresultaat, self.leerroute_advies.leerroute)
            and not (self.leerroute_advies.motivatie or "").strip()
        ):
            # The toets was recorded again after the advice and now contradicts it.
            ontbrekend.append(Onderdeel.MOTIVATIE_AFWIJKING_TOETS)
        if self.vve_geinformeerd_op is None and self.heeft_kinderen_onder_4(peildatum):
            ontbrekend.append(Onderdeel.VVE_INFORMATIE)
        return ontbrekend

    @property
    def toetsresultaat(self) -> ToetsResultaat | None:
        """The outcome of the recorded leerbaarheidstoets; None without one or when exempt."""
        toets = self.leerbaarheidstoets
        return None if toets is None or toets.uitslag is None else toets.uitslag.resultaat

    def check_open(self) -> None:
        check_intake_open(self.afrondingsdatum)

    # --- commands and their events ---

    class VestigingsdatumVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.VESTIGINGSDATUM_VASTGELEGD
        vestigingsdatum: dt.date

    def leg_vestigingsdatum_vast(self, vestigingsdatum: dt.date) -> None:
        check_niet_in_toekomst(vestigingsdatum, today(), "vestigingsdatum")
        self._vestigingsdatum_vastgelegd(vestigingsdatum=vestigingsdatum)

    @event(VestigingsdatumVastgelegd)
    def _vestigingsdatum_vastgelegd(self, vestigingsdatum: dt.date) -> None:
        self.vestigingsdatum = vestigingsdatum

    class COAProfielOntvangen(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.COA_PROFIEL_ONTVANGEN
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
            check_niet_in_toekomst(huisgenoot.geboortedatum, today(), "geboortedatum huisgenoot")
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
        cloudevent_type: ClassVar[str] = intake_contract.INTAKEGESPREK_GEVOERD
        volgnummer: int
        gespreksdatum: dt.date
        klantregisseur: str

    def voer_intakegesprek(self, gespreksdatum: dt.date, klantregisseur: str) -> int:
        self.check_open()
        check_niet_voor_start(gespreksdatum, self.datum_start_inburgeringsplicht, "gespreksdatum")
        check_niet_in_toekomst(gespreksdatum, today(), "gespreksdatum")
        volgnummer = len(self.intakegesprekken) + 1
        self._intakegesprek_gevoerd(
            volgnummer=volgnummer, gespreksdatum=gespreksdatum, klantregisseur=klantregisseur
        )
        return volgnummer

    @event(IntakegesprekGevoerd)
    def _intakegesprek_gevoerd(
        self, volgnummer: int, gespreksdatum: dt.date, klantregisseur: str
    ) -> None:
        self.intakegesprekken.append(Intakegesprek(volgnummer, gespreksdatum, klantregisseur))

    class LeerbaarheidstoetsVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.LEERBAARHEIDSTOETS_VASTGELEGD
        # The reason for an exemption is a visual or auditory impairment: health data.
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"vrijstelling"})
        uitslag: dict[str, Any] | None
        vrijstelling: dict[str, Any] | None

    def leg_leerbaarheidstoets_vast(self, toets: Leerbaarheidstoets) -> None:
        self.check_open()
        check_leerbaarheidstoets(
            toets.uitslag is not None,
            None if toets.vrijstelling is None else toets.vrijstelling.toelichting,
        )
        if toets.uitslag is not None:
            check_niet_in_toekomst(toets.uitslag.datum_afname, today(), "datumAfname")
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
                datum_afname=_datum(uitslag["datum_afname"]),
            ),
            vrijstelling=None
            if vrijstelling is None
            else ToetsVrijstelling(
                VrijstellingReden(vrijstelling["reden"]), vrijstelling["toelichting"]
            ),
        )

    class OpleidingEnWerkervaringVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.OPLEIDING_EN_WERKERVARING_VASTGELEGD
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
        cloudevent_type: ClassVar[str] = intake_contract.PERSOONLIJKE_OMSTANDIGHEDEN_VASTGELEGD
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
            check_niet_in_toekomst(geboortedatum, today(), "geboortedatum kind")
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
            geboortedata_kinderen=[_datum(d) for d in geboortedata_kinderen],
            overige=overige,
        )

    class LeefgebiedVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.LEEFGEBIED_VASTGELEGD
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
        cloudevent_type: ClassVar[str] = intake_contract.HOOFDDOEL_VASTGELEGD
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
        cloudevent_type: ClassVar[str] = intake_contract.LEERROUTE_GEADVISEERD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"motivatie"})
        leerroute: str
        motivatie: str | None
        wijkt_af_van_toets: bool

    def adviseer_leerroute(self, advies: LeerrouteAdvies) -> None:
        self.check_open()
        check_leerroute_advies(
            self.leerbaarheidstoets is not None,
            self.toetsresultaat,
            advies.leerroute,
            advies.motivatie,
        )
        self._leerroute_geadviseerd(
            leerroute=advies.leerroute.value,
            motivatie=advies.motivatie,
            wijkt_af_van_toets=wijkt_af_van_toets(self.toetsresultaat, advies.leerroute),
        )

    @event(LeerrouteGeadviseerd)
    def _leerroute_geadviseerd(
        self, leerroute: str, motivatie: str | None, wijkt_af_van_toets: bool
    ) -> None:
        self.leerroute_advies = LeerrouteAdvies(Leerroute(leerroute), motivatie)

    class VVEInformatieGegeven(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.VVE_INFORMATIE_GEGEVEN
        datum_geinformeerd: dt.date

    def geef_vve_informatie(self, datum_geinformeerd: dt.date) -> None:
        self.check_open()
        check_niet_in_toekomst(datum_geinformeerd, today(), "datumGeinformeerd")
        self._vve_informatie_gegeven(datum_geinformeerd=datum_geinformeerd)

    @event(VVEInformatieGegeven)
    def _vve_informatie_gegeven(self, datum_geinformeerd: dt.date) -> None:
        self.vve_geinformeerd_op = datum_geinformeerd

    class NietVerschenen(GemeenteAggregate.Event):
        """v2 of the contract: `nieuwe_uitnodiging` is a date (v1 published a bare string)."""

        cloudevent_type: ClassVar[str] = intake_contract.NIET_VERSCHENEN
        contract_version = 2
        datum: dt.date
        keer: int
        nieuwe_uitnodiging: dt.date | None

    class WaarschuwingGegeven(GemeenteAggregate.Event):
        """v2 of the contract: `nieuwe_uitnodiging` is a date (v1 published a bare string)."""

        cloudevent_type: ClassVar[str] = intake_contract.WAARSCHUWING_GEGEVEN
        contract_version = 2
        datum_niet_verschenen: dt.date
        nieuwe_uitnodiging: dt.date

    class BoeteOpgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.BOETE_OPGELEGD
        volgnummer: int
        bedrag_euro: int
        datum_niet_verschenen: dt.date

    def registreer_niet_verschenen(
        self, datum: dt.date, nieuwe_uitnodiging: dt.date | None
    ) -> Gevolg:
        """First no-show: warning and new invitation; then EUR 250, at most twice."""
        self.check_open()
        check_niet_voor_start(datum, self.datum_start_inburgeringsplicht, "datum")
        check_niet_in_toekomst(datum, today(), "datum")
        check_niet_verschenen_nieuw(datum, (n.datum for n in self.niet_verschenen))
        keer = len(self.niet_verschenen) + 1
        check_nieuwe_uitnodiging(datum, nieuwe_uitnodiging, verplicht=keer == 1)
        gevolg = gevolg_niet_verschenen(keer, len(self.boetes))
        self._niet_verschenen(datum=datum, keer=keer, nieuwe_uitnodiging=nieuwe_uitnodiging)
        if gevolg is Gevolg.WAARSCHUWING:
            assert nieuwe_uitnodiging is not None
            self._waarschuwing_gegeven(
                datum_niet_verschenen=datum, nieuwe_uitnodiging=nieuwe_uitnodiging
            )
        elif gevolg is Gevolg.BOETE:
            self._boete_opgelegd(
                volgnummer=len(self.boetes) + 1,
                bedrag_euro=BOETE_NIET_VERSCHENEN_EURO,
                datum_niet_verschenen=datum,
            )
        return gevolg

    @event(NietVerschenen)
    def _niet_verschenen(
        self, datum: dt.date, keer: int, nieuwe_uitnodiging: dt.date | None
    ) -> None:
        # The consequence is filled in by the warning or fine that follows, if any.
        self.niet_verschenen.append(NietVerschijning(datum, Gevolg.GEEN, nieuwe_uitnodiging))

    def _zet_gevolg(self, gevolg: Gevolg) -> None:
        laatste = self.niet_verschenen[-1]
        self.niet_verschenen[-1] = NietVerschijning(
            laatste.datum, gevolg, laatste.nieuwe_uitnodiging
        )

    @event(WaarschuwingGegeven)
    def _waarschuwing_gegeven(
        self, datum_niet_verschenen: dt.date, nieuwe_uitnodiging: dt.date
    ) -> None:
        self._zet_gevolg(Gevolg.WAARSCHUWING)

    @event(BoeteOpgelegd)
    def _boete_opgelegd(
        self, volgnummer: int, bedrag_euro: int, datum_niet_verschenen: dt.date
    ) -> None:
        self.boetes.append(Boete(volgnummer, bedrag_euro, datum_niet_verschenen))
        self._zet_gevolg(Gevolg.BOETE)

    class IntakeAfgerond(GemeenteAggregate.Event):
        """What the PIP service needs; deliberately no personal data.

        v2 of the stored shape adds the hoofddoel (work, education, participation), which
        the PIP and the monitoring figures use; intakes closed before it say None."""

        cloudevent_type: ClassVar[str] = intake_contract.INTAKE_AFGEROND
        class_version = 2
        inburgeraar_id: UUID
        gemeente: str
        doelgroep: str
        datum_start_inburgeringsplicht: dt.date
        vestigingsdatum: dt.date | None
        leerroute: str
        afrondingsdatum: dt.date
        hoofddoel: str | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["hoofddoel"] = None

    def rond_af(self, afrondingsdatum: dt.date) -> None:
        self.check_open()
        check_niet_in_toekomst(afrondingsdatum, today(), "afrondingsdatum")
        check_afronding_na_gesprekken(
            afrondingsdatum, (g.gespreksdatum for g in self.intakegesprekken)
        )
        check_intake_volledig(self.ontbrekende_onderdelen(afrondingsdatum))
        assert self.leerroute_advies is not None
        self._intake_afgerond(
            inburgeraar_id=self.id,
            gemeente=self.gemeente,
            doelgroep=self.doelgroep.value,
            datum_start_inburgeringsplicht=self.datum_start_inburgeringsplicht,
            vestigingsdatum=self.vestigingsdatum,
            leerroute=self.leerroute_advies.leerroute.value,
            afrondingsdatum=afrondingsdatum,
            hoofddoel=self.hoofddoel.hoofddoel.value if self.hoofddoel else None,
        )

    @event(IntakeAfgerond)
    def _intake_afgerond(
        self,
        inburgeraar_id: UUID,
        gemeente: str,
        doelgroep: str,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        leerroute: str,
        afrondingsdatum: dt.date,
        hoofddoel: str | None = None,
    ) -> None:
        self.afrondingsdatum = afrondingsdatum

    class PersoonsgegevensVergeten(GemeenteAggregate.Event):
        """The person's key is destroyed (art. 17 AVG): their personal data in every event
        now reads as removed. Carries nothing personal itself."""

        cloudevent_type: ClassVar[str] = intake_contract.PERSOONSGEGEVENS_VERGETEN
        gemeente: str
        inburgeraar_id: UUID
        datum: dt.date

    @property
    def vergeten(self) -> bool:
        return self.vergeten_op is not None

    def vergeet(self, datum: dt.date) -> None:
        check_niet_vergeten(self.id, self.vergeten_op)
        self._persoonsgegevens_vergeten(gemeente=self.gemeente, inburgeraar_id=self.id, datum=datum)

    @event(PersoonsgegevensVergeten)
    def _persoonsgegevens_vergeten(
        self, gemeente: str, inburgeraar_id: UUID, datum: dt.date
    ) -> None:
        self.vergeten_op = datum
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
