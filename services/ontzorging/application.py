"""Use cases of financieel ontzorgen: ids and plain values in, plain values out."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from uuid import UUID

from services.ontzorging import rules
from services.ontzorging.domainmodel import Ontzorging
from services.ontzorging.rules import Doelgroep, Post, RedenBeeindiging
from shared.deadlines import TermijnApplication
from shared.domain import GeenToegang

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VasteLastRegistratie:
    crediteur: str
    iban: str
    bedrag_per_maand_cent: int
    ingangsmaand: str


@dataclass(frozen=True)
class VasteLastOverzicht:
    post: str
    zelf_betaald: bool
    registraties: list[VasteLastRegistratie]


@dataclass(frozen=True)
class BetalingOverzicht:
    maand: str
    post: str
    bedrag_cent: int
    betaaldatum: dt.date


@dataclass(frozen=True)
class AfbouwOverzicht:
    startdatum: dt.date
    posten: list[str]


@dataclass(frozen=True)
class BeeindigingOverzicht:
    einddatum: dt.date
    reden: str
    toelichting: str | None


@dataclass(frozen=True)
class OntzorgingOverzicht:
    id: UUID
    versie: int
    gemeente: str
    inburgeraar_id: UUID
    pip_id: UUID | None
    doelgroep: str
    status: str
    beschikkingsdatum: dt.date
    startdatum_bijstand: dt.date
    einde_ontzorgingsperiode: dt.date
    ontzorgingsmaanden: list[str]
    betaalmachtiging_gegeven: bool
    betaalmachtigingsdatum: dt.date | None
    vaste_lasten: list[VasteLastOverzicht]
    ontbrekende_verplichte_vaste_lasten: list[str]
    betalingen: list[BetalingOverzicht]
    budgetbeheer_startdatum: dt.date | None
    budgetcoachinggesprekken: list[dt.date]
    afbouw: list[AfbouwOverzicht]
    financieel_zelfredzaam_datum: dt.date | None
    beeindiging: BeeindigingOverzicht | None


def overzicht(o: Ontzorging) -> OntzorgingOverzicht:
    zelf = o.zelf_betaalde_posten
    vaste_lasten = [
        VasteLastOverzicht(
            post=post.value,
            zelf_betaald=post.value in zelf,
            registraties=[
                VasteLastRegistratie(v.crediteur, v.iban, v.bedrag_per_maand_cent, v.ingangsmaand)
                for v in o.vaste_lasten
                if v.post == post.value
            ],
        )
        for post in Post
        if post.value in o.vastgelegde_posten
    ]
    einde = o.beeindiging
    return OntzorgingOverzicht(
        id=o.id,
        versie=o.version,
        gemeente=o.gemeente,
        inburgeraar_id=o.inburgeraar_id,
        pip_id=o.pip_id,
        doelgroep=o.doelgroep,
        status=o.status.value,
        beschikkingsdatum=o.beschikkingsdatum,
        startdatum_bijstand=o.startdatum_bijstand,
        einde_ontzorgingsperiode=o.einde_ontzorgingsperiode,
        ontzorgingsmaanden=o.ontzorgingsmaanden,
        betaalmachtiging_gegeven=o.betaalmachtiging_gegeven,
        betaalmachtigingsdatum=o.betaalmachtigingsdatum,
        vaste_lasten=vaste_lasten,
        ontbrekende_verplichte_vaste_lasten=o.ontbrekende_verplichte_posten,
        betalingen=[
            BetalingOverzicht(b.maand, b.post, b.bedrag_cent, b.betaaldatum) for b in o.betalingen
        ],
        budgetbeheer_startdatum=o.budgetbeheer_startdatum,
        budgetcoachinggesprekken=list(o.budgetcoachinggesprekken),
        afbouw=[AfbouwOverzicht(s.startdatum, list(s.posten)) for s in o.afbouw],
        financieel_zelfredzaam_datum=o.financieel_zelfredzaam_datum,
        beeindiging=(
            BeeindigingOverzicht(einde.einddatum, einde.reden, einde.toelichting) if einde else None
        ),
    )


class OntzorgingApplication(TermijnApplication):
    termijn_aggregate = Ontzorging
    termijn_naam = "Ontzorging"
    name = "Ontzorging"

    def start_ontzorging(
        self,
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
        gemeenten: Collection[str],
    ) -> OntzorgingOverzicht:
        if gemeente not in gemeenten:
            raise GeenToegang(f"Geen toegang tot gemeente {gemeente}")
        rules.check_een_ontzorging(
            Ontzorging.create_id(gemeente, inburgeraar_id) in self.repository,
            gemeente,
            inburgeraar_id,
        )
        ontzorging = Ontzorging.start(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            pip_id=pip_id,
            doelgroep=doelgroep,
            ontvangt_bijstand=ontvangt_bijstand,
            verblijfsvergunning_asiel_bepaalde_tijd=verblijfsvergunning_asiel_bepaalde_tijd,
            beschikkingsdatum=beschikkingsdatum,
            startdatum_bijstand=startdatum_bijstand,
            betaalmachtiging_gegeven=betaalmachtiging_gegeven,
        )
        self.save(ontzorging)
        return overzicht(ontzorging)

    def ontzorging(self, ontzorging_id: UUID, gemeenten: Collection[str]) -> OntzorgingOverzicht:
        return overzicht(self.get_voor(Ontzorging, ontzorging_id, gemeenten))

    def ontzorgingen_van(
        self, inburgeraar_id: UUID, gemeenten: Collection[str]
    ) -> list[OntzorgingOverzicht]:
        """The inburgeraar's ontzorging in each gemeente the caller acts for."""
        ids = [Ontzorging.create_id(g, inburgeraar_id) for g in sorted(gemeenten)]
        return [self.ontzorging(i, gemeenten) for i in ids if i in self.repository]

    def _wijzig(
        self,
        ontzorging_id: UUID,
        gemeenten: Collection[str],
        verwachte_versie: int | None,
        wijziging: Callable[[Ontzorging], None],
    ) -> OntzorgingOverzicht:
        ontzorging = self.get_voor(Ontzorging, ontzorging_id, gemeenten)
        ontzorging.check_versie(verwachte_versie)
        wijziging(ontzorging)
        self.save(ontzorging)
        return overzicht(ontzorging)

    def geef_betaalmachtiging(
        self,
        ontzorging_id: UUID,
        machtigingsdatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.geef_betaalmachtiging(machtigingsdatum),
        )

    def leg_vaste_last_vast(
        self,
        ontzorging_id: UUID,
        post: Post,
        *,
        crediteur: str,
        iban: str,
        bedrag_per_maand_cent: int,
        ingangsmaand: str | None = None,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.leg_vaste_last_vast(
                post, crediteur, iban, bedrag_per_maand_cent, ingangsmaand
            ),
        )

    def betaal_vaste_last(
        self,
        ontzorging_id: UUID,
        *,
        maand: str,
        post: Post,
        bedrag_cent: int,
        betaaldatum: dt.date,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.betaal(maand, post, bedrag_cent, betaaldatum),
        )

    def start_budgetbeheer(
        self,
        ontzorging_id: UUID,
        startdatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id, gemeenten, verwachte_versie, lambda o: o.start_budgetbeheer(startdatum)
        )

    def voer_budgetcoachinggesprek(
        self,
        ontzorging_id: UUID,
        gespreksdatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.voer_budgetcoachinggesprek(gespreksdatum),
        )

    def start_afbouw(
        self,
        ontzorging_id: UUID,
        startdatum: dt.date,
        posten: list[Post],
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.start_afbouw(startdatum, posten),
        )

    def stel_financieel_zelfredzaam_vast(
        self,
        ontzorging_id: UUID,
        vaststellingsdatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.stel_financieel_zelfredzaam_vast(vaststellingsdatum),
        )

    def beeindig(
        self,
        ontzorging_id: UUID,
        *,
        einddatum: dt.date,
        reden: RedenBeeindiging,
        toelichting: str | None = None,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.beeindig(einddatum, reden, toelichting),
        )
