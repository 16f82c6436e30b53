"""Use cases of the PIP service: ids and plain values in, ids and plain values out,
one save per use case, every load scoped to the caller's gemeenten."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import asdict
from typing import Any
from uuid import UUID, uuid4

from services.pip import rules
from services.pip.domainmodel import Inburgeringstraject, traject_id
from services.pip.rules import (
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
    UrenSoort,
    VerlengingReden,
    Verwijtbaar,
    VoldaanGrond,
    VrijstellingReden,
)
from shared.awb import Beslissing
from shared.deadlines import TermijnApplication
from shared.domain import GeenToegang, today

log = logging.getLogger(__name__)

Overzicht = dict[str, Any]


class PipApplication(TermijnApplication):
    """The inburgeringstrajecten (PIPs) of the gemeenten."""

    termijn_aggregate = Inburgeringstraject
    termijn_naam = "PIP"

    # --- Creating and changing ---------------------------------------------------------

    def stel_concept_op(
        self,
        *,
        gemeente: str,
        gemeenten: Collection[str],
        inburgeraar_id: UUID,
        doelgroep: Doelgroep,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None = None,
        geadviseerde_leerroute: Leerroute | None = None,
        uiterste_datum_pip: dt.date | None = None,
    ) -> Overzicht:
        """`uiterste_datum_pip`: the ten weeks as intake states them (None: no kennisgeving
        known apart from the start, as intake registers it then)."""
        if gemeente not in gemeenten:
            raise GeenToegang(f"Geen toegang tot gemeente {gemeente}")
        bestaat = traject_id(gemeente, inburgeraar_id) in self.repository
        rules.check_traject_nieuw(bestaat, gemeente, inburgeraar_id)
        traject = Inburgeringstraject.stel_concept_op(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            doelgroep=doelgroep,
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
            vestigingsdatum=vestigingsdatum,
            geadviseerde_leerroute=geadviseerde_leerroute,
            uiterste_datum_pip=uiterste_datum_pip,
        )
        self.save(traject)
        return overzicht(traject)

    def _wijzig(
        self,
        pip_id: UUID,
        gemeenten: Collection[str],
        verwachte_versie: int | None,
        command: Callable[[Inburgeringstraject], None],
    ) -> Overzicht:
        traject = self.get_voor(Inburgeringstraject, pip_id, gemeenten)
        traject.check_versie(verwachte_versie)
        command(traject)
        self.save(traject)
        return overzicht(traject)

    def wijzig_concept(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        doelgroep: Doelgroep,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None = None,
        geadviseerde_leerroute: Leerroute | None = None,
        uiterste_datum_pip: dt.date | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.wijzig_concept(
                doelgroep=doelgroep,
                datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
                vestigingsdatum=vestigingsdatum,
                geadviseerde_leerroute=geadviseerde_leerroute,
                uiterste_datum_pip=uiterste_datum_pip,
            ),
        )

    def verschuif_uiterste_datum_pip(
        self, pip_id: UUID, basis_uiterste_datum_pip: dt.date, *, gemeenten: Collection[str]
    ) -> Overzicht:
        """Intake moved the ten weeks (UitersteDatumPipGewijzigd); one save."""
        traject = self.get_voor(Inburgeringstraject, pip_id, gemeenten)
        if traject.verschuif_uiterste_datum_pip(basis_uiterste_datum_pip):
            self.save(traject)
        return overzicht(traject)

    def neem_termijn_van_duo_over(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        startdatum: dt.date,
        einddatum: dt.date,
        gebeurtenis: str,
        verlengingsgrondcode: str | None = None,
        verlengingsgrondomschrijving: str | None = None,
    ) -> Overzicht:
        """DUO's termijn (InburgeringstermijnOntvangen after SS102-SS104); one save."""
        traject = self.get_voor(Inburgeringstraject, pip_id, gemeenten)
        if traject.neem_termijn_van_duo_over(
            startdatum=startdatum,
            einddatum=einddatum,
            gebeurtenis=gebeurtenis,
            verlengingsgrondcode=verlengingsgrondcode,
            verlengingsgrondomschrijving=verlengingsgrondomschrijving,
        ):
            self.save(traject)
        return overzicht(traject)

    def wacht_op_derden(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        derde: str,
        opgevraagd_op: dt.date,
        informatie_ontvangen_op: dt.date,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.wacht_op_derden(
                derde=derde,
                opgevraagd_op=opgevraagd_op,
                informatie_ontvangen_op=informatie_ontvangen_op,
            ),
        )

    def vaststellen(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        dagtekening: dt.date,
        leerroute: Leerroute,
        niveau: Niveau | None = None,
        map: bool,
        map_intensiteit_uren: int | None = None,
        pvt_intensiteit_uren: int,
        knm: bool = True,
        begeleiding: str = "",
        ontzorging: bool = False,
        geschatte_intensiteit: int | None = None,
        startdatum_bijstand: dt.date | None = None,
        verblijfsvergunning_asiel_bepaalde_tijd: bool | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.vaststellen(
                dagtekening=dagtekening,
                leerroute=leerroute,
                niveau=niveau,
                map=map,
                map_intensiteit_uren=map_intensiteit_uren,
                pvt_intensiteit_uren=pvt_intensiteit_uren,
                knm=knm,
                begeleiding=begeleiding,
                ontzorging=ontzorging,
                geschatte_intensiteit=geschatte_intensiteit,
                startdatum_bijstand=startdatum_bijstand,
                verblijfsvergunning_asiel_bepaalde_tijd=verblijfsvergunning_asiel_bepaalde_tijd,
            ),
        )

    def verleng_termijn(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        reden: VerlengingReden,
        nieuwe_einddatum: dt.date,
        toelichting: str | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.verleng_termijn(
                reden=reden, nieuwe_einddatum=nieuwe_einddatum, toelichting=toelichting
            ),
        )

    def registreer_uren(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        soort: UrenSoort = UrenSoort.CURSUS,
        aanbieder: str,
        keurmerk: bool,
        uren: int,
        peildatum: dt.date,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.registreer_uren(
                soort=soort, aanbieder=aanbieder, keurmerk=keurmerk, uren=uren, peildatum=peildatum
            ),
        )

    def schaal_af(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        dagtekening: dt.date,
        onderdelen: list[Examenonderdeel] | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.schaal_af(dagtekening=dagtekening, onderdelen=onderdelen),
        )

    def neem_intakeuren_over(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        uren: int,
        peildatum: dt.date,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            None,
            lambda t: t.neem_intakeuren_over(uren=uren, peildatum=peildatum),
        )

    def voer_gesprek(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        datum: dt.date,
        inspanning_voldoende: bool | None = None,
        eindgesprek_z_route: bool = False,
        verslag: str | None = None,
        duaal_traject_id: UUID | None = None,
        duaal_oordeel: DuaalOordeel | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.voer_gesprek(
                datum=datum,
                inspanning_voldoende=inspanning_voldoende,
                eindgesprek_z_route=eindgesprek_z_route,
                verslag=verslag,
                duaal_traject_id=duaal_traject_id,
                duaal_oordeel=duaal_oordeel,
            ),
        )

    def onderteken_pvt(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        datum: dt.date,
        verwijtbaar: Verwijtbaar | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.onderteken_pvt(datum=datum, verwijtbaar=verwijtbaar),
        )

    def rond_map_af(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        datum_eindgesprek: dt.date,
        verwijtbaar: Verwijtbaar | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.rond_map_af(datum_eindgesprek=datum_eindgesprek, verwijtbaar=verwijtbaar),
        )

    def ontvang_examenuitslag(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        onderdeel: Examenonderdeel,
        examendatum: dt.date,
        behaald: bool,
        niveau: Niveau | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.ontvang_examenuitslag(
                onderdeel=onderdeel, examendatum=examendatum, behaald=behaald, niveau=niveau
            ),
        )

    def verleen_vrijstelling(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        omvang: Omvang,
        onderdeel: Examenonderdeel | None = None,
        niveau: Niveau | None = None,
        reden: VrijstellingReden | None = None,
        datum_oordeel: dt.date,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.verleen_vrijstelling(
                omvang=omvang,
                onderdeel=onderdeel,
                niveau=niveau,
                reden=reden,
                datum_oordeel=datum_oordeel,
            ),
        )

    def verleen_ontheffing(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        omvang: Omvang,
        onderdeel: Examenonderdeel | None = None,
        grond: OntheffingGrond,
        datum_oordeel: dt.date,
        maximum_participatie_uren: int | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.verleen_ontheffing(
                omvang=omvang,
                onderdeel=onderdeel,
                grond=grond,
                datum_oordeel=datum_oordeel,
                maximum_participatie_uren=maximum_participatie_uren,
            ),
        )

    def voldoe(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        grond: VoldaanGrond,
        datum: dt.date,
    ) -> Overzicht:
        return self._wijzig(
            pip_id, gemeenten, verwachte_versie, lambda t: t.voldoe(grond=grond, datum=datum)
        )

    def neem_diploma_van_duo_over(
        self, pip_id: UUID, *, gemeenten: Collection[str], datum: dt.date
    ) -> Overzicht:
        return self._wijzig(
            pip_id, gemeenten, None, lambda t: t.neem_diploma_van_duo_over(datum=datum)
        )

    # --- The PIP as a beschikking: bekendmaking and bezwaar (Awb) -----------------------

    def verzend(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        verzenddatum: dt.date,
        pip_versie: int | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.verzend(verzenddatum=verzenddatum, pip_versie=pip_versie),
        )

    def dien_bezwaar_in(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None = None,
        verschoonbaar_toelichting: str | None = None,
        pip_versie: int | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.dien_bezwaar_in(
                ontvangen_op=ontvangen_op,
                ter_post_op=ter_post_op,
                verschoonbaar_toelichting=verschoonbaar_toelichting,
                pip_versie=pip_versie,
            ),
        )

    def beslis_op_bezwaar(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        datum: dt.date,
        beslissing: Beslissing,
        pip_versie: int | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.beslis_op_bezwaar(
                datum=datum, beslissing=beslissing, pip_versie=pip_versie
            ),
        )

    # --- Duale trajecten, aanbod, maatschappelijke begeleiding -------------------------

    def leg_duaal_traject_vast(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        soort: DuaalSoort,
        werkgever: str,
        startdatum: dt.date,
        einddatum: dt.date | None = None,
        uren_per_week: int,
        jobhunter: str | None = None,
        jobcoach: str | None = None,
        taalcoaching: bool = False,
        taalcoach: str | None = None,
    ) -> Overzicht:
        """A new duaal traject; its id is in `duale_trajecten` of the answer."""
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.leg_duaal_traject_vast(
                duaal_traject_id=uuid4(),
                soort=soort,
                werkgever=werkgever,
                startdatum=startdatum,
                einddatum=einddatum,
                uren_per_week=uren_per_week,
                jobhunter=jobhunter,
                jobcoach=jobcoach,
                taalcoaching=taalcoaching,
                taalcoach=taalcoach,
            ),
        )

    def rond_duaal_traject_af(
        self,
        pip_id: UUID,
        duaal_traject_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        uitkomst: DuaalUitkomst,
        datum: dt.date,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.rond_duaal_traject_af(
                duaal_traject_id=duaal_traject_id, uitkomst=uitkomst, datum=datum
            ),
        )

    def leg_aanbod_vast(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        aanbieder: str,
        instellingsnummer: str | None = None,
        keurmerk_blik_op_werk: bool,
        erkende_taalschakelinstelling: bool = False,
        leerroute: Leerroute,
        startdatum: dt.date,
        einddatum: dt.date | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.leg_aanbod_vast(
                aanbieder=aanbieder,
                instellingsnummer=instellingsnummer,
                keurmerk_blik_op_werk=keurmerk_blik_op_werk,
                erkende_taalschakelinstelling=erkende_taalschakelinstelling,
                leerroute=leerroute,
                startdatum=startdatum,
                einddatum=einddatum,
            ),
        )

    def leg_maatschappelijke_begeleiding_vast(
        self,
        pip_id: UUID,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
        organisatie: str,
        startdatum: dt.date,
        einddatum: dt.date | None = None,
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.leg_maatschappelijke_begeleiding_vast(
                organisatie=organisatie, startdatum=startdatum, einddatum=einddatum
            ),
        )

    # --- The whole life: policies acting for one gemeente on its own traject ------------

    def _traject_van(self, gemeente: str, inburgeraar_id: UUID) -> Inburgeringstraject | None:
        pip_id = traject_id(gemeente, inburgeraar_id)
        if pip_id not in self.repository:
            return None
        return self.get_voor(Inburgeringstraject, pip_id, [gemeente])

    def _levensgebeurtenis(
        self,
        gemeente: str,
        inburgeraar_id: UUID,
        command: Callable[[Inburgeringstraject], None],
    ) -> Overzicht | None:
        """A change of the obligation reaches the traject, if this gemeente has one that is
        still open (met or closed: nothing changes any more)."""
        traject = self._traject_van(gemeente, inburgeraar_id)
        if traject is None or traject.voldaan is not None or traject.beeindigd is not None:
            log.info("No open traject of %s in %s: nothing to change", inburgeraar_id, gemeente)
            return None
        command(traject)
        self.save(traject)
        return overzicht(traject)

    def beeindig_traject(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        reden: RedenBeeindiging,
        datum: dt.date,
        toelichting: str | None = None,
    ) -> Overzicht | None:
        return self._levensgebeurtenis(
            gemeente,
            inburgeraar_id,
            lambda t: t.beeindig(reden=reden, datum=datum, toelichting=toelichting),
        )

    def pauzeer_traject(
        self, *, gemeente: str, inburgeraar_id: UUID, reden: VrijstellingReden, datum: dt.date
    ) -> Overzicht | None:
        return self._levensgebeurtenis(
            gemeente, inburgeraar_id, lambda t: t.pauzeer(reden=reden, datum=datum)
        )

    def hervat_traject(
        self, *, gemeente: str, inburgeraar_id: UUID, datum: dt.date, uiterste_datum_pip: dt.date
    ) -> Overzicht | None:
        return self._levensgebeurtenis(
            gemeente,
            inburgeraar_id,
            lambda t: t.hervat(datum=datum, uiterste_datum_pip=uiterste_datum_pip),
        )

    def wijzig_doelgroep(
        self, *, gemeente: str, inburgeraar_id: UUID, naar: Doelgroep, datum: dt.date
    ) -> Overzicht | None:
        return self._levensgebeurtenis(
            gemeente, inburgeraar_id, lambda t: t.wijzig_doelgroep(naar=naar, datum=datum)
        )

    def draag_traject_over(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        naar_gemeente: str,
        nieuw_inburgeraar_id: UUID,
        datum: dt.date,
    ) -> Overzicht | None:
        return self._levensgebeurtenis(
            gemeente,
            inburgeraar_id,
            lambda t: t.draag_over(
                naar_gemeente=naar_gemeente, nieuw_inburgeraar_id=nieuw_inburgeraar_id, datum=datum
            ),
        )

    def neem_traject_over(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        van_gemeente: str,
        vorig_inburgeraar_id: UUID,
        datum: dt.date,
        doelgroep: Doelgroep,
        datum_start_inburgeringsplicht: dt.date,
        feiten: dict[str, Any],
    ) -> Overzicht:
        """The new gemeente continues: on its concept-PIP if the intake already opened one,
        else on a new one; one save either way."""
        traject = self._traject_van(gemeente, inburgeraar_id)
        if traject is None:
            traject = Inburgeringstraject.stel_concept_op(
                gemeente=gemeente,
                inburgeraar_id=inburgeraar_id,
                doelgroep=doelgroep,
                datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
                vestigingsdatum=datum,
                geadviseerde_leerroute=None,
            )
        traject.neem_over(
            van_gemeente=van_gemeente,
            vorig_inburgeraar_id=vorig_inburgeraar_id,
            datum=datum,
            feiten=feiten,
        )
        self.save(traject)
        return overzicht(traject)

    def overdrachtsdossier(self, pip_id: UUID, *, gemeenten: Collection[str]) -> Overzicht:
        """The old gemeente's warm handover, while DUO still shows it the person."""
        traject = self.get_voor(Inburgeringstraject, pip_id, gemeenten)
        return {
            "pip_id": traject.id,
            "gemeente": traject.gemeente,
            "inburgeraar_id": traject.inburgeraar_id,
            **traject.overdrachtsdossier(today()),
        }

    # --- Reading -----------------------------------------------------------------------

    def pip(self, pip_id: UUID, *, gemeenten: Collection[str]) -> Overzicht:
        return overzicht(self.get_voor(Inburgeringstraject, pip_id, gemeenten))

    def zoek_op_inburgeraar(
        self, inburgeraar_id: UUID, *, gemeenten: Collection[str]
    ) -> list[Overzicht]:
        """The inburgeraar's PIPs in the caller's gemeenten (the id follows from both)."""
        gevonden = []
        for gemeente in sorted(gemeenten):
            pip_id = traject_id(gemeente, inburgeraar_id)
            if pip_id in self.repository:
                gevonden.append(self.pip(pip_id, gemeenten=gemeenten))
        return gevonden


