"""Use cases of the intake service: ids and plain values in, ids and plain values out."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Collection, Mapping
from dataclasses import asdict
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.intake.domainmodel import (
    Adres,
    BsnVerwijzing,
    COAProfiel,
    HoofddoelKeuze,
    Inburgeraar,
    LeefgebiedBevinding,
    Leerbaarheidstoets,
    LeerrouteAdvies,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
)
from services.intake.rules import (
    AfwijzingReden,
    ContactpersoonRol,
    Doelgroep,
    Gevolg,
    PipVerplichting,
    RedenIntrekking,
    TijdelijkeVrijstellingReden,
    Verwijtbaarheid,
    check_bsn,
    check_gemeentecode,
    check_niet_al_geregistreerd,
    check_niet_vergeten,
)
from shared.application import GemeenteApplication
from shared.awb import Beslissing
from shared.domain import VERWIJDERD, GeenToegang, today


class IntakeApplication(GemeenteApplication):
    """The inburgeraar and the brede intake. `bsn_sleutel` keys the BSN search index."""

    def __init__(self, env: Mapping[str, str] | None = None, *, bsn_sleutel: str) -> None:
        super().__init__(env=env)
        if not bsn_sleutel:
            raise ValueError("bsn_sleutel ontbreekt")
        self._bsn_sleutel = bsn_sleutel.encode()

    def _verwijzing_id(self, gemeente: str, bsn: str) -> UUID:
        digest = hmac.new(self._bsn_sleutel, f"{gemeente}:{bsn}".encode(), hashlib.sha256)
        return UUID(bytes=digest.digest()[:16])

    def _verwijzing(self, gemeente: str, bsn: str) -> BsnVerwijzing | None:
        try:
            verwijzing: object = self.repository.get(self._verwijzing_id(gemeente, bsn))
        except AggregateNotFoundError:
            return None
        assert isinstance(verwijzing, BsnVerwijzing)
        return verwijzing

    # --- commands ---

    def registreer_inburgeraar(
        self,
        *,
        gemeente: str,
        doelgroep: Doelgroep,
        bsn: str,
        naam: str,
        geboortedatum: dt.date,
        adres: Adres | None,
        datum_start_inburgeringsplicht: dt.date,
        vestigingsdatum: dt.date | None,
        gemeenten: Collection[str],
        datum_kennisgeving: dt.date | None = None,
        op_verzoek: bool = False,
    ) -> dict[str, Any]:
        check_gemeentecode(gemeente)
        self._check_toegang(gemeente, gemeenten)
        bestaand = self._verwijzing(gemeente, bsn)
        check_niet_al_geregistreerd(gemeente, None if bestaand is None else bestaand.inburgeraar_id)
        inburgeraar = Inburgeraar.registreer(
            gemeente=gemeente,
            doelgroep=doelgroep,
            bsn=bsn,
            naam=naam,
            geboortedatum=geboortedatum,
            adres=adres,
            datum_start_inburgeringsplicht=datum_start_inburgeringsplicht,
            vestigingsdatum=vestigingsdatum,
            datum_kennisgeving=datum_kennisgeving,
            op_verzoek=op_verzoek,
        )
        verwijzing = BsnVerwijzing(
            id=self._verwijzing_id(gemeente, bsn), gemeente=gemeente, inburgeraar_id=inburgeraar.id
        )
        # One save: a concurrent registration of the same person fails on the index entry.
        self.save(inburgeraar, verwijzing)
        return beschrijf(inburgeraar)

    def leg_vestigingsdatum_vast(
        self,
        inburgeraar_id: UUID,
        vestigingsdatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_vestigingsdatum_vast(vestigingsdatum)
        return self._bewaar(inburgeraar)

    def ontvang_kennisgeving(
        self,
        inburgeraar_id: UUID,
        datum_kennisgeving: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        """DUO's kennisgeving again (SS139): a later one restarts the ten weeks."""
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.ontvang_kennisgeving(datum_kennisgeving)
        return self._bewaar(inburgeraar)

    def ontvang_coa_profiel(
        self,
        inburgeraar_id: UUID,
        profiel: COAProfiel,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.ontvang_coa_profiel(profiel)
        return self._bewaar(inburgeraar)

    def voer_intakegesprek(
        self,
        inburgeraar_id: UUID,
        gespreksdatum: dt.date,
        klantregisseur: str,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.voer_intakegesprek(gespreksdatum, klantregisseur)
        return self._bewaar(inburgeraar)

    def leg_leerbaarheidstoets_vast(
        self,
        inburgeraar_id: UUID,
        toets: Leerbaarheidstoets,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_leerbaarheidstoets_vast(toets)
        return self._bewaar(inburgeraar)

    def leg_opleiding_en_werkervaring_vast(
        self,
        inburgeraar_id: UUID,
        gegevens: OpleidingEnWerkervaring,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_opleiding_en_werkervaring_vast(gegevens)
        return self._bewaar(inburgeraar)

    def leg_persoonlijke_omstandigheden_vast(
        self,
        inburgeraar_id: UUID,
        gegevens: PersoonlijkeOmstandigheden,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_persoonlijke_omstandigheden_vast(gegevens)
        return self._bewaar(inburgeraar)

    def leg_leefgebied_vast(
        self,
        inburgeraar_id: UUID,
        bevinding: LeefgebiedBevinding,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_leefgebied_vast(bevinding)
        return self._bewaar(inburgeraar)

    def leg_hoofddoel_vast(
        self,
        inburgeraar_id: UUID,
        keuze: HoofddoelKeuze,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_hoofddoel_vast(keuze)
        return self._bewaar(inburgeraar)

    def registreer_participatieuren(
        self,
        inburgeraar_id: UUID,
        uren: int,
        peildatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.registreer_participatieuren(uren, peildatum)
        return self._bewaar(inburgeraar)

    def adviseer_leerroute(
        self,
        inburgeraar_id: UUID,
        advies: LeerrouteAdvies,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.adviseer_leerroute(advies)
        return self._bewaar(inburgeraar)

    def geef_vve_informatie(
        self,
        inburgeraar_id: UUID,
        datum_geinformeerd: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.geef_vve_informatie(datum_geinformeerd)
        return self._bewaar(inburgeraar)

    def registreer_niet_verschenen(
        self,
        inburgeraar_id: UUID,
        datum: dt.date,
        nieuwe_uitnodiging: dt.date | None,
        *,
        voorgesteld_bedrag_euro: int | None = None,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> tuple[Gevolg, dict[str, Any]]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        gevolg = inburgeraar.registreer_niet_verschenen(
            datum, nieuwe_uitnodiging, voorgesteld_bedrag_euro
        )
        return gevolg, self._bewaar(inburgeraar)

    # --- fines: proposal, zienswijze, beschikking, bezwaar (art. 29 Wi2021; Awb) ---

    def registreer_pip_verplichting_niet_nagekomen(
        self,
        inburgeraar_id: UUID,
        *,
        pip_id: UUID | None,
        verplichting: PipVerplichting,
        datum: dt.date,
        voorgesteld_bedrag_euro: int,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.registreer_pip_verplichting_niet_nagekomen(
            pip_id=pip_id,
            verplichting=verplichting,
            datum=datum,
            voorgesteld_bedrag_euro=voorgesteld_bedrag_euro,
        )
        return self._bewaar(inburgeraar)

    def vraag_zienswijze(
        self,
        inburgeraar_id: UUID,
        volgnummer: int,
        *,
        datum: dt.date,
        reactie_uiterlijk: dt.date,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.vraag_zienswijze(volgnummer, datum, reactie_uiterlijk)
        return self._bewaar(inburgeraar)

    def ontvang_zienswijze(
        self,
        inburgeraar_id: UUID,
        volgnummer: int,
        *,
        datum: dt.date,
        samenvatting: str,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.ontvang_zienswijze(volgnummer, datum, samenvatting)
        return self._bewaar(inburgeraar)

    def zie_af_van_zienswijze(
        self,
        inburgeraar_id: UUID,
        volgnummer: int,
        *,
        datum: dt.date,
        uitdrukkelijk: bool,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.zie_af_van_zienswijze(volgnummer, datum, uitdrukkelijk)
        return self._bewaar(inburgeraar)

    def leg_boete_op(
        self,
        inburgeraar_id: UUID,
        volgnummer: int,
        *,
        bedrag_euro: int,
        verwijtbaarheid: Verwijtbaarheid,
        dagtekening: dt.date,
        verzenddatum: dt.date,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_boete_op(
            volgnummer,
            bedrag_euro=bedrag_euro,
            verwijtbaarheid=verwijtbaarheid,
            dagtekening=dagtekening,
            verzenddatum=verzenddatum,
        )
        return self._bewaar(inburgeraar)

    def wijs_boetevoorstel_af(
        self,
        inburgeraar_id: UUID,
        volgnummer: int,
        *,
        datum: dt.date,
        reden: AfwijzingReden,
        toelichting: str | None,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.wijs_boetevoorstel_af(
            volgnummer, datum=datum, reden=reden, toelichting=toelichting
        )
        return self._bewaar(inburgeraar)

    def dien_bezwaar_in(
        self,
        inburgeraar_id: UUID,
        volgnummer: int,
        *,
        ontvangen_op: dt.date,
        ter_post_op: dt.date | None,
        verschoonbaar_toelichting: str | None,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.dien_bezwaar_in(
            volgnummer,
            ontvangen_op=ontvangen_op,
            ter_post_op=ter_post_op,
            verschoonbaar_toelichting=verschoonbaar_toelichting,
        )
        return self._bewaar(inburgeraar)

    def beslis_op_bezwaar(
        self,
        inburgeraar_id: UUID,
        volgnummer: int,
        *,
        datum: dt.date,
        beslissing: Beslissing,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.beslis_op_bezwaar(volgnummer, datum=datum, beslissing=beslissing)
        return self._bewaar(inburgeraar)

    def rond_intake_af(
        self,
        inburgeraar_id: UUID,
        afrondingsdatum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.rond_af(afrondingsdatum)
        return self._bewaar(inburgeraar)

    # --- the whole life: the obligation ends, pauses, changes doelgroep, moves ---

    def trek_plicht_in(
        self,
        inburgeraar_id: UUID,
        reden: RedenIntrekking,
        datum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.trek_plicht_in(reden, datum)
        return self._bewaar(inburgeraar)

    def registreer_overlijden(
        self,
        inburgeraar_id: UUID,
        datum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.registreer_overlijden(datum)
        return self._bewaar(inburgeraar)

    def verleen_tijdelijke_vrijstelling(
        self,
        inburgeraar_id: UUID,
        reden: TijdelijkeVrijstellingReden,
        datum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.verleen_tijdelijke_vrijstelling(reden, datum)
        return self._bewaar(inburgeraar)

    def beeindig_tijdelijke_vrijstelling(
        self,
        inburgeraar_id: UUID,
        datum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.beeindig_tijdelijke_vrijstelling(datum)
        return self._bewaar(inburgeraar)

    def wijzig_doelgroep(
        self,
        inburgeraar_id: UUID,
        naar: Doelgroep,
        datum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.wijzig_doelgroep(naar, datum)
        return self._bewaar(inburgeraar)

    def leg_vorige_gemeente_vast(
        self,
        inburgeraar_id: UUID,
        vorige_gemeente: str,
        datum: dt.date,
        *,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        """The person moved here: the previous gemeente's own policy closes its file."""
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.leg_vorige_gemeente_vast(vorige_gemeente, datum)
        return self._bewaar(inburgeraar)

    def verwerk_vertrek(
        self,
        *,
        gemeente: str,
        bsn: str,
        naar_gemeente: str,
        nieuw_inburgeraar_id: UUID,
        datum: dt.date,
    ) -> dict[str, Any] | None:
        """For the previous gemeente's policy only, acting for `gemeente` alone: its file of
        the person (found by BSN in its own index) closes with InburgeraarVerhuisd. None when
        this gemeente does not know the person (or already closed the file)."""
        verwijzing = self._verwijzing(gemeente, bsn)
        if verwijzing is None or verwijzing.vervallen:
            return None
        inburgeraar = self.get_voor(Inburgeraar, verwijzing.inburgeraar_id, [gemeente])
        if inburgeraar.beeindigd is not None:
            return None
        inburgeraar.verhuis(naar_gemeente, nieuw_inburgeraar_id, datum)
        return self._bewaar(inburgeraar)

    def wijs_contactpersoon_toe(
        self,
        inburgeraar_id: UUID,
        *,
        rol: ContactpersoonRol,
        naam: str,
        medewerker_id: str | None,
        organisatie: str | None,
        datum: dt.date,
        gemeenten: Collection[str],
        verwachte_versie: int | None = None,
    ) -> dict[str, Any]:
        """The contact person of a role, from the registration on; a new one replaces it."""
        inburgeraar = self._laad(inburgeraar_id, gemeenten, verwachte_versie)
        inburgeraar.wijs_contactpersoon_toe(rol, naam, medewerker_id, organisatie, datum)
        return self._bewaar(inburgeraar)

    # --- queries ---

    def inburgeraar(self, inburgeraar_id: UUID, *, gemeenten: Collection[str]) -> dict[str, Any]:
        return beschrijf(self.get_voor(Inburgeraar, inburgeraar_id, gemeenten))

    def zoek_op_bsn(self, bsn: str, *, gemeenten: Collection[str]) -> list[dict[str, Any]]:
        """The inburgeraars with this BSN in the gemeenten the caller acts for."""
        check_bsn(bsn)
        gevonden = []
        for gemeente in sorted(gemeenten):
            verwijzing = self._verwijzing(gemeente, bsn)
            if verwijzing is not None and not verwijzing.vervallen:
                inburgeraar = self.get_voor(Inburgeraar, verwijzing.inburgeraar_id, gemeenten)
                gevonden.append(beschrijf(inburgeraar))
        return gevonden

    def vergeet_persoon(
        self, inburgeraar_id: UUID, *, gemeenten: Collection[str]
    ) -> dict[str, Any]:
        """Forget the person (art. 17 AVG): destroy their key, then record the fact, and let
        the BSN search entry lapse so the BSN no longer leads to them.

        In this order, so a failed save leaves the key destroyed and a retry completes the
        record; the reverse could claim a forgetting that did not happen."""
        inburgeraar = self.get_voor(Inburgeraar, inburgeraar_id, gemeenten)
        check_niet_vergeten(inburgeraar.id, inburgeraar.vergeten_op)
        verwijzing = None
        if inburgeraar.bsn != VERWIJDERD:
            verwijzing = self._verwijzing(inburgeraar.gemeente, inburgeraar.bsn)
        kluis = self.sleutelkluis()
        persoon = (inburgeraar.gemeente, str(inburgeraar.id))
        if not kluis.is_vergeten(*persoon):
            kluis.vernietig(*persoon)
        inburgeraar.vergeet(today())
        if verwijzing is not None and verwijzing.inburgeraar_id == inburgeraar.id:
            verwijzing.laat_vervallen()
            self.save(inburgeraar, verwijzing)
        else:
            self.save(inburgeraar)
        return beschrijf(inburgeraar)

    # --- helpers ---

    @staticmethod
    def _check_toegang(gemeente: str, gemeenten: Collection[str]) -> None:
        if gemeente not in gemeenten:
            raise GeenToegang(f"Geen toegang tot gemeente {gemeente}")

    def _laad(
        self, inburgeraar_id: UUID, gemeenten: Collection[str], verwachte_versie: int | None
    ) -> Inburgeraar:
        inburgeraar = self.get_voor(Inburgeraar, inburgeraar_id, gemeenten)
        inburgeraar.check_versie(verwachte_versie)
        return inburgeraar

    def _bewaar(self, inburgeraar: Inburgeraar) -> dict[str, Any]:
        self.save(inburgeraar)
        return beschrijf(inburgeraar)


def beschrijf(inburgeraar: Inburgeraar, peildatum: dt.date | None = None) -> dict[str, Any]:
    """The state of one inburgeraar as plain values, including the parts still missing."""
    peildatum = peildatum or today()
    return {
        "id": inburgeraar.id,
        "versie": inburgeraar.version,
        "gemeente": inburgeraar.gemeente,
        "doelgroep": inburgeraar.doelgroep,
        "bsn": inburgeraar.bsn,
        "naam": inburgeraar.naam,
        "geboortedatum": inburgeraar.geboortedatum,
        "adres": _plat(inburgeraar.adres),
        "datum_start_inburgeringsplicht": inburgeraar.datum_start_inburgeringsplicht,
        "datum_kennisgeving": inburgeraar.datum_kennisgeving,
        "uiterste_datum_pip": inburgeraar.uiterste_datum_pip,
        "vestigingsdatum": inburgeraar.vestigingsdatum,
        "coa_profiel": _plat(inburgeraar.coa_profiel),
        "intakegesprekken": [asdict(g) for g in inburgeraar.intakegesprekken],
        "leerbaarheidstoets": _plat(inburgeraar.leerbaarheidstoets),
        "opleiding_en_werkervaring": _plat(inburgeraar.opleiding_en_werkervaring),
        "persoonlijke_omstandigheden": _plat(inburgeraar.persoonlijke_omstandigheden),
        "leefgebieden": [asdict(b) for b in inburgeraar.leefgebieden.values()],
        "hoofddoel": _plat(inburgeraar.hoofddoel),
        "leerroute_advies": _plat(inburgeraar.leerroute_advies),
        "vve_geinformeerd_op": inburgeraar.vve_geinformeerd_op,
        "kinderen_onder_4": inburgeraar.heeft_kinderen_onder_4(peildatum),
        "niet_verschenen": [asdict(n) for n in inburgeraar.niet_verschenen],
        "boetes": [asdict(b) for b in inburgeraar.boetes],
        "boetevoorstellen": [asdict(v) for v in inburgeraar.boetevoorstellen],
        "afgerond": inburgeraar.afgerond,
        "afrondingsdatum": inburgeraar.afrondingsdatum,
        "vergeten_op": inburgeraar.vergeten_op,
        "ontbrekend": [o.value for o in inburgeraar.ontbrekende_onderdelen(peildatum)],
        "aanbevelingen": [o.value for o in inburgeraar.aanbevelingen()],
        "participatieuren": inburgeraar.participatieuren,
        "beeindigd": inburgeraar.beeindigd,
        "beeindigd_op": inburgeraar.beeindigd_op,
        "tijdelijk_vrijgesteld_sinds": inburgeraar.gepauzeerd_sinds,
        "tijdelijke_vrijstelling_reden": inburgeraar.tijdelijke_vrijstelling_reden,
        "vorige_gemeente": inburgeraar.vorige_gemeente,
        "verhuisd_naar": inburgeraar.verhuisd_naar,
        "contactpersonen": [asdict(c) for c in inburgeraar.contactpersonen.values()],
    }


def _plat(value: Any) -> dict[str, Any] | None:
    return None if value is None else asdict(value)
