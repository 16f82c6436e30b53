"""Financieel ontzorgen (art. 56a Participatiewet): for six months from the start of
bijstand the gemeente pays a statushouder's fixed costs directly from the benefit; then
budgetbeheer and budgetcoaching lead, through afbouw, to financial self-reliance.

One `Ontzorging` per inburgeraar per gemeente. Business dates (dagtekening, betaaldatum,
gespreksdatum) come from the command; the registration time of events from the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import event

from contracts import ontzorging as contract
from services.ontzorging import rules
from services.ontzorging.rules import Doelgroep, Post, RedenBeeindiging, Status
from shared import awb
from shared.domain import GemeenteAggregate, today

# --- Aggregate ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VasteLast:
    post: str
    crediteur: str
    iban: str
    bedrag_per_maand_cent: int
    ingangsmaand: str


@dataclass(frozen=True)
class Betaling:
    maand: str
    post: str
    bedrag_cent: int
    betaaldatum: dt.date


@dataclass(frozen=True)
class Afbouwstap:
    startdatum: dt.date
    posten: tuple[str, ...]


@dataclass(frozen=True)
class VrijwilligeVoortzetting:
    instemmingsdatum: dt.date
    ingangsdatum: dt.date
    einddatum: dt.date | None


@dataclass(frozen=True)
class Beeindiging:
    einddatum: dt.date
    reden: str
    toelichting: str | None


# The reason an ontzorging ends when an objection against its beschikking is upheld.
HERROEPEN_NA_BEZWAAR = "herroepen_na_bezwaar"

ONTZORGING_NAMESPACE = UUID("3f1d7c52-8d2b-4c84-9a55-1e0b6f0c5a61")


class Ontzorging(GemeenteAggregate):
    """Financieel ontzorgen of one inburgeraar by one gemeente."""

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"vaste_lasten", "beeindiging"})

    @staticmethod
    def create_id(gemeente: str, inburgeraar_id: UUID) -> UUID:
        # Deterministic, so a second start for the same person collides in the store.
        return uuid5(ONTZORGING_NAMESPACE, f"{gemeente}/{inburgeraar_id}")

    class OntzorgingGestart(GemeenteAggregate.Created):
        """v2 carries the end of the six months (art. 56a Pw), so no reader computes it."""

        cloudevent_type: ClassVar[str] = contract.ONTZORGING_GESTART
        contract_version = 2
        class_version = 2
        gemeente: str
        inburgeraar_id: UUID
        pip_id: UUID | None
        doelgroep: str
        beschikkingsdatum: dt.date
        startdatum_bijstand: dt.date
        betaalmachtiging_gegeven: bool
        einde_ontzorgingsperiode: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            start = state["startdatum_bijstand"]
            if isinstance(start, str):
                start = dt.date.fromisoformat(start)
            state["einde_ontzorgingsperiode"] = rules.einde_periode(start)

    @event(OntzorgingGestart)
    def __init__(
        self,
        gemeente: str,
        inburgeraar_id: UUID,
        pip_id: UUID | None,
        doelgroep: str,
        beschikkingsdatum: dt.date,
        startdatum_bijstand: dt.date,
        betaalmachtiging_gegeven: bool,
        einde_ontzorgingsperiode: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.pip_id = pip_id
        self.doelgroep = doelgroep
        self.beschikkingsdatum = beschikkingsdatum
        self.startdatum_bijstand = startdatum_bijstand
        self.betaalmachtiging_gegeven = betaalmachtiging_gegeven
        self.einde_ontzorgingsperiode = einde_ontzorgingsperiode
        self.betaalmachtigingsdatum: dt.date | None = (
            beschikkingsdatum if betaalmachtiging_gegeven else None
        )
        self.vaste_lasten: list[VasteLast] = []
        self.betalingen: list[Betaling] = []
        self.budgetbeheer_startdatum: dt.date | None = None
        self.budgetcoachinggesprekken: list[dt.date] = []
        self.afbouw: list[Afbouwstap] = []
        self.financieel_zelfredzaam_datum: dt.date | None = None
        self.beeindiging: Beeindiging | None = None
        self.periode_afgelopen_gesignaleerd = False
        self.bekendmaking: awb.Bekendmaking | None = None
        self.bezwaren: list[awb.Bezwaar] = []
        self.betaalmachtiging_geweigerd_op: dt.date | None = None
        self.te_betalen_posten: list[str] | None = None
        self.afwijkingsreden: str | None = None
        self.vrijwillig: VrijwilligeVoortzetting | None = None
        self.vrijwillig_afgelopen_gesignaleerd = False

    @classmethod
    def start(
        cls,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        pip_id: UUID | None,
        doelgroep: Doelgroep,
        ontvangt_bijstand: bool,
        verblijfsvergunning_asiel_bepaalde_tijd: bool,
        beschikkingsdatum: dt.date,
        startdatum_bijstand: dt.date,
        betaalmachtiging_gegeven: bool,
    ) -> Ontzorging:
        rules.check_ontzorging_toegestaan(
            ontvangt_bijstand, verblijfsvergunning_asiel_bepaalde_tijd
        )
        rules.check_niet_in_toekomst(beschikkingsdatum, "Dagtekening beschikking")
        return cls(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            pip_id=pip_id,
            doelgroep=doelgroep.value,
            beschikkingsdatum=beschikkingsdatum,
            startdatum_bijstand=startdatum_bijstand,
            betaalmachtiging_gegeven=betaalmachtiging_gegeven,
            einde_ontzorgingsperiode=rules.einde_periode(startdatum_bijstand),
        )

    # --- Derived state --------------------------------------------------------------------

    @property
    def ontzorgingsmaanden(self) -> list[str]:
        """The six calendar months paid, starting with the month bijstand starts."""
        return rules.ontzorgingsmaanden(self.startdatum_bijstand)

    @property
    def resterende_ontzorgingsmaanden(self) -> list[str]:
        """The months of the six the beschikking still reaches (art. 56a lid 1 Pw)."""
        return rules.resterende_ontzorgingsmaanden(self.startdatum_bijstand, self.beschikkingsdatum)

    @property
    def status(self) -> Status:
        if self.beeindiging is not None:
            return Status.BEEINDIGD
        if self.financieel_zelfredzaam_datum is not None:
            return Status.FINANCIEEL_ZELFREDZAAM
        if self.afbouw:
            return Status.AFBOUW
        if self.budgetbeheer_startdatum is not None:
            return Status.BUDGETBEHEER
        if self.vrijwillig is not None:
            return Status.VRIJWILLIG_VOORTGEZET
        if self.betaalmachtiging_geweigerd_op is not None:
            return Status.BETAALMACHTIGING_GEWEIGERD
        return Status.ONTZORGD

    @property
    def nazorg_startdatum(self) -> dt.date | None:
        """What afbouw and coaching follow: budgetbeheer, or a voluntary continuation."""
        if self.budgetbeheer_startdatum is not None:
            return self.budgetbeheer_startdatum
        return None if self.vrijwillig is None else self.vrijwillig.ingangsdatum

    @property
    def vastgelegde_posten(self) -> set[str]:
        return {v.post for v in self.vaste_lasten}

    @property
    def ontbrekende_vaste_lasten(self) -> list[str]:
        return rules.ontbrekende_vaste_lasten(self.vastgelegde_posten, self.te_betalen_posten)

    def zelf_betaald_vanaf(self, post: str) -> str | None:
        """The month from which the inburgeraar pays `post` himself (its afbouw), if any."""
        starts = [s.startdatum for s in self.afbouw if post in s.posten]
        return rules.maand_van(min(starts)) if starts else None

    @property
    def zelf_betaalde_posten(self) -> set[str]:
        if self.financieel_zelfredzaam_datum is not None:
            return set(self.vastgelegde_posten)
        return {post for stap in self.afbouw for post in stap.posten}

    def vaste_last_in(self, post: str, maand: str) -> VasteLast | None:
        """The registration in force for `post` in `maand`: the latest ingangsmaand not
        after it; of equal ones the last registered (a recorded change)."""
        geldig = [v for v in self.vaste_lasten if v.post == post and v.ingangsmaand <= maand]
        return max(reversed(geldig), key=lambda v: v.ingangsmaand, default=None)

    def laatste_vaste_last(self, post: str) -> VasteLast | None:
        registraties = [v for v in self.vaste_lasten if v.post == post]
        return max(reversed(registraties), key=lambda v: v.ingangsmaand, default=None)

    # --- Commands -------------------------------------------------------------------------

    def check_open(self) -> None:
        rules.check_open(self.status)

    class BetaalmachtigingGegeven(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.BETAALMACHTIGING_GEGEVEN
        machtigingsdatum: dt.date

    @event(BetaalmachtigingGegeven)
    def _betaalmachtiging_gegeven(self, machtigingsdatum: dt.date) -> None:
        self.betaalmachtiging_gegeven = True
        self.betaalmachtigingsdatum = machtigingsdatum
        self.betaalmachtiging_geweigerd_op = None

    def geef_betaalmachtiging(self, machtigingsdatum: dt.date) -> None:
        self.check_open()
        rules.check_niet_in_toekomst(machtigingsdatum, "Machtigingsdatum")
        if not self.betaalmachtiging_gegeven:
            self._betaalmachtiging_gegeven(machtigingsdatum=machtigingsdatum)

    class BetaalmachtigingGeweigerd(GemeenteAggregate.Event):
        """The inburgeraar refused (or withdrew) the authorisation: no direct payment; the
        gemeente may lower the bijstand (art. 18 lid 2 Pw) in its own beschikking."""

        cloudevent_type: ClassVar[str] = contract.BETAALMACHTIGING_GEWEIGERD
        weigeringsdatum: dt.date

    @event(BetaalmachtigingGeweigerd)
    def _betaalmachtiging_geweigerd(self, weigeringsdatum: dt.date) -> None:
        self.betaalmachtiging_gegeven = False
        self.betaalmachtigingsdatum = None
        self.betaalmachtiging_geweigerd_op = weigeringsdatum

    def weiger_betaalmachtiging(self, weigeringsdatum: dt.date) -> None:
        self.check_open()
        rules.check_niet_in_toekomst(weigeringsdatum, "Weigeringsdatum")
        rules.check_niet_voor(
            weigeringsdatum, self.startdatum_bijstand, "Weigeringsdatum", "de start van de bijstand"
        )
        if self.betaalmachtiging_geweigerd_op is None:
            self._betaalmachtiging_geweigerd(weigeringsdatum=weigeringsdatum)

    class TeBetalenPostenVastgelegd(GemeenteAggregate.Event):
        """The gemeente's maatwerk choice of the fixed costs it pays, with the reason when it
        differs from the usual posts."""

        cloudevent_type: ClassVar[str] = contract.TE_BETALEN_POSTEN_VASTGELEGD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"afwijkingsreden"})
        posten: list[str]
        afwijkingsreden: str | None

    @event(TeBetalenPostenVastgelegd)
    def _te_betalen_posten_vastgelegd(self, posten: list[str], afwijkingsreden: str | None) -> None:
        self.te_betalen_posten = list(posten)
        self.afwijkingsreden = afwijkingsreden

    def leg_te_betalen_posten_vast(self, posten: list[Post], afwijkingsreden: str | None) -> None:
        """Repeating the choice in force changes nothing (PUT)."""
        self.check_open()
        namen, reden = rules.check_te_betalen_posten((p.value for p in posten), afwijkingsreden)
        if (namen, reden) != (self.te_betalen_posten, self.afwijkingsreden):
            self._te_betalen_posten_vastgelegd(posten=namen, afwijkingsreden=reden)

    class VasteLastVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.VASTE_LAST_VASTGELEGD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"crediteur", "iban"})
        post: str
        crediteur: str
        iban: str
        bedrag_per_maand_cent: int
        ingangsmaand: str

    @event(VasteLastVastgelegd)
    def _vaste_last_vastgelegd(
        self, post: str, crediteur: str, iban: str, bedrag_per_maand_cent: int, ingangsmaand: str
    ) -> None:
        self.vaste_lasten.append(
            VasteLast(post, crediteur, iban, bedrag_per_maand_cent, ingangsmaand)
        )

    def leg_vaste_last_vast(
        self,
        post: Post,
        crediteur: str,
        iban: str,
        bedrag_per_maand_cent: int,
        ingangsmaand: str | None = None,
    ) -> None:
        """Register a post, or record a change from `ingangsmaand` (default: the first
        month). Repeating the registration in force changes nothing (PUT)."""
        self.check_open()
        iban = rules.check_iban(iban)
        rules.check_bedrag(bedrag_per_maand_cent)
        ingangsmaand = ingangsmaand or self.ontzorgingsmaanden[0]
        rules.check_maand(ingangsmaand)
        crediteur = rules.check_crediteur(crediteur)
        nieuw = VasteLast(post.value, crediteur, iban, bedrag_per_maand_cent, ingangsmaand)
        if self.vaste_last_in(post.value, ingangsmaand) == nieuw:
            return
        self._vaste_last_vastgelegd(
            post=post.value,
            crediteur=crediteur,
            iban=iban,
            bedrag_per_maand_cent=bedrag_per_maand_cent,
            ingangsmaand=ingangsmaand,
        )

    class VasteLastenBetaald(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.VASTE_LASTEN_BETAALD
        maand: str
        post: str
        bedrag_cent: int
        betaaldatum: dt.date

    @event(VasteLastenBetaald)
    def _vaste_lasten_betaald(
        self, maand: str, post: str, bedrag_cent: int, betaaldatum: dt.date
    ) -> None:
        self.betalingen.append(Betaling(maand, post, bedrag_cent, betaaldatum))

    def betaal(self, maand: str, post: Post, bedrag_cent: int, betaaldatum: dt.date) -> None:
        self.check_open()
        rules.check_maand(maand)
        rules.check_bedrag(bedrag_cent)
        rules.check_niet_in_toekomst(betaaldatum, "Betaaldatum")
        rules.check_betaalmachtiging(
            self.betaalmachtiging_gegeven, self.betaalmachtiging_geweigerd_op
        )
        rules.check_gekozen_post(post, self.te_betalen_posten)
        rules.check_niet_zelf_betaald(post, maand, self.zelf_betaald_vanaf(post.value))
        v = self.vrijwillig
        rules.check_betaalmaand(
            maand,
            betaaldatum,
            self.startdatum_bijstand,
            None if v is None else (v.instemmingsdatum, v.ingangsdatum, v.einddatum),
        )
        eerder = next((b for b in self.betalingen if (b.maand, b.post) == (maand, post)), None)
        rules.check_niet_al_betaald(
            post, maand, None if eerder is None else (eerder.betaaldatum, eerder.bedrag_cent)
        )
        vaste_last = self.vaste_last_in(post.value, maand)
        vastgelegd = rules.check_vaste_last_vastgelegd(
            post, maand, None if vaste_last is None else vaste_last.bedrag_per_maand_cent
        )
        rules.check_bedrag_vastgelegd(post, maand, bedrag_cent, vastgelegd)
        self._vaste_lasten_betaald(
            maand=maand, post=post.value, bedrag_cent=bedrag_cent, betaaldatum=betaaldatum
        )

    class BudgetbeheerGestart(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.BUDGETBEHEER_GESTART
        startdatum: dt.date

    @event(BudgetbeheerGestart)
    def _budgetbeheer_gestart(self, startdatum: dt.date) -> None:
        self.budgetbeheer_startdatum = startdatum

    def start_budgetbeheer(self, startdatum: dt.date) -> None:
        self.check_open()
        rules.check_budgetbeheer_nog_niet_gestart(self.budgetbeheer_startdatum)
        rules.check_niet_in_toekomst(startdatum, "Startdatum budgetbeheer")
        rules.check_ontzorgingsperiode_verstreken(startdatum, self.einde_ontzorgingsperiode)
        self._budgetbeheer_gestart(startdatum=startdatum)

    class OntzorgingVrijwilligVoortgezet(GemeenteAggregate.Event):
        """With the inburgeraar's consent the gemeente keeps paying after the six months
        (art. 57 Pw), from `ingangsdatum` to `einddatum` (None: open-ended)."""

        cloudevent_type: ClassVar[str] = contract.ONTZORGING_VRIJWILLIG_VOORTGEZET
        instemmingsdatum: dt.date
        ingangsdatum: dt.date
        einddatum: dt.date | None

    @event(OntzorgingVrijwilligVoortgezet)
    def _vrijwillig_voortgezet(
        self, instemmingsdatum: dt.date, ingangsdatum: dt.date, einddatum: dt.date | None
    ) -> None:
        self.vrijwillig = VrijwilligeVoortzetting(instemmingsdatum, ingangsdatum, einddatum)

    def zet_vrijwillig_voort(
        self, instemming_gegeven: bool, instemmingsdatum: dt.date, einddatum: dt.date | None
    ) -> None:
        self.check_open()
        rules.check_instemming(instemming_gegeven)
        rules.check_vrijwillig_voort_te_zetten(
            self.status, None if self.vrijwillig is None else self.vrijwillig.ingangsdatum
        )
        rules.check_betaalmachtiging(
            self.betaalmachtiging_gegeven, self.betaalmachtiging_geweigerd_op
        )
        rules.check_niet_in_toekomst(instemmingsdatum, "Instemmingsdatum")
        rules.check_niet_voor(
            instemmingsdatum,
            self.startdatum_bijstand,
            "Instemmingsdatum",
            "de start van de bijstand",
        )
        ingang = rules.ingang_vrijwillig(self.einde_ontzorgingsperiode, instemmingsdatum)
        if einddatum is not None:
            rules.check_niet_voor(einddatum, ingang, "Einddatum voortzetting", "de ingang")
        self._vrijwillig_voortgezet(
            instemmingsdatum=instemmingsdatum, ingangsdatum=ingang, einddatum=einddatum
        )

    def _check_budgetbeheer(self, datum: dt.date, wat: str) -> dt.date:
        start = rules.check_budgetbeheer_gestart(self.nazorg_startdatum, wat)
        rules.check_niet_in_toekomst(datum, wat)
        rules.check_niet_voor(datum, start, wat, "de start van budgetbeheer")
        return start

    class BudgetcoachingGesprekGevoerd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.BUDGETCOACHING_GESPREK_GEVOERD
        gespreksdatum: dt.date

    @event(BudgetcoachingGesprekGevoerd)
    def _budgetcoachinggesprek_gevoerd(self, gespreksdatum: dt.date) -> None:
        self.budgetcoachinggesprekken.append(gespreksdatum)

    def voer_budgetcoachinggesprek(self, gespreksdatum: dt.date) -> None:
        self.check_open()
        self._check_budgetbeheer(gespreksdatum, "Budgetcoachinggesprek")
        self._budgetcoachinggesprek_gevoerd(gespreksdatum=gespreksdatum)

    class AfbouwGestart(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.AFBOUW_GESTART
        startdatum: dt.date
        posten: list[str]

    @event(AfbouwGestart)
    def _afbouw_gestart(self, startdatum: dt.date, posten: list[str]) -> None:
        self.afbouw.append(Afbouwstap(startdatum, tuple(posten)))

    def start_afbouw(self, startdatum: dt.date, posten: list[Post]) -> None:
        """From `startdatum` the inburgeraar pays `posten` himself; the gemeente stops."""
        self.check_open()
        self._check_budgetbeheer(startdatum, "Start afbouw")
        namen = rules.check_afbouw(
            (p.value for p in posten), self.vastgelegde_posten, self.zelf_betaalde_posten
        )
        self._afbouw_gestart(startdatum=startdatum, posten=namen)

    class FinancieelZelfredzaamVastgesteld(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.FINANCIEEL_ZELFREDZAAM_VASTGESTELD
        vaststellingsdatum: dt.date

    @event(FinancieelZelfredzaamVastgesteld)
    def _financieel_zelfredzaam_vastgesteld(self, vaststellingsdatum: dt.date) -> None:
        self.financieel_zelfredzaam_datum = vaststellingsdatum

    def stel_financieel_zelfredzaam_vast(self, vaststellingsdatum: dt.date) -> None:
        self.check_open()
        self._check_budgetbeheer(vaststellingsdatum, "Vaststelling zelfredzaamheid")
        laatste = max(
            [*self.budgetcoachinggesprekken, *(s.startdatum for s in self.afbouw)], default=None
        )
        if laatste is not None:
            rules.check_niet_voor(
                vaststellingsdatum, laatste, "Vaststelling zelfredzaamheid", "de laatste stap"
            )
        self._financieel_zelfredzaam_vastgesteld(vaststellingsdatum=vaststellingsdatum)

    # --- Passing time -------------------------------------------------------------------

    def periode_afgelopen_vanaf(self) -> dt.date | None:
        """The day the six months end (art. 56a Pw), while the ontzorging is open and that
        was not signalled yet. `startdatum_bijstand` never changes, so this is once."""
        if self.periode_afgelopen_gesignaleerd or self.status in rules.AFGESLOTEN:
            return None
        return self.einde_ontzorgingsperiode

    def vrijwillig_afgelopen_vanaf(self) -> dt.date | None:
        """The first day after a voluntary continuation's einddatum (art. 57 Pw), while the
        ontzorging is open and that was not signalled yet; None when it is open-ended."""
        v = self.vrijwillig
        if (
            v is None
            or v.einddatum is None
            or self.vrijwillig_afgelopen_gesignaleerd
            or self.status in rules.AFGESLOTEN
        ):
            return None
        return rules.einde_vrijwillige_voortzetting(v.einddatum)

    def agenda(self) -> dict[str, dt.date]:
        """The signals still to come and the day each is due (the deadline index keeps it)."""
        agenda: dict[str, dt.date] = {}
        if (vanaf := self.periode_afgelopen_vanaf()) is not None:
            agenda["OntzorgingsperiodeAfgelopen"] = vanaf
        if (vrijwillig := self.vrijwillig_afgelopen_vanaf()) is not None:
            agenda["VrijwilligeOntzorgingAfgelopen"] = vrijwillig
        return agenda

    class OntzorgingsperiodeAfgelopen(GemeenteAggregate.Event):
        """The six months of direct payment are over: time for budgetbeheer. (Not named
        ...Verstreken: that is the refusal to start an ontzorging after the period.)"""

        cloudevent_type: ClassVar[str] = contract.ONTZORGINGSPERIODE_AFGELOPEN
        inburgeraar_id: UUID
        einde_ontzorgingsperiode: dt.date
        peildatum: dt.date

    @event(OntzorgingsperiodeAfgelopen)
    def _periode_afgelopen(
        self, inburgeraar_id: UUID, einde_ontzorgingsperiode: dt.date, peildatum: dt.date
    ) -> None:
        self.periode_afgelopen_gesignaleerd = True

    class VrijwilligeOntzorgingAfgelopen(GemeenteAggregate.Event):
        """The voluntary continuation reached its einddatum (art. 57 Pw): the gemeente pays
        no more under it; time for afbouw or to find the person financieel zelfredzaam."""

        cloudevent_type: ClassVar[str] = contract.VRIJWILLIGE_ONTZORGING_AFGELOPEN
        inburgeraar_id: UUID
        einddatum: dt.date
        peildatum: dt.date

    @event(VrijwilligeOntzorgingAfgelopen)
    def _vrijwillig_afgelopen(
        self, inburgeraar_id: UUID, einddatum: dt.date, peildatum: dt.date
    ) -> None:
        self.vrijwillig_afgelopen_gesignaleerd = True

    def signaleer_verstreken_termijnen(self, peildatum: dt.date) -> None:
        """Passing time as events: the end of the six months and the end of a voluntary
        continuation, each once."""
        rules.check_niet_in_toekomst(peildatum, "Peildatum")
        if self.periode_afgelopen_vanaf() is not None and rules.is_ontzorgingsperiode_afgelopen(
            self.einde_ontzorgingsperiode, peildatum
        ):
            self._periode_afgelopen(
                inburgeraar_id=self.inburgeraar_id,
                einde_ontzorgingsperiode=self.einde_ontzorgingsperiode,
                peildatum=peildatum,
            )
        v = self.vrijwillig
        if (
            v is not None
            and v.einddatum is not None
            and self.vrijwillig_afgelopen_vanaf() is not None
            and rules.is_vrijwillige_voortzetting_afgelopen(v.einddatum, peildatum)
        ):
            self._vrijwillig_afgelopen(
                inburgeraar_id=self.inburgeraar_id, einddatum=v.einddatum, peildatum=peildatum
            )

    class OntzorgingBeeindigd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.ONTZORGING_BEEINDIGD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"toelichting"})
        einddatum: dt.date
        reden: str
        toelichting: str | None

    @event(OntzorgingBeeindigd)
    def _ontzorging_beeindigd(
        self, einddatum: dt.date, reden: str, toelichting: str | None
    ) -> None:
        self.beeindiging = Beeindiging(einddatum, reden, toelichting)

    def beeindig(
        self, einddatum: dt.date, reden: RedenBeeindiging, toelichting: str | None = None
    ) -> None:
        self.check_open()
        rules.check_niet_in_toekomst(einddatum, "Einddatum")
        rules.check_niet_voor(
            einddatum, self.startdatum_bijstand, "Einddatum", "de start van de bijstand"
        )
        toelichting = rules.check_toelichting(reden, toelichting)
        self._ontzorging_beeindigd(einddatum=einddatum, reden=reden.value, toelichting=toelichting)

    # --- The beschikking: bekendmaking and bezwaar (Awb) --------------------------------

    def verzend(self, verzenddatum: dt.date) -> None:
        """The day the ontzorging beschikking (dagtekening: its beschikkingsdatum) was sent;
        the six weeks to object start the day after (art. 6:8 lid 1 Awb)."""
        awb.check_niet_al_verzonden(self.bekendmaking)
        awb.check_verzending(self.beschikkingsdatum, verzenddatum, today())
        self._beschikking_verzonden(
            dagtekening=self.beschikkingsdatum,
            verzenddatum=verzenddatum,
            bezwaartermijn_einde=awb.bezwaartermijn_einde(verzenddatum),
        )

    class BeschikkingVerzonden(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.BESCHIKKING_VERZONDEN
        dagtekening: dt.date
        verzenddatum: dt.date
        bezwaartermijn_einde: dt.date

    @event(BeschikkingVerzonden)
    def _beschikking_verzonden(
        self, dagtekening: dt.date, verzenddatum: dt.date, bezwaartermijn_einde: dt.date
    ) -> None:
        self.bekendmaking = awb.Bekendmaking(dagtekening, verzenddatum, bezwaartermijn_einde)

    def dien_bezwaar_in(
        self,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None = None,
        verschoonbaar_toelichting: str | None = None,
    ) -> None:
        ontvankelijk = awb.check_bezwaar(
            self.bekendmaking,
            self.bezwaren,
            ontvangen_op,
            ter_post_op,
            verschoonbaar_toelichting,
            today(),
        )
        self._bezwaar_ingediend(
            ontvangen_op=ontvangen_op,
            ter_post_op=ter_post_op,
            tijdig=ontvankelijk.tijdig,
            verschoonbaar_toelichting=verschoonbaar_toelichting,
            beslistermijn_einde=ontvankelijk.beslistermijn_einde,
        )

    class BezwaarIngediend(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.BEZWAAR_INGEDIEND
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"verschoonbaar_toelichting"})
        ontvangen_op: dt.date
        ter_post_op: dt.date | None
        tijdig: bool
        verschoonbaar_toelichting: str | None
        beslistermijn_einde: dt.date

    @event(BezwaarIngediend)
    def _bezwaar_ingediend(
        self,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None,
        tijdig: bool,
        verschoonbaar_toelichting: str | None,
        beslistermijn_einde: dt.date,
    ) -> None:
        self.bezwaren = [
            *self.bezwaren,
            awb.Bezwaar(ontvangen_op, ter_post_op, tijdig, beslistermijn_einde),
        ]

    def beslis_op_bezwaar(self, datum: dt.date, beslissing: awb.Beslissing) -> None:
        """Upheld (gegrond), the beschikking is herroepen (art. 7:11 lid 2 Awb): the
        ontzorging ends on the day of the decision, with that reason."""
        awb.check_beslissing(awb.open_bezwaar(self.bezwaren), datum, beslissing, today())
        self._bezwaar_beslist(
            datum=datum,
            beslissing=beslissing.value,
            ontzorging_herroepen=beslissing is awb.Beslissing.GEGROND and self.beeindiging is None,
        )

    class BezwaarBeslist(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.BEZWAAR_BESLIST
        datum: dt.date
        beslissing: str
        ontzorging_herroepen: bool

    @event(BezwaarBeslist)
    def _bezwaar_beslist(self, datum: dt.date, beslissing: str, ontzorging_herroepen: bool) -> None:
        self.bezwaren = [
            awb.beslist(b, awb.Beslissing(beslissing), datum) if b.open else b
            for b in self.bezwaren
        ]
        if ontzorging_herroepen:
            self.beeindiging = Beeindiging(datum, HERROEPEN_NA_BEZWAAR, None)
