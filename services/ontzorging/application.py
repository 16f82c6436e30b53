"""Use cases of financieel ontzorgen: ids and plain values in, plain values out."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from uuid import UUID

from services.ontzorging import rules
from services.ontzorging.domainmodel import Ontzorging
from services.ontzorging.rules import Doelgroep, Post, RedenBeeindiging
from shared import awb
from shared.awb import Beslissing
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
class VrijwilligOverzicht:
    instemmingsdatum: dt.date
    ingangsdatum: dt.date
    einddatum: dt.date | None


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
    resterende_ontzorgingsmaanden: list[str]
    betaalmachtiging_gegeven: bool
    betaalmachtigingsdatum: dt.date | None
    betaalmachtiging_geweigerd_op: dt.date | None
    vaste_lasten: list[VasteLastOverzicht]
    gebruikelijke_posten: list[str]
    te_betalen_posten: list[str] | None
    afwijkingsreden: str | None
    ontbrekende_vaste_lasten: list[str]
    betalingen: list[BetalingOverzicht]
    budgetbeheer_startdatum: dt.date | None
    budgetcoachinggesprekken: list[dt.date]
    afbouw: list[AfbouwOverzicht]
    financieel_zelfredzaam_datum: dt.date | None
    vrijwillige_voortzetting: VrijwilligOverzicht | None
    beeindiging: BeeindigingOverzicht | None
    bekendmaking: awb.Bekendmaking | None = None
    bezwaren: list[awb.Bezwaar] = field(default_factory=list)


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
        resterende_ontzorgingsmaanden=o.resterende_ontzorgingsmaanden,
        betaalmachtiging_gegeven=o.betaalmachtiging_gegeven,
        betaalmachtigingsdatum=o.betaalmachtigingsdatum,
        betaalmachtiging_geweigerd_op=o.betaalmachtiging_geweigerd_op,
        vaste_lasten=vaste_lasten,
        gebruikelijke_posten=[p.value for p in rules.GEBRUIKELIJKE_POSTEN],
        te_betalen_posten=o.te_betalen_posten,
        afwijkingsreden=o.afwijkingsreden,
        ontbrekende_vaste_lasten=o.ontbrekende_vaste_lasten,
        betalingen=[
            BetalingOverzicht(b.maand, b.post, b.bedrag_cent, b.betaaldatum) for b in o.betalingen
        ],
        budgetbeheer_startdatum=o.budgetbeheer_startdatum,
        budgetcoachinggesprekken=list(o.budgetcoachinggesprekken),
        afbouw=[AfbouwOverzicht(s.startdatum, list(s.posten)) for s in o.afbouw],
        financieel_zelfredzaam_datum=o.financieel_zelfredzaam_datum,
        vrijwillige_voortzetting=(
            VrijwilligOverzicht(v.instemmingsdatum, v.ingangsdatum, v.einddatum)
            if (v := o.vrijwillig)
            else None
        ),
        beeindiging=(
            BeeindigingOverzicht(einde.einddatum, einde.reden, einde.toelichting) if einde else None
        ),
        bekendmaking=o.bekendmaking,
        bezwaren=list(o.bezwaren),
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

    def weiger_betaalmachtiging(
        self,
        ontzorging_id: UUID,
        weigeringsdatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.weiger_betaalmachtiging(weigeringsdatum),
        )

    def leg_te_betalen_posten_vast(
        self,
        ontzorging_id: UUID,
        posten: list[Post],
        afwijkingsreden: str | None,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.leg_te_betalen_posten_vast(posten, afwijkingsreden),
        )

    def zet_vrijwillig_voort(
        self,
        ontzorging_id: UUID,
        *,
        instemming_gegeven: bool,
        instemmingsdatum: dt.date,
        einddatum: dt.date | None,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.zet_vrijwillig_voort(instemming_gegeven, instemmingsdatum, einddatum),
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

    # --- The beschikking: bekendmaking and bezwaar (Awb) ---

    def verzend(
        self,
        ontzorging_id: UUID,
        *,
        verzenddatum: dt.date,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id, gemeenten, verwachte_versie, lambda o: o.verzend(verzenddatum)
        )

    def dien_bezwaar_in(
        self,
        ontzorging_id: UUID,
        *,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None = None,
        verschoonbaar_toelichting: str | None = None,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.dien_bezwaar_in(ontvangen_op, ter_post_op, verschoonbaar_toelichting),
        )

    def beslis_op_bezwaar(
        self,
        ontzorging_id: UUID,
        *,
        datum: dt.date,
        beslissing: Beslissing,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> OntzorgingOverzicht:
        return self._wijzig(
            ontzorging_id,
            gemeenten,
            verwachte_versie,
            lambda o: o.beslis_op_bezwaar(datum, beslissing),
        )

    def beeindig_bij_einde_traject(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        einddatum: dt.date,
        reden: RedenBeeindiging,
        toelichting: str | None = None,
    ) -> OntzorgingOverzicht | None:
        """The inburgeraar's traject in `gemeente` ended: end a running ontzorging there.
        None when there is none, or it is closed already (a repeated message)."""
        ontzorging_id = Ontzorging.create_id(gemeente, inburgeraar_id)
        if ontzorging_id not in self.repository:
            return None
        ontzorging = self.get_voor(Ontzorging, ontzorging_id, [gemeente])
        if ontzorging.status in rules.AFGESLOTEN:
            return None
        # A traject that ended before the bijstand began ends the ontzorging at its start.
        ontzorging.beeindig(max(einddatum, ontzorging.startdatum_bijstand), reden, toelichting)
        self.save(ontzorging)
        return overzicht(ontzorging)