def overzicht(t: Inburgeringstraject) -> Overzicht:
    """The traject as plain values, for the API and for tests."""
    termijn = None
    if t.termijn_start is not None:
        termijn = {
            "startdatum": t.termijn_start,
            "einddatum": t.termijn_einde,
            "verlengingen": [asdict(v) for v in t.verlengingen],
        }
    actuele = t.actuele_pip
    return {
        "id": t.id,
        "versie": t.version,
        "inburgeraar_id": t.inburgeraar_id,
        "gemeente": t.gemeente,
        "status": t.status,
        "doelgroep": t.doelgroep,
        "datum_start_inburgeringsplicht": t.datum_start_inburgeringsplicht,
        "vestigingsdatum": t.vestigingsdatum,
        "geadviseerde_leerroute": t.geadviseerde_leerroute,
        "uiterste_datum_pip": t.uiterste_datum_pip,
        "binnen_tien_weken": None if actuele is None else actuele.binnen_tien_weken,
        "opschortingen": [asdict(o) for o in t.opschortingen],
        "actuele_pip": None if actuele is None else asdict(actuele),
        "plichtniveau": None if actuele is None else rules.plichtniveau(actuele.niveau),
        "pip_versies": [asdict(p) for p in t.pips],
        "bekendmakingen": [
            {"pip_versie": versie, **asdict(b)} for versie, b in sorted(t.verzendingen.items())
        ],
        "bezwaren": [
            {"pip_versie": versie, **asdict(b)}
            for versie, lijst in sorted(t.bezwaren.items())
            for b in lijst
        ],
        "nieuw_pip_nodig": t.nieuw_pip_nodig,
        "inburgeringstermijn": termijn,
        "uren": {soort.value: t.uren_totaal(soort) for soort in UrenSoort}
        | {
            "cursus_keurmerk": t.uren_totaal(UrenSoort.CURSUS, alleen_keurmerk=True),
            "participatie_intake": t.intake_participatie_uren,
        },
        "urenregistraties": [asdict(u) for u in t.uren],
        "voortgangsgesprekken": [asdict(g) for g in t.gesprekken],
        "participatieverklaring": None if t.pvt is None else asdict(t.pvt),
        "map_afronding": None if t.map is None else asdict(t.map),
        "examenuitslagen": [asdict(u) for u in t.uitslagen],
        "taalniveau_behaald": None
        if t.taalniveau_behaald is None
        else {"niveau": t.taalniveau_behaald[0], "datum": t.taalniveau_behaald[1]},
        "knm_behaald_op": t.knm_behaald_op,
        "vrijstellingen": [asdict(v) for v in t.vrijstellingen],
        "ontheffingen": [asdict(o) for o in t.ontheffingen],
        "voldaan": None if t.voldaan is None else {"grond": t.voldaan[0], "datum": t.voldaan[1]},
        "ontbrekend_voor_afronding": [] if t.voldaan else t.ontbrekend_voor_afronding(),
        "beeindigd": None
        if t.beeindigd is None
        else {"reden": t.beeindigd[0], "datum": t.beeindigd[1]},
        "gepauzeerd_sinds": t.gepauzeerd_sinds,
        "overgenomen_van": None if t.overgenomen is None else t.overgenomen.van_gemeente,
        "overgedragen_op": t.overdracht_op,
        "duale_trajecten": [asdict(d) for d in t.duale_trajecten.values()],
        "inburgeringsaanbod": [asdict(a) for a in t.aanbod.values()],
        "maatschappelijke_begeleiding": None
        if t.maatschappelijke_begeleiding is None
        else asdict(t.maatschappelijke_begeleiding),
    }
