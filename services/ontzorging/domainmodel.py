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
from shared.domain import GemeenteAggregate

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
class Beeindiging:
    einddatum: dt.date
    reden: str
    toelichting: str | None


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
            doelgroep, ontvangt_bijstand, verblijfsvergunning_asiel_bepaalde_tijd
        )
        rules.check_niet_in_toekomst(beschikkingsdatum, "Dagtekening beschikking")
        rules.check_binnen_ontzorgingsperiode(beschikkingsdatum, startdatum_bijstand)
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
    def status(self) -> Status:
        if self.beeindiging is not None:
            return Status.BEEINDIGD
        if self.financieel_zelfredzaam_datum is not None:
            return Status.FINANCIEEL_ZELFREDZAAM
        if self.afbouw:
            return Status.AFBOUW
        if self.budgetbeheer_startdatum is not None:
            return Status.BUDGETBEHEER
        return Status.ONTZORGD

    @property
    def vastgelegde_posten(self) -> set[str]:
        return {v.post for v in self.vaste_lasten}

    @property
    def ontbrekende_verplichte_posten(self) -> list[str]:
        return rules.ontbrekende_verplichte_posten(self.vastgelegde_posten)

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

    def geef_betaalmachtiging(self, machtigingsdatum: dt.date) -> None:
        self.check_open()
        rules.check_niet_in_toekomst(machtigingsdatum, "Machtigingsdatum")
        if not self.betaalmachtiging_gegeven:
            self._betaalmachtiging_gegeven(machtigingsdatum=machtigingsdatum)

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
        rules.check_betaalmachtiging(self.betaalmachtiging_gegeven)
        rules.check_verplichte_posten(self.vastgelegde_posten)
        rules.check_betaalmaand(
            maand, betaaldatum, self.startdatum_bijstand, self.beschikkingsdatum
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

    def _check_budgetbeheer(self, datum: dt.date, wat: str) -> dt.date:
        start = rules.check_budgetbeheer_gestart(self.budgetbeheer_startdatum, wat)
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

    def agenda(self) -> dict[str, dt.date]:
        """The signals still to come and the day each is due (the deadline index keeps it)."""
        vanaf = self.periode_afgelopen_vanaf()
        return {} if vanaf is None else {"OntzorgingsperiodeAfgelopen": vanaf}

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

    def signaleer_verstreken_termijnen(self, peildatum: dt.date) -> None:
        """Passing time as an event: the end of the six months, once."""
        rules.check_niet_in_toekomst(peildatum, "Peildatum")
        if self.periode_afgelopen_vanaf() is not None and rules.is_ontzorgingsperiode_afgelopen(
            self.einde_ontzorgingsperiode, peildatum
        ):
            self._periode_afgelopen(
                inburgeraar_id=self.inburgeraar_id,
                einde_ontzorgingsperiode=self.einde_ontzorgingsperiode,
                peildatum=peildatum,
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
