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
    Examenonderdeel,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    Status,
    UrenSoort,
    VerlengingReden,
    Verwijtbaar,
    VoldaanGrond,
    VrijstellingReden,
)
from shared.domain import GemeenteAggregate, today

TRAJECT_NAMESPACE = UUID("5b0d7a52-3f7e-4c1e-9a51-8f1d2f6a0c11")


def traject_id(gemeente: str, inburgeraar_id: UUID) -> UUID:
    """One traject per inburgeraar per gemeente: the id follows from both, so a second
    draft collides and a search by inburgeraar needs no index."""
    return uuid5(TRAJECT_NAMESPACE, f"{gemeente}/{inburgeraar_id}")


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


@dataclass(frozen=True)
class Afronding:
    """A dated completion of MAP or PVT, with DUO's culpability flag."""

    datum: dt.date
    verwijtbaar: Verwijtbaar | None


class Inburgeringstraject(GemeenteAggregate):
    """One inburgeraar's path in one gemeente, from concept-PIP to obligation met."""

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset(
        {"pips", "verlengingen", "gesprekken", "ontheffingen"}
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
    ) -> Inburgeringstraject:
        return cls(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            doelgroep=doelgroep.value,
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
            vestigingsdatum=vestigingsdatum,
            geadviseerde_leerroute=geadviseerde_leerroute and geadviseerde_leerroute.value,
            uiterste_datum_pip=rules.uiterste_datum_pip(datum_start_inburgeringsplicht),
        )

    class PIPOpgesteld(GemeenteAggregate.Created):
        """v2 (stored and published) adds the PIP's deadline: ten weeks from the start."""

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
            start = _opgeslagen_datum(state["datum_start_inburgeringsplicht"])
            state["uiterste_datum_pip"] = rules.uiterste_datum_pip(start)

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
        # The uiterste datum / einddatum already signalled, so each is signalled once.
        self.pip_termijn_gesignaleerd: dt.date | None = None
        self.termijneinde_gesignaleerd: dt.date | None = None

    def wijzig_concept(
        self,
        *,
        doelgroep: Doelgroep,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        geadviseerde_leerroute: Leerroute | None,
    ) -> None:
        self._check_niet_voldaan()
        rules.check_concept_wijzigbaar(self.status)
        self._concept_gewijzigd(
            doelgroep=doelgroep.value,
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
            vestigingsdatum=vestigingsdatum,
            geadviseerde_leerroute=geadviseerde_leerroute and geadviseerde_leerroute.value,
            uiterste_datum_pip=rules.uiterste_datum_pip(
                datum_start_inburgeringsplicht, self._informatie_ontvangen()
            ),
        )

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
            start = _opgeslagen_datum(state["datum_start_inburgeringsplicht"])
            state["uiterste_datum_pip"] = rules.uiterste_datum_pip(start)

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
        """The last day to set the PIP (`rules.uiterste_datum_pip`), from the start and the
        waits for third parties."""
        return rules.uiterste_datum_pip(
            self.datum_start_inburgeringsplicht, self._informatie_ontvangen()
        )

    def uren_totaal(self, soort: UrenSoort, *, alleen_keurmerk: bool = False) -> int:
        return sum(
            u.uren for u in self.uren if u.soort is soort and (u.keurmerk or not alleen_keurmerk)
        )

    @property
    def laatste_inspanningsoordeel(self) -> bool | None:
        oordelen = [g.inspanning_voldoende for g in self.gesprekken]
        return next((o for o in reversed(oordelen) if o is not None), None)

    def _vastgesteld_pip(self) -> PIPVersie:
        rules.check_pip_vastgesteld(len(self.pips))
        return self.pips[-1]

    def _check_niet_voldaan(self) -> None:
        rules.check_niet_voldaan(None if self.voldaan is None else self.voldaan[0])

    # --- Ten weeks: waiting for third parties -----------------------------------------

    def wacht_op_derden(
        self, *, derde: str, opgevraagd_op: dt.date, informatie_ontvangen_op: dt.date
    ) -> None:
        self._check_niet_voldaan()
        rules.check_nog_geen_pip(len(self.pips))
        basis = rules.uiterste_datum_pip(self.datum_start_inburgeringsplicht)
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
                self.datum_start_inburgeringsplicht,
                [*self._informatie_ontvangen(), informatie_ontvangen_op],
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
        niveau = rules.standaard_niveau(leerroute, niveau)
        huidige = self.actuele_pip
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
            lambda: rules.check_ontzorging(self.doelgroep, ontzorging),
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
        self._termijn_verlengd(
            reden=reden.value,
            vorige_einddatum=einde,
            nieuwe_einddatum=nieuwe_einddatum,
            toelichting=toelichting,
            loopt_bijna_af_vanaf=rules.eerste_dag_binnen_twee_maanden(nieuwe_einddatum),
        )

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
        if self.pips or self.voldaan is not None:
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

    def schaal_af(self, *, dagtekening: dt.date) -> None:
        """Afschalen B1 to A2 (art. 32 Wi2021, art. 5.5 Besluit): a change of the PIP."""
        self._check_niet_voldaan()
        pip = self._vastgesteld_pip()
        keurmerkuren = self.uren_totaal(UrenSoort.CURSUS, alleen_keurmerk=True)
        oordeel = self.laatste_inspanningsoordeel
        vandaag = today()
        rules.alle(
            lambda: rules.check_afschalen_vanuit_b1_route(pip.leerroute, pip.niveau),
            lambda: rules.check_afschaaluren(keurmerkuren),
            lambda: rules.check_inspanning(oordeel),
            lambda: rules.check_dagtekening_niet_in_toekomst(dagtekening, vandaag),
            lambda: rules.check_dagtekening_niet_voor_eerdere_pip(
                dagtekening, self.eerste_dagtekening, pip.dagtekening
            ),
        )
        self._afgeschaald(
            dagtekening=dagtekening,
            van_niveau=Niveau.B1.value,
            naar_niveau=Niveau.A2.value,
            pip_versie=pip.versie + 1,
            cursusuren_keurmerk=keurmerkuren,
        )
        self._evalueer_taalniveau()

    class NiveauAfgeschaald(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.NIVEAU_AFGESCHAALD
        dagtekening: dt.date
        van_niveau: str
        naar_niveau: str
        pip_versie: int
        cursusuren_keurmerk: int

    @event(NiveauAfgeschaald)
    def _afgeschaald(
        self,
        dagtekening: dt.date,
        van_niveau: str,
        naar_niveau: str,
        pip_versie: int,
        cursusuren_keurmerk: int,
    ) -> None:
        vorige = self.pips[-1]
        self.pips.append(
            replace(
                vorige,
                versie=pip_versie,
                dagtekening=dagtekening,
                niveau=Niveau(naar_niveau),
                is_eerste_pip=False,
            )
        )

    def voer_gesprek(
        self,
        *,
        datum: dt.date,
        inspanning_voldoende: bool | None,
        eindgesprek_z_route: bool,
        verslag: str | None,
    ) -> None:
        self._check_niet_voldaan()
        pip = self._vastgesteld_pip()
        eerste = self.pips[0].dagtekening
        vandaag = today()
        rules.alle(
            lambda: rules.check_niet_in_toekomst(datum, vandaag),
            lambda: rules.check_niet_voor_pip(datum, eerste),
            lambda: rules.check_eindgesprek_in_z_route(pip.leerroute, eindgesprek_z_route),
        )
        self._gesprek_gevoerd(
            datum=datum,
            inspanning_voldoende=inspanning_voldoende,
            eindgesprek_z_route=eindgesprek_z_route,
            verslag=verslag,
        )

    class VoortgangsgesprekGevoerd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = pip_contract.VOORTGANGSGESPREK_GEVOERD
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"verslag"})
        datum: dt.date
        inspanning_voldoende: bool | None
        eindgesprek_z_route: bool
        verslag: str | None

    @event(VoortgangsgesprekGevoerd)
    def _gesprek_gevoerd(
        self,
        datum: dt.date,
        inspanning_voldoende: bool | None,
        eindgesprek_z_route: bool,
        verslag: str | None,
    ) -> None:
        self.gesprekken.append(Gesprek(datum, inspanning_voldoende, eindgesprek_z_route, verslag))

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
        pip = self.actuele_pip
        if pip is None or pip.niveau is None:
            return
        if self.taalniveau_behaald and self.taalniveau_behaald[0].minstens(pip.niveau):
            return
        datums = [self._taal_behaald_op(o, pip.niveau) for o in TAALONDERDELEN]
        if all(d is not None for d in datums):
            datum = max(d for d in datums if d is not None)
            self._taalniveau_behaald(niveau=pip.niveau.value, datum=datum)

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
    ) -> None:
        self._check_niet_voldaan()
        vandaag = today()
        rules.alle(
            lambda: rules.check_ontheffing(omvang, onderdeel),
            lambda: rules.check_niet_in_toekomst(datum_oordeel, vandaag, "datumOordeel"),
        )
        self._ontheffing_verleend(
            omvang=omvang.value,
            onderdeel=onderdeel and onderdeel.value,
            grond=grond.value,
            datum_oordeel=datum_oordeel,
        )
        if omvang is Omvang.GEHEEL:  # DUO SS108: obligation met
            self._voldaan(grond=VoldaanGrond.ONTHEFFING.value, datum=datum_oordeel)

    class OntheffingVerleend(GemeenteAggregate.Event):
        # A medical ground is health data.
        cloudevent_type: ClassVar[str] = pip_contract.ONTHEFFING_VERLEEND
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"grond"})
        omvang: str
        onderdeel: str | None
        grond: str
        datum_oordeel: dt.date

    @event(OntheffingVerleend)
    def _ontheffing_verleend(
        self, omvang: str, onderdeel: str | None, grond: str, datum_oordeel: dt.date
    ) -> None:
        self.ontheffingen.append(
            Ontheffing(
                Omvang(omvang),
                Examenonderdeel(onderdeel) if onderdeel else None,
                OntheffingGrond(grond),
                datum_oordeel,
            )
        )

    # --- Obligation met ---------------------------------------------------------------

    def _ontheven(self, onderdeel: Examenonderdeel) -> bool:
        return any(o.onderdeel is onderdeel for o in self.ontheffingen)

    def ontbrekend_voor_afronding(self) -> list[str]:
        """What still stands between this traject and a completed leerroute."""
        pip = self.actuele_pip
        if pip is None:
            return ["pip"]
        niveau = pip.niveau
        taal_gedaan = [
            o
            for o in TAALONDERDELEN
            if (niveau is not None and self._taal_behaald_op(o, niveau) is not None)
            or self._ontheven(o)
        ]
        return rules.ontbrekend_voor_afronding(
            pip.leerroute,
            self.doelgroep,
            cursusuren=self.uren_totaal(UrenSoort.CURSUS),
            participatie_uren=self.uren_totaal(UrenSoort.PARTICIPATIE),
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
