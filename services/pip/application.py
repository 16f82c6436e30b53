"""Use cases of the PIP service: ids and plain values in, ids and plain values out,
one save per use case, every load scoped to the caller's gemeenten."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import asdict
from typing import Any
from uuid import UUID

from services.pip import rules
from services.pip.domainmodel import Inburgeringstraject, traject_id
from services.pip.rules import (
    Doelgroep,
    Examenonderdeel,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    UrenSoort,
    VerlengingReden,
    Verwijtbaar,
    VoldaanGrond,
    VrijstellingReden,
)
from shared.deadlines import TermijnApplication
from shared.domain import GeenToegang

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
    ) -> Overzicht:
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
            ),
        )

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
    ) -> Overzicht:
        return self._wijzig(
            pip_id, gemeenten, verwachte_versie, lambda t: t.schaal_af(dagtekening=dagtekening)
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
    ) -> Overzicht:
        return self._wijzig(
            pip_id,
            gemeenten,
            verwachte_versie,
            lambda t: t.verleen_ontheffing(
                omvang=omvang, onderdeel=onderdeel, grond=grond, datum_oordeel=datum_oordeel
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
        "pip_versies": [asdict(p) for p in t.pips],
        "inburgeringstermijn": termijn,
        "uren": {soort.value: t.uren_totaal(soort) for soort in UrenSoort}
        | {"cursus_keurmerk": t.uren_totaal(UrenSoort.CURSUS, alleen_keurmerk=True)},
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
    }
