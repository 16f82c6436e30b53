"""The inburgeringstraject of one inburgeraar in one gemeente: the PIP (concept and
vastgestelde versies), the ten weeks to set it, the inburgeringstermijn, progress, exam
results, vrijstelling/ontheffing and the moment the obligation is met.

Commands (public methods) check the rules in `rules.py` first and only then trigger
events; the `@event` methods only apply what happened, so replaying them never re-checks.
Business dates travel in events as ISO strings (eventsourcing's default transcoder knows
datetime but not date), and enums as their values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import event

from services.pip import rules
from services.pip.rules import (
    TAALONDERDELEN,
    TERMIJN_JAREN,
    TIEN_WEKEN_DAGEN,
    VERLENGING_NA_INFORMATIE_DAGEN,
    Z_ROUTE_UREN,
    ConceptNietMeerWijzigbaar,
    Doelgroep,
    Examenonderdeel,
    InburgeringsplichtAlVoldaan,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    PIPAlVastgesteld,
    PIPNietVastgesteld,
    Status,
    UrenSoort,
    VerlengingReden,
    Verwijtbaar,
    VoldaanGrond,
    VrijstellingReden,
)
from shared.domain import GemeenteAggregate, IsoDatum, add_years, today

TRAJECT_NAMESPACE = UUID("5b0d7a52-3f7e-4c1e-9a51-8f1d2f6a0c11")


def traject_id(gemeente: str, inburgeraar_id: UUID) -> UUID:
    """One traject per inburgeraar per gemeente: the id follows from both, so a second
    draft collides and a search by inburgeraar needs no index."""
    return uuid5(TRAJECT_NAMESPACE, f"{gemeente}/{inburgeraar_id}")


def _datum(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _datum_of_niets(iso: str | None) -> dt.date | None:
    return None if iso is None else dt.date.fromisoformat(iso)


def _iso(datum: dt.date | None) -> str | None:
    return None if datum is None else datum.isoformat()


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
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht.isoformat(),
            vestigingsdatum=_iso(vestigingsdatum),
            geadviseerde_leerroute=geadviseerde_leerroute and geadviseerde_leerroute.value,
        )

    @event("PIPOpgesteld")
    def __init__(
        self,
        gemeente: str,
        inburgeraar_id: UUID,
        doelgroep: str,
        datum_start_inburgeringsplicht: IsoDatum,
        vestigingsdatum: IsoDatum | None,
        geadviseerde_leerroute: str | None,
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self._concept(doelgroep, datum_start_inburgeringsplicht, vestigingsdatum)
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

    def _concept(self, doelgroep: str, start: str, vestigingsdatum: str | None) -> None:
        self.doelgroep = Doelgroep(doelgroep)
        self.datum_start_inburgeringsplicht = _datum(start)
        self.vestigingsdatum = _datum_of_niets(vestigingsdatum)

    def wijzig_concept(
        self,
        *,
        doelgroep: Doelgroep,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        geadviseerde_leerroute: Leerroute | None,
    ) -> None:
        self._check_niet_voldaan()
        if self.status is not Status.CONCEPT:
            raise ConceptNietMeerWijzigbaar(
                "Het PIP is vastgesteld; wijzigen kan alleen met een nieuw PIP (vaststelling)"
            )
        self._concept_gewijzigd(
            doelgroep=doelgroep.value,
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht.isoformat(),
            vestigingsdatum=_iso(vestigingsdatum),
            geadviseerde_leerroute=geadviseerde_leerroute and geadviseerde_leerroute.value,
        )

    @event("ConceptPIPGewijzigd")
    def _concept_gewijzigd(
        self,
        doelgroep: str,
        datum_start_inburgeringsplicht: IsoDatum,
        vestigingsdatum: IsoDatum | None,
        geadviseerde_leerroute: str | None,
    ) -> None:
        self._concept(doelgroep, datum_start_inburgeringsplicht, vestigingsdatum)
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

    @property
    def uiterste_datum_pip(self) -> dt.date:
        """Ten weeks after the start; waiting for third parties extends it to at most two
        weeks after the information arrived (art. 15 Wi2021, art. 5.3 Besluit)."""
        uiterste = self.datum_start_inburgeringsplicht + dt.timedelta(days=TIEN_WEKEN_DAGEN)
        for opschorting in self.opschortingen:
            verlengd = opschorting.informatie_ontvangen_op + dt.timedelta(
                days=VERLENGING_NA_INFORMATIE_DAGEN
            )
            uiterste = max(uiterste, verlengd)
        return uiterste

    def uren_totaal(self, soort: UrenSoort, *, alleen_keurmerk: bool = False) -> int:
        return sum(
            u.uren for u in self.uren if u.soort is soort and (u.keurmerk or not alleen_keurmerk)
        )

    @property
    def laatste_inspanningsoordeel(self) -> bool | None:
        oordelen = [g.inspanning_voldoende for g in self.gesprekken]
        return next((o for o in reversed(oordelen) if o is not None), None)

    def _vastgesteld_pip(self) -> PIPVersie:
        if self.actuele_pip is None:
            raise PIPNietVastgesteld("Er is nog geen vastgesteld PIP")
        return self.actuele_pip

    def _check_niet_voldaan(self) -> None:
        if self.voldaan is not None:
            raise InburgeringsplichtAlVoldaan(
                f"De inburgeringsplicht is voldaan ({self.voldaan[0]}); er verandert niets meer"
            )

    # --- Ten weeks: waiting for third parties -----------------------------------------

    def wacht_op_derden(
        self, *, derde: str, opgevraagd_op: dt.date, informatie_ontvangen_op: dt.date
    ) -> None:
        self._check_niet_voldaan()
        if self.pips:
            raise PIPAlVastgesteld("Het PIP is al vastgesteld; de tien weken zijn voorbij")
        basis = self.datum_start_inburgeringsplicht + dt.timedelta(days=TIEN_WEKEN_DAGEN)
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
            opgevraagd_op=opgevraagd_op.isoformat(),
            informatie_ontvangen_op=informatie_ontvangen_op.isoformat(),
        )

    @event("PIPTermijnOpgeschort")
    def _termijn_opgeschort(
        self, derde: str, opgevraagd_op: str, informatie_ontvangen_op: str
    ) -> None:
        self.opschortingen.append(
            Opschorting(derde, _datum(opgevraagd_op), _datum(informatie_ontvangen_op))
        )

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
        if niveau is None and leerroute in (Leerroute.B1, Leerroute.ONDERWIJS):
            niveau = Niveau.B1  # DUO README: Niveau (B1 when omitted)
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
            dagtekening <= self.uiterste_datum_pip if huidige is None else huidige.binnen_tien_weken
        )
        self._vastgesteld(
            pip_versie=len(self.pips) + 1,
            dagtekening=dagtekening.isoformat(),
            leerroute=leerroute.value,
            niveau=niveau and niveau.value,
            map=map,
            map_intensiteit_uren=map_intensiteit_uren,
            pvt_intensiteit_uren=pvt_intensiteit_uren,
            knm=knm,
            begeleiding=begeleiding,
            ontzorging=ontzorging,
            geschatte_intensiteit=geschatte_intensiteit,
            uiterste_datum_pip=self.uiterste_datum_pip.isoformat(),
            binnen_tien_weken=binnen_tien_weken,
            is_eerste_pip=is_eerste,
            inburgeraar_id=self.inburgeraar_id,
            doelgroep=self.doelgroep.value,
            startdatum_bijstand=_iso(startdatum_bijstand),
            verblijfsvergunning_asiel_bepaalde_tijd=verblijfsvergunning_asiel_bepaalde_tijd,
        )
        if self.termijn_start is None:
            # art. 11: three years from the day after the first PIP; later PIPs keep it.
            start = dagtekening + dt.timedelta(days=1)
            einde = add_years(start, TERMIJN_JAREN) - dt.timedelta(days=1)
            self._termijn_gestart(startdatum=start.isoformat(), einddatum=einde.isoformat())
        self._evalueer_taalniveau()

    def _afschaalregels(
        self, huidige: PIPVersie | None, leerroute: Leerroute, niveau: Niveau | None
    ) -> list[Callable[[], None]]:
        """A new PIP that lowers the B1-route from B1 to A2 is afschalen (art. 32)."""
        if (
            huidige is None
            or huidige.leerroute is not Leerroute.B1
            or leerroute is not Leerroute.B1
            or niveau is not Niveau.A2
            or huidige.niveau is Niveau.A2
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

        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"begeleiding"})
        class_version = 2
        pip_versie: int
        dagtekening: IsoDatum
        leerroute: str
        niveau: str | None
        map: bool
        map_intensiteit_uren: int | None
        pvt_intensiteit_uren: int
        knm: bool
        begeleiding: str
        ontzorging: bool
        geschatte_intensiteit: int | None
        uiterste_datum_pip: IsoDatum
        binnen_tien_weken: bool
        is_eerste_pip: bool
        inburgeraar_id: UUID | None = None
        doelgroep: str | None = None
        startdatum_bijstand: IsoDatum | None = None
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
        dagtekening: IsoDatum,
        leerroute: str,
        niveau: str | None,
        map: bool,
        map_intensiteit_uren: int | None,
        pvt_intensiteit_uren: int,
        knm: bool,
        begeleiding: str,
        ontzorging: bool,
        geschatte_intensiteit: int | None,
        uiterste_datum_pip: IsoDatum,
        binnen_tien_weken: bool,
        is_eerste_pip: bool,
        inburgeraar_id: UUID | None = None,
        doelgroep: str | None = None,
        startdatum_bijstand: IsoDatum | None = None,
        verblijfsvergunning_asiel_bepaalde_tijd: bool | None = None,
    ) -> None:
        self.pips.append(
            PIPVersie(
                versie=pip_versie,
                dagtekening=_datum(dagtekening),
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
                startdatum_bijstand=_datum_of_niets(startdatum_bijstand),
                verblijfsvergunning_asiel_bepaalde_tijd=verblijfsvergunning_asiel_bepaalde_tijd,
            )
        )
        self.status = Status.VASTGESTELD

    # --- Inburgeringstermijn (art. 11) ------------------------------------------------

    @event("InburgeringstermijnGestart")
    def _termijn_gestart(self, startdatum: str, einddatum: str) -> None:
        self.termijn_start = _datum(startdatum)
        self.termijn_einde = _datum(einddatum)

    def verleng_termijn(
        self, *, reden: VerlengingReden, nieuwe_einddatum: dt.date, toelichting: str | None
    ) -> None:
        self._check_niet_voldaan()
        einde = rules.check_termijn_gestart(self.termijn_einde)
        rules.check_verlenging_na_einddatum(einde, nieuwe_einddatum)
        self._termijn_verlengd(
            reden=reden.value,
            vorige_einddatum=einde.isoformat(),
            nieuwe_einddatum=nieuwe_einddatum.isoformat(),
            toelichting=toelichting,
        )

    class InburgeringstermijnVerlengd(GemeenteAggregate.Event):
        # Illness and birth are health data.
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"reden", "toelichting"})
        reden: str
        vorige_einddatum: IsoDatum
        nieuwe_einddatum: IsoDatum
        toelichting: str | None

    @event(InburgeringstermijnVerlengd)
    def _termijn_verlengd(
        self, reden: str, vorige_einddatum: str, nieuwe_einddatum: str, toelichting: str | None
    ) -> None:
        verlenging = Verlenging(
            VerlengingReden(reden), _datum(vorige_einddatum), _datum(nieuwe_einddatum), toelichting
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
        return self.uiterste_datum_pip + dt.timedelta(days=1)

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
                datum_start_inburgeringsplicht=self.datum_start_inburgeringsplicht.isoformat(),
                uiterste_datum_pip=self.uiterste_datum_pip.isoformat(),
                peildatum=peildatum.isoformat(),
            )
        einde = self.termijn_einde
        if (
            einde is not None
            and self.termijn_bijna_af_vanaf() is not None
            and rules.eindigt_binnen_twee_maanden(einde, peildatum)
        ):
            self._termijn_loopt_bijna_af(
                inburgeraar_id=self.inburgeraar_id,
                einddatum=einde.isoformat(),
                peildatum=peildatum.isoformat(),
            )

    @event("PIPTermijnVerstreken")
    def _pip_termijn_verstreken(
        self,
        inburgeraar_id: UUID,
        datum_start_inburgeringsplicht: IsoDatum,
        uiterste_datum_pip: IsoDatum,
        peildatum: IsoDatum,
    ) -> None:
        self.pip_termijn_gesignaleerd = _datum(uiterste_datum_pip)

    @event("InburgeringstermijnLooptBijnaAf")
    def _termijn_loopt_bijna_af(self, inburgeraar_id: UUID, einddatum: str, peildatum: str) -> None:
        self.termijneinde_gesignaleerd = _datum(einddatum)

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
            peildatum=peildatum.isoformat(),
        )

    @event("CursusurenGeregistreerd")
    def _uren_geregistreerd(
        self, soort: str, aanbieder: str, keurmerk: bool, uren: int, peildatum: str
    ) -> None:
        self.uren.append(Uren(UrenSoort(soort), aanbieder, keurmerk, uren, _datum(peildatum)))

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
            dagtekening=dagtekening.isoformat(),
            van_niveau=Niveau.B1.value,
            naar_niveau=Niveau.A2.value,
            pip_versie=pip.versie + 1,
            cursusuren_keurmerk=keurmerkuren,
        )
        self._evalueer_taalniveau()

    @event("NiveauAfgeschaald")
    def _afgeschaald(
        self,
        dagtekening: IsoDatum,
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
                dagtekening=_datum(dagtekening),
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
            datum=datum.isoformat(),
            inspanning_voldoende=inspanning_voldoende,
            eindgesprek_z_route=eindgesprek_z_route,
            verslag=verslag,
        )

    class VoortgangsgesprekGevoerd(GemeenteAggregate.Event):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"verslag"})
        datum: IsoDatum
        inspanning_voldoende: bool | None
        eindgesprek_z_route: bool
        verslag: str | None

    @event(VoortgangsgesprekGevoerd)
    def _gesprek_gevoerd(
        self,
        datum: IsoDatum,
        inspanning_voldoende: bool | None,
        eindgesprek_z_route: bool,
        verslag: str | None,
    ) -> None:
        self.gesprekken.append(
            Gesprek(_datum(datum), inspanning_voldoende, eindgesprek_z_route, verslag)
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
        self._pvt_ondertekend(
            datum=datum.isoformat(), verwijtbaar=verwijtbaar and verwijtbaar.value
        )

    @event("ParticipatieverklaringOndertekend")
    def _pvt_ondertekend(self, datum: str, verwijtbaar: str | None) -> None:
        self.pvt = Afronding(_datum(datum), Verwijtbaar(verwijtbaar) if verwijtbaar else None)

    def rond_map_af(self, *, datum_eindgesprek: dt.date, verwijtbaar: Verwijtbaar | None) -> None:
        self._check_niet_voldaan()
        regels = self._afrondingsregels(datum_eindgesprek, verwijtbaar)
        leerroute = self._vastgesteld_pip().leerroute
        rules.alle(lambda: rules.check_geen_map_in_onderwijsroute(leerroute, True), *regels)
        self._map_afgerond(
            datum_eindgesprek=datum_eindgesprek.isoformat(),
            verwijtbaar=verwijtbaar and verwijtbaar.value,
        )

    @event("MAPAfgerond")
    def _map_afgerond(self, datum_eindgesprek: str, verwijtbaar: str | None) -> None:
        self.map = Afronding(
            _datum(datum_eindgesprek), Verwijtbaar(verwijtbaar) if verwijtbaar else None
        )

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
            examendatum=examendatum.isoformat(),
            behaald=behaald,
            niveau=niveau and niveau.value,
        )
        if onderdeel is Examenonderdeel.KNM and behaald and self.knm_behaald_op is None:
            self._knm_behaald(examendatum=examendatum.isoformat())
        self._evalueer_taalniveau()

    @event("ExamenuitslagOntvangen")
    def _uitslag_ontvangen(
        self, onderdeel: str, examendatum: str, behaald: bool, niveau: str | None
    ) -> None:
        self.uitslagen.append(
            Uitslag(
                Examenonderdeel(onderdeel),
                _datum(examendatum),
                behaald,
                Niveau(niveau) if niveau else None,
            )
        )

    @event("KNMBehaald")
    def _knm_behaald(self, examendatum: str) -> None:
        self.knm_behaald_op = _datum(examendatum)

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
            self._taalniveau_behaald(niveau=pip.niveau.value, datum=datum.isoformat())

    @event("TaalniveauBehaald")
    def _taalniveau_behaald(self, niveau: str, datum: str) -> None:
        self.taalniveau_behaald = (Niveau(niveau), _datum(datum))

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
            datum_oordeel=datum_oordeel.isoformat(),
        )
        if omvang is Omvang.GEHEEL:  # DUO SS107: obligation met
            self._voldaan(grond=VoldaanGrond.VRIJSTELLING.value, datum=datum_oordeel.isoformat())
        else:
            self._evalueer_taalniveau()

    @event("VrijstellingVerleend")
    def _vrijstelling_verleend(
        self,
        omvang: str,
        onderdeel: str | None,
        niveau: str | None,
        reden: str | None,
        datum_oordeel: IsoDatum,
    ) -> None:
        self.vrijstellingen.append(
            Vrijstelling(
                Omvang(omvang),
                Examenonderdeel(onderdeel) if onderdeel else None,
                Niveau(niveau) if niveau else None,
                VrijstellingReden(reden) if reden else None,
                _datum(datum_oordeel),
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
            datum_oordeel=datum_oordeel.isoformat(),
        )
        if omvang is Omvang.GEHEEL:  # DUO SS108: obligation met
            self._voldaan(grond=VoldaanGrond.ONTHEFFING.value, datum=datum_oordeel.isoformat())

    class OntheffingVerleend(GemeenteAggregate.Event):
        # A medical ground is health data.
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"grond"})
        omvang: str
        onderdeel: str | None
        grond: str
        datum_oordeel: IsoDatum

    @event(OntheffingVerleend)
    def _ontheffing_verleend(
        self, omvang: str, onderdeel: str | None, grond: str, datum_oordeel: str
    ) -> None:
        self.ontheffingen.append(
            Ontheffing(
                Omvang(omvang),
                Examenonderdeel(onderdeel) if onderdeel else None,
                OntheffingGrond(grond),
                _datum(datum_oordeel),
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
        ontbrekend: list[str] = []
        if pip.leerroute is Leerroute.Z:
            if self.uren_totaal(UrenSoort.CURSUS) < Z_ROUTE_UREN:
                ontbrekend.append("cursusuren")
            asiel = self.doelgroep is Doelgroep.ASIELSTATUSHOUDER
            if asiel and self.uren_totaal(UrenSoort.PARTICIPATIE) < Z_ROUTE_UREN:
                ontbrekend.append("participatie-uren")
            if not any(g.eindgesprek_z_route for g in self.gesprekken):
                ontbrekend.append("eindgesprek")
        else:
            assert pip.niveau is not None
            for onderdeel in TAALONDERDELEN:
                behaald = self._taal_behaald_op(onderdeel, pip.niveau) is not None
                if not behaald and not self._ontheven(onderdeel):
                    ontbrekend.append(onderdeel.value)
            if self.knm_behaald_op is None and not self._ontheven(Examenonderdeel.KNM):
                ontbrekend.append("knm")
        if self.pvt is None:
            ontbrekend.append("participatieverklaring")
        if pip.leerroute is not Leerroute.ONDERWIJS and self.map is None:
            ontbrekend.append("map")
        return ontbrekend

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
        self._voldaan(grond=grond.value, datum=datum.isoformat())

    @event("InburgeringsplichtVoldaan")
    def _voldaan(self, grond: str, datum: str) -> None:
        self.voldaan = (VoldaanGrond(grond), _datum(datum))
        self.status = Status.VOLDAAN
