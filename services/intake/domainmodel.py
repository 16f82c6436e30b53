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
from services.intake import rules as handhaving
from services.intake.rules import (
    Aanleiding,
    AfwijzingReden,
    ContactpersoonRol,
    Doelgroep,
    Gevolg,
    Leerroute,
    Onderdeel,
    PipVerplichting,
    RedenIntrekking,
    TijdelijkeVrijstellingReden,
    ToetsResultaat,
    Verwijtbaarheid,
    VoorstelStatus,
    check_afronding_na_gesprekken,
    check_bsn,
    check_coa_profiel_toegestaan,
    check_contactpersoon_gewijzigd,
    check_doelgroep_gewijzigd,
    check_einde_na_begin_vrijstelling,
    check_geen_tijdelijke_vrijstelling,
    check_gemeentecode,
    check_intake_open,
    check_intake_volledig,
    check_kennisgeving_niet_voor_start,
    check_kennisgeving_nieuwer,
    check_leeftijd,
    check_leerbaarheidstoets,
    check_leerroute_advies,
    check_na_start_plicht,
    check_niet_in_toekomst,
    check_niet_vergeten,
    check_niet_verschenen_nieuw,
    check_niet_voor_start,
    check_nieuwe_uitnodiging,
    check_organisatie_bij_aanbieder,
    check_participatieuren,
    check_plicht_niet_beeindigd,
    check_plicht_niet_gepauzeerd,
    check_tijdelijke_vrijstelling_loopt,
    check_toewijzing_na_vorige,
    check_verhuizing_nieuw,
    check_vorige_gemeente,
    gevolg_niet_verschenen,
    is_onder_vve_leeftijd,
    uiterste_datum_pip,
    wijkt_af_van_toets,
)
from shared import awb
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
class Contactpersoon:
    """The one contact person per role: at the gemeente or at the aanbieder."""

    rol: ContactpersoonRol
    naam: str
    medewerker_id: str | None
    organisatie: str | None
    datum: dt.date


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


