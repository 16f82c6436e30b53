"""The inburgeringstraject of one inburgeraar in one gemeente: the PIP (concept and
vastgestelde versies), the ten weeks to set it, the inburgeringstermijn, progress, exam
results, vrijstelling/ontheffing and the moment the obligation is met.

Commands (public methods) check the rules in `rules.py` first and only then trigger
events; the `@event` methods only apply what happened, so replaying them never re-checks.
Every event is a declared class named by its `contracts.pip` constant; business dates are
`dt.date` (published as ISO 8601), enums travel as their values. The deadlines (the ten
weeks, the end of the termijn, when it "loopt bijna af") are computed in `rules.py` and
published in the events that change them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import event

from contracts import pip as pip_contract
from services.pip import rules
from services.pip.rules import (
    TAALONDERDELEN,
    Doelgroep,
    DuaalOordeel,
    DuaalSoort,
    DuaalUitkomst,
    Examenonderdeel,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    RedenBeeindiging,
    Status,
    UrenSoort,
    VerlengingReden,
    Verwijtbaar,
    VoldaanGrond,
    VrijstellingReden,
)
from shared import awb
from shared.domain import GemeenteAggregate, today

TRAJECT_NAMESPACE = UUID("5b0d7a52-3f7e-4c1e-9a51-8f1d2f6a0c11")


def traject_id(gemeente: str, inburgeraar_id: UUID) -> UUID:
    """One traject per inburgeraar per gemeente: the id follows from both, so a second
    draft collides and a search by inburgeraar needs no index."""
    return uuid5(TRAJECT_NAMESPACE, f"{gemeente}/{inburgeraar_id}")


def _tien_weken_na_start(start: str | dt.date) -> dt.date:
    """The ten weeks as they were applied to events stored before intake stated the deadline
    (from the start of the obligation); only the upcasters use it."""
    return _opgeslagen_datum(start) + dt.timedelta(weeks=10)


def _opgeslagen_datum(waarde: str | dt.date) -> dt.date:
    """A date in the state an upcaster gets: events stored before dates were typed kept
    them as ISO strings (`shared.transcoding.restore_dates` runs after the upcasters)."""
    return waarde if isinstance(waarde, dt.date) else dt.date.fromisoformat(waarde)


@dataclass(frozen=True)
class PIPVersie:
    versie: int
    dagtekening: dt.date
    leerroute: Leerroute
    niveau: Niveau | None
    map: bool
    map_intensiteit_uren: int | None
    pvt_intensiteit_uren: int
    knm: bool
    begeleiding: str
    ontzorging: bool
    geschatte_intensiteit: int | None
    binnen_tien_weken: bool
    is_eerste_pip: bool
    startdatum_bijstand: dt.date | None = None
    verblijfsvergunning_asiel_bepaalde_tijd: bool | None = None
    # A partial afschaling (art. 5.5 Besluit): these components at A2, the others at B1.
    afgeschaalde_onderdelen: tuple[Examenonderdeel, ...] = ()

    def vereist_niveau(self, onderdeel: Examenonderdeel) -> Niveau | None:
        """The level the obligation asks for this language component: the PIP's level
        (a B2 ambition counts as B1), except B1 for those a partial afschaling kept."""
        niveau = rules.plichtniveau(self.niveau)
        if niveau is None or not self.afgeschaalde_onderdelen:
            return niveau
        return niveau if onderdeel in self.afgeschaalde_onderdelen else Niveau.B1


@dataclass(frozen=True)
class Opschorting:
    derde: str
    opgevraagd_op: dt.date
    informatie_ontvangen_op: dt.date


@dataclass(frozen=True)
class Verlenging:
    reden: VerlengingReden
    vorige_einddatum: dt.date
    nieuwe_einddatum: dt.date
    toelichting: str | None


@dataclass(frozen=True)
class Uren:
    soort: UrenSoort
    aanbieder: str
    keurmerk: bool
    uren: int
    peildatum: dt.date


@dataclass(frozen=True)
class Gesprek:
    datum: dt.date
    inspanning_voldoende: bool | None
    eindgesprek_z_route: bool
    verslag: str | None
    duaal_traject_id: UUID | None = None
    duaal_oordeel: DuaalOordeel | None = None


@dataclass(frozen=True)
class Uitslag:
    onderdeel: Examenonderdeel
    examendatum: dt.date
    behaald: bool
    niveau: Niveau | None


@dataclass(frozen=True)
class Vrijstelling:
    omvang: Omvang
    onderdeel: Examenonderdeel | None
    niveau: Niveau | None
    reden: VrijstellingReden | None
    datum_oordeel: dt.date


@dataclass(frozen=True)
class Ontheffing:
    omvang: Omvang
    onderdeel: Examenonderdeel | None
    grond: OntheffingGrond
    datum_oordeel: dt.date
    maximum_participatie_uren: int | None = None


@dataclass(frozen=True)
class Afronding:
    """A dated completion of MAP or PVT, with DUO's culpability flag."""

    datum: dt.date
    verwijtbaar: Verwijtbaar | None


@dataclass(frozen=True)
class DuaalTraject:
    """Language with work, an internship or volunteering: a part of the PIP."""

    id: UUID
    soort: DuaalSoort
    werkgever: str
    startdatum: dt.date
    einddatum: dt.date | None
    uren_per_week: int
    jobhunter: str | None
    jobcoach: str | None
    taalcoaching: bool
    taalcoach: str | None
    uitkomst: DuaalUitkomst | None = None
    uitkomst_datum: dt.date | None = None


@dataclass(frozen=True)
class Inburgeringsaanbod:
    """The gemeente's offer to an asielstatushouder (art. 16 Wi2021), one per aanbieder."""

    aanbieder: str
    instellingsnummer: str | None
    keurmerk_blik_op_werk: bool
    erkende_taalschakelinstelling: bool
    leerroute: Leerroute
    startdatum: dt.date
    einddatum: dt.date | None


@dataclass(frozen=True)
class MaatschappelijkeBegeleiding:
    organisatie: str
    startdatum: dt.date
    einddatum: dt.date | None


@dataclass(frozen=True)
class Overname:
    """What the previous gemeente handed over (TrajectOvergedragen): enough to continue."""

    van_gemeente: str
    datum: dt.date
    eerste_dagtekening: dt.date | None
    laatste_dagtekening: dt.date | None
    leerroute: Leerroute | None
    niveau: Niveau | None
    binnen_tien_weken: bool | None
    afgeschaalde_onderdelen: tuple[Examenonderdeel, ...] = ()


_GEEN_AFSCHALING = Overname("", dt.date.min, None, None, None, None, None)


