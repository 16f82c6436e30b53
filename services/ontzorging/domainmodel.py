"""Financieel ontzorgen (art. 56a Participatiewet): for six months from the start of
bijstand the gemeente pays a statushouder's fixed costs directly from the benefit; then
budgetbeheer and budgetcoaching lead, through afbouw, to financial self-reliance.

One `Ontzorging` per inburgeraar per gemeente. Business dates (dagtekening, betaaldatum,
gespreksdatum) come from the command; the registration time of events from the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import event

from shared.domain import GemeenteAggregate, RuleViolation, add_months, today

ART_56A = "art. 56a Participatiewet"
AANTAL_MAANDEN = 6


class Doelgroep(StrEnum):
    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige_migrant"


class Post(StrEnum):
    """The fixed costs the gemeente may pay directly."""

    HUUR = "huur"
    ENERGIE = "energie"
    WATER = "water"
    ZORGVERZEKERING = "zorgverzekering"
    GEMEENTELIJKE_BELASTINGEN = "gemeentelijke_belastingen"


VERPLICHTE_POSTEN = (Post.HUUR, Post.ENERGIE, Post.ZORGVERZEKERING)


class RedenBeeindiging(StrEnum):
    BIJSTAND_BEEINDIGD = "bijstand_beeindigd"
    VERHUISD_NAAR_ANDERE_GEMEENTE = "verhuisd_naar_andere_gemeente"
    INBURGERINGSPLICHT_BEEINDIGD = "inburgeringsplicht_beeindigd"
    OVERIG = "overig"


class Status(StrEnum):
    ONTZORGD = "ontzorgd"
    BUDGETBEHEER = "budgetbeheer"
    AFBOUW = "afbouw"
    FINANCIEEL_ZELFREDZAAM = "financieel_zelfredzaam"
    BEEINDIGD = "beeindigd"


# --- Rules --------------------------------------------------------------------------------


class OntzorgingNietToegestaan(RuleViolation):
    bron = ART_56A


class OntzorgingBestaatAl(RuleViolation):
    status = 409
    bron = f"{ART_56A}: één ontzorging per inburgeraar per gemeente"


class DatumInToekomst(RuleViolation):
    bron = "platformregel: een zakelijke datum ligt niet in de toekomst"


class DatumVoorEerdereStap(RuleViolation):
    bron = "domain.md stap 8: ontzorgen, dan budgetbeheer, dan financiële zelfredzaamheid"


class OntzorgingsperiodeVerstreken(RuleViolation):
    bron = f"{ART_56A}: de eerste zes maanden van de bijstand"


class OntzorgingsperiodeNietVerstreken(RuleViolation):
    bron = f"{ART_56A}: budgetbeheer volgt op zes maanden ontzorgen"


class OntzorgingAfgesloten(RuleViolation):
    bron = "domain.md stap 8: na zelfredzaamheid of beëindiging verandert niets meer"


class OngeldigeIban(RuleViolation):
    bron = "ISO 13616 (IBAN, controlegetal mod-97)"


class OngeldigBedrag(RuleViolation):
    bron = "platformregel: bedragen in eurocent, groter dan 0"


class OngeldigeMaand(RuleViolation):
    bron = "platformregel: maand als JJJJ-MM"


class BetaalmachtigingOntbreekt(RuleViolation):
    bron = f"{ART_56A}: betalen namens de inburgeraar vraagt een machtiging"


class VerplichteVasteLastenOntbreken(RuleViolation):
    bron = f"{ART_56A}; domain.md stap 8: ten minste huur, energie en zorgverzekering"


class CrediteurOntbreekt(RuleViolation):
    bron = f"{ART_56A}: de gemeente betaalt rechtstreeks aan de crediteur"


class VasteLastNietVastgelegd(RuleViolation):
    bron = f"{ART_56A}: alleen vastgelegde vaste lasten worden betaald"


class BetalingBuitenOntzorgingsperiode(RuleViolation):
    bron = f"{ART_56A}: zes maanden vanaf de start van de bijstand"


class BetalingVoorStart(RuleViolation):
    bron = f"{ART_56A}: betalen onder de beschikking, uit de bijstand"


class BetalingTeVroeg(RuleViolation):
    bron = "platformregel: vaste lasten van een maand uit de bijstand, hooguit een maand vooruit"


class BetalingAlGedaan(RuleViolation):
    status = 409
    title = "Al betaald"
    bron = "platformregel: één betaling per post per maand"


class BedragWijktAf(RuleViolation):
    bron = "platformregel: betaald bedrag = vastgelegd maandbedrag"


class BudgetbeheerAlGestart(RuleViolation):
    bron = "domain.md stap 8"


class BudgetbeheerNietGestart(RuleViolation):
    bron = "domain.md stap 8: budgetcoaching, afbouw en zelfredzaamheid volgen op budgetbeheer"


class AfbouwOngeldig(RuleViolation):
    bron = "domain.md stap 8: afbouw van de posten die de gemeente nog betaalt"


class ToelichtingOntbreekt(RuleViolation):
    bron = "platformregel: een beëindiging om een andere reden wordt toegelicht"


def check_ontzorging_toegestaan(
    doelgroep: Doelgroep, ontvangt_bijstand: bool, verblijfsvergunning_asiel_bepaalde_tijd: bool
) -> None:
    """Only inburgeraars with bijstand and a temporary asylum permit are ontzorgd; the
    permit decides, so a nareiziger with a regular permit is not (art. 56a Pw)."""
    ontbrekend = []
    if doelgroep != Doelgroep.ASIELSTATUSHOUDER:
        ontbrekend.append("asielstatus")
    if not ontvangt_bijstand:
        ontbrekend.append("bijstand")
    if not verblijfsvergunning_asiel_bepaalde_tijd:
        ontbrekend.append("verblijfsvergunning asiel voor bepaalde tijd")
    if ontbrekend:
        raise OntzorgingNietToegestaan(
            "Financieel ontzorgen is alleen voor een asielstatushouder met bijstand en een "
            f"verblijfsvergunning asiel voor bepaalde tijd; ontbreekt: {', '.join(ontbrekend)}",
            ontbrekend=ontbrekend,
        )


def check_niet_in_toekomst(datum: dt.date, wat: str) -> None:
    if datum > today():
        raise DatumInToekomst(f"{wat} {datum} ligt in de toekomst (vandaag is {today()})")


def check_niet_voor(datum: dt.date, grens: dt.date, wat: str, grens_wat: str) -> None:
    if datum < grens:
        raise DatumVoorEerdereStap(f"{wat} {datum} ligt voor {grens_wat} {grens}")


IBAN_LENGTES = {"NL": 18, "BE": 16, "DE": 22, "LU": 20, "FR": 27, "GB": 22}


def normaliseer_iban(iban: str) -> str:
    return re.sub(r"\s+", "", iban).upper()


def iban_fout(iban: str) -> str | None:
    """Why `iban` is not a valid IBAN, or None."""
    tekens = normaliseer_iban(iban)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", tekens):
        return "heeft niet de vorm landcode, 2 controlecijfers en rekeningnummer"
    lengte = IBAN_LENGTES.get(tekens[:2])
    if lengte is not None and len(tekens) != lengte:
        return f"een IBAN uit {tekens[:2]} heeft {lengte} tekens, niet {len(tekens)}"
    if int("".join(str(int(c, 36)) for c in tekens[4:] + tekens[:4])) % 97 != 1:
        return "controlegetal klopt niet (mod-97)"
    return None


def check_iban(iban: str) -> str:
    fout = iban_fout(iban)
    if fout:
        raise OngeldigeIban(f"IBAN {iban!r} {fout}", ontbrekend=["iban"])
    return normaliseer_iban(iban)


def check_bedrag(bedrag_cent: int) -> None:
    if isinstance(bedrag_cent, bool) or not isinstance(bedrag_cent, int) or bedrag_cent <= 0:
        raise OngeldigBedrag(f"Bedrag {bedrag_cent!r} moet een geheel aantal eurocent > 0 zijn")


MAAND_PATROON = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def check_maand(maand: str) -> None:
    if not re.fullmatch(MAAND_PATROON, maand):
        raise OngeldigeMaand(f"Maand {maand!r} is geen JJJJ-MM")


def maand_van(datum: dt.date) -> str:
    return f"{datum.year:04d}-{datum.month:02d}"


def einde_periode(startdatum_bijstand: dt.date) -> dt.date:
    """The first day after the six months of direct payment."""
    return add_months(startdatum_bijstand, AANTAL_MAANDEN)


def is_ontzorgingsperiode_afgelopen(startdatum_bijstand: dt.date, peildatum: dt.date) -> bool:
    """art. 56a Pw: the gemeente pays directly in the first six months of the bijstand;
    on the first day after them that period is over (budgetbeheer may start)."""
    return peildatum >= einde_periode(startdatum_bijstand)


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
        gemeente: str
        inburgeraar_id: UUID
        pip_id: UUID | None
        doelgroep: str
        beschikkingsdatum: dt.date
        startdatum_bijstand: dt.date
        betaalmachtiging_gegeven: bool

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
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.pip_id = pip_id
        self.doelgroep = doelgroep
        self.beschikkingsdatum = beschikkingsdatum
        self.startdatum_bijstand = startdatum_bijstand
        self.betaalmachtiging_gegeven = betaalmachtiging_gegeven
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
        check_ontzorging_toegestaan(
            doelgroep, ontvangt_bijstand, verblijfsvergunning_asiel_bepaalde_tijd
        )
        check_niet_in_toekomst(beschikkingsdatum, "Dagtekening beschikking")
        einde = einde_periode(startdatum_bijstand)
        if beschikkingsdatum >= einde:
            raise OntzorgingsperiodeVerstreken(
                f"De zes maanden ontzorgen vanaf de bijstand ({startdatum_bijstand}) eindigden "
                f"op {einde}, voor de dagtekening {beschikkingsdatum}"
            )
        return cls(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            pip_id=pip_id,
            doelgroep=doelgroep.value,
            beschikkingsdatum=beschikkingsdatum,
            startdatum_bijstand=startdatum_bijstand,
            betaalmachtiging_gegeven=betaalmachtiging_gegeven,
        )

    # --- Derived state --------------------------------------------------------------------

    @property
    def einde_ontzorgingsperiode(self) -> dt.date:
        """The first day after the six months of direct payment."""
        return einde_periode(self.startdatum_bijstand)

    @property
    def ontzorgingsmaanden(self) -> list[str]:
        """The six calendar months paid, starting with the month bijstand starts."""
        eerste = self.startdatum_bijstand.replace(day=1)
        return [maand_van(add_months(eerste, i)) for i in range(AANTAL_MAANDEN)]

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
        return [p.value for p in VERPLICHTE_POSTEN if p.value not in self.vastgelegde_posten]

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
        if self.status in (Status.FINANCIEEL_ZELFREDZAAM, Status.BEEINDIGD):
            raise OntzorgingAfgesloten(
                f"Deze ontzorging is afgesloten ({self.status.value}); er verandert niets meer"
            )

    class BetaalmachtigingGegeven(GemeenteAggregate.Event):
        machtigingsdatum: dt.date

    @event(BetaalmachtigingGegeven)
    def _betaalmachtiging_gegeven(self, machtigingsdatum: dt.date) -> None:
        self.betaalmachtiging_gegeven = True
        self.betaalmachtigingsdatum = machtigingsdatum

    def geef_betaalmachtiging(self, machtigingsdatum: dt.date) -> None:
        self.check_open()
        check_niet_in_toekomst(machtigingsdatum, "Machtigingsdatum")
        if not self.betaalmachtiging_gegeven:
            self._betaalmachtiging_gegeven(machtigingsdatum=machtigingsdatum)

    class VasteLastVastgelegd(GemeenteAggregate.Event):
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
        iban = check_iban(iban)
        check_bedrag(bedrag_per_maand_cent)
        ingangsmaand = ingangsmaand or self.ontzorgingsmaanden[0]
        check_maand(ingangsmaand)
        crediteur = crediteur.strip()
        if not crediteur:
            raise CrediteurOntbreekt("Naam van de crediteur ontbreekt", ontbrekend=["crediteur"])
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
        check_maand(maand)
        check_bedrag(bedrag_cent)
        check_niet_in_toekomst(betaaldatum, "Betaaldatum")
        if not self.betaalmachtiging_gegeven:
            raise BetaalmachtigingOntbreekt(
                "Zonder betaalmachtiging betaalt de gemeente geen vaste lasten",
                ontbrekend=["betaalmachtiging"],
            )
        if self.ontbrekende_verplichte_posten:
            raise VerplichteVasteLastenOntbreken(
                "Leg eerst huur, energie en zorgverzekering vast",
                ontbrekend=self.ontbrekende_verplichte_posten,
            )
        self._check_betaalmaand(maand, betaaldatum)
        eerder = next((b for b in self.betalingen if (b.maand, b.post) == (maand, post)), None)
        if eerder is not None:
            raise BetalingAlGedaan(
                f"{post.value} over {maand} is al betaald op {eerder.betaaldatum} "
                f"({eerder.bedrag_cent} cent); er wordt niet nog eens betaald"
            )
        vaste_last = self.vaste_last_in(post.value, maand)
        if vaste_last is None:
            raise VasteLastNietVastgelegd(
                f"Voor {post.value} is over {maand} geen vaste last vastgelegd",
                ontbrekend=[post.value],
            )
        if bedrag_cent != vaste_last.bedrag_per_maand_cent:
            raise BedragWijktAf(
                f"{post.value} over {maand} is {vaste_last.bedrag_per_maand_cent} cent per maand "
                f"vastgelegd, niet {bedrag_cent}; leg een wijziging eerst vast"
            )
        self._vaste_lasten_betaald(
            maand=maand, post=post.value, bedrag_cent=bedrag_cent, betaaldatum=betaaldatum
        )

    def _check_betaalmaand(self, maand: str, betaaldatum: dt.date) -> None:
        maanden = self.ontzorgingsmaanden
        if maand < maanden[0]:
            raise BetalingBuitenOntzorgingsperiode(
                f"{maand} ligt voor de start van de bijstand ({self.startdatum_bijstand})"
            )
        if maand > maanden[-1]:
            raise BetalingBuitenOntzorgingsperiode(
                f"{maand} ligt na de zes maanden ontzorgen ({maanden[0]} t/m {maanden[-1]})"
            )
        start = max(self.beschikkingsdatum, self.startdatum_bijstand)
        if betaaldatum < start:
            raise BetalingVoorStart(
                f"Betaaldatum {betaaldatum} ligt voor de beschikking en de start van de "
                f"bijstand ({start})"
            )
        if maand > maand_van(add_months(betaaldatum.replace(day=1), 1)):
            raise BetalingTeVroeg(
                f"{maand} kan op {betaaldatum} nog niet betaald worden: hooguit een maand vooruit"
            )

    class BudgetbeheerGestart(GemeenteAggregate.Event):
        startdatum: dt.date

    @event(BudgetbeheerGestart)
    def _budgetbeheer_gestart(self, startdatum: dt.date) -> None:
        self.budgetbeheer_startdatum = startdatum

    def start_budgetbeheer(self, startdatum: dt.date) -> None:
        self.check_open()
        if self.budgetbeheer_startdatum is not None:
            raise BudgetbeheerAlGestart(
                f"Budgetbeheer loopt al sinds {self.budgetbeheer_startdatum}"
            )
        check_niet_in_toekomst(startdatum, "Startdatum budgetbeheer")
        if startdatum < self.einde_ontzorgingsperiode:
            raise OntzorgingsperiodeNietVerstreken(
                f"Budgetbeheer start na de zes maanden ontzorgen, vanaf "
                f"{self.einde_ontzorgingsperiode}; niet op {startdatum}"
            )
        self._budgetbeheer_gestart(startdatum=startdatum)

    def _check_budgetbeheer(self, datum: dt.date, wat: str) -> dt.date:
        if self.budgetbeheer_startdatum is None:
            raise BudgetbeheerNietGestart(f"{wat}: eerst budgetbeheer starten")
        check_niet_in_toekomst(datum, wat)
        check_niet_voor(datum, self.budgetbeheer_startdatum, wat, "de start van budgetbeheer")
        return self.budgetbeheer_startdatum

    class BudgetcoachingGesprekGevoerd(GemeenteAggregate.Event):
        gespreksdatum: dt.date

    @event(BudgetcoachingGesprekGevoerd)
    def _budgetcoachinggesprek_gevoerd(self, gespreksdatum: dt.date) -> None:
        self.budgetcoachinggesprekken.append(gespreksdatum)

    def voer_budgetcoachinggesprek(self, gespreksdatum: dt.date) -> None:
        self.check_open()
        self._check_budgetbeheer(gespreksdatum, "Budgetcoachinggesprek")
        self._budgetcoachinggesprek_gevoerd(gespreksdatum=gespreksdatum)

    class AfbouwGestart(GemeenteAggregate.Event):
        startdatum: dt.date
        posten: list[str]

    @event(AfbouwGestart)
    def _afbouw_gestart(self, startdatum: dt.date, posten: list[str]) -> None:
        self.afbouw.append(Afbouwstap(startdatum, tuple(posten)))

    def start_afbouw(self, startdatum: dt.date, posten: list[Post]) -> None:
        """From `startdatum` the inburgeraar pays `posten` himself; the gemeente stops."""
        self.check_open()
        self._check_budgetbeheer(startdatum, "Start afbouw")
        namen = sorted({p.value for p in posten})
        if not namen:
            raise AfbouwOngeldig("Noem de posten die de inburgeraar zelf gaat betalen")
        niet_vastgelegd = [p for p in namen if p not in self.vastgelegde_posten]
        al_zelf = [p for p in namen if p in self.zelf_betaalde_posten]
        if niet_vastgelegd or al_zelf:
            raise AfbouwOngeldig(
                f"Niet vastgelegd: {niet_vastgelegd or '-'}; al zelf betaald: {al_zelf or '-'}"
            )
        self._afbouw_gestart(startdatum=startdatum, posten=namen)

    class FinancieelZelfredzaamVastgesteld(GemeenteAggregate.Event):
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
            check_niet_voor(
                vaststellingsdatum, laatste, "Vaststelling zelfredzaamheid", "de laatste stap"
            )
        self._financieel_zelfredzaam_vastgesteld(vaststellingsdatum=vaststellingsdatum)

    # --- Passing time -------------------------------------------------------------------

    def periode_afgelopen_vanaf(self) -> dt.date | None:
        """The day the six months end (art. 56a Pw), while the ontzorging is open and that
        was not signalled yet. `startdatum_bijstand` never changes, so this is once."""
        if self.periode_afgelopen_gesignaleerd or self.status in (
            Status.BEEINDIGD,
            Status.FINANCIEEL_ZELFREDZAAM,
        ):
            return None
        return self.einde_ontzorgingsperiode

    def agenda(self) -> dict[str, dt.date]:
        """The signals still to come and the day each is due (the deadline index keeps it)."""
        vanaf = self.periode_afgelopen_vanaf()
        return {} if vanaf is None else {"OntzorgingsperiodeAfgelopen": vanaf}

    class OntzorgingsperiodeAfgelopen(GemeenteAggregate.Event):
        """The six months of direct payment are over: time for budgetbeheer. (Not named
        ...Verstreken: that is the refusal to start an ontzorging after the period.)"""

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
        check_niet_in_toekomst(peildatum, "Peildatum")
        if self.periode_afgelopen_vanaf() is not None and is_ontzorgingsperiode_afgelopen(
            self.startdatum_bijstand, peildatum
        ):
            self._periode_afgelopen(
                inburgeraar_id=self.inburgeraar_id,
                einde_ontzorgingsperiode=self.einde_ontzorgingsperiode,
                peildatum=peildatum,
            )

    class OntzorgingBeeindigd(GemeenteAggregate.Event):
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
        check_niet_in_toekomst(einddatum, "Einddatum")
        check_niet_voor(
            einddatum, self.startdatum_bijstand, "Einddatum", "de start van de bijstand"
        )
        toelichting = (toelichting or "").strip() or None
        if reden == RedenBeeindiging.OVERIG and toelichting is None:
            raise ToelichtingOntbreekt(
                "Licht een beëindiging om een andere reden toe", ontbrekend=["toelichting"]
            )
        self._ontzorging_beeindigd(einddatum=einddatum, reden=reden.value, toelichting=toelichting)