@dataclass(frozen=True)
class Boetevoorstel:
    """A proposal for a fine and its course: zienswijze, beschikking or rejection, bezwaar."""

    volgnummer: int
    aanleiding: Aanleiding
    datum_overtreding: dt.date
    pip_id: UUID | None
    verplichting: PipVerplichting | None
    voorgesteld_bedrag_euro: int
    maximum_bedrag_euro: int
    datum_voorstel: dt.date
    zienswijze_verplicht: bool
    status: VoorstelStatus = VoorstelStatus.OPEN
    zienswijze_gevraagd_op: dt.date | None = None
    reactie_uiterlijk: dt.date | None = None
    zienswijze_ontvangen_op: dt.date | None = None
    zienswijze_afgezien_op: dt.date | None = None
    bedrag_euro: int | None = None
    verwijtbaarheid: Verwijtbaarheid | None = None
    boete: int | None = None
    bekendmaking: awb.Bekendmaking | None = None
    afgewezen_op: dt.date | None = None
    afwijzing_reden: AfwijzingReden | None = None
    bezwaren: tuple[awb.Bezwaar, ...] = ()
    herroepen_op: dt.date | None = None

    @property
    def zienswijze_afgerond(self) -> bool:
        return self.zienswijze_ontvangen_op is not None or self.zienswijze_afgezien_op is not None

    @property
    def laatste_stap(self) -> dt.date:
        stappen = (self.zienswijze_ontvangen_op, self.zienswijze_afgezien_op)
        return max((d for d in stappen if d is not None), default=self.datum_voorstel)


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
            "contactpersonen",
        }
    )

    class InburgeraarGeregistreerd(GemeenteAggregate.Created):
        """v2 (contract and stored shape) carries the last day to set the PIP, so no reader
        computes the ten weeks; registrations stored before it get it from their start.
        v3 carries DUO's kennisgeving, from which the ten weeks run (art. 5.3 Besluit);
        registrations stored before it knew no other date than the start."""

        cloudevent_type: ClassVar[str] = intake_contract.INBURGERAAR_GEREGISTREERD
        contract_version = 3
        class_version = 3
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
        datum_kennisgeving: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The rule as it was applied then: ten weeks from the start of the obligation.
            start = state["datum_start_inburgeringsplicht"]
            if isinstance(start, str):
                start = dt.date.fromisoformat(start)
            state["uiterste_datum_pip"] = uiterste_datum_pip(start, None)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["datum_kennisgeving"] = state["datum_start_inburgeringsplicht"]

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
        datum_kennisgeving: dt.date,
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
        self.datum_kennisgeving = datum_kennisgeving
        self.coa_profiel: COAProfiel | None = None
        self.intakegesprekken: list[Intakegesprek] = []
        self.leerbaarheidstoets: Leerbaarheidstoets | None = None
        self.opleiding_en_werkervaring: OpleidingEnWerkervaring | None = None
        self.persoonlijke_omstandigheden: PersoonlijkeOmstandigheden | None = None
        self.leefgebieden: dict[Leefgebied, LeefgebiedBevinding] = {}
        self.hoofddoel: HoofddoelKeuze | None = None
        self.participatieuren_intake: list[tuple[int, dt.date]] = []
        self.leerroute_advies: LeerrouteAdvies | None = None
        self.vve_geinformeerd_op: dt.date | None = None
        self.niet_verschenen: list[NietVerschijning] = []
        self.boetes: list[Boete] = []
        self.boetevoorstellen: list[Boetevoorstel] = []
        self.afrondingsdatum: dt.date | None = None
        self.vergeten_op: dt.date | None = None
        self.contactpersonen: dict[ContactpersoonRol, Contactpersoon] = {}
        # The whole life: ended (withdrawn, died, moved away), paused, moved in.
        self.beeindigd: str | None = None
        self.beeindigd_op: dt.date | None = None
        self.gepauzeerd_sinds: dt.date | None = None
        self.tijdelijke_vrijstelling_reden: TijdelijkeVrijstellingReden | None = None
        self.vorige_gemeente: str | None = None
        self.verhuisd_naar: str | None = None

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
        datum_kennisgeving: dt.date | None = None,
        op_verzoek: bool = False,
    ) -> Inburgeraar:
        """`datum_kennisgeving`: DUO's kennisgeving of the obligation (None: given on the
        day the obligation started, as for most who already live in the gemeente)."""
        vandaag = today()
        kennisgeving = datum_kennisgeving or datum_start_inburgeringsplicht
        check_gemeentecode(gemeente)
        check_bsn(bsn)
        check_niet_in_toekomst(geboortedatum, vandaag, "geboortedatum")
        check_niet_in_toekomst(
            datum_start_inburgeringsplicht, vandaag, "datumStartInburgeringsplicht"
        )
        check_leeftijd(geboortedatum, datum_start_inburgeringsplicht, op_verzoek)
        check_niet_in_toekomst(kennisgeving, vandaag, "datumKennisgeving")
        check_kennisgeving_niet_voor_start(kennisgeving, datum_start_inburgeringsplicht)
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
            uiterste_datum_pip=uiterste_datum_pip(kennisgeving, vestigingsdatum),
            datum_kennisgeving=kennisgeving,
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

    def aanbevelingen(self) -> list[Onderdeel]:
        """What the intake should still cover but the law does not make a condition for
        its afronding: the hoofddoel (art. 14 lid 3 Wi2021 names education, work experience
        and personal circumstances, not a main goal)."""
        return [Onderdeel.HOOFDDOEL] if self.hoofddoel is None else []

    @property
    def participatieuren(self) -> int:
        return sum(uren for uren, _ in self.participatieuren_intake)

    @property
    def toetsresultaat(self) -> ToetsResultaat | None:
        """The outcome of the recorded leerbaarheidstoets; None without one or when exempt."""
        toets = self.leerbaarheidstoets
        return None if toets is None or toets.uitslag is None else toets.uitslag.resultaat

    def check_open(self) -> None:
        check_plicht_niet_beeindigd(self.beeindigd)
        check_intake_open(self.afrondingsdatum)

    # --- commands and their events ---

    class VestigingsdatumVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.VESTIGINGSDATUM_VASTGELEGD
        vestigingsdatum: dt.date

    def leg_vestigingsdatum_vast(self, vestigingsdatum: dt.date) -> None:
        check_niet_in_toekomst(vestigingsdatum, today(), "vestigingsdatum")
        self._vestigingsdatum_vastgelegd(vestigingsdatum=vestigingsdatum)
        self._herbereken_uiterste_datum_pip()

    @event(VestigingsdatumVastgelegd)
    def _vestigingsdatum_vastgelegd(self, vestigingsdatum: dt.date) -> None:
        self.vestigingsdatum = vestigingsdatum

    # --- The ten weeks: DUO's kennisgeving and the BRP (art. 5.3 Besluit) ---

    class KennisgevingOntvangen(GemeenteAggregate.Event):
        """DUO gave notice of the obligation again (SS139, e.g. on leaving the COA)."""

        cloudevent_type: ClassVar[str] = intake_contract.KENNISGEVING_ONTVANGEN
        datum_kennisgeving: dt.date

    def ontvang_kennisgeving(self, datum_kennisgeving: dt.date) -> None:
        check_niet_in_toekomst(datum_kennisgeving, today(), "datumKennisgeving")
        check_kennisgeving_nieuwer(datum_kennisgeving, self.datum_kennisgeving)
        self._kennisgeving_ontvangen(datum_kennisgeving=datum_kennisgeving)
        self._herbereken_uiterste_datum_pip()

    @event(KennisgevingOntvangen)
    def _kennisgeving_ontvangen(self, datum_kennisgeving: dt.date) -> None:
        self.datum_kennisgeving = datum_kennisgeving

    class UitersteDatumPipGewijzigd(GemeenteAggregate.Event):
        """The ten weeks moved (a later kennisgeving or BRP registration): the new last day
        to set the PIP, for the PIP service and the read models."""

        cloudevent_type: ClassVar[str] = intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD
        inburgeraar_id: UUID
        gemeente: str
        datum_kennisgeving: dt.date
        vestigingsdatum: dt.date | None
        uiterste_datum_pip: dt.date

    def _herbereken_uiterste_datum_pip(self) -> None:
        nieuw = uiterste_datum_pip(self.datum_kennisgeving, self.vestigingsdatum)
        if nieuw != self.uiterste_datum_pip:
            self._uiterste_datum_pip_gewijzigd(
                inburgeraar_id=self.id,
                gemeente=self.gemeente,
                datum_kennisgeving=self.datum_kennisgeving,
                vestigingsdatum=self.vestigingsdatum,
                uiterste_datum_pip=nieuw,
            )

    @event(UitersteDatumPipGewijzigd)
    def _uiterste_datum_pip_gewijzigd(
        self,
        inburgeraar_id: UUID,
        gemeente: str,
        datum_kennisgeving: dt.date,
        vestigingsdatum: dt.date | None,
        uiterste_datum_pip: dt.date,
    ) -> None:
        self.uiterste_datum_pip = uiterste_datum_pip

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

    class ParticipatieurenGeregistreerd(GemeenteAggregate.Event):
        """Participation during the brede intake (art. 3.14 Besluit: it counts for the
        Z-route); the total travels to the PIP with ParticipatieurenIntakeVastgesteld."""

        cloudevent_type: ClassVar[str] = intake_contract.PARTICIPATIEUREN_GEREGISTREERD
        uren: int
        peildatum: dt.date

    def registreer_participatieuren(self, uren: int, peildatum: dt.date) -> None:
        self.check_open()
        check_participatieuren(uren)
        check_niet_in_toekomst(peildatum, today(), "peildatum")
        check_niet_voor_start(peildatum, self.datum_start_inburgeringsplicht, "peildatum")
        self._participatieuren_geregistreerd(uren=uren, peildatum=peildatum)

    @event(ParticipatieurenGeregistreerd)
    def _participatieuren_geregistreerd(self, uren: int, peildatum: dt.date) -> None:
        self.participatieuren_intake.append((uren, peildatum))

    class ParticipatieurenIntakeVastgesteld(GemeenteAggregate.Event):
        """At the afronding: the participation hours of the whole brede intake, for the
        PIP service to count towards the Z-route (art. 3.14 Besluit)."""

        cloudevent_type: ClassVar[str] = intake_contract.PARTICIPATIEUREN_INTAKE_VASTGESTELD
        inburgeraar_id: UUID
        gemeente: str
        uren: int
        peildatum: dt.date

    @event(ParticipatieurenIntakeVastgesteld)
    def _participatieuren_intake_vastgesteld(
        self, inburgeraar_id: UUID, gemeente: str, uren: int, peildatum: dt.date
    ) -> None:
        pass

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
        """The beschikking that imposes a fine (art. 29 Wi2021, titel 5.4 Awb), taken on a
        proposal after hearing the person. v1 was imposed by a no-show itself and knew only
        the amount and the day; its other fields read None."""

        cloudevent_type: ClassVar[str] = intake_contract.BOETE_OPGELEGD
        contract_version = 2
        class_version = 2
        volgnummer: int
        voorstel: int | None
        aanleiding: str
        datum_overtreding: dt.date
        bedrag_euro: int
        maximum_bedrag_euro: int | None
        verwijtbaarheid: str | None
        dagtekening: dt.date | None
        verzenddatum: dt.date | None
        bezwaartermijn_einde: dt.date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["voorstel"] = None
            state["aanleiding"] = Aanleiding.NIET_VERSCHENEN_BREDE_INTAKE.value
            state["datum_overtreding"] = state.pop("datum_niet_verschenen")
            for veld in (
                "maximum_bedrag_euro",
                "verwijtbaarheid",
                "dagtekening",
                "verzenddatum",
                "bezwaartermijn_einde",
            ):
                state[veld] = None

    def registreer_niet_verschenen(
        self,
        datum: dt.date,
        nieuwe_uitnodiging: dt.date | None,
        voorgesteld_bedrag_euro: int | None = None,
    ) -> Gevolg:
        """First no-show: warning and new invitation; after that a proposal for a fine that
        the klantregisseur decides on (art. 29 Wi2021), never a fine by itself."""
        self.check_open()
        vandaag = today()
        check_niet_voor_start(datum, self.datum_start_inburgeringsplicht, "datum")
        check_niet_in_toekomst(datum, vandaag, "datum")
        check_niet_verschenen_nieuw(datum, (n.datum for n in self.niet_verschenen))
        keer = len(self.niet_verschenen) + 1
        check_nieuwe_uitnodiging(datum, nieuwe_uitnodiging, verplicht=keer == 1)
        gevolg = gevolg_niet_verschenen(keer)
        bedrag = voorgesteld_bedrag_euro or handhaving.BOETE_NIET_VERSCHENEN_EURO
        if gevolg is Gevolg.BOETEVOORSTEL:
            handhaving.check_boetebedrag(
                bedrag, handhaving.BOETE_MAXIMUM_EURO, "voorgesteldBedragEuro"
            )
        self._niet_verschenen(datum=datum, keer=keer, nieuwe_uitnodiging=nieuwe_uitnodiging)
        if gevolg is Gevolg.WAARSCHUWING:
            assert nieuwe_uitnodiging is not None
            self._waarschuwing_gegeven(
                datum_niet_verschenen=datum, nieuwe_uitnodiging=nieuwe_uitnodiging
            )
        else:
            self._doe_voorstel(
                Aanleiding.NIET_VERSCHENEN_BREDE_INTAKE, datum, None, None, bedrag, vandaag
            )
        return gevolg

    @event(NietVerschenen)
    def _niet_verschenen(
        self, datum: dt.date, keer: int, nieuwe_uitnodiging: dt.date | None
    ) -> None:
        # The consequence is filled in by the warning or proposal that follows, if any.
        self.niet_verschenen.append(NietVerschijning(datum, Gevolg.GEEN, nieuwe_uitnodiging))

    def _zet_gevolg(self, gevolg: Gevolg, datum: dt.date | None = None) -> None:
        laatste = self.niet_verschenen[-1] if self.niet_verschenen else None
        if laatste is None or (datum is not None and laatste.datum != datum):
            return
        self.niet_verschenen[-1] = NietVerschijning(
            laatste.datum, gevolg, laatste.nieuwe_uitnodiging
        )

    @event(WaarschuwingGegeven)
    def _waarschuwing_gegeven(
        self, datum_niet_verschenen: dt.date, nieuwe_uitnodiging: dt.date
    ) -> None:
        self._zet_gevolg(Gevolg.WAARSCHUWING)

    # --- Fines: proposal, zienswijze, beschikking, bezwaar (art. 29 Wi2021; Awb) ----------

    class BoetevoorstelGedaan(GemeenteAggregate.Event):
        """A proposal for a fine to the klantregisseur; nothing is owed yet."""

        cloudevent_type: ClassVar[str] = intake_contract.BOETEVOORSTEL_GEDAAN
        volgnummer: int
        aanleiding: str
        datum_overtreding: dt.date
        pip_id: UUID | None
        verplichting: str | None
        voorgesteld_bedrag_euro: int
        maximum_bedrag_euro: int
        datum_voorstel: dt.date
        zienswijze_verplicht: bool

    def registreer_pip_verplichting_niet_nagekomen(
        self,
        *,
        pip_id: UUID | None,
        verplichting: PipVerplichting,
        datum: dt.date,
        voorgesteld_bedrag_euro: int,
    ) -> int:
        """The klantregisseur records a duty of the PIP not kept: a proposal, as for a
        no-show (art. 29 Wi2021). Returns the proposal's volgnummer."""
        vandaag = today()
        handhaving.check_pip_verplichting(pip_id)
        check_niet_voor_start(datum, self.datum_start_inburgeringsplicht, "datum")
        check_niet_in_toekomst(datum, vandaag, "datum")
        handhaving.check_boetebedrag(
            voorgesteld_bedrag_euro, handhaving.BOETE_MAXIMUM_EURO, "voorgesteldBedragEuro"
        )
        self._doe_voorstel(
            Aanleiding.PIP_VERPLICHTING_NIET_NAGEKOMEN,
            datum,
            pip_id,
            verplichting,
            voorgesteld_bedrag_euro,
            vandaag,
        )
        return len(self.boetevoorstellen)

    def _doe_voorstel(
        self,
        aanleiding: Aanleiding,
        datum_overtreding: dt.date,
        pip_id: UUID | None,
        verplichting: PipVerplichting | None,
        bedrag: int,
        vandaag: dt.date,
    ) -> None:
        maximum = handhaving.BOETE_MAXIMUM_EURO
        self._boetevoorstel_gedaan(
            volgnummer=len(self.boetevoorstellen) + 1,
            aanleiding=aanleiding.value,
            datum_overtreding=datum_overtreding,
            pip_id=pip_id,
            verplichting=None if verplichting is None else verplichting.value,
            voorgesteld_bedrag_euro=bedrag,
            maximum_bedrag_euro=maximum,
            datum_voorstel=vandaag,
            zienswijze_verplicht=handhaving.zienswijze_verplicht(maximum),
        )

    @event(BoetevoorstelGedaan)
    def _boetevoorstel_gedaan(
        self,
        volgnummer: int,
        aanleiding: str,
        datum_overtreding: dt.date,
        pip_id: UUID | None,
        verplichting: str | None,
        voorgesteld_bedrag_euro: int,
        maximum_bedrag_euro: int,
        datum_voorstel: dt.date,
        zienswijze_verplicht: bool,
    ) -> None:
        self.boetevoorstellen.append(
            Boetevoorstel(
                volgnummer=volgnummer,
                aanleiding=Aanleiding(aanleiding),
                datum_overtreding=datum_overtreding,
                pip_id=pip_id,
                verplichting=None if verplichting is None else PipVerplichting(verplichting),
                voorgesteld_bedrag_euro=voorgesteld_bedrag_euro,
                maximum_bedrag_euro=maximum_bedrag_euro,
                datum_voorstel=datum_voorstel,
                zienswijze_verplicht=zienswijze_verplicht,
            )
        )
        if aanleiding == Aanleiding.NIET_VERSCHENEN_BREDE_INTAKE:
            self._zet_gevolg(Gevolg.BOETEVOORSTEL, datum_overtreding)

    def boetevoorstel(self, volgnummer: int) -> Boetevoorstel:
        if not 1 <= volgnummer <= len(self.boetevoorstellen):
            raise handhaving.BoetevoorstelOnbekend(
                f"Inburgeraar {self.id} heeft geen boetevoorstel {volgnummer}"
            )
        return self.boetevoorstellen[volgnummer - 1]

    def _wijzig_voorstel(self, volgnummer: int, **wijziging: Any) -> None:
        self.boetevoorstellen[volgnummer - 1] = replace(
            self.boetevoorstellen[volgnummer - 1], **wijziging
        )

    class ZienswijzeGevraagd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.ZIENSWIJZE_GEVRAAGD
        volgnummer: int
        datum: dt.date
        reactie_uiterlijk: dt.date

    def vraag_zienswijze(self, volgnummer: int, datum: dt.date, reactie_uiterlijk: dt.date) -> None:
        voorstel = self.boetevoorstel(volgnummer)
        handhaving.check_voorstel_open(voorstel.status, volgnummer)
        check_niet_in_toekomst(datum, today(), "datum")
        handhaving.check_besluit_na(datum, voorstel.datum_voorstel, "het voorstel", "datum")
        handhaving.check_reactietermijn(datum, reactie_uiterlijk)
        self._zienswijze_gevraagd(
            volgnummer=volgnummer, datum=datum, reactie_uiterlijk=reactie_uiterlijk
        )

    @event(ZienswijzeGevraagd)
    def _zienswijze_gevraagd(
        self, volgnummer: int, datum: dt.date, reactie_uiterlijk: dt.date
    ) -> None:
        self._wijzig_voorstel(
            volgnummer, zienswijze_gevraagd_op=datum, reactie_uiterlijk=reactie_uiterlijk
        )

    class ZienswijzeOntvangen(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.ZIENSWIJZE_ONTVANGEN
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"samenvatting"})
        volgnummer: int
        datum: dt.date
        samenvatting: str

    def ontvang_zienswijze(self, volgnummer: int, datum: dt.date, samenvatting: str) -> None:
        voorstel = self.boetevoorstel(volgnummer)
        handhaving.check_voorstel_open(voorstel.status, volgnummer)
        if voorstel.zienswijze_gevraagd_op is None:
            raise handhaving.ZienswijzeNietGevraagd(
                "Vraag de inburgeraar eerst om een zienswijze", veld="datum"
            )
        check_niet_in_toekomst(datum, today(), "datum")
        handhaving.check_besluit_na(datum, voorstel.zienswijze_gevraagd_op, "het verzoek", "datum")
        self._zienswijze_ontvangen(volgnummer=volgnummer, datum=datum, samenvatting=samenvatting)

    @event(ZienswijzeOntvangen)
    def _zienswijze_ontvangen(self, volgnummer: int, datum: dt.date, samenvatting: str) -> None:
        self._wijzig_voorstel(volgnummer, zienswijze_ontvangen_op=datum)

    class ZienswijzeAfgezien(GemeenteAggregate.Event):
        """The person waived the zienswijze (`uitdrukkelijk`) or let the period pass."""

        cloudevent_type: ClassVar[str] = intake_contract.ZIENSWIJZE_AFGEZIEN
        volgnummer: int
        datum: dt.date
        uitdrukkelijk: bool

    def zie_af_van_zienswijze(self, volgnummer: int, datum: dt.date, uitdrukkelijk: bool) -> None:
        voorstel = self.boetevoorstel(volgnummer)
        handhaving.check_voorstel_open(voorstel.status, volgnummer)
        check_niet_in_toekomst(datum, today(), "datum")
        handhaving.check_afzien(datum, voorstel.reactie_uiterlijk, uitdrukkelijk=uitdrukkelijk)
        self._zienswijze_afgezien(volgnummer=volgnummer, datum=datum, uitdrukkelijk=uitdrukkelijk)

    @event(ZienswijzeAfgezien)
    def _zienswijze_afgezien(self, volgnummer: int, datum: dt.date, uitdrukkelijk: bool) -> None:
        self._wijzig_voorstel(volgnummer, zienswijze_afgezien_op=datum)

    def leg_boete_op(
        self,
        volgnummer: int,
        *,
        bedrag_euro: int,
        verwijtbaarheid: Verwijtbaarheid,
        dagtekening: dt.date,
        verzenddatum: dt.date,
    ) -> None:
        """The beschikking: after hearing, on a judgement of verwijtbaarheid (art. 5:41,
        5:46 lid 2 Awb), within the legal maximum, with the day it was sent."""
        voorstel = self.boetevoorstel(volgnummer)
        vandaag = today()
        handhaving.check_voorstel_open(voorstel.status, volgnummer)
        handhaving.check_gehoord(voorstel.zienswijze_verplicht, voorstel.zienswijze_afgerond)
        handhaving.check_verwijtbaar(verwijtbaarheid)
        handhaving.check_boetebedrag(bedrag_euro, voorstel.maximum_bedrag_euro)
        check_niet_in_toekomst(dagtekening, vandaag, "dagtekening")
        handhaving.check_besluit_na(
            dagtekening, voorstel.laatste_stap, "de laatste stap van het voorstel"
        )
        awb.check_verzending(dagtekening, verzenddatum, vandaag)
        self._boete_opgelegd(
            volgnummer=len(self.boetes) + 1,
            voorstel=volgnummer,
            aanleiding=voorstel.aanleiding.value,
            datum_overtreding=voorstel.datum_overtreding,
            bedrag_euro=bedrag_euro,
            maximum_bedrag_euro=voorstel.maximum_bedrag_euro,
            verwijtbaarheid=verwijtbaarheid.value,
            dagtekening=dagtekening,
            verzenddatum=verzenddatum,
            bezwaartermijn_einde=awb.bezwaartermijn_einde(verzenddatum),
        )

    @event(BoeteOpgelegd)
    def _boete_opgelegd(
        self,
        volgnummer: int,
        voorstel: int | None,
        aanleiding: str,
        datum_overtreding: dt.date,
        bedrag_euro: int,
        maximum_bedrag_euro: int | None,
        verwijtbaarheid: str | None,
        dagtekening: dt.date | None,
        verzenddatum: dt.date | None,
        bezwaartermijn_einde: dt.date | None,
    ) -> None:
        self.boetes.append(Boete(volgnummer, bedrag_euro, datum_overtreding))
        if voorstel is None:
            self._zet_gevolg(Gevolg.BOETE)
            return
        assert dagtekening and verzenddatum and bezwaartermijn_einde and verwijtbaarheid
        self._wijzig_voorstel(
            voorstel,
            status=VoorstelStatus.OPGELEGD,
            bedrag_euro=bedrag_euro,
            verwijtbaarheid=Verwijtbaarheid(verwijtbaarheid),
            boete=volgnummer,
            bekendmaking=awb.Bekendmaking(dagtekening, verzenddatum, bezwaartermijn_einde),
        )

    class BoetevoorstelAfgewezen(GemeenteAggregate.Event):
        """No fine: the overtreding cannot be blamed (art. 5:41 Awb) or did not happen."""

        cloudevent_type: ClassVar[str] = intake_contract.BOETEVOORSTEL_AFGEWEZEN
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"toelichting"})
        volgnummer: int
        datum: dt.date
        reden: str
        toelichting: str

    def wijs_boetevoorstel_af(
        self, volgnummer: int, *, datum: dt.date, reden: AfwijzingReden, toelichting: str | None
    ) -> None:
        voorstel = self.boetevoorstel(volgnummer)
        handhaving.check_voorstel_open(voorstel.status, volgnummer)
        check_niet_in_toekomst(datum, today(), "datum")
        handhaving.check_besluit_na(datum, voorstel.datum_voorstel, "het voorstel", "datum")
        motivering = handhaving.check_motivering(toelichting)
        self._boetevoorstel_afgewezen(
            volgnummer=volgnummer, datum=datum, reden=reden.value, toelichting=motivering
        )

    @event(BoetevoorstelAfgewezen)
    def _boetevoorstel_afgewezen(
        self, volgnummer: int, datum: dt.date, reden: str, toelichting: str
    ) -> None:
        self._wijzig_voorstel(
            volgnummer,
            status=VoorstelStatus.AFGEWEZEN,
            afgewezen_op=datum,
            afwijzing_reden=AfwijzingReden(reden),
        )

    class BezwaarIngediend(GemeenteAggregate.Event):
        """An objection against a fine; the decision is due by `beslistermijn_einde`."""

        cloudevent_type: ClassVar[str] = intake_contract.BEZWAAR_INGEDIEND
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"verschoonbaar_toelichting"})
        volgnummer: int
        ontvangen_op: dt.date
        ter_post_op: dt.date | None
        tijdig: bool
        verschoonbaar_toelichting: str | None
        beslistermijn_einde: dt.date

    def dien_bezwaar_in(
        self,
        volgnummer: int,
        *,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None = None,
        verschoonbaar_toelichting: str | None = None,
    ) -> None:
        voorstel = self.boetevoorstel(volgnummer)
        if voorstel.status is not VoorstelStatus.OPGELEGD:
            raise awb.GeenOpenBezwaar(
                f"Boetevoorstel {volgnummer} is geen opgelegde boete ({voorstel.status.value})",
                veld="volgnummer",
            )
        ontvankelijk = awb.check_bezwaar(
            voorstel.bekendmaking,
            voorstel.bezwaren,
            ontvangen_op,
            ter_post_op,
            verschoonbaar_toelichting,
            today(),
        )
        self._bezwaar_ingediend(
            volgnummer=volgnummer,
            ontvangen_op=ontvangen_op,
            ter_post_op=ter_post_op,
            tijdig=ontvankelijk.tijdig,
            verschoonbaar_toelichting=verschoonbaar_toelichting,
            beslistermijn_einde=ontvankelijk.beslistermijn_einde,
        )

    @event(BezwaarIngediend)
    def _bezwaar_ingediend(
        self,
        volgnummer: int,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None,
        tijdig: bool,
        verschoonbaar_toelichting: str | None,
        beslistermijn_einde: dt.date,
    ) -> None:
        voorstel = self.boetevoorstellen[volgnummer - 1]
        bezwaar = awb.Bezwaar(ontvangen_op, ter_post_op, tijdig, beslistermijn_einde)
        self._wijzig_voorstel(volgnummer, bezwaren=(*voorstel.bezwaren, bezwaar))

    class BezwaarBeslist(GemeenteAggregate.Event):
        """The decision on the objection; upheld (gegrond), the fine is herroepen and no
        longer owed (art. 7:11 lid 2 Awb)."""

        cloudevent_type: ClassVar[str] = intake_contract.BEZWAAR_BESLIST
        volgnummer: int
        datum: dt.date
        beslissing: str
        boete_herroepen: bool

    def beslis_op_bezwaar(
        self, volgnummer: int, *, datum: dt.date, beslissing: awb.Beslissing
    ) -> None:
        voorstel = self.boetevoorstel(volgnummer)
        awb.check_beslissing(awb.open_bezwaar(voorstel.bezwaren), datum, beslissing, today())
        self._bezwaar_beslist(
            volgnummer=volgnummer,
            datum=datum,
            beslissing=beslissing.value,
            boete_herroepen=beslissing is awb.Beslissing.GEGROND,
        )

    @event(BezwaarBeslist)
    def _bezwaar_beslist(
        self, volgnummer: int, datum: dt.date, beslissing: str, boete_herroepen: bool
    ) -> None:
        voorstel = self.boetevoorstellen[volgnummer - 1]
        bezwaren = tuple(
            awb.beslist(b, awb.Beslissing(beslissing), datum) if b.open else b
            for b in voorstel.bezwaren
        )
        if boete_herroepen:
            self.boetes = [b for b in self.boetes if b.volgnummer != voorstel.boete]
            self._wijzig_voorstel(
                volgnummer, bezwaren=bezwaren, status=VoorstelStatus.HERROEPEN, herroepen_op=datum
            )
        else:
            self._wijzig_voorstel(volgnummer, bezwaren=bezwaren)

    class IntakeAfgerond(GemeenteAggregate.Event):
        """What the PIP service needs; deliberately no personal data.

        v2 of the stored shape adds the hoofddoel (work, education, participation), which
        the PIP and the monitoring figures use; intakes closed before it say None.
        v3 of the stored shape (v2 of the contract) carries the current last day to set the
        PIP, from which the PIP service starts; intakes closed before it had ten weeks from
        the start, as the rule was applied then."""

        cloudevent_type: ClassVar[str] = intake_contract.INTAKE_AFGEROND
        contract_version = 2
        class_version = 3
        inburgeraar_id: UUID
        gemeente: str
        doelgroep: str
        datum_start_inburgeringsplicht: dt.date
        vestigingsdatum: dt.date | None
        leerroute: str
        afrondingsdatum: dt.date
        hoofddoel: str | None
        uiterste_datum_pip: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["hoofddoel"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            start = state["datum_start_inburgeringsplicht"]
            if isinstance(start, str):
                start = dt.date.fromisoformat(start)
            state["uiterste_datum_pip"] = uiterste_datum_pip(start, None)

    def rond_af(self, afrondingsdatum: dt.date) -> None:
        self.check_open()
        check_plicht_niet_gepauzeerd(self.gepauzeerd_sinds)
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
            uiterste_datum_pip=self.uiterste_datum_pip,
        )
        if self.participatieuren:
            self._participatieuren_intake_vastgesteld(
                inburgeraar_id=self.id,
                gemeente=self.gemeente,
                uren=self.participatieuren,
                peildatum=max(d for _, d in self.participatieuren_intake),
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
        hoofddoel: str | None,
        uiterste_datum_pip: dt.date,
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

    # --- The whole life of the obligation (DUO SS109-SS111, SS120/SS121, SS124/SS125,
    # SS129/SS130): each a command and an event the pip service and the read models follow.

    def _check_levensgebeurtenis(self, datum: dt.date, wat: str = "datum") -> None:
        check_plicht_niet_beeindigd(self.beeindigd)
        check_niet_in_toekomst(datum, today(), wat)
        check_na_start_plicht(datum, self.datum_start_inburgeringsplicht, wat)

    class InburgeringsplichtIngetrokken(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.INBURGERINGSPLICHT_INGETROKKEN
        inburgeraar_id: UUID
        reden: str
        datum: dt.date

    def trek_plicht_in(self, reden: RedenIntrekking, datum: dt.date) -> None:
        self._check_levensgebeurtenis(datum)
        self._plicht_ingetrokken(inburgeraar_id=self.id, reden=reden.value, datum=datum)

    @event(InburgeringsplichtIngetrokken)
    def _plicht_ingetrokken(self, inburgeraar_id: UUID, reden: str, datum: dt.date) -> None:
        self.beeindigd, self.beeindigd_op = f"ingetrokken: {reden}", datum

    class InburgeraarOverleden(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.INBURGERAAR_OVERLEDEN
        inburgeraar_id: UUID
        datum: dt.date

    def registreer_overlijden(self, datum: dt.date) -> None:
        check_plicht_niet_beeindigd(self.beeindigd)
        check_niet_in_toekomst(datum, today(), "datum")
        self._overleden(inburgeraar_id=self.id, datum=datum)

    @event(InburgeraarOverleden)
    def _overleden(self, inburgeraar_id: UUID, datum: dt.date) -> None:
        self.beeindigd, self.beeindigd_op = "overleden", datum

    class TijdelijkeVrijstellingVerleend(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.TIJDELIJKE_VRIJSTELLING_VERLEEND
        inburgeraar_id: UUID
        reden: str
        datum: dt.date

    def verleen_tijdelijke_vrijstelling(
        self, reden: TijdelijkeVrijstellingReden, datum: dt.date
    ) -> None:
        self._check_levensgebeurtenis(datum)
        check_geen_tijdelijke_vrijstelling(self.gepauzeerd_sinds)
        self._tijdelijk_vrijgesteld(inburgeraar_id=self.id, reden=reden.value, datum=datum)

    @event(TijdelijkeVrijstellingVerleend)
    def _tijdelijk_vrijgesteld(self, inburgeraar_id: UUID, reden: str, datum: dt.date) -> None:
        self.gepauzeerd_sinds = datum
        self.tijdelijke_vrijstelling_reden = TijdelijkeVrijstellingReden(reden)

    class TijdelijkeVrijstellingBeeindigd(GemeenteAggregate.Event):
        """SS129 (no PIP yet): the ten weeks start again from the end of the vrijstelling,
        to `uiterste_datum_pip`; SS130 (a PIP was set): the traject and its termijn resume,
        and that uiterste datum does not apply."""

        cloudevent_type: ClassVar[str] = intake_contract.TIJDELIJKE_VRIJSTELLING_BEEINDIGD
        inburgeraar_id: UUID
        begindatum: dt.date
        datum: dt.date
        uiterste_datum_pip: dt.date

    def beeindig_tijdelijke_vrijstelling(self, datum: dt.date) -> None:
        self._check_levensgebeurtenis(datum)
        begin = check_tijdelijke_vrijstelling_loopt(self.gepauzeerd_sinds)
        check_einde_na_begin_vrijstelling(datum, begin)
        self._vrijstelling_beeindigd(
            inburgeraar_id=self.id,
            begindatum=begin,
            datum=datum,
            # The end counts as a new kennisgeving of the obligation (DUO SS129).
            uiterste_datum_pip=uiterste_datum_pip(datum, None),
        )

    @event(TijdelijkeVrijstellingBeeindigd)
    def _vrijstelling_beeindigd(
        self, inburgeraar_id: UUID, begindatum: dt.date, datum: dt.date, uiterste_datum_pip: dt.date
    ) -> None:
        self.gepauzeerd_sinds = None
        self.tijdelijke_vrijstelling_reden = None
        self.uiterste_datum_pip = uiterste_datum_pip

    class DoelgroepGewijzigd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = intake_contract.DOELGROEP_GEWIJZIGD
        inburgeraar_id: UUID
        van: str
        naar: str
        datum: dt.date

    def wijzig_doelgroep(self, naar: Doelgroep, datum: dt.date) -> None:
        self._check_levensgebeurtenis(datum)
        check_doelgroep_gewijzigd(self.doelgroep, naar)
        self._doelgroep_gewijzigd(
            inburgeraar_id=self.id, van=self.doelgroep.value, naar=naar.value, datum=datum
        )

    @event(DoelgroepGewijzigd)
    def _doelgroep_gewijzigd(
        self, inburgeraar_id: UUID, van: str, naar: str, datum: dt.date
    ) -> None:
        self.doelgroep = Doelgroep(naar)

    class VorigeGemeenteVastgelegd(GemeenteAggregate.Event):
        """The person moved here from `vorige_gemeente` (SS120/SS121): the BSN lets that
        gemeente's own policy find its file of the person, and nothing else leaves."""

        cloudevent_type: ClassVar[str] = intake_contract.VORIGE_GEMEENTE_VASTGELEGD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn"})
        inburgeraar_id: UUID
        vorige_gemeente: str
        bsn: str
        datum: dt.date

    def leg_vorige_gemeente_vast(self, vorige_gemeente: str, datum: dt.date) -> None:
        check_plicht_niet_beeindigd(self.beeindigd)
        check_gemeentecode(vorige_gemeente)
        check_vorige_gemeente(vorige_gemeente, self.gemeente)
        check_verhuizing_nieuw(self.vorige_gemeente)
        check_niet_in_toekomst(datum, today(), "datum")
        self._vorige_gemeente_vastgelegd(
            inburgeraar_id=self.id, vorige_gemeente=vorige_gemeente, bsn=self.bsn, datum=datum
        )

    @event(VorigeGemeenteVastgelegd)
    def _vorige_gemeente_vastgelegd(
        self, inburgeraar_id: UUID, vorige_gemeente: str, bsn: str, datum: dt.date
    ) -> None:
        self.vorige_gemeente = vorige_gemeente

    class InburgeraarVerhuisd(GemeenteAggregate.Event):
        """This (old) gemeente's file closes: the person lives in `naar_gemeente`, known there
        as `nieuw_inburgeraar_id`; the traject is handed over to it."""

        cloudevent_type: ClassVar[str] = intake_contract.INBURGERAAR_VERHUISD
        inburgeraar_id: UUID
        naar_gemeente: str
        nieuw_inburgeraar_id: UUID
        datum: dt.date

    def verhuis(self, naar_gemeente: str, nieuw_inburgeraar_id: UUID, datum: dt.date) -> None:
        check_plicht_niet_beeindigd(self.beeindigd)
        check_vorige_gemeente(self.gemeente, naar_gemeente)
        self._verhuisd(
            inburgeraar_id=self.id,
            naar_gemeente=naar_gemeente,
            nieuw_inburgeraar_id=nieuw_inburgeraar_id,
            datum=datum,
        )

    @event(InburgeraarVerhuisd)
    def _verhuisd(
        self, inburgeraar_id: UUID, naar_gemeente: str, nieuw_inburgeraar_id: UUID, datum: dt.date
    ) -> None:
        self.beeindigd, self.beeindigd_op = "verhuisd", datum
        self.verhuisd_naar = naar_gemeente

    # --- contact persons (from the registration on) ---

    class ContactpersoonToegewezen(GemeenteAggregate.Event):
        """The one contact person of a role; a reassignment names the previous one."""

        cloudevent_type: ClassVar[str] = intake_contract.CONTACTPERSOON_TOEGEWEZEN
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"naam", "vorige_naam"})
        rol: str
        naam: str
        medewerker_id: str | None
        organisatie: str | None
        datum: dt.date
        vorige_naam: str | None
        vorige_medewerker_id: str | None

    def wijs_contactpersoon_toe(
        self,
        rol: ContactpersoonRol,
        naam: str,
        medewerker_id: str | None,
        organisatie: str | None,
        datum: dt.date,
    ) -> None:
        check_niet_vergeten(self.id, self.vergeten_op)
        check_niet_in_toekomst(datum, today(), "datum")
        check_organisatie_bij_aanbieder(rol, organisatie)
        vorige = self.contactpersonen.get(rol)
        if vorige is not None:
            check_contactpersoon_gewijzigd(
                rol,
                (vorige.medewerker_id, vorige.naam, vorige.organisatie),
                (medewerker_id, naam, organisatie),
            )
            check_toewijzing_na_vorige(datum, vorige.datum)
        self._contactpersoon_toegewezen(
            rol=rol.value,
            naam=naam,
            medewerker_id=medewerker_id,
            organisatie=organisatie,
            datum=datum,
            vorige_naam=None if vorige is None else vorige.naam,
            vorige_medewerker_id=None if vorige is None else vorige.medewerker_id,
        )

    @event(ContactpersoonToegewezen)
    def _contactpersoon_toegewezen(
        self,
        rol: str,
        naam: str,
        medewerker_id: str | None,
        organisatie: str | None,
        datum: dt.date,
        vorige_naam: str | None,
        vorige_medewerker_id: str | None,
    ) -> None:
        self.contactpersonen[ContactpersoonRol(rol)] = Contactpersoon(
            ContactpersoonRol(rol), naam, medewerker_id, organisatie, datum
        )


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