class Inburgeringstraject(GemeenteAggregate):
    """One inburgeraar's path in one gemeente, from concept-PIP to obligation met."""

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
        {"pips", "verlengingen", "gesprekken", "ontheffingen", "duale_trajecten"}
    )

    # --- Creation and concept -------------------------------------------------------

    @staticmethod
    def create_id(gemeente: str, inburgeraar_id: UUID) -> UUID:
        return traject_id(gemeente, inburgeraar_id)

    @classmethod
    def stel_concept_op(
        cls,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        doelgroep: Doelgroep,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        geadviseerde_leerroute: Leerroute | None,
        uiterste_datum_pip: dt.date | None = None,
    ) -> Inburgeringstraject:
        """`uiterste_datum_pip`: the ten weeks as intake states them (IntakeAfgerond, or the
        request a werkplek fills from intake). None only where no kennisgeving is known but
        the start, which intake then takes as the kennisgeving too."""
        return cls(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            doelgroep=doelgroep.value,
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
            vestigingsdatum=vestigingsdatum,
            geadviseerde_leerroute=geadviseerde_leerroute and geadviseerde_leerroute.value,
            uiterste_datum_pip=uiterste_datum_pip
            or _tien_weken_na_start(datum_start_inburgeringsplicht),
        )

    class PIPOpgesteld(GemeenteAggregate.Created):
        """v2 (stored and published) adds the PIP's deadline, as intake stated it."""

        cloudevent_type: ClassVar[str] = pip_contract.PIP_OPGESTELD
        contract_version = 2
        class_version = 2
        gemeente: str
        inburgeraar_id: UUID
        doelgroep: str
        datum_start_inburgeringsplicht: dt.date
        vestigingsdatum: dt.date | None
        geadviseerde_leerroute: str | None
        uiterste_datum_pip: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["uiterste_datum_pip"] = _tien_weken_na_start(
                state["datum_start_inburgeringsplicht"]
            )

    @event(PIPOpgesteld)
    def __init__(
        self,
        gemeente: str,
        inburgeraar_id: UUID,
        doelgroep: str,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        geadviseerde_leerroute: str | None,
        uiterste_datum_pip: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.doelgroep = Doelgroep(doelgroep)
        self.datum_start_inburgeringsplicht = datum_start_inburgeringsplicht
        self.vestigingsdatum = vestigingsdatum
        self.geadviseerde_leerroute = (
            Leerroute(geadviseerde_leerroute) if geadviseerde_leerroute else None
        )
        # The ten weeks as intake states them; waits for third parties extend them.
        self.basis_uiterste_datum_pip = uiterste_datum_pip
        self.status = Status.CONCEPT
        self.pips: list[PIPVersie] = []
        self.opschortingen: list[Opschorting] = []
        self.termijn_start: dt.date | None = None
        self.termijn_einde: dt.date | None = None
        self.verlengingen: list[Verlenging] = []
        self.uren: list[Uren] = []
        self.gesprekken: list[Gesprek] = []
        self.pvt: Afronding | None = None
        self.map: Afronding | None = None
        self.uitslagen: list[Uitslag] = []
        self.taalniveau_behaald: tuple[Niveau, dt.date] | None = None
        self.knm_behaald_op: dt.date | None = None
        self.vrijstellingen: list[Vrijstelling] = []
        self.ontheffingen: list[Ontheffing] = []
        self.voldaan: tuple[VoldaanGrond, dt.date] | None = None
        self.intake_participatie_uren = 0
        self.duale_trajecten: dict[UUID, DuaalTraject] = {}
        self.aanbod: dict[str, Inburgeringsaanbod] = {}
        self.maatschappelijke_begeleiding: MaatschappelijkeBegeleiding | None = None
        # The uiterste datum / einddatum already signalled, so each is signalled once.
        self.pip_termijn_gesignaleerd: dt.date | None = None
        self.termijneinde_gesignaleerd: dt.date | None = None
        # The whole life: ended here, paused, handed over to or taken over from another
        # gemeente, the ten weeks started again after a temporary vrijstelling (SS129).
        self.beeindigd: tuple[RedenBeeindiging, dt.date] | None = None
        self.gepauzeerd_sinds: dt.date | None = None
        self.overdracht: dict[str, Any] | None = None
        self.overdracht_op: dt.date | None = None
        self.overgenomen: Overname | None = None
        self.tien_weken_herstart: dt.date | None = None
        # The PIP as a beschikking: when each version was sent, objections, a herziening.
        self.verzendingen: dict[int, awb.Bekendmaking] = {}
        self.bezwaren: dict[int, tuple[awb.Bezwaar, ...]] = {}
        self.herziening_nodig: tuple[int, dt.date] | None = None

    def wijzig_concept(
        self,
        *,
        doelgroep: Doelgroep,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        geadviseerde_leerroute: Leerroute | None,
        uiterste_datum_pip: dt.date | None = None,
    ) -> None:
        """`uiterste_datum_pip`: the ten weeks as intake states them now (None: unchanged)."""
        self._check_niet_voldaan()
        rules.check_concept_wijzigbaar(self.status)
        if uiterste_datum_pip is not None and uiterste_datum_pip != self.basis_uiterste_datum_pip:
            self._uiterste_datum_pip_gewijzigd(
                inburgeraar_id=self.inburgeraar_id,
                basis_uiterste_datum_pip=uiterste_datum_pip,
                uiterste_datum_pip=rules.uiterste_datum_pip(
                    uiterste_datum_pip, self._informatie_ontvangen()
                ),
            )
        self._concept_gewijzigd(
            doelgroep=doelgroep.value,
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
            vestigingsdatum=vestigingsdatum,
            geadviseerde_leerroute=geadviseerde_leerroute and geadviseerde_leerroute.value,
            uiterste_datum_pip=self.uiterste_datum_pip,
        )

    def verschuif_uiterste_datum_pip(self, basis_uiterste_datum_pip: dt.date) -> bool:
        """Intake moved the ten weeks (a later kennisgeving of DUO, a later BRP registration,
        art. 5.3 Besluit): the traject takes the new deadline over while no PIP is set.
        Returns whether anything changed (the same date again changes nothing)."""
        self._check_niet_voldaan()
        rules.check_nog_geen_pip(len(self.pips))
        if basis_uiterste_datum_pip == self.basis_uiterste_datum_pip:
            return False
        self._uiterste_datum_pip_gewijzigd(
            inburgeraar_id=self.inburgeraar_id,
            basis_uiterste_datum_pip=basis_uiterste_datum_pip,
            uiterste_datum_pip=rules.uiterste_datum_pip(
                basis_uiterste_datum_pip, self._informatie_ontvangen()
            ),
        )
        return True

    class UitersteDatumPipGewijzigd(GemeenteAggregate.Event):
        """The ten weeks moved: the base intake stated and the deadline after the waits for
        third parties (`uiterste_datum_pip`), what the read models and the timer follow."""

        cloudevent_type: ClassVar[str] = pip_contract.UITERSTE_DATUM_PIP_GEWIJZIGD
        inburgeraar_id: UUID
        basis_uiterste_datum_pip: dt.date
        uiterste_datum_pip: dt.date

    @event(UitersteDatumPipGewijzigd)
    def _uiterste_datum_pip_gewijzigd(
        self, inburgeraar_id: UUID, basis_uiterste_datum_pip: dt.date, uiterste_datum_pip: dt.date
    ) -> None:
        self.basis_uiterste_datum_pip = basis_uiterste_datum_pip

    class ConceptPIPGewijzigd(GemeenteAggregate.Event):
        """v2 (stored and published) adds the PIP's deadline after the change."""

        cloudevent_type: ClassVar[str] = pip_contract.CONCEPT_PIP_GEWIJZIGD
        contract_version = 2
        class_version = 2
        doelgroep: str
        datum_start_inburgeringsplicht: dt.date
        vestigingsdatum: dt.date | None
        geadviseerde_leerroute: str | None
        uiterste_datum_pip: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The event alone does not know earlier waits for third parties (rare before a
            # concept change): those stored before v2 publish the ten weeks of the new start.
            state["uiterste_datum_pip"] = _tien_weken_na_start(
                state["datum_start_inburgeringsplicht"]
            )

    @event(ConceptPIPGewijzigd)
    def _concept_gewijzigd(
        self,
        doelgroep: str,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        geadviseerde_leerroute: str | None,
        uiterste_datum_pip: dt.date,
    ) -> None:
        self.doelgroep = Doelgroep(doelgroep)
        self.datum_start_inburgeringsplicht = datum_start_inburgeringsplicht
        self.vestigingsdatum = vestigingsdatum
        self.geadviseerde_leerroute = (
            Leerroute(geadviseerde_leerroute) if geadviseerde_leerroute else None
        )

    # --- Derived facts ----------------------------------------------------------------

    @property
    def actuele_pip(self) -> PIPVersie | None:
        return self.pips[-1] if self.pips else None

    @property
    def eerste_dagtekening(self) -> dt.date | None:
        return self.pips[0].dagtekening if self.pips else None

    def _informatie_ontvangen(self) -> list[dt.date]:
        return [o.informatie_ontvangen_op for o in self.opschortingen]

    @property
    def uiterste_datum_pip(self) -> dt.date:
        if self.tien_weken_herstart is not None:
            # SS129: the end of a temporary vrijstelling starts the ten weeks again.
            return max(self.tien_weken_herstart, self._uiterste_datum_pip())
        return self._uiterste_datum_pip()

    def _uiterste_datum_pip(self) -> dt.date:
        """The last day to set the PIP (`rules.uiterste_datum_pip`), from the start and the
        waits for third parties."""
        return rules.uiterste_datum_pip(self.basis_uiterste_datum_pip, self._informatie_ontvangen())

    def uren_totaal(self, soort: UrenSoort, *, alleen_keurmerk: bool = False) -> int:
        return sum(
            u.uren for u in self.uren if u.soort is soort and (u.keurmerk or not alleen_keurmerk)
        )

    @property
    def participatie_uren(self) -> int:
        """Participation hours for the Z-route: registered on the traject plus those of the
        brede intake (art. 3.14 Besluit)."""
        return self.uren_totaal(UrenSoort.PARTICIPATIE) + self.intake_participatie_uren

    @property
    def laatste_inspanningsoordeel(self) -> bool | None:
        oordelen = [g.inspanning_voldoende for g in self.gesprekken]
        return next((o for o in reversed(oordelen) if o is not None), None)

    def _vastgesteld_pip(self) -> PIPVersie:
        rules.check_pip_vastgesteld(len(self.pips))
        return self.pips[-1]

    def _check_niet_voldaan(self) -> None:
        rules.check_niet_beeindigd(None if self.beeindigd is None else self.beeindigd[0])
        rules.check_niet_voldaan(None if self.voldaan is None else self.voldaan[0])

    # --- Ten weeks: waiting for third parties -----------------------------------------

    def wacht_op_derden(
        self, *, derde: str, opgevraagd_op: dt.date, informatie_ontvangen_op: dt.date
    ) -> None:
        self._check_niet_voldaan()
        rules.check_nog_geen_pip(len(self.pips))
        basis = self.basis_uiterste_datum_pip
        vandaag = today()
        rules.alle(
            lambda: rules.check_niet_in_toekomst(opgevraagd_op, vandaag, "opgevraagdOp"),
            lambda: rules.check_niet_in_toekomst(
                informatie_ontvangen_op, vandaag, "informatieOntvangenOp"
            ),
            lambda: rules.check_verzoek_binnen_tien_weken(opgevraagd_op, basis),
            lambda: rules.check_ontvangst_na_verzoek(opgevraagd_op, informatie_ontvangen_op),
        )
        self._termijn_opgeschort(
            derde=derde,
            opgevraagd_op=opgevraagd_op,
            informatie_ontvangen_op=informatie_ontvangen_op,
            uiterste_datum_pip=rules.uiterste_datum_pip(
                basis, [*self._informatie_ontvangen(), informatie_ontvangen_op]
            ),
        )

    class PIPTermijnOpgeschort(GemeenteAggregate.Event):
        """v2 (stored and published): dates as dates, and the PIP's deadline after the wait."""

        cloudevent_type: ClassVar[str] = pip_contract.PIP_TERMIJN_OPGESCHORT
        contract_version = 2
        class_version = 2
        derde: str
        opgevraagd_op: dt.date
        informatie_ontvangen_op: dt.date
        uiterste_datum_pip: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The event alone does not know the start: a wait stored before v2 publishes the
            # day it extends the ten weeks to (the deadline, unless the ten weeks end later).
            ontvangen = _opgeslagen_datum(state["informatie_ontvangen_op"])
            state["uiterste_datum_pip"] = rules.verlengd_na_informatie(ontvangen)

    @event(PIPTermijnOpgeschort)
    def _termijn_opgeschort(
        self,
        derde: str,
        opgevraagd_op: dt.date,
        informatie_ontvangen_op: dt.date,
        uiterste_datum_pip: dt.date,
    ) -> None:
        self.opschortingen.append(Opschorting(derde, opgevraagd_op, informatie_ontvangen_op))

    # --- Vaststellen (a new PIP version) ----------------------------------------------

    def vaststellen(
        self,
        *,
        dagtekening: dt.date,
        leerroute: Leerroute,
        niveau: Niveau | None,
        map: bool,
        map_intensiteit_uren: int | None,
        pvt_intensiteit_uren: int,
        knm: bool,
        begeleiding: str,
        ontzorging: bool,
        geschatte_intensiteit: int | None,
        startdatum_bijstand: dt.date | None = None,
        verblijfsvergunning_asiel_bepaalde_tijd: bool | None = None,
    ) -> None:
        """A beschikking; with ontzorging it also carries what the ontzorging service
        starts from: the start of the bijstand and the asylum permit (art. 56a Pw)."""
        self._check_niet_voldaan()
        rules.check_niet_gepauzeerd(self.gepauzeerd_sinds)
        niveau = rules.standaard_niveau(leerroute, niveau)
        # After a move the previous gemeente's PIP is the current one: the first PIP counts
        # whatever the gemeente (DUO README: Niveau; art. 11 lid 3 onder b Wi2021).
        huidige = self.actuele_pip or self._pip_vorige_gemeente()
        is_eerste = huidige is None
        vandaag = today()
        rules.alle(
            lambda: rules.check_dagtekening_niet_in_toekomst(dagtekening, vandaag),
            lambda: rules.check_dagtekening_niet_voor_start(
                dagtekening, self.datum_start_inburgeringsplicht
            ),
            lambda: rules.check_dagtekening_niet_voor_vestiging(dagtekening, self.vestigingsdatum),
            lambda: rules.check_dagtekening_niet_voor_eerdere_pip(
                dagtekening,
                self.eerste_dagtekening,
                None if huidige is None else huidige.dagtekening,
            ),
            lambda: rules.check_niveau_bij_onderwijsroute(leerroute, niveau),
            lambda: rules.check_niveau_bij_z_route(leerroute, niveau),
            lambda: rules.check_niveau_a2_bij_eerste_pip(leerroute, niveau, is_eerste),
            lambda: rules.check_niveau_a1_alleen_in_z_route(leerroute, niveau),
            lambda: rules.check_geschatte_intensiteit(
                leerroute, self.doelgroep, geschatte_intensiteit
            ),
            lambda: rules.check_geen_map_in_onderwijsroute(leerroute, map),
            lambda: rules.check_map_in_pip(leerroute, map),
            lambda: rules.check_pvt_intensiteit(pvt_intensiteit_uren),
            lambda: rules.check_bijstand_bij_ontzorging(ontzorging, startdatum_bijstand),
            lambda: rules.check_verblijfsvergunning_bij_ontzorging(
                ontzorging, verblijfsvergunning_asiel_bepaalde_tijd
            ),
            lambda: rules.check_leerroute_wijziging(
                None if huidige is None else huidige.leerroute,
                leerroute,
                self.termijn_start,
                dagtekening,
            ),
            *self._afschaalregels(huidige, leerroute, niveau),
        )
        binnen_tien_weken = (
            rules.binnen_tien_weken(dagtekening, self.uiterste_datum_pip)
            if huidige is None
            else huidige.binnen_tien_weken
        )
        self._vastgesteld(
            pip_versie=len(self.pips) + 1,
            dagtekening=dagtekening,
            leerroute=leerroute.value,
            niveau=niveau and niveau.value,
            map=map,
            map_intensiteit_uren=map_intensiteit_uren,
            pvt_intensiteit_uren=pvt_intensiteit_uren,
            knm=knm,
            begeleiding=begeleiding,
            ontzorging=ontzorging,
            geschatte_intensiteit=geschatte_intensiteit,
            uiterste_datum_pip=self.uiterste_datum_pip,
            binnen_tien_weken=binnen_tien_weken,
            is_eerste_pip=is_eerste,
            inburgeraar_id=self.inburgeraar_id,
            doelgroep=self.doelgroep.value,
            startdatum_bijstand=startdatum_bijstand,
            verblijfsvergunning_asiel_bepaalde_tijd=verblijfsvergunning_asiel_bepaalde_tijd,
        )
        if self.termijn_start is None:
            start = rules.start_termijn(dagtekening)
            einde = rules.einde_termijn(start)
            self._termijn_gestart(
                startdatum=start,
                einddatum=einde,
                loopt_bijna_af_vanaf=rules.eerste_dag_binnen_twee_maanden(einde),
            )
        self._evalueer_taalniveau()

    def _afschaalregels(
        self, huidige: PIPVersie | None, leerroute: Leerroute, niveau: Niveau | None
    ) -> list[Callable[[], None]]:
        """A new PIP that lowers the B1-route from B1 to A2 is afschalen (art. 32)."""
        if huidige is None or not rules.is_afschaling(
            huidige.leerroute, huidige.niveau, leerroute, niveau
        ):
            return []
        keurmerkuren = self.uren_totaal(UrenSoort.CURSUS, alleen_keurmerk=True)
        oordeel = self.laatste_inspanningsoordeel
        return [
            lambda: rules.check_afschaaluren(keurmerkuren),
            lambda: rules.check_inspanning(oordeel),
        ]

    class PIPVastgesteld(GemeenteAggregate.Event):
        """The beschikking. v2 of the stored shape adds who it is for (inburgeraar, doelgroep)
        and, with ontzorging, the start of the bijstand and the asylum permit: what the
        ontzorging service starts from. PIPs set before say None."""

        cloudevent_type: ClassVar[str] = pip_contract.PIP_VASTGESTELD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"begeleiding"})
        class_version = 2
        pip_versie: int
        dagtekening: dt.date
        leerroute: str
        niveau: str | None
        map: bool
        map_intensiteit_uren: int | None
        pvt_intensiteit_uren: int
        knm: bool
        begeleiding: str
        ontzorging: bool
        geschatte_intensiteit: int | None
        uiterste_datum_pip: dt.date
        binnen_tien_weken: bool
        is_eerste_pip: bool
        inburgeraar_id: UUID | None = None
        doelgroep: str | None = None
        startdatum_bijstand: dt.date | None = None
        verblijfsvergunning_asiel_bepaalde_tijd: bool | None = None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            for veld in (
                "inburgeraar_id",
                "doelgroep",
                "startdatum_bijstand",
                "verblijfsvergunning_asiel_bepaalde_tijd",
            ):
                state[veld] = None

    @event(PIPVastgesteld)
    def _vastgesteld(
        self,
        pip_versie: int,
        dagtekening: dt.date,
        leerroute: str,
        niveau: str | None,
        map: bool,
        map_intensiteit_uren: int | None,
        pvt_intensiteit_uren: int,
        knm: bool,
        begeleiding: str,
        ontzorging: bool,
        geschatte_intensiteit: int | None,
        uiterste_datum_pip: dt.date,
        binnen_tien_weken: bool,
        is_eerste_pip: bool,
        inburgeraar_id: UUID | None = None,
        doelgroep: str | None = None,
        startdatum_bijstand: dt.date | None = None,
        verblijfsvergunning_asiel_bepaalde_tijd: bool | None = None,
    ) -> None:
        self.pips.append(
            PIPVersie(
                versie=pip_versie,
                dagtekening=dagtekening,
                leerroute=Leerroute(leerroute),
                niveau=Niveau(niveau) if niveau else None,
                map=map,
                map_intensiteit_uren=map_intensiteit_uren,
                pvt_intensiteit_uren=pvt_intensiteit_uren,
                knm=knm,
                begeleiding=begeleiding,
                ontzorging=ontzorging,
                geschatte_intensiteit=geschatte_intensiteit,
                binnen_tien_weken=binnen_tien_weken,
                is_eerste_pip=is_eerste_pip,
                startdatum_bijstand=startdatum_bijstand,
                verblijfsvergunning_asiel_bepaalde_tijd=verblijfsvergunning_asiel_bepaalde_tijd,
            )
        )
        self.status = Status.VASTGESTELD

    # --- Inburgeringstermijn (art. 11) ------------------------------------------------

    class InburgeringstermijnGestart(GemeenteAggregate.Event):
        """v2 (stored and published): dates as dates, and the first day the termijn counts
        as ending (`rules.eerste_dag_binnen_twee_maanden`)."""

        cloudevent_type: ClassVar[str] = pip_contract.INBURGERINGSTERMIJN_GESTART
        contract_version = 2
        class_version = 2
        startdatum: dt.date
        einddatum: dt.date
        loopt_bijna_af_vanaf: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            einde = _opgeslagen_datum(state["einddatum"])
            state["loopt_bijna_af_vanaf"] = rules.eerste_dag_binnen_twee_maanden(einde)

    @event(InburgeringstermijnGestart)
    def _termijn_gestart(
        self, startdatum: dt.date, einddatum: dt.date, loopt_bijna_af_vanaf: dt.date
    ) -> None:
        self.termijn_start = startdatum
        self.termijn_einde = einddatum

    def verleng_termijn(
        self, *, reden: VerlengingReden, nieuwe_einddatum: dt.date, toelichting: str | None
    ) -> None:
        self._check_niet_voldaan()
        einde = rules.check_termijn_gestart(self.termijn_einde)
        rules.check_verlenging_na_einddatum(einde, nieuwe_einddatum)
        rules.check_herhaalde_verlenging(len(self.verlengingen), einde, today())
        self._termijn_verlengd(
            reden=reden.value,
            vorige_einddatum=einde,
            nieuwe_einddatum=nieuwe_einddatum,
            toelichting=toelichting,
            loopt_bijna_af_vanaf=rules.eerste_dag_binnen_twee_maanden(nieuwe_einddatum),
        )

    def neem_termijn_van_duo_over(
        self,
        *,
        startdatum: dt.date,
        einddatum: dt.date,
        gebeurtenis: str,
        verlengingsgrondcode: str | None,
        verlengingsgrondomschrijving: str | None,
    ) -> bool:
        """DUO decides the termijn and its extensions (art. 11 and 12 Wi2021; SS102-SS104):
        its start and last day win over the traject's own. Returns whether anything changed."""
        rules.check_termijn_van_duo(startdatum, einddatum)
        if (startdatum, einddatum) == (self.termijn_start, self.termijn_einde):
            return False
        self._termijn_van_duo_overgenomen(
            inburgeraar_id=self.inburgeraar_id,
            gebeurtenis=gebeurtenis,
            startdatum=startdatum,
            einddatum=einddatum,
            vorige_einddatum=self.termijn_einde,
            verlengingsgrondcode=verlengingsgrondcode,
            verlengingsgrondomschrijving=verlengingsgrondomschrijving,
            loopt_bijna_af_vanaf=rules.eerste_dag_binnen_twee_maanden(einddatum),
        )
        return True

    class InburgeringstermijnVanDuoOvergenomen(GemeenteAggregate.Event):
        """The termijn as DUO decided it: start, last day (DUO's exclusive einddatum minus
        one day) and, for an extension, DUO's ground."""

        # A ground such as illness or birth is health data.
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"verlengingsgrondcode", "verlengingsgrondomschrijving"}
        )
        cloudevent_type: ClassVar[str] = pip_contract.INBURGERINGSTERMIJN_VAN_DUO_OVERGENOMEN
        inburgeraar_id: UUID
        gebeurtenis: str
        startdatum: dt.date
        einddatum: dt.date
        vorige_einddatum: dt.date | None
        verlengingsgrondcode: str | None
        verlengingsgrondomschrijving: str | None
        loopt_bijna_af_vanaf: dt.date

    @event(InburgeringstermijnVanDuoOvergenomen)
    def _termijn_van_duo_overgenomen(
        self,
        inburgeraar_id: UUID,
        gebeurtenis: str,
        startdatum: dt.date,
        einddatum: dt.date,
        vorige_einddatum: dt.date | None,
        verlengingsgrondcode: str | None,
        verlengingsgrondomschrijving: str | None,
        loopt_bijna_af_vanaf: dt.date,
    ) -> None:
        self.termijn_start = startdatum
        self.termijn_einde = einddatum

    class InburgeringstermijnVerlengd(GemeenteAggregate.Event):
        """v2 (stored and published) adds the first day the new termijn counts as ending."""

        # Illness and birth are health data.
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"reden", "toelichting"})
        cloudevent_type: ClassVar[str] = pip_contract.INBURGERINGSTERMIJN_VERLENGD
        contract_version = 2
        class_version = 2
        reden: str
        vorige_einddatum: dt.date
        nieuwe_einddatum: dt.date
        toelichting: str | None
        loopt_bijna_af_vanaf: dt.date

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            einde = _opgeslagen_datum(state["nieuwe_einddatum"])
            state["loopt_bijna_af_vanaf"] = rules.eerste_dag_binnen_twee_maanden(einde)

    @event(InburgeringstermijnVerlengd)
    def _termijn_verlengd(
        self,
        reden: str,
        vorige_einddatum: dt.date,
        nieuwe_einddatum: dt.date,
        toelichting: str | None,
        loopt_bijna_af_vanaf: dt.date,
    ) -> None:
        verlenging = Verlenging(
            VerlengingReden(reden), vorige_einddatum, nieuwe_einddatum, toelichting
        )
        self.verlengingen.append(verlenging)
        self.termijn_einde = verlenging.nieuwe_einddatum

    # --- Passing time: signals, each once per date ------------------------------------

    def pip_te_laat_vanaf(self) -> dt.date | None:
        """The day the PIP becomes late (art. 15 Wi2021, art. 5.3 Besluit): the day after
        the uiterste datum, while no PIP is set and this uiterste datum was not signalled.
        Waiting for third parties moves the uiterste datum, and so a new signal."""
        if self.pips or self.voldaan is not None or not self._klokken_lopen():
            return None
        if self.overgenomen is not None:
            return None
        if self.pip_termijn_gesignaleerd == self.uiterste_datum_pip:
            return None
        return rules.pip_te_laat_vanaf(self.uiterste_datum_pip)

    def termijn_bijna_af_vanaf(self) -> dt.date | None:
        """The first day the inburgeringstermijn ends within two months (art. 11 Wi2021;
        DUO README MAP/PVT), while it runs and this einddatum was not signalled. DUO's
        extension moves the einddatum, and so a new signal."""
        einde = self.termijn_einde
        if einde is None or self.voldaan is not None or self.termijneinde_gesignaleerd == einde:
            return None
        if not self._klokken_lopen():
            return None
        return rules.eerste_dag_binnen_twee_maanden(einde)

    def agenda(self) -> dict[str, dt.date]:
        """The signals still to come and the day each is due: what the deadline index keeps,
        so the timer loads only trajecten with something due."""
        punten = {
            "PIPTermijnVerstreken": self.pip_te_laat_vanaf(),
            "InburgeringstermijnLooptBijnaAf": self.termijn_bijna_af_vanaf(),
        }
        return {signaal: dag for signaal, dag in punten.items() if dag is not None}

    def signaleer_verstreken_termijnen(self, peildatum: dt.date) -> None:
        """Passing time as events: what is due on `peildatum` and not yet signalled."""
        rules.check_niet_in_toekomst(peildatum, today(), "peildatum")
        if self.pip_te_laat_vanaf() is not None and rules.pip_termijn_verstreken(
            self.uiterste_datum_pip, peildatum
        ):
            self._pip_termijn_verstreken(
                inburgeraar_id=self.inburgeraar_id,
                datum_start_inburgeringsplicht=self.datum_start_inburgeringsplicht,
                uiterste_datum_pip=self.uiterste_datum_pip,
                peildatum=peildatum,
            )
        einde = self.termijn_einde
        if (
            einde is not None
            and self.termijn_bijna_af_vanaf() is not None
            and rules.eindigt_binnen_twee_maanden(einde, peildatum)
        ):
            self._termijn_loopt_bijna_af(
                inburgeraar_id=self.inburgeraar_id,
                einddatum=einde,
                peildatum=peildatum,
            )

    class PIPTermijnVerstreken(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.PIP_TERMIJN_VERSTREKEN
        inburgeraar_id: UUID
        datum_start_inburgeringsplicht: dt.date
        uiterste_datum_pip: dt.date
        peildatum: dt.date

    @event(PIPTermijnVerstreken)
    def _pip_termijn_verstreken(
        self,
        inburgeraar_id: UUID,
        datum_start_inburgeringsplicht: dt.date,
        uiterste_datum_pip: dt.date,
        peildatum: dt.date,
    ) -> None:
        self.pip_termijn_gesignaleerd = uiterste_datum_pip

    class InburgeringstermijnLooptBijnaAf(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.INBURGERINGSTERMIJN_LOOPT_BIJNA_AF
        contract_version = 2
        inburgeraar_id: UUID
        einddatum: dt.date
        peildatum: dt.date

    @event(InburgeringstermijnLooptBijnaAf)
    def _termijn_loopt_bijna_af(
        self, inburgeraar_id: UUID, einddatum: dt.date, peildatum: dt.date
    ) -> None:
        self.termijneinde_gesignaleerd = einddatum

    # --- Hours, afschalen, progress ---------------------------------------------------

    def registreer_uren(
        self, *, soort: UrenSoort, aanbieder: str, keurmerk: bool, uren: int, peildatum: dt.date
    ) -> None:
        self._check_niet_voldaan()
        self._vastgesteld_pip()
        eerste = self.pips[0].dagtekening
        vandaag = today()
        rules.alle(
            lambda: rules.check_uren_positief(uren),
            lambda: rules.check_niet_in_toekomst(peildatum, vandaag, "peildatum"),
            lambda: rules.check_niet_voor_pip(peildatum, eerste, "peildatum"),
        )
        self._uren_geregistreerd(
            soort=soort.value,
            aanbieder=aanbieder,
            keurmerk=keurmerk,
            uren=uren,
            peildatum=peildatum,
        )

    class CursusurenGeregistreerd(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.CURSUSUREN_GEREGISTREERD
        contract_version = 2
        soort: str
        aanbieder: str
        keurmerk: bool
        uren: int
        peildatum: dt.date

    @event(CursusurenGeregistreerd)
    def _uren_geregistreerd(
        self, soort: str, aanbieder: str, keurmerk: bool, uren: int, peildatum: dt.date
    ) -> None:
        self.uren.append(Uren(UrenSoort(soort), aanbieder, keurmerk, uren, peildatum))

    def neem_intakeuren_over(self, *, uren: int, peildatum: dt.date) -> None:
        """Participation hours during the brede intake count for the Z-route (art. 3.14
        Besluit); the intake states them (ParticipatieurenGeregistreerd), before any PIP."""
        self._check_niet_voldaan()
        rules.check_intakeuren(uren)
        self._intakeuren_overgenomen(uren=uren, peildatum=peildatum)

    class IntakeParticipatieurenOvergenomen(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.INTAKE_PARTICIPATIEUREN_OVERGENOMEN
        uren: int
        peildatum: dt.date

    @event(IntakeParticipatieurenOvergenomen)
    def _intakeuren_overgenomen(self, uren: int, peildatum: dt.date) -> None:
        self.intake_participatie_uren += uren

    def schaal_af(
        self, *, dagtekening: dt.date, onderdelen: list[Examenonderdeel] | None = None
    ) -> None:
        """Afschalen to A2 (art. 5.5 Besluit), geheel or gedeeltelijk: the named language
        components (all that are still at B1 when none are named) at A2, the rest at B1. A
        change of the PIP; DUO's PIP level is then A2, the lowest level to reach."""
        self._check_niet_voldaan()
        pip = self._vastgesteld_pip()
        al_afgeschaald = [o for o in TAALONDERDELEN if pip.vereist_niveau(o) is Niveau.A2]
        nog_b1 = [o for o in TAALONDERDELEN if o not in al_afgeschaald]
        gekozen = nog_b1 if onderdelen is None else onderdelen
        doelniveau = Niveau.B1 if nog_b1 else pip.niveau
        keurmerkuren = self.uren_totaal(UrenSoort.CURSUS, alleen_keurmerk=True)
        oordeel = self.laatste_inspanningsoordeel
        vandaag = today()
        rules.alle(
            lambda: rules.check_afschalen_vanuit_b1_route(pip.leerroute, doelniveau),
            lambda: rules.check_afschaal_onderdelen(gekozen, al_afgeschaald),
            lambda: rules.check_afschaaluren(keurmerkuren),
            lambda: rules.check_inspanning(oordeel),
            lambda: rules.check_dagtekening_niet_in_toekomst(dagtekening, vandaag),
            lambda: rules.check_dagtekening_niet_voor_eerdere_pip(
                dagtekening, self.eerste_dagtekening, pip.dagtekening
            ),
        )
        afgeschaald = set(al_afgeschaald) | set(gekozen)
        self._afgeschaald(
            dagtekening=dagtekening,
            van_niveau=Niveau.B1.value,
            naar_niveau=Niveau.A2.value,
            pip_versie=pip.versie + 1,
            cursusuren_keurmerk=keurmerkuren,
            onderdelen=[o.value for o in TAALONDERDELEN if o in afgeschaald],
        )
        self._evalueer_taalniveau()

    class NiveauAfgeschaald(GemeenteAggregate.Event):
        """v2 (stored and published) names the language components now at A2 (afschalen
        geheel: all four; gedeeltelijk: some); `naarNiveau` stays DUO's PIP level, A2."""

        cloudevent_type: ClassVar[str] = pip_contract.NIVEAU_AFGESCHAALD
        contract_version = 2
        class_version = 2
        dagtekening: dt.date
        van_niveau: str
        naar_niveau: str
        pip_versie: int
        cursusuren_keurmerk: int
        onderdelen: list[str]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["onderdelen"] = [o.value for o in TAALONDERDELEN]

    @event(NiveauAfgeschaald)
    def _afgeschaald(
        self,
        dagtekening: dt.date,
        van_niveau: str,
        naar_niveau: str,
        pip_versie: int,
        cursusuren_keurmerk: int,
        onderdelen: list[str],
    ) -> None:
        vorige = self.pips[-1]
        afgeschaald = {Examenonderdeel(o) for o in onderdelen}
        geheel = afgeschaald >= set(TAALONDERDELEN)
        self.pips.append(
            replace(
                vorige,
                versie=pip_versie,
                dagtekening=dagtekening,
                niveau=Niveau(naar_niveau),
                is_eerste_pip=False,
                afgeschaalde_onderdelen=()
                if geheel
                else tuple(o for o in TAALONDERDELEN if o in afgeschaald),
            )
        )

    def voer_gesprek(
        self,
        *,
        datum: dt.date,
        inspanning_voldoende: bool | None,
        eindgesprek_z_route: bool,
        verslag: str | None,
        duaal_traject_id: UUID | None = None,
        duaal_oordeel: DuaalOordeel | None = None,
    ) -> None:
        """A voortgangsgesprek; it may review one duaal traject of the PIP."""
        self._check_niet_voldaan()
        pip = self._vastgesteld_pip()
        eerste = self.pips[0].dagtekening
        vandaag = today()
        rules.alle(
            lambda: rules.check_niet_in_toekomst(datum, vandaag),
            lambda: rules.check_niet_voor_pip(datum, eerste),
            lambda: rules.check_eindgesprek_in_z_route(pip.leerroute, eindgesprek_z_route),
            lambda: rules.check_duaal_oordeel(duaal_traject_id, duaal_oordeel),
            *self._duaal_lopend_regels(duaal_traject_id),
        )
        self._gesprek_gevoerd(
            datum=datum,
            inspanning_voldoende=inspanning_voldoende,
            eindgesprek_z_route=eindgesprek_z_route,
            verslag=verslag,
            duaal_traject_id=duaal_traject_id,
            duaal_oordeel=duaal_oordeel and duaal_oordeel.value,
        )

    class VoortgangsgesprekGevoerd(GemeenteAggregate.Event):
        """v2 (stored and published) adds the review of a duaal traject; older ones say
        None."""

        cloudevent_type: ClassVar[str] = pip_contract.VOORTGANGSGESPREK_GEVOERD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"verslag"})
        contract_version = 2
        class_version = 2
        datum: dt.date
        inspanning_voldoende: bool | None
        eindgesprek_z_route: bool
        verslag: str | None
        duaal_traject_id: UUID | None
        duaal_oordeel: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["duaal_traject_id"] = None
            state["duaal_oordeel"] = None

    @event(VoortgangsgesprekGevoerd)
    def _gesprek_gevoerd(
        self,
        datum: dt.date,
        inspanning_voldoende: bool | None,
        eindgesprek_z_route: bool,
        verslag: str | None,
        duaal_traject_id: UUID | None,
        duaal_oordeel: str | None,
    ) -> None:
        self.gesprekken.append(
            Gesprek(
                datum,
                inspanning_voldoende,
                eindgesprek_z_route,
                verslag,
                duaal_traject_id,
                DuaalOordeel(duaal_oordeel) if duaal_oordeel else None,
            )
        )

    # --- PVT and MAP (DUO's MAP/PVT rules) --------------------------------------------

    def _afrondingsregels(
        self, datum: dt.date, verwijtbaar: Verwijtbaar | None
    ) -> list[Callable[[], None]]:
        self._vastgesteld_pip()
        assert self.termijn_start is not None and self.termijn_einde is not None
        start, einde, vandaag = self.termijn_start, self.termijn_einde, today()
        return [
            lambda: rules.check_niet_in_toekomst(datum, vandaag),
            lambda: rules.check_niet_voor_termijnstart(datum, start),
            lambda: rules.check_verwijtbaarheid_bij_overschrijding(datum, einde, verwijtbaar),
            lambda: rules.check_geen_verwijtbaarheid_binnen_termijn(datum, einde, verwijtbaar),
            lambda: rules.check_verwijtbaar_nee(einde, verwijtbaar, vandaag),
            lambda: rules.check_verwijtbaar_ja(datum, einde, verwijtbaar),
        ]

    def onderteken_pvt(self, *, datum: dt.date, verwijtbaar: Verwijtbaar | None) -> None:
        self._check_niet_voldaan()
        regels = self._afrondingsregels(datum, verwijtbaar)
        pvt_uren = self.uren_totaal(UrenSoort.PVT)
        rules.alle(*regels, lambda: rules.check_pvt_uren(pvt_uren))
        self._pvt_ondertekend(datum=datum, verwijtbaar=verwijtbaar and verwijtbaar.value)

    class ParticipatieverklaringOndertekend(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.PARTICIPATIEVERKLARING_ONDERTEKEND
        contract_version = 2
        datum: dt.date
        verwijtbaar: str | None

    @event(ParticipatieverklaringOndertekend)
    def _pvt_ondertekend(self, datum: dt.date, verwijtbaar: str | None) -> None:
        self.pvt = Afronding(datum, Verwijtbaar(verwijtbaar) if verwijtbaar else None)

    def rond_map_af(self, *, datum_eindgesprek: dt.date, verwijtbaar: Verwijtbaar | None) -> None:
        self._check_niet_voldaan()
        regels = self._afrondingsregels(datum_eindgesprek, verwijtbaar)
        leerroute = self._vastgesteld_pip().leerroute
        rules.alle(lambda: rules.check_geen_map_in_onderwijsroute(leerroute, True), *regels)
        self._map_afgerond(
            datum_eindgesprek=datum_eindgesprek,
            verwijtbaar=verwijtbaar and verwijtbaar.value,
        )

    class MAPAfgerond(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.MAP_AFGEROND
        contract_version = 2
        datum_eindgesprek: dt.date
        verwijtbaar: str | None

    @event(MAPAfgerond)
    def _map_afgerond(self, datum_eindgesprek: dt.date, verwijtbaar: str | None) -> None:
        self.map = Afronding(datum_eindgesprek, Verwijtbaar(verwijtbaar) if verwijtbaar else None)

    # --- Exams ------------------------------------------------------------------------

    def ontvang_examenuitslag(
        self,
        *,
        onderdeel: Examenonderdeel,
        examendatum: dt.date,
        behaald: bool,
        niveau: Niveau | None,
    ) -> None:
        self._check_niet_voldaan()
        vandaag = today()
        rules.alle(
            lambda: rules.check_niet_in_toekomst(examendatum, vandaag, "examendatum"),
            lambda: rules.check_examenniveau(onderdeel, niveau),
        )
        self._uitslag_ontvangen(
            onderdeel=onderdeel.value,
            examendatum=examendatum,
            behaald=behaald,
            niveau=niveau and niveau.value,
        )
        if onderdeel is Examenonderdeel.KNM and behaald and self.knm_behaald_op is None:
            self._knm_behaald(examendatum=examendatum)
        self._evalueer_taalniveau()

    class ExamenuitslagOntvangen(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.EXAMENUITSLAG_ONTVANGEN
        contract_version = 2
        onderdeel: str
        examendatum: dt.date
        behaald: bool
        niveau: str | None

    @event(ExamenuitslagOntvangen)
    def _uitslag_ontvangen(
        self, onderdeel: str, examendatum: dt.date, behaald: bool, niveau: str | None
    ) -> None:
        self.uitslagen.append(
            Uitslag(
                Examenonderdeel(onderdeel),
                examendatum,
                behaald,
                Niveau(niveau) if niveau else None,
            )
        )

    class KNMBehaald(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.KNM_BEHAALD
        contract_version = 2
        examendatum: dt.date

    @event(KNMBehaald)
    def _knm_behaald(self, examendatum: dt.date) -> None:
        self.knm_behaald_op = examendatum

    def _taal_behaald_op(self, onderdeel: Examenonderdeel, niveau: Niveau) -> dt.date | None:
        """The first date the component was passed (or exempted) at `niveau` or higher."""
        datums = [
            u.examendatum
            for u in self.uitslagen
            if u.onderdeel is onderdeel and u.behaald and u.niveau and u.niveau.minstens(niveau)
        ] + [
            v.datum_oordeel
            for v in self.vrijstellingen
            if v.onderdeel is onderdeel and v.niveau and v.niveau.minstens(niveau)
        ]
        return min(datums, default=None)

    def _evalueer_taalniveau(self) -> None:
        """The obligation's level reached: each component at the level it asks (B1 for a
        B2 ambition; A2 for the components afgeschaald)."""
        pip = self.actuele_pip
        niveau = None if pip is None else rules.plichtniveau(pip.niveau)
        if pip is None or niveau is None:
            return
        if self.taalniveau_behaald and self.taalniveau_behaald[0].minstens(niveau):
            return
        datums = [self._taal_behaald_op(o, pip.vereist_niveau(o) or niveau) for o in TAALONDERDELEN]
        if all(d is not None for d in datums):
            datum = max(d for d in datums if d is not None)
            self._taalniveau_behaald(niveau=niveau.value, datum=datum)

    class TaalniveauBehaald(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.TAALNIVEAU_BEHAALD
        contract_version = 2
        niveau: str
        datum: dt.date

    @event(TaalniveauBehaald)
    def _taalniveau_behaald(self, niveau: str, datum: dt.date) -> None:
        self.taalniveau_behaald = (Niveau(niveau), datum)

    # --- Vrijstelling and ontheffing (DUO decisions) ----------------------------------

    def verleen_vrijstelling(
        self,
        *,
        omvang: Omvang,
        onderdeel: Examenonderdeel | None,
        niveau: Niveau | None,
        reden: VrijstellingReden | None,
        datum_oordeel: dt.date,
    ) -> None:
        self._check_niet_voldaan()
        vandaag = today()
        rules.alle(
            lambda: rules.check_vrijstelling(omvang, onderdeel, niveau),
            lambda: rules.check_geen_tijdelijke_vrijstelling(reden),
            lambda: rules.check_niet_in_toekomst(datum_oordeel, vandaag, "datumOordeel"),
        )
        self._vrijstelling_verleend(
            omvang=omvang.value,
            onderdeel=onderdeel and onderdeel.value,
            niveau=niveau and niveau.value,
            reden=reden and reden.value,
            datum_oordeel=datum_oordeel,
        )
        if omvang is Omvang.GEHEEL:  # DUO SS107: obligation met
            self._voldaan(grond=VoldaanGrond.VRIJSTELLING.value, datum=datum_oordeel)
        else:
            self._evalueer_taalniveau()

    class VrijstellingVerleend(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.VRIJSTELLING_VERLEEND
        omvang: str
        onderdeel: str | None
        niveau: str | None
        reden: str | None
        datum_oordeel: dt.date

    @event(VrijstellingVerleend)
    def _vrijstelling_verleend(
        self,
        omvang: str,
        onderdeel: str | None,
        niveau: str | None,
        reden: str | None,
        datum_oordeel: dt.date,
    ) -> None:
        self.vrijstellingen.append(
            Vrijstelling(
                Omvang(omvang),
                Examenonderdeel(onderdeel) if onderdeel else None,
                Niveau(niveau) if niveau else None,
                VrijstellingReden(reden) if reden else None,
                datum_oordeel,
            )
        )

    def verleen_ontheffing(
        self,
        *,
        omvang: Omvang,
        onderdeel: Examenonderdeel | None,
        grond: OntheffingGrond,
        datum_oordeel: dt.date,
        maximum_participatie_uren: int | None = None,
    ) -> None:
        self._check_niet_voldaan()
        vandaag = today()
        rules.alle(
            lambda: rules.check_ontheffing(omvang, onderdeel, maximum_participatie_uren),
            lambda: rules.check_maximum_participatieuren(omvang, grond, maximum_participatie_uren),
            lambda: rules.check_niet_in_toekomst(datum_oordeel, vandaag, "datumOordeel"),
        )
        self._ontheffing_verleend(
            omvang=omvang.value,
            onderdeel=onderdeel and onderdeel.value,
            grond=grond.value,
            datum_oordeel=datum_oordeel,
            maximum_participatie_uren=maximum_participatie_uren,
        )
        if omvang is Omvang.GEHEEL:  # DUO SS108: obligation met
            self._voldaan(grond=VoldaanGrond.ONTHEFFING.value, datum=datum_oordeel)

    class OntheffingVerleend(GemeenteAggregate.Event):
        """v2 (stored and published) adds the cap on the Z-route's participation hours that
        a partial medical ontheffing may set (None: no cap)."""

        # A medical ground is health data, and so is the cap it sets.
        cloudevent_type: ClassVar[str] = pip_contract.ONTHEFFING_VERLEEND
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"grond", "maximum_participatie_uren"}
        )
        contract_version = 2
        class_version = 2
        omvang: str
        onderdeel: str | None
        grond: str
        datum_oordeel: dt.date
        maximum_participatie_uren: int | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["maximum_participatie_uren"] = None

    @event(OntheffingVerleend)
    def _ontheffing_verleend(
        self,
        omvang: str,
        onderdeel: str | None,
        grond: str,
        datum_oordeel: dt.date,
        maximum_participatie_uren: int | None,
    ) -> None:
        self.ontheffingen.append(
            Ontheffing(
                Omvang(omvang),
                Examenonderdeel(onderdeel) if onderdeel else None,
                OntheffingGrond(grond),
                datum_oordeel,
                maximum_participatie_uren,
            )
        )

    # --- The whole life: the traject ends, pauses, moves (DUO SS109-SS111, SS120/SS121,
    # SS124/SS125, SS129/SS130) -------------------------------------------------------

    def _klokken_lopen(self) -> bool:
        """No ten-week or termijn signals once the traject ended here, nor while a temporary
        vrijstelling pauses the obligation."""
        return self.beeindigd is None and self.gepauzeerd_sinds is None

    def _pip_vorige_gemeente(self) -> PIPVersie | None:
        """The previous gemeente's current PIP, as far as this one's rules need it."""
        o = self.overgenomen
        if o is None or o.leerroute is None or o.laatste_dagtekening is None:
            return None
        return PIPVersie(
            versie=0,
            dagtekening=o.laatste_dagtekening,
            leerroute=o.leerroute,
            niveau=o.niveau,
            map=o.leerroute is not Leerroute.ONDERWIJS,
            map_intensiteit_uren=None,
            pvt_intensiteit_uren=rules.MINIMUM_PVT_UREN,
            knm=True,
            begeleiding="",
            ontzorging=False,
            geschatte_intensiteit=None,
            binnen_tien_weken=bool(o.binnen_tien_weken),
            is_eerste_pip=False,
            afgeschaalde_onderdelen=o.afgeschaalde_onderdelen,
        )

    class TrajectBeeindigd(GemeenteAggregate.Event):
        """This gemeente's traject closed: the person moved away, the obligation was
        withdrawn (`toelichting`: naturalisatie, aow_leeftijd, ...) or the person died."""

        cloudevent_type: ClassVar[str] = pip_contract.TRAJECT_BEEINDIGD
        inburgeraar_id: UUID
        gemeente: str
        reden: str
        toelichting: str | None
        datum: dt.date

    def beeindig(
        self, *, reden: RedenBeeindiging, datum: dt.date, toelichting: str | None = None
    ) -> None:
        rules.check_niet_beeindigd(None if self.beeindigd is None else self.beeindigd[0])
        self._beeindigd(
            inburgeraar_id=self.inburgeraar_id,
            gemeente=self.gemeente,
            reden=reden.value,
            toelichting=toelichting,
            datum=datum,
        )

    @event(TrajectBeeindigd)
    def _beeindigd(
        self,
        inburgeraar_id: UUID,
        gemeente: str,
        reden: str,
        toelichting: str | None,
        datum: dt.date,
    ) -> None:
        self.beeindigd = (RedenBeeindiging(reden), datum)

    class TrajectGepauzeerd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.TRAJECT_GEPAUZEERD
        inburgeraar_id: UUID
        reden: str  # DUO's INS or OPL
        datum: dt.date

    def pauzeer(self, *, reden: VrijstellingReden, datum: dt.date) -> None:
        self._check_niet_voldaan()
        rules.check_niet_gepauzeerd(self.gepauzeerd_sinds)
        self._gepauzeerd(inburgeraar_id=self.inburgeraar_id, reden=reden.value, datum=datum)

    @event(TrajectGepauzeerd)
    def _gepauzeerd(self, inburgeraar_id: UUID, reden: str, datum: dt.date) -> None:
        self.gepauzeerd_sinds = datum

    class TrajectHervat(GemeenteAggregate.Event):
        """The temporary vrijstelling ended. Without a PIP (SS129) the ten weeks start again
        to `uiterste_datum_pip`; with one (SS130) the termijn runs on to `einddatum`."""

        cloudevent_type: ClassVar[str] = pip_contract.TRAJECT_HERVAT
        inburgeraar_id: UUID
        datum: dt.date
        uiterste_datum_pip: dt.date | None
        einddatum: dt.date | None
        loopt_bijna_af_vanaf: dt.date | None

    def hervat(self, *, datum: dt.date, uiterste_datum_pip: dt.date) -> None:
        self._check_niet_voldaan()
        sinds = rules.check_gepauzeerd(self.gepauzeerd_sinds)
        einde = None
        if self.termijn_einde is not None:
            einde = rules.termijneinde_na_pauze(self.termijn_einde, sinds, datum)
        met_pip = bool(self.pips) or self.overgenomen is not None
        self._hervat(
            inburgeraar_id=self.inburgeraar_id,
            datum=datum,
            uiterste_datum_pip=None if met_pip else uiterste_datum_pip,
            einddatum=einde,
            loopt_bijna_af_vanaf=None
            if einde is None
            else rules.eerste_dag_binnen_twee_maanden(einde),
        )

    @event(TrajectHervat)
    def _hervat(
        self,
        inburgeraar_id: UUID,
        datum: dt.date,
        uiterste_datum_pip: dt.date | None,
        einddatum: dt.date | None,
        loopt_bijna_af_vanaf: dt.date | None,
    ) -> None:
        self.gepauzeerd_sinds = None
        if uiterste_datum_pip is not None:
            self.tien_weken_herstart = uiterste_datum_pip
        if einddatum is not None:
            self.termijn_einde = einddatum

    class DoelgroepGewijzigd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.DOELGROEP_GEWIJZIGD
        inburgeraar_id: UUID
        van: str
        naar: str
        datum: dt.date

    def wijzig_doelgroep(self, *, naar: Doelgroep, datum: dt.date) -> None:
        self._check_niet_voldaan()
        if naar is self.doelgroep:
            return
        self._doelgroep_gewijzigd(
            inburgeraar_id=self.inburgeraar_id,
            van=self.doelgroep.value,
            naar=naar.value,
            datum=datum,
        )

    @event(DoelgroepGewijzigd)
    def _doelgroep_gewijzigd(
        self, inburgeraar_id: UUID, van: str, naar: str, datum: dt.date
    ) -> None:
        self.doelgroep = Doelgroep(naar)

    def overdrachtsfeiten(self) -> dict[str, Any]:
        """What the next gemeente needs to continue, and nothing more: dates, route, level,
        hours per kind, exam results and vrijstellingen. No reports, reasons or health."""
        eerste, laatste = self.eerste_dagtekening, self.actuele_pip
        o = self.overgenomen
        return {
            "doelgroep": self.doelgroep.value,
            "datum_start_inburgeringsplicht": self.datum_start_inburgeringsplicht,
            "termijn_start": self.termijn_start,
            "termijn_einde": self.termijn_einde,
            "verlengingen": [
                {"vorige_einddatum": v.vorige_einddatum.isoformat(),
                 "nieuwe_einddatum": v.nieuwe_einddatum.isoformat()}
                for v in self.verlengingen
            ],
            "eerste_dagtekening": eerste or (o and o.eerste_dagtekening),
            "laatste_dagtekening": (laatste and laatste.dagtekening)
            or (o and o.laatste_dagtekening),
            "binnen_tien_weken": (self.pips[0].binnen_tien_weken if self.pips else None)
            if o is None
            else o.binnen_tien_weken,
            "leerroute": (laatste and laatste.leerroute.value)
            or (o and o.leerroute and o.leerroute.value),
            "niveau": (laatste and laatste.niveau and laatste.niveau.value)
            or (o and o.niveau and o.niveau.value),
            "uren": {soort.value: self.uren_totaal(soort) for soort in UrenSoort}
            | {"cursus_keurmerk": self.uren_totaal(UrenSoort.CURSUS, alleen_keurmerk=True)},
            "inspanning_voldoende": self.laatste_inspanningsoordeel,
            "uitslagen": [
                {"onderdeel": u.onderdeel.value, "examendatum": u.examendatum.isoformat(),
                 "behaald": u.behaald, "niveau": u.niveau and u.niveau.value}
                for u in self.uitslagen
            ],
            "vrijstellingen": [
                {"omvang": v.omvang.value, "onderdeel": v.onderdeel and v.onderdeel.value,
                 "niveau": v.niveau and v.niveau.value, "reden": v.reden and v.reden.value,
                 "datum_oordeel": v.datum_oordeel.isoformat()}
                for v in self.vrijstellingen
            ],
            "knm_behaald_op": self.knm_behaald_op,
            "pvt_datum": self.pvt and self.pvt.datum,
            "map_datum": self.map and self.map.datum,
            # Art. 3.14 Besluit: the brede intake's hours count for the Z-route wherever.
            "intake_participatie_uren": self.intake_participatie_uren,
            "afgeschaalde_onderdelen": [
                x.value for x in (laatste or o or _GEEN_AFSCHALING).afgeschaalde_onderdelen
            ],
            # DUO's ontheffingen hold for the obligation, not for one gemeente; the cap of a
            # partial medical one lowers the Z-route's hours (health data: encrypted).
            "ontheffingen": [
                {"omvang": x.omvang.value, "onderdeel": x.onderdeel and x.onderdeel.value,
                 "grond": x.grond.value, "datum_oordeel": x.datum_oordeel.isoformat(),
                 "maximum_participatie_uren": x.maximum_participatie_uren}
                for x in self.ontheffingen
            ],
        }  # fmt: skip

    class TrajectOvergedragen(GemeenteAggregate.Event):
        """Warm handover to the gemeente the person moved to (`naar_gemeente`, where they are
        `nieuw_inburgeraar_id`): the facts it needs to continue the same obligation."""

        cloudevent_type: ClassVar[str] = pip_contract.TRAJECT_OVERGEDRAGEN
        contract_version = 2
        class_version = 2
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"ontheffingen"})
        inburgeraar_id: UUID
        naar_gemeente: str
        nieuw_inburgeraar_id: UUID
        datum: dt.date
        doelgroep: str
        datum_start_inburgeringsplicht: dt.date
        termijn_start: dt.date | None
        termijn_einde: dt.date | None
        verlengingen: list[dict[str, Any]]
        eerste_dagtekening: dt.date | None
        laatste_dagtekening: dt.date | None
        binnen_tien_weken: bool | None
        leerroute: str | None
        niveau: str | None
        uren: dict[str, int]
        inspanning_voldoende: bool | None
        uitslagen: list[dict[str, Any]]
        vrijstellingen: list[dict[str, Any]]
        knm_behaald_op: dt.date | None
        pvt_datum: dt.date | None
        map_datum: dt.date | None
        intake_participatie_uren: int
        afgeschaalde_onderdelen: list[str]
        ontheffingen: list[dict[str, Any]]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["intake_participatie_uren"] = 0
            state["afgeschaalde_onderdelen"] = []
            state["ontheffingen"] = []

    def draag_over(self, *, naar_gemeente: str, nieuw_inburgeraar_id: UUID, datum: dt.date) -> None:
        """The person moved: hand the traject over and close it here (reden verhuisd)."""
        rules.check_niet_beeindigd(None if self.beeindigd is None else self.beeindigd[0])
        self._overgedragen(
            inburgeraar_id=self.inburgeraar_id,
            naar_gemeente=naar_gemeente,
            nieuw_inburgeraar_id=nieuw_inburgeraar_id,
            datum=datum,
            **self.overdrachtsfeiten(),
        )
        self.beeindig(reden=RedenBeeindiging.VERHUISD, datum=datum, toelichting=naar_gemeente)

    @event(TrajectOvergedragen)
    def _overgedragen(
        self,
        inburgeraar_id: UUID,
        naar_gemeente: str,
        nieuw_inburgeraar_id: UUID,
        datum: dt.date,
        doelgroep: str,
        datum_start_inburgeringsplicht: dt.date,
        termijn_start: dt.date | None,
        termijn_einde: dt.date | None,
        verlengingen: list[dict[str, Any]],
        eerste_dagtekening: dt.date | None,
        laatste_dagtekening: dt.date | None,
        binnen_tien_weken: bool | None,
        leerroute: str | None,
        niveau: str | None,
        uren: dict[str, int],
        inspanning_voldoende: bool | None,
        uitslagen: list[dict[str, Any]],
        vrijstellingen: list[dict[str, Any]],
        knm_behaald_op: dt.date | None,
        pvt_datum: dt.date | None,
        map_datum: dt.date | None,
        intake_participatie_uren: int = 0,
        afgeschaalde_onderdelen: list[str] | None = None,
        ontheffingen: list[dict[str, Any]] | None = None,
    ) -> None:
        self.overdracht = {
            "naar_gemeente": naar_gemeente,
            "nieuw_inburgeraar_id": nieuw_inburgeraar_id,
            "datum": datum,
            "doelgroep": doelgroep,
            "datum_start_inburgeringsplicht": datum_start_inburgeringsplicht,
            "termijn_start": termijn_start,
            "termijn_einde": termijn_einde,
            "verlengingen": verlengingen,
            "eerste_dagtekening": eerste_dagtekening,
            "laatste_dagtekening": laatste_dagtekening,
            "binnen_tien_weken": binnen_tien_weken,
            "leerroute": leerroute,
            "niveau": niveau,
            "uren": uren,
            "inspanning_voldoende": inspanning_voldoende,
            "uitslagen": uitslagen,
            "vrijstellingen": vrijstellingen,
            "knm_behaald_op": knm_behaald_op,
            "pvt_datum": pvt_datum,
            "map_datum": map_datum,
            "intake_participatie_uren": intake_participatie_uren,
            "afgeschaalde_onderdelen": list(afgeschaalde_onderdelen or []),
            "ontheffingen": list(ontheffingen or []),
        }
        self.overdracht_op = datum

    def overdrachtsdossier(self, vandaag: dt.date) -> dict[str, Any]:
        """The handed-over facts, for the next gemeente to read while DUO still shows this
        gemeente the person (`rules.OVERDRACHT_INZAGE_MAANDEN`)."""
        op = rules.check_overdracht(self.overdracht_op)
        rules.check_overdrachtsdossier_inzage(op, vandaag)
        assert self.overdracht is not None
        return dict(self.overdracht)

    class TrajectOvergenomen(GemeenteAggregate.Event):
        """This gemeente continues the traject of `van_gemeente`: the termijn runs on, the
        first PIP was set there, the hours, exams and vrijstellingen count here."""

        cloudevent_type: ClassVar[str] = pip_contract.TRAJECT_OVERGENOMEN
        contract_version = 2
        class_version = 2
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"ontheffingen"})
        inburgeraar_id: UUID
        van_gemeente: str
        vorig_inburgeraar_id: UUID
        datum: dt.date
        termijn_start: dt.date | None
        termijn_einde: dt.date | None
        loopt_bijna_af_vanaf: dt.date | None
        verlengingen: list[dict[str, Any]]
        eerste_dagtekening: dt.date | None
        laatste_dagtekening: dt.date | None
        binnen_tien_weken: bool | None
        leerroute: str | None
        niveau: str | None
        uren: dict[str, int]
        inspanning_voldoende: bool | None
        uitslagen: list[dict[str, Any]]
        vrijstellingen: list[dict[str, Any]]
        knm_behaald_op: dt.date | None
        pvt_datum: dt.date | None
        map_datum: dt.date | None
        intake_participatie_uren: int
        afgeschaalde_onderdelen: list[str]
        ontheffingen: list[dict[str, Any]]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["intake_participatie_uren"] = 0
            state["afgeschaalde_onderdelen"] = []
            state["ontheffingen"] = []

    def neem_over(
        self,
        *,
        van_gemeente: str,
        vorig_inburgeraar_id: UUID,
        datum: dt.date,
        feiten: dict[str, Any],
    ) -> None:
        self._check_niet_voldaan()
        rules.check_niet_overgenomen(self.overgenomen is not None, len(self.pips))
        einde = feiten.get("termijn_einde")
        self._overgenomen(
            inburgeraar_id=self.inburgeraar_id,
            van_gemeente=van_gemeente,
            vorig_inburgeraar_id=vorig_inburgeraar_id,
            datum=datum,
            loopt_bijna_af_vanaf=None
            if einde is None
            else rules.eerste_dag_binnen_twee_maanden(einde),
            termijn_start=feiten.get("termijn_start"),
            termijn_einde=einde,
            verlengingen=list(feiten.get("verlengingen") or []),
            eerste_dagtekening=feiten.get("eerste_dagtekening"),
            laatste_dagtekening=feiten.get("laatste_dagtekening"),
            binnen_tien_weken=feiten.get("binnen_tien_weken"),
            leerroute=feiten.get("leerroute"),
            niveau=feiten.get("niveau"),
            uren=dict(feiten.get("uren") or {}),
            inspanning_voldoende=feiten.get("inspanning_voldoende"),
            uitslagen=list(feiten.get("uitslagen") or []),
            vrijstellingen=list(feiten.get("vrijstellingen") or []),
            knm_behaald_op=feiten.get("knm_behaald_op"),
            pvt_datum=feiten.get("pvt_datum"),
            map_datum=feiten.get("map_datum"),
            intake_participatie_uren=int(feiten.get("intake_participatie_uren") or 0),
            afgeschaalde_onderdelen=list(feiten.get("afgeschaalde_onderdelen") or []),
            ontheffingen=list(feiten.get("ontheffingen") or []),
        )

    @event(TrajectOvergenomen)
    def _overgenomen(
        self,
        inburgeraar_id: UUID,
        van_gemeente: str,
        vorig_inburgeraar_id: UUID,
        datum: dt.date,
        termijn_start: dt.date | None,
        termijn_einde: dt.date | None,
        loopt_bijna_af_vanaf: dt.date | None,
        verlengingen: list[dict[str, Any]],
        eerste_dagtekening: dt.date | None,
        laatste_dagtekening: dt.date | None,
        binnen_tien_weken: bool | None,
        leerroute: str | None,
        niveau: str | None,
        uren: dict[str, int],
        inspanning_voldoende: bool | None,
        uitslagen: list[dict[str, Any]],
        vrijstellingen: list[dict[str, Any]],
        knm_behaald_op: dt.date | None,
        pvt_datum: dt.date | None,
        map_datum: dt.date | None,
        intake_participatie_uren: int = 0,
        afgeschaalde_onderdelen: list[str] | None = None,
        ontheffingen: list[dict[str, Any]] | None = None,
    ) -> None:
        self.overgenomen = Overname(
            van_gemeente=van_gemeente,
            datum=datum,
            eerste_dagtekening=eerste_dagtekening,
            laatste_dagtekening=laatste_dagtekening,
            leerroute=Leerroute(leerroute) if leerroute else None,
            niveau=Niveau(niveau) if niveau else None,
            binnen_tien_weken=binnen_tien_weken,
            afgeschaalde_onderdelen=tuple(
                Examenonderdeel(o) for o in afgeschaalde_onderdelen or []
            ),
        )
        self.termijn_start, self.termijn_einde = termijn_start, termijn_einde
        self.intake_participatie_uren += intake_participatie_uren
        for x in ontheffingen or []:
            self.ontheffingen.append(
                Ontheffing(
                    Omvang(x["omvang"]),
                    Examenonderdeel(x["onderdeel"]) if x.get("onderdeel") else None,
                    OntheffingGrond(x["grond"]),
                    _opgeslagen_datum(x["datum_oordeel"]),
                    x.get("maximum_participatie_uren"),
                )
            )
        for v in verlengingen:
            self.verlengingen.append(
                Verlenging(
                    VerlengingReden.OVERIG,
                    _opgeslagen_datum(v["vorige_einddatum"]),
                    _opgeslagen_datum(v["nieuwe_einddatum"]),
                    f"verlengd in {van_gemeente}",
                )
            )
        aanbieder = f"overgenomen van {van_gemeente}"
        keurmerk = uren.get("cursus_keurmerk", 0)
        per_soort = {**uren, "cursus": uren.get("cursus", 0) - keurmerk}
        if keurmerk:
            self.uren.append(Uren(UrenSoort.CURSUS, aanbieder, True, keurmerk, datum))
        for soort in UrenSoort:
            if per_soort.get(soort.value, 0) > 0:
                self.uren.append(Uren(soort, aanbieder, False, per_soort[soort.value], datum))
        if inspanning_voldoende is not None:
            self.gesprekken.append(Gesprek(datum, inspanning_voldoende, False, None))
        for u in uitslagen:
            self.uitslagen.append(
                Uitslag(
                    Examenonderdeel(u["onderdeel"]),
                    _opgeslagen_datum(u["examendatum"]),
                    bool(u["behaald"]),
                    Niveau(u["niveau"]) if u.get("niveau") else None,
                )
            )
        for v in vrijstellingen:
            self.vrijstellingen.append(
                Vrijstelling(
                    Omvang(v["omvang"]),
                    Examenonderdeel(v["onderdeel"]) if v.get("onderdeel") else None,
                    Niveau(v["niveau"]) if v.get("niveau") else None,
                    VrijstellingReden(v["reden"]) if v.get("reden") else None,
                    _opgeslagen_datum(v["datum_oordeel"]),
                )
            )
        self.knm_behaald_op = knm_behaald_op
        if pvt_datum is not None:
            self.pvt = Afronding(pvt_datum, None)
        if map_datum is not None:
            self.map = Afronding(map_datum, None)

    # --- Obligation met ---------------------------------------------------------------

    def _ontheven(self, onderdeel: Examenonderdeel) -> bool:
        return any(o.onderdeel is onderdeel for o in self.ontheffingen)

    def ontbrekend_voor_afronding(self) -> list[str]:
        """What still stands between this traject and a completed leerroute."""
        pip = self.actuele_pip
        if pip is None:
            return ["pip"]
        taal_gedaan = [
            o
            for o in TAALONDERDELEN
            if ((n := pip.vereist_niveau(o)) is not None and self._taal_behaald_op(o, n))
            or self._ontheven(o)
        ]
        return rules.ontbrekend_voor_afronding(
            pip.leerroute,
            self.doelgroep,
            cursusuren=self.uren_totaal(UrenSoort.CURSUS),
            participatie_uren=self.participatie_uren,
            vereiste_participatie_uren=rules.vereiste_participatieuren(
                o.maximum_participatie_uren
                for o in self.ontheffingen
                if o.maximum_participatie_uren is not None
            ),
            eindgesprek=any(g.eindgesprek_z_route for g in self.gesprekken),
            taal_gedaan=taal_gedaan,
            knm_gedaan=self.knm_behaald_op is not None or self._ontheven(Examenonderdeel.KNM),
            pvt=self.pvt is not None,
            map_=self.map is not None,
        )

    def voldoe(self, *, grond: VoldaanGrond, datum: dt.date) -> None:
        self._check_niet_voldaan()
        rules.check_grond_via_eigen_beschikking(grond)
        pip = self._vastgesteld_pip()
        vandaag = today()
        rules.alle(
            lambda: rules.check_niet_in_toekomst(datum, vandaag),
            lambda: rules.check_niet_voor_pip(datum, self.pips[0].dagtekening),
            lambda: rules.check_grond_past_bij_leerroute(grond, pip.leerroute),
        )
        rules.check_afgerond(self.ontbrekend_voor_afronding(), pip.leerroute)
        self._voldaan(grond=grond.value, datum=datum)

    def neem_diploma_van_duo_over(self, *, datum: dt.date) -> None:
        """DUO established that the inburgeringsexamen was passed (SS106): DUO's word meets
        the obligation, whatever the gemeente's own records of the traject still lack."""
        self._check_niet_voldaan()
        rules.check_niet_in_toekomst(datum, today())
        self._voldaan(grond=VoldaanGrond.DIPLOMA.value, datum=datum)

    class InburgeringsplichtVoldaan(GemeenteAggregate.Event):
        """v2 (published): its dates are dates (`format: date`)."""

        cloudevent_type: ClassVar[str] = pip_contract.INBURGERINGSPLICHT_VOLDAAN
        contract_version = 2
        grond: str
        datum: dt.date

    @event(InburgeringsplichtVoldaan)
    def _voldaan(self, grond: str, datum: dt.date) -> None:
        self.voldaan = (VoldaanGrond(grond), datum)
        self.status = Status.VOLDAAN

    # --- Duale trajecten, the aanbod (art. 16) and maatschappelijke begeleiding -------

    def _duaal_lopend_regels(self, duaal_traject_id: UUID | None) -> list[Callable[[], None]]:
        """A duaal traject named by a command exists in this PIP and has no outcome yet."""
        if duaal_traject_id is None:
            return []
        traject = self.duale_trajecten.get(duaal_traject_id)
        if traject is None:
            bekend = list(self.duale_trajecten)
            return [lambda: rules.check_duaal_traject_bekend(duaal_traject_id, bekend)]
        return [lambda: rules.check_duaal_traject_lopend(traject.uitkomst)]

    def leg_duaal_traject_vast(
        self,
        *,
        duaal_traject_id: UUID,
        soort: DuaalSoort,
        werkgever: str,
        startdatum: dt.date,
        einddatum: dt.date | None,
        uren_per_week: int,
        jobhunter: str | None,
        jobcoach: str | None,
        taalcoaching: bool,
        taalcoach: str | None,
    ) -> None:
        """A duaal traject as part of the PIP: only with a PIP, while the obligation runs."""
        self._check_niet_voldaan()
        self._vastgesteld_pip()
        rules.alle(
            lambda: rules.check_periode(startdatum, einddatum),
            lambda: rules.check_taalcoach(taalcoaching, taalcoach),
        )
        self._duaal_traject_vastgelegd(
            duaal_traject_id=duaal_traject_id,
            soort=soort.value,
            werkgever=werkgever,
            startdatum=startdatum,
            einddatum=einddatum,
            uren_per_week=uren_per_week,
            jobhunter=jobhunter,
            jobcoach=jobcoach,
            taalcoaching=taalcoaching,
            taalcoach=taalcoach if taalcoaching else None,
        )

    class DuaalTrajectVastgelegd(GemeenteAggregate.Event):
        # Where a person works and who coaches them is about the person.
        cloudevent_type: ClassVar[str] = pip_contract.DUAAL_TRAJECT_VASTGELEGD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
            {"werkgever", "jobhunter", "jobcoach", "taalcoach"}
        )
        duaal_traject_id: UUID
        soort: str
        werkgever: str
        startdatum: dt.date
        einddatum: dt.date | None
        uren_per_week: int
        jobhunter: str | None
        jobcoach: str | None
        taalcoaching: bool
        taalcoach: str | None

    @event(DuaalTrajectVastgelegd)
    def _duaal_traject_vastgelegd(
        self,
        duaal_traject_id: UUID,
        soort: str,
        werkgever: str,
        startdatum: dt.date,
        einddatum: dt.date | None,
        uren_per_week: int,
        jobhunter: str | None,
        jobcoach: str | None,
        taalcoaching: bool,
        taalcoach: str | None,
    ) -> None:
        self.duale_trajecten[duaal_traject_id] = DuaalTraject(
            id=duaal_traject_id,
            soort=DuaalSoort(soort),
            werkgever=werkgever,
            startdatum=startdatum,
            einddatum=einddatum,
            uren_per_week=uren_per_week,
            jobhunter=jobhunter,
            jobcoach=jobcoach,
            taalcoaching=taalcoaching,
            taalcoach=taalcoach,
        )

    def rond_duaal_traject_af(
        self, *, duaal_traject_id: UUID, uitkomst: DuaalUitkomst, datum: dt.date
    ) -> None:
        self._check_niet_voldaan()
        regels = self._duaal_lopend_regels(duaal_traject_id)
        traject = self.duale_trajecten.get(duaal_traject_id)
        vandaag = today()
        rules.alle(
            *regels,
            lambda: rules.check_niet_in_toekomst(datum, vandaag),
            lambda: rules.check_periode(traject.startdatum, datum, "datum") if traject else None,
        )
        self._duaal_traject_afgerond(
            duaal_traject_id=duaal_traject_id, uitkomst=uitkomst.value, datum=datum
        )

    class DuaalTrajectAfgerond(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.DUAAL_TRAJECT_AFGEROND
        duaal_traject_id: UUID
        uitkomst: str
        datum: dt.date

    @event(DuaalTrajectAfgerond)
    def _duaal_traject_afgerond(
        self, duaal_traject_id: UUID, uitkomst: str, datum: dt.date
    ) -> None:
        traject = self.duale_trajecten[duaal_traject_id]
        self.duale_trajecten[duaal_traject_id] = replace(
            traject, uitkomst=DuaalUitkomst(uitkomst), uitkomst_datum=datum
        )

    def leg_aanbod_vast(
        self,
        *,
        aanbieder: str,
        instellingsnummer: str | None,
        keurmerk_blik_op_werk: bool,
        erkende_taalschakelinstelling: bool,
        leerroute: Leerroute,
        startdatum: dt.date,
        einddatum: dt.date | None,
    ) -> None:
        """The gemeente's aanbod to an asielstatushouder (art. 16 Wi2021), as DUO registers
        it: one per aanbieder, a new one for the same aanbieder replaces it."""
        self._check_niet_voldaan()
        pip = self._vastgesteld_pip()
        rules.alle(
            lambda: rules.check_aanbod_voor_asielstatushouder(self.doelgroep),
            lambda: rules.check_aanbieder_keurmerk(leerroute, keurmerk_blik_op_werk),
            lambda: rules.check_aanbieder_taalschakel(leerroute, erkende_taalschakelinstelling),
            lambda: rules.check_aanbod_leerroute(leerroute, pip.leerroute),
            lambda: rules.check_aanbod_niet_voor_pip(startdatum, pip.dagtekening),
            lambda: rules.check_periode(startdatum, einddatum),
        )
        velden: dict[str, Any] = {
            "aanbieder": aanbieder,
            "instellingsnummer": instellingsnummer,
            "keurmerk_blik_op_werk": keurmerk_blik_op_werk,
            "erkende_taalschakelinstelling": erkende_taalschakelinstelling,
            "leerroute": leerroute.value,
            "startdatum": startdatum,
            "einddatum": einddatum,
        }
        if aanbieder in self.aanbod:
            self._aanbod_gewijzigd(**velden)
        else:
            self._aanbod_vastgelegd(**velden)

    class InburgeringsaanbodVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.INBURGERINGSAANBOD_VASTGELEGD
        aanbieder: str
        instellingsnummer: str | None
        keurmerk_blik_op_werk: bool
        erkende_taalschakelinstelling: bool
        leerroute: str
        startdatum: dt.date
        einddatum: dt.date | None

    class InburgeringsaanbodGewijzigd(GemeenteAggregate.Event):
        """A new aanbod of the same aanbieder: DUO overwrites the earlier registration."""

        cloudevent_type: ClassVar[str] = pip_contract.INBURGERINGSAANBOD_GEWIJZIGD
        aanbieder: str
        instellingsnummer: str | None
        keurmerk_blik_op_werk: bool
        erkende_taalschakelinstelling: bool
        leerroute: str
        startdatum: dt.date
        einddatum: dt.date | None

    def _zet_aanbod(
        self,
        aanbieder: str,
        instellingsnummer: str | None,
        keurmerk_blik_op_werk: bool,
        erkende_taalschakelinstelling: bool,
        leerroute: str,
        startdatum: dt.date,
        einddatum: dt.date | None,
    ) -> None:
        self.aanbod[aanbieder] = Inburgeringsaanbod(
            aanbieder=aanbieder,
            instellingsnummer=instellingsnummer,
            keurmerk_blik_op_werk=keurmerk_blik_op_werk,
            erkende_taalschakelinstelling=erkende_taalschakelinstelling,
            leerroute=Leerroute(leerroute),
            startdatum=startdatum,
            einddatum=einddatum,
        )

    @event(InburgeringsaanbodVastgelegd)
    def _aanbod_vastgelegd(
        self,
        aanbieder: str,
        instellingsnummer: str | None,
        keurmerk_blik_op_werk: bool,
        erkende_taalschakelinstelling: bool,
        leerroute: str,
        startdatum: dt.date,
        einddatum: dt.date | None,
    ) -> None:
        self._zet_aanbod(
            aanbieder,
            instellingsnummer,
            keurmerk_blik_op_werk,
            erkende_taalschakelinstelling,
            leerroute,
            startdatum,
            einddatum,
        )

    @event(InburgeringsaanbodGewijzigd)
    def _aanbod_gewijzigd(
        self,
        aanbieder: str,
        instellingsnummer: str | None,
        keurmerk_blik_op_werk: bool,
        erkende_taalschakelinstelling: bool,
        leerroute: str,
        startdatum: dt.date,
        einddatum: dt.date | None,
    ) -> None:
        self._zet_aanbod(
            aanbieder,
            instellingsnummer,
            keurmerk_blik_op_werk,
            erkende_taalschakelinstelling,
            leerroute,
            startdatum,
            einddatum,
        )

    def leg_maatschappelijke_begeleiding_vast(
        self, *, organisatie: str, startdatum: dt.date, einddatum: dt.date | None
    ) -> None:
        """Who gives the maatschappelijke begeleiding (art. 13 Wi2021) and when; it may start
        before the PIP, so a concept suffices. A new one replaces the previous."""
        self._check_niet_voldaan()
        rules.check_periode(startdatum, einddatum)
        self._begeleiding_vastgelegd(
            organisatie=organisatie, startdatum=startdatum, einddatum=einddatum
        )

    class MaatschappelijkeBegeleidingVastgelegd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.MAATSCHAPPELIJKE_BEGELEIDING_VASTGELEGD
        organisatie: str
        startdatum: dt.date
        einddatum: dt.date | None

    @event(MaatschappelijkeBegeleidingVastgelegd)
    def _begeleiding_vastgelegd(
        self, organisatie: str, startdatum: dt.date, einddatum: dt.date | None
    ) -> None:
        self.maatschappelijke_begeleiding = MaatschappelijkeBegeleiding(
            organisatie, startdatum, einddatum
        )

    # --- The PIP as a beschikking: bekendmaking and bezwaar (Awb) ---------------------

    def bekendmaking(self, pip_versie: int) -> awb.Bekendmaking | None:
        return self.verzendingen.get(pip_versie)

    def _pip_versie(self, pip_versie: int | None) -> PIPVersie:
        """The version a command names, the current one when it names none."""
        pip = self._vastgesteld_pip()
        if pip_versie is None:
            return pip
        for versie in self.pips:
            if versie.versie == pip_versie:
                return versie
        raise awb.OnbekendeBeschikking(
            f"Dit traject heeft geen vastgesteld PIP versie {pip_versie}", veld="pipVersie"
        )

    def verzend(self, *, verzenddatum: dt.date, pip_versie: int | None = None) -> None:
        """The day the beschikking was sent (bekendmaking, art. 3:41 Awb): the six weeks to
        object start the day after (art. 6:8). Recorded apart from the vaststelling, as the
        letter often leaves a day or more after the dagtekening."""
        pip = self._pip_versie(pip_versie)
        awb.check_niet_al_verzonden(self.bekendmaking(pip.versie))
        awb.check_verzending(pip.dagtekening, verzenddatum, today())
        self._verzonden(
            pip_versie=pip.versie,
            dagtekening=pip.dagtekening,
            verzenddatum=verzenddatum,
            bezwaartermijn_einde=awb.bezwaartermijn_einde(verzenddatum),
        )

    class PIPVerzonden(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.PIP_VERZONDEN
        pip_versie: int
        dagtekening: dt.date
        verzenddatum: dt.date
        bezwaartermijn_einde: dt.date

    @event(PIPVerzonden)
    def _verzonden(
        self,
        pip_versie: int,
        dagtekening: dt.date,
        verzenddatum: dt.date,
        bezwaartermijn_einde: dt.date,
    ) -> None:
        self.verzendingen[pip_versie] = awb.Bekendmaking(
            dagtekening, verzenddatum, bezwaartermijn_einde
        )

    def dien_bezwaar_in(
        self,
        *,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None = None,
        verschoonbaar_toelichting: str | None = None,
        pip_versie: int | None = None,
    ) -> None:
        pip = self._pip_versie(pip_versie)
        ontvankelijk = awb.check_bezwaar(
            self.bekendmaking(pip.versie),
            self.bezwaren.get(pip.versie, ()),
            ontvangen_op,
            ter_post_op,
            verschoonbaar_toelichting,
            today(),
        )
        self._bezwaar_ingediend(
            pip_versie=pip.versie,
            ontvangen_op=ontvangen_op,
            ter_post_op=ter_post_op,
            tijdig=ontvankelijk.tijdig,
            verschoonbaar_toelichting=verschoonbaar_toelichting,
            beslistermijn_einde=ontvankelijk.beslistermijn_einde,
        )

    class BezwaarIngediend(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.BEZWAAR_INGEDIEND
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"verschoonbaar_toelichting"})
        pip_versie: int
        ontvangen_op: dt.date
        ter_post_op: dt.date | None
        tijdig: bool
        verschoonbaar_toelichting: str | None
        beslistermijn_einde: dt.date

    @event(BezwaarIngediend)
    def _bezwaar_ingediend(
        self,
        pip_versie: int,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None,
        tijdig: bool,
        verschoonbaar_toelichting: str | None,
        beslistermijn_einde: dt.date,
    ) -> None:
        bezwaar = awb.Bezwaar(ontvangen_op, ter_post_op, tijdig, beslistermijn_einde)
        self.bezwaren[pip_versie] = (*self.bezwaren.get(pip_versie, ()), bezwaar)

    def beslis_op_bezwaar(
        self, *, datum: dt.date, beslissing: awb.Beslissing, pip_versie: int | None = None
    ) -> None:
        """Upheld (gegrond), the PIP is to be set anew (art. 7:11 lid 2 Awb): the traject
        says so until a later version is vastgesteld."""
        pip = self._pip_versie(pip_versie)
        open_ = awb.open_bezwaar(self.bezwaren.get(pip.versie, ()))
        awb.check_beslissing(open_, datum, beslissing, today())
        self._bezwaar_beslist(
            pip_versie=pip.versie,
            datum=datum,
            beslissing=beslissing.value,
            herziening_nodig=beslissing is awb.Beslissing.GEGROND,
        )

    class BezwaarBeslist(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.BEZWAAR_BESLIST
        pip_versie: int
        datum: dt.date
        beslissing: str
        herziening_nodig: bool

    @event(BezwaarBeslist)
    def _bezwaar_beslist(
        self, pip_versie: int, datum: dt.date, beslissing: str, herziening_nodig: bool
    ) -> None:
        self.bezwaren[pip_versie] = tuple(
            awb.beslist(b, awb.Beslissing(beslissing), datum) if b.open else b
            for b in self.bezwaren.get(pip_versie, ())
        )
        if herziening_nodig:
            self.herziening_nodig = (pip_versie, datum)

    @property
    def nieuw_pip_nodig(self) -> bool:
        """An objection against the current PIP was upheld and no later version is set."""
        if self.herziening_nodig is None:
            return False
        return self.pips[-1].versie <= self.herziening_nodig[0]
