"""Use cases of the chain with DUO, inbound: receive a notificatie exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError

from services.duo.client import DuoClient, DuoFout, DuoOnbereikbaar, PIPMelding
from services.duo.client import TijdelijkeVrijstelling as DuoTijdelijkeVrijstelling
from services.duo.domainmodel import (
    SIGNALEN,
    Afhandelstatus,
    AfrondingMelding,
    Doelgroepwijziging,
    DUONotificatie,
    DuoSignaal,
    EindeTijdelijkeVrijstelling,
    Examenresultaat,
    Inburgeringsplicht,
    Inburgeringstermijn,
    Koppeling,
    Leerbaarheidstoetsresultaat,
    MeldingStatus,
    PlichtBeeindigd,
    PlichtVoldaan,
    TijdelijkeVrijstelling,
    VorigeGemeente,
    koppeling_id,
)
from services.duo.domainmodel import PIPMelding as PIPMeldingAggregate
from services.duo.rules import (
    DuoContext,
    DuoRegelsOvertreden,
    VorigeGemeenteNietBruikbaar,
    check_bron_is_duo,
    check_doel,
    check_vorige_gemeente_van_duo,
    inschrijving_in_gemeente,
    laatste_dag,
)
from shared.application import GemeenteApplication
from shared.domain import ConcurrencyConflict, DomainError, NotFound, as_dict


@dataclass(frozen=True)
class BrpPersoon:
    """`gemeente_van_inschrijving`: the BRP's CBS code (GM0222) of the gemeente the person
    is registered in, since `datum_inschrijving_in_gemeente`."""

    naam: str
    geboortedatum: dt.date
    datum_inschrijving_in_gemeente: dt.date | None = None
    gemeente_van_inschrijving: str | None = None


class Brp(Protocol):
    """Naam, geboortedatum and the date of registration in the gemeente, which DUO does not
    give (BRP API Personen, services/duo/brp.py). None: the BRP does not know the person.
    Raises `BrpOnbereikbaar` when the BRP cannot answer."""

    def persoon(self, bsn: str) -> BrpPersoon | None: ...


class BrpOnbereikbaar(Exception):
    """The BRP refused the request or did not answer (after the retries)."""


class GeenBrp:
    """No BRP connection configured: a registration waits, visible, for a person."""

    def persoon(self, bsn: str) -> BrpPersoon | None:
        return None


@dataclass(frozen=True)
class Ontvangen:
    notificatie_id: UUID
    nieuw: bool
    status: str


class DuoApplication(GemeenteApplication):
    name = "Duo"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        duo_oin: str,
        gemeente_oins: Mapping[str, str],
        client: DuoClient | None = None,
        brp: Brp | None = None,
    ) -> None:
        super().__init__(env)
        self.duo_oin = duo_oin
        self.gemeente_oins = dict(gemeente_oins)
        self.client = client
        self.brp: Brp = brp or GeenBrp()

    def ontvang_notificatie(
        self,
        *,
        bron: str,
        doel: str,
        bericht_id: str,
        gebeurtenis_id: str,
        registratie_datum_tijd: dt.datetime,
        bsn: str | None,
        v_nummer: int | None,
    ) -> Ontvangen:
        """Store the notificatie once; receiving it again changes nothing."""
        check_bron_is_duo(bron, self.duo_oin)
        gemeente = check_doel(doel, self.gemeente_oins)
        notificatie = DUONotificatie.ontvang(
            gemeente=gemeente,
            bron=bron,
            doel=doel,
            bericht_id=bericht_id,
            gebeurtenis_id=gebeurtenis_id,
            registratie_datum_tijd=registratie_datum_tijd,
            bsn=bsn,
            v_nummer=v_nummer,
        )
        bestaand = self._bestaand(notificatie.id)
        if bestaand is not None:
            return Ontvangen(bestaand.id, nieuw=False, status=bestaand.status)
        try:
            self.save(notificatie)
        except ConcurrencyConflict:
            # The same notificatie arrived twice at once; the other request stored it.
            bestaand = self._bestaand(notificatie.id)
            if bestaand is None:
                raise
            return Ontvangen(bestaand.id, nieuw=False, status=bestaand.status)
        return Ontvangen(notificatie.id, nieuw=True, status=notificatie.status)

    def markeer_verwerkt(
        self, notificatie_id: UUID, toelichting: str, *, gemeenten: Collection[str]
    ) -> dict[str, Any]:
        """For whoever carries the notificatie out (a policy, the DUO client, a person)."""
        notificatie = self.get_voor(DUONotificatie, notificatie_id, gemeenten)
        notificatie.markeer_verwerkt(toelichting)
        self.save(notificatie)
        return beschrijf(notificatie)

    def notificatie(self, notificatie_id: UUID, *, gemeenten: Collection[str]) -> dict[str, Any]:
        return beschrijf(self.get_voor(DUONotificatie, notificatie_id, gemeenten))

    # --- Inbound: fetch what a notificatie lacks (the DUO worker, never a request) ------

    def haal_gegevens_op(self, notificatie_id: UUID, *, gemeente: str) -> str:
        """SS101/SS128/SS139/SS120/SS121: the obligation from DUO's Inburgeringsplicht API
        and naam/geboortedatum from the BRP -> InburgeringsplichtOntvangen. SS199: the exam
        results from DUO's Examen API -> one ExamenresultaatOntvangen per new result. A
        failure is recorded on the notificatie (ophalen_mislukt), never dropped. One save."""
        notificatie = self.get_voor(DUONotificatie, notificatie_id, [gemeente])
        nieuw: list[Any] = []
        try:
            if notificatie.status == Afhandelstatus.INBURGERINGSPLICHT_OP_TE_HALEN:
                nieuw = self._inburgeringsplicht(notificatie)
            elif notificatie.status == Afhandelstatus.EXAMENRESULTAAT_OP_TE_HALEN:
                nieuw = self._examenresultaten(notificatie)
            elif notificatie.status == Afhandelstatus.LEERBAARHEIDSTOETS_OP_TE_HALEN:
                nieuw = self._leerbaarheidstoets(notificatie)
            elif notificatie.status == Afhandelstatus.INBURGERINGSTERMIJN_OP_TE_HALEN:
                nieuw = self._inburgeringstermijn(notificatie)
            elif notificatie.status == Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN:
                nieuw = self._levensgebeurtenis(notificatie)
            elif notificatie.status == Afhandelstatus.PLICHT_VOLDAAN_OP_TE_HALEN:
                nieuw = self._plicht_voldaan(notificatie)
            elif notificatie.status == Afhandelstatus.SIGNAAL_VOOR_KLANTREGISSEUR:
                nieuw = self._signaal(notificatie)
            else:
                return notificatie.status
        except (DuoOnbereikbaar, DuoFout, BrpOnbereikbaar, OphalenOnmogelijk) as e:
            notificatie.ophalen_mislukt(f"{type(e).__name__}: {e}")
        self.save(notificatie, *nieuw)
        return notificatie.status

    def _client(self) -> DuoClient:
        if self.client is None:
            raise OphalenOnmogelijk("Geen DUO-client ingesteld (DUO_BASE_URL)")
        return self.client

    def _inburgeringsplicht(self, notificatie: DUONotificatie) -> list[Any]:
        bsn = notificatie.bsn
        if bsn is None:
            raise OphalenOnmogelijk("Notificatie zonder BSN: DUO's APIs vragen een BSN")
        plicht = self._client().inburgeringsplicht(notificatie.gemeente, bsn)
        if plicht is None or not plicht.inburgeringsplichtig or plicht.begindatum is None:
            raise OphalenOnmogelijk("DUO kent geen lopende inburgeringsplicht voor deze persoon")
        if plicht.doelgroep is None:
            raise OphalenOnmogelijk("DUO gaf geen doelgroep")
        persoon = self.brp.persoon(bsn)
        if persoon is None:
            raise OphalenOnmogelijk("BRP: naam en geboortedatum niet beschikbaar")
        termijn: list[Any] = []
        hier = (
            self._koppeling(notificatie.gemeente, f"bsn:{bsn}")
            if notificatie.gebeurtenis_id == "SS121"
            else None
        )
        if hier is not None:
            # Already registered here: no new registration will bring the termijn (koppel).
            termijn = self._inburgeringstermijn(notificatie)
        notificatie.markeer_verwerkt("inburgeringsplicht opgehaald bij DUO")
        if hier is not None:
            termijn += self._vorige_gemeente_of_reden(notificatie, hier)
        return [
            *termijn,
            Inburgeringsplicht(
                gemeente=notificatie.gemeente,
                notificatie_id=notificatie.id,
                gebeurtenis_id=notificatie.gebeurtenis_id,
                bsn=bsn,
                naam=persoon.naam,
                geboortedatum=persoon.geboortedatum,
                doelgroep=plicht.doelgroep,
                gedetailleerde_doelgroep=plicht.gedetailleerde_doelgroep,
                datum_start_inburgeringsplicht=plicht.begindatum,
                datum_kennisgeving=plicht.datum_kennisgeving,
                datum_inschrijving_in_gemeente=inschrijving_in_gemeente(
                    persoon.gemeente_van_inschrijving,
                    persoon.datum_inschrijving_in_gemeente,
                    notificatie.gemeente,
                ),
            ),
        ]

    def _inburgeringstermijn(self, notificatie: DUONotificatie) -> list[Any]:
        """SS102/SS103/SS104: the termijn as DUO decided it (Inburgeringstermijn API)."""
        bsn = notificatie.bsn
        if bsn is None:
            raise OphalenOnmogelijk("Notificatie zonder BSN: DUO's APIs vragen een BSN")
        koppeling = self._koppeling(notificatie.gemeente, f"bsn:{bsn}")
        if koppeling is None:
            raise OphalenOnmogelijk("Geen inburgeraar met dit BSN in deze gemeente")
        termijn = self._client().inburgeringstermijn(notificatie.gemeente, bsn)
        if termijn is None:
            raise OphalenOnmogelijk("DUO kent geen inburgeringstermijn voor deze persoon")
        notificatie.markeer_verwerkt("inburgeringstermijn opgehaald bij DUO")
        return [
            Inburgeringstermijn(
                gemeente=notificatie.gemeente,
                notificatie_id=notificatie.id,
                gebeurtenis_id=notificatie.gebeurtenis_id,
                inburgeraar_id=koppeling.inburgeraar_id,
                startdatum=termijn.startdatum,
                einddatum=laatste_dag(termijn.einddatum),
                einddatum_duo=termijn.einddatum,
                verlengingsgrondcode=termijn.grondcode,
                verlengingsgrondomschrijving=termijn.grondomschrijving,
                verlengingen=[
                    {
                        "einddatum": laatste_dag(v.einddatum).isoformat(),
                        "wijzigingsdatum": v.wijzigingsdatum and v.wijzigingsdatum.isoformat(),
                        "verlengingsgrondcode": v.grondcode,
                        "verlengingsgrondomschrijving": v.grondomschrijving,
                    }
                    for v in termijn.historie
                    if v.grondcode is not None
                ],
            )
        ]

    def _levensgebeurtenis(self, notificatie: DUONotificatie) -> list[Any]:
        """SS109-SS111, SS124/SS125, SS129/SS130: what DUO's Inburgeringsplicht and
        Vrijstelling APIs now hold of the person, as one event. What DUO does not (yet) say
        is a visible failure and nothing is published."""
        bsn = notificatie.bsn
        if bsn is None:
            raise OphalenOnmogelijk("Notificatie zonder BSN: DUO's APIs vragen een BSN")
        koppeling = self._koppeling(notificatie.gemeente, f"bsn:{bsn}")
        if koppeling is None:
            raise OphalenOnmogelijk("Geen inburgeraar met dit BSN in deze gemeente")
        plicht = self._client().inburgeringsplicht(notificatie.gemeente, bsn)
        if plicht is None:
            raise OphalenOnmogelijk("DUO kent geen inburgeringsplicht voor deze persoon")
        velden: dict[str, Any] = {
            "gemeente": notificatie.gemeente,
            "notificatie_id": notificatie.id,
            "inburgeraar_id": koppeling.inburgeraar_id,
        }
        code = notificatie.gebeurtenis_id
        nieuw: Any
        if code in ("SS110", "SS111"):
            if plicht.inburgeringsplichtig or plicht.reden_geen_inburgeringsplicht is None:
                raise OphalenOnmogelijk("DUO gaf geen redenGeenInburgeringsplicht")
            if plicht.einddatum is None:
                raise OphalenOnmogelijk("DUO gaf geen einddatum van de inburgeringsplicht")
            if code == "SS111" and plicht.reden_geen_inburgeringsplicht != "Overlijden":
                raise OphalenOnmogelijk(
                    f"SS111 maar DUO's reden is {plicht.reden_geen_inburgeringsplicht!r}"
                )
            nieuw = PlichtBeeindigd(
                **velden,
                gebeurtenis_id=code,
                reden=plicht.reden_geen_inburgeringsplicht,
                einddatum=plicht.einddatum,
            )
        elif code == "SS109":
            vrijstelling = self._laatste_tijdelijke_vrijstelling(notificatie.gemeente, bsn)
            if vrijstelling.startdatum is None:
                raise OphalenOnmogelijk("DUO gaf geen startdatum van de tijdelijke vrijstelling")
            nieuw = TijdelijkeVrijstelling(
                **velden,
                reden=vrijstelling.reden,
                startdatum=vrijstelling.startdatum,
                datum_oordeel=vrijstelling.datum_oordeel,
            )
        elif code in ("SS129", "SS130"):
            if not plicht.inburgeringsplichtig:
                raise OphalenOnmogelijk("DUO: de inburgeringsplicht is (nog) niet hervat")
            vrijstelling = self._laatste_tijdelijke_vrijstelling(notificatie.gemeente, bsn)
            if vrijstelling.einddatum is None:
                raise OphalenOnmogelijk("DUO gaf geen einddatum van de tijdelijke vrijstelling")
            if code == "SS129" and plicht.datum_kennisgeving is None:
                raise OphalenOnmogelijk("DUO gaf geen datumKennisgevingInburgeringsplicht")
            nieuw = EindeTijdelijkeVrijstelling(
                **velden,
                gebeurtenis_id=code,
                einddatum=vrijstelling.einddatum,
                datum_kennisgeving=plicht.datum_kennisgeving if code == "SS129" else None,
            )
        else:  # SS124, SS125
            verwacht = DOELGROEP_NA[code]
            if plicht.doelgroep != verwacht:
                raise OphalenOnmogelijk(f"{code} maar DUO's doelgroep is {plicht.doelgroep!r}")
            if plicht.doelgroep_begindatum is None:
                raise OphalenOnmogelijk("DUO gaf geen begindatum van de doelgroep")
            nieuw = Doelgroepwijziging(
                **velden,
                gebeurtenis_id=code,
                doelgroep=plicht.doelgroep,
                gedetailleerde_doelgroep=plicht.gedetailleerde_doelgroep,
                begindatum=plicht.doelgroep_begindatum,
            )
        notificatie.markeer_verwerkt(f"{code}: opgehaald bij DUO")
        return [nieuw]

    def _plicht_voldaan(self, notificatie: DUONotificatie) -> list[Any]:
        """SS106/SS107/SS108: DUO's redenGeenInburgeringsplicht must say the obligation was
        met as the gebeurtenis says, with its last day; SS108 also DUO's grond (Ontheffing
        API). Anything else is a visible failure and nothing is published."""
        code = notificatie.gebeurtenis_id
        koppeling = self._gekoppeld(notificatie)
        plicht = self._client().inburgeringsplicht(notificatie.gemeente, koppeling.bsn)
        if plicht is None:
            raise OphalenOnmogelijk("DUO kent geen inburgeringsplicht voor deze persoon")
        verwacht = VOLDAAN_REDEN[code]
        if plicht.inburgeringsplichtig or plicht.reden_geen_inburgeringsplicht != verwacht:
            raise OphalenOnmogelijk(
                f"{code} maar DUO's redenGeenInburgeringsplicht is "
                f"{plicht.reden_geen_inburgeringsplicht!r}"
            )
        if plicht.einddatum is None:
            raise OphalenOnmogelijk("DUO gaf geen einddatum van de inburgeringsplicht")
        grond = None
        if code == "SS108":
            ontheffing = self._client().gehele_ontheffing(notificatie.gemeente, koppeling.bsn)
            if ontheffing is None:
                raise OphalenOnmogelijk("DUO kent geen toegekende gehele ontheffing")
            grond = ontheffing.grond
        notificatie.markeer_verwerkt(f"{code}: opgehaald bij DUO")
        return [
            PlichtVoldaan(
                gemeente=notificatie.gemeente,
                notificatie_id=notificatie.id,
                gebeurtenis_id=code,
                inburgeraar_id=koppeling.inburgeraar_id,
                reden=verwacht,
                datum=plicht.einddatum,
                ontheffingsgrond=grond,
            )
        ]

    def _signaal(self, notificatie: DUONotificatie) -> list[Any]:
        """An attentiesignaal or a verzoek's outcome: a signal for the inburgeraar's
        klantregisseur. A person not (yet) known here stays te verwerken."""
        koppeling = self._gekoppeld(notificatie)
        omschrijving, actie = SIGNALEN[notificatie.gebeurtenis_id]
        notificatie.markeer_verwerkt(f"{notificatie.gebeurtenis_id}: signaal aan klantregisseur")
        return [
            DuoSignaal(
                gemeente=notificatie.gemeente,
                notificatie_id=notificatie.id,
                gebeurtenis_id=notificatie.gebeurtenis_id,
                inburgeraar_id=koppeling.inburgeraar_id,
                omschrijving=omschrijving,
                actie=actie,
                datum=_lokale_datum(notificatie.registratie_datum_tijd),
            )
        ]

    def _gekoppeld(self, notificatie: DUONotificatie) -> Koppeling:
        if notificatie.bsn is None:
            raise OphalenOnmogelijk("Notificatie zonder BSN: DUO's APIs vragen een BSN")
        koppeling = self._koppeling(notificatie.gemeente, f"bsn:{notificatie.bsn}")
        if koppeling is None:
            raise OphalenOnmogelijk("Geen inburgeraar met dit BSN in deze gemeente")
        return koppeling

    def _laatste_tijdelijke_vrijstelling(
        self, gemeente: str, bsn: str
    ) -> DuoTijdelijkeVrijstelling:
        vrijstellingen = self._client().tijdelijke_vrijstellingen(gemeente, bsn)
        if not vrijstellingen:
            raise OphalenOnmogelijk("DUO kent geen toegekende tijdelijke vrijstelling")
        return max(vrijstellingen, key=lambda v: v.startdatum or dt.date.min)

    def _examenresultaten(self, notificatie: DUONotificatie) -> list[Any]:
        bsn = notificatie.bsn
        if bsn is None:
            raise OphalenOnmogelijk("Notificatie zonder BSN: DUO's APIs vragen een BSN")
        koppeling = self._koppeling(notificatie.gemeente, f"bsn:{bsn}")
        if koppeling is None:
            raise OphalenOnmogelijk("Geen inburgeraar met dit BSN in deze gemeente")
        nieuw: list[Any] = []
        for resultaat in self._client().examenresultaten(notificatie.gemeente, bsn):
            velden: dict[str, Any] = {
                "gemeente": notificatie.gemeente,
                "inburgeraar_id": koppeling.inburgeraar_id,
                "onderdeel": resultaat.onderdeel,
                "examendatum": resultaat.examendatum,
            }
            if self._bestaat(Examenresultaat.create_id(**velden)):
                continue
            nieuw.append(
                Examenresultaat(
                    **velden,
                    resultaat=resultaat.resultaat,
                    behaald=resultaat.geslaagd,
                    niveau=resultaat.niveau,
                    reden_geen_resultaat=resultaat.reden_geen_resultaat,
                )
            )
        notificatie.markeer_verwerkt(f"{len(nieuw)} nieuwe examenresultaten opgehaald bij DUO")
        return nieuw

    def _leerbaarheidstoets(self, notificatie: DUONotificatie) -> list[Any]:
        bsn = notificatie.bsn
        if bsn is None:
            raise OphalenOnmogelijk("Notificatie zonder BSN: DUO's APIs vragen een BSN")
        koppeling = self._koppeling(notificatie.gemeente, f"bsn:{bsn}")
        if koppeling is None:
            raise OphalenOnmogelijk("Geen inburgeraar met dit BSN in deze gemeente")
        resultaten = self._client().leerbaarheidstoetsresultaten(notificatie.gemeente, bsn)
        if not resultaten:
            raise OphalenOnmogelijk("DUO kent geen leerbaarheidstoetsresultaat")
        # The latest afname counts (a toets may be taken again).
        laatste = max(resultaten, key=lambda r: str(r["datumAfname"]))
        velden: dict[str, Any] = {
            "gemeente": notificatie.gemeente,
            "inburgeraar_id": koppeling.inburgeraar_id,
            "datum_afname": _duo_datum(laatste["datumAfname"]),
        }
        notificatie.markeer_verwerkt("leerbaarheidstoetsresultaat opgehaald bij DUO")
        if self._bestaat(Leerbaarheidstoetsresultaat.create_id(**velden)):
            return []
        return [
            Leerbaarheidstoetsresultaat(
                **velden,
                resultaat=laatste["resultaat"],
                behaalde_score=laatste["behaaldeScore"],
                benodigde_score=laatste["benodigdeScore"],
            )
        ]

    # --- Who is who: intake's registration -------------------------------------------

    def koppel(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        bsn: str,
        datum_start_inburgeringsplicht: dt.date | None,
        vestigingsdatum: dt.date | None,
        doelgroep: str | None,
    ) -> None:
        """Remember BSN <-> inburgeraar (from InburgeraarGeregistreerd); once."""
        if self._bestaat(koppeling_id(gemeente, f"inburgeraar:{inburgeraar_id}")):
            return
        velden: dict[str, Any] = {
            "gemeente": gemeente,
            "bsn": bsn,
            "inburgeraar_id": inburgeraar_id,
            "datum_start_inburgeringsplicht": datum_start_inburgeringsplicht,
            "vestigingsdatum": vestigingsdatum,
            "doelgroep": doelgroep,
        }
        self.save(
            Koppeling(sleutel=f"inburgeraar:{inburgeraar_id}", **velden),
            Koppeling(sleutel=f"bsn:{bsn}", **velden),
        )
        self._na_verhuizing(gemeente, bsn)

    def _na_verhuizing(self, gemeente: str, bsn: str) -> None:
        """SS121 (gevestigd met PIP vorige gemeente): once the person is registered here,
        DUO's termijn (Inburgeringstermijn API) follows, as after SS102, so pip has the
        termijn that runs on (art. 11 lid 3 Wi2021), and the gemeente of DUO's current PIP
        (PIP API) becomes the previous gemeente. A failure is kept on the notificatie."""
        for notificatie in self._alle(DUONotificatie, [gemeente]):
            if notificatie.gebeurtenis_id != "SS121" or notificatie.bsn != bsn:
                continue
            nieuw: list[Any] = []
            if not self._bestaat(Inburgeringstermijn.create_id(notificatie.id)):
                try:
                    nieuw = self._inburgeringstermijn(notificatie)
                except (DuoOnbereikbaar, DuoFout, OphalenOnmogelijk) as e:
                    notificatie.ophalen_mislukt(f"inburgeringstermijn: {type(e).__name__}: {e}")
            koppeling = self._koppeling(gemeente, f"bsn:{bsn}")
            if koppeling is not None:
                nieuw += self._vorige_gemeente_of_reden(notificatie, koppeling)
            self.save(notificatie, *nieuw)

    def _vorige_gemeente_of_reden(
        self, notificatie: DUONotificatie, koppeling: Koppeling
    ) -> list[Any]:
        """VorigeGemeenteOntvangen once per SS121; when DUO's PIP names no usable gemeente,
        nothing is recorded and the notificatie says why (ophalen_mislukt)."""
        if self._bestaat(VorigeGemeente.create_id(notificatie.id)):
            return []
        try:
            return [self._vorige_gemeente(notificatie, koppeling)]
        except (DuoOnbereikbaar, DuoFout, OphalenOnmogelijk, VorigeGemeenteNietBruikbaar) as e:
            eerder = (
                f"{notificatie.toelichting}; "
                if notificatie.status == Afhandelstatus.OPHALEN_MISLUKT
                else ""
            )
            notificatie.ophalen_mislukt(f"{eerder}vorige gemeente: {type(e).__name__}: {e}")
            return []

    def _vorige_gemeente(self, notificatie: DUONotificatie, koppeling: Koppeling) -> VorigeGemeente:
        """DUO PIP API: the gemeente that registered the current PIP (SS121)."""
        pip = self._client().actuele_pip(notificatie.gemeente, koppeling.bsn)
        if pip is None:
            raise OphalenOnmogelijk("DUO kent geen PIP van een vorige gemeente")
        return VorigeGemeente(
            gemeente=notificatie.gemeente,
            notificatie_id=notificatie.id,
            gebeurtenis_id=notificatie.gebeurtenis_id,
            inburgeraar_id=koppeling.inburgeraar_id,
            vorige_gemeente=check_vorige_gemeente_van_duo(pip.gemeentecode, notificatie.gemeente),
            datum=_lokale_datum(notificatie.registratie_datum_tijd),
        )

    # --- Outbound: report a vastgestelde PIP (the DUO worker, never a request) ----------

    def meld_pip(
        self,
        *,
        gemeente: str,
        pip_id: UUID,
        inburgeraar_id: UUID,
        pip_versie: int,
        dagtekening: dt.date,
        leerroute: str,
        niveau: str | None,
        geschatte_intensiteit: int | None,
        doelgroep: str | None,
    ) -> str:
        """PIPVastgesteld -> DUO's PIP API. The melding and its outcome (gemeld or mislukt)
        are saved together: the consumer's position moves on with an outcome only."""
        melding_id = PIPMeldingAggregate.create_id(pip_id, pip_versie)
        if self._bestaat(melding_id):
            return str(self.get_voor(PIPMeldingAggregate, melding_id, [gemeente]).status)
        melding = PIPMeldingAggregate(
            gemeente=gemeente,
            inburgeraar_id=inburgeraar_id,
            pip_id=pip_id,
            pip_versie=pip_versie,
            dagtekening=dagtekening,
            leerroute=leerroute,
            niveau=niveau,
            geschatte_intensiteit=geschatte_intensiteit,
            doelgroep=doelgroep,
        )
        self._stuur(melding)
        self.save(melding)
        return str(melding.status)

    def meld_afschaling(
        self, *, gemeente: str, pip_id: UUID, pip_versie: int, dagtekening: dt.date, niveau: str
    ) -> str | None:
        """NiveauAfgeschaald -> DUO's PIP API: the PIP as last reported, with the new version,
        dagtekening and level (A2: DUO's NiveauPip is the lowest level to reach). None when
        the previous version was never reported (nothing to build on)."""
        vorige_id = PIPMeldingAggregate.create_id(pip_id, pip_versie - 1)
        if not self._bestaat(vorige_id):
            return None
        vorige = self.get_voor(PIPMeldingAggregate, vorige_id, [gemeente])
        return self.meld_pip(
            gemeente=gemeente,
            pip_id=pip_id,
            inburgeraar_id=vorige.inburgeraar_id,
            pip_versie=pip_versie,
            dagtekening=dagtekening,
            leerroute=vorige.leerroute,
            niveau=niveau,
            geschatte_intensiteit=vorige.geschatte_intensiteit,
            doelgroep=vorige.doelgroep,
        )

    def meld_afronding(
        self,
        *,
        gemeente: str,
        pip_id: UUID,
        onderdeel: str,
        datum: dt.date,
        verwijtbaar: str | None,
        bron_event_id: str,
    ) -> str:
        """MAPAfgerond / ParticipatieverklaringOndertekend -> DUO's MAP-PVT-Zroute API; the
        melding and its outcome in one save, like a PIP."""
        melding_id = AfrondingMelding.create_id(bron_event_id)
        if self._bestaat(melding_id):
            return str(self.get_voor(AfrondingMelding, melding_id, [gemeente]).status)
        pip = next((m for m in self._meldingen([gemeente]) if m.pip_id == pip_id), None)
        melding = AfrondingMelding.maak(
            bron_event_id=bron_event_id,
            gemeente=gemeente,
            inburgeraar_id=pip.inburgeraar_id if pip else pip_id,
            pip_id=pip_id,
            onderdeel=onderdeel,
            datum=datum,
            verwijtbaar=verwijtbaar,
        )
        self._stuur_afronding(melding, bekend=pip is not None)
        self.save(melding)
        return str(melding.status)

    def _stuur_afronding(self, melding: AfrondingMelding, *, bekend: bool = True) -> None:
        poging = melding.pogingen + 1
        koppeling = (
            self._koppeling(melding.gemeente, f"inburgeraar:{melding.inburgeraar_id}")
            if bekend
            else None
        )
        if koppeling is None:
            melding.mislukt("BsnOnbekend", "Inburgeraar van dit traject nog niet bekend", poging)
            return
        termijn = self._laatste_termijn(melding.gemeente, melding.inburgeraar_id)
        try:
            bericht = self._client().meld_afronding(
                melding.gemeente,
                koppeling.bsn,
                melding.onderdeel,
                melding.datum,
                melding.verwijtbaar,
                einddatum_duo=None if termijn is None else termijn.einddatum_duo,
            )
        except DuoRegelsOvertreden as e:
            regels = ", ".join(e.ontbrekend)
            melding.mislukt(type(e).__name__, f"{e} [{regels}]", poging)
        except (DuoOnbereikbaar, DuoFout, OphalenOnmogelijk) as e:
            melding.mislukt(type(e).__name__, str(e), poging)
        else:
            melding.gemeld(bericht)

    def _laatste_termijn(self, gemeente: str, inburgeraar_id: UUID) -> Inburgeringstermijn | None:
        """DUO's termijn as last received (InburgeringstermijnOntvangen, in log order); None
        when DUO never told it: then pip's guards on its own termijn have already applied
        and DUO checks the rest itself."""
        termijnen = [
            t
            for t in self._alle(Inburgeringstermijn, [gemeente])
            if t.inburgeraar_id == inburgeraar_id
        ]
        return termijnen[-1] if termijnen else None

    def vraag_melding_opnieuw(
        self, melding_id: UUID, *, gemeenten: Collection[str], door: str
    ) -> dict[str, Any]:
        """A person asks to send a failed melding (PIP, MAP or PVT) again; the DUO worker
        sends it."""
        melding = self._melding(melding_id, gemeenten)
        melding.vraag_opnieuw(door)
        self.save(melding)
        return beschrijf_melding(melding)

    def meld_opnieuw(self, melding_id: UUID, *, gemeente: str) -> str:
        melding = self._melding(melding_id, [gemeente])
        if melding.status != MeldingStatus.OPNIEUW_GEVRAAGD:
            return str(melding.status)
        if isinstance(melding, AfrondingMelding):
            self._stuur_afronding(melding)
        else:
            self._stuur(melding)
        self.save(melding)
        return str(melding.status)

    def _melding(
        self, melding_id: UUID, gemeenten: Collection[str]
    ) -> PIPMeldingAggregate | AfrondingMelding:
        try:
            return self.get_voor(AfrondingMelding, melding_id, gemeenten)
        except NotFound:
            return self.get_voor(PIPMeldingAggregate, melding_id, gemeenten)

    def _stuur(self, melding: PIPMeldingAggregate) -> None:
        poging = melding.pogingen + 1
        koppeling = self._koppeling(melding.gemeente, f"inburgeraar:{melding.inburgeraar_id}")
        if koppeling is None:
            melding.mislukt("BsnOnbekend", "Registratie van de inburgeraar nog niet bekend", poging)
            return
        eerdere = tuple(
            m.dagtekening
            for m in self._meldingen([melding.gemeente])
            if m.inburgeraar_id == melding.inburgeraar_id
            and m.status == MeldingStatus.GEMELD
            and m.id != melding.id
        )
        pip = PIPMelding(
            gemeente=melding.gemeente,
            bsn=koppeling.bsn,
            dagtekening=melding.dagtekening,
            leerroute=melding.leerroute,
            niveau=melding.niveau,
            geschatte_intensiteit=melding.geschatte_intensiteit,
            context=DuoContext(
                start_inburgeringsplicht=koppeling.datum_start_inburgeringsplicht,
                vestigingsdatum=koppeling.vestigingsdatum,
                asielmigrant=None
                if koppeling.doelgroep is None
                else koppeling.doelgroep == "asielstatushouder",
                eerdere_dagtekeningen=tuple(sorted(eerdere)),
            ),
        )
        try:
            self._client().meld_pip(pip)
        except (DuoOnbereikbaar, DuoFout, DuoRegelsOvertreden, OphalenOnmogelijk) as e:
            melding.mislukt(type(e).__name__, str(e), poging)
        else:
            melding.gemeld(pip.als_duo_pip())

    # --- Reads -----------------------------------------------------------------------

    def pip_meldingen(
        self, *, gemeenten: Collection[str], status: str | None = None
    ) -> list[dict[str, Any]]:
        return [
            beschrijf_melding(m)
            for m in self._meldingen(gemeenten)
            if status is None or m.status == status
        ]

    def afronding_meldingen(
        self, *, gemeenten: Collection[str], status: str | None = None
    ) -> list[dict[str, Any]]:
        return [
            beschrijf_melding(m)
            for m in self._alle(AfrondingMelding, gemeenten)
            if status is None or m.status == status
        ]

    def te_verwerken(self, *, gemeenten: Collection[str]) -> list[dict[str, Any]]:
        """Notificaties the platform could not carry out by itself: for a person."""
        return [
            {k: v for k, v in beschrijf(n).items() if k not in DUONotificatie.persoonsgegevens}
            for n in self._alle(DUONotificatie, gemeenten)
            if n.status in (Afhandelstatus.OPGESLAGEN_NIET_VERWERKT, Afhandelstatus.OPHALEN_MISLUKT)
        ]

    def signalen(self, *, gemeenten: Collection[str]) -> list[dict[str, Any]]:
        """DUO's signals for the klantregisseur (DuoSignaalOntvangen), per inburgeraar."""
        return [{"id": s.id, **as_dict(s)} for s in self._alle(DuoSignaal, gemeenten)]

    def _meldingen(self, gemeenten: Collection[str]) -> list[PIPMeldingAggregate]:
        return self._alle(PIPMeldingAggregate, gemeenten)

    def _alle(self, cls: type[A], gemeenten: Collection[str]) -> list[A]:
        # A scan of the own log: the DUO service's volume is small (a read model when not).
        ids: dict[UUID, None] = {}
        start = 1
        while batch := self.recorder.select_notifications(start, 500):
            for n in batch:
                if n.topic.endswith(f"{cls.__qualname__}.{_created_name(cls)}"):
                    ids[UUID(str(n.originator_id))] = None
            start = batch[-1].id + 1
        gevonden = []
        for aggregate_id in ids:
            aggregate: object = self.repository.get(aggregate_id)
            if isinstance(aggregate, cls) and aggregate.gemeente in gemeenten:
                gevonden.append(aggregate)
        return gevonden

    def _koppeling(self, gemeente: str, sleutel: str) -> Koppeling | None:
        try:
            aggregate: object = self.repository.get(koppeling_id(gemeente, sleutel))
        except AggregateNotFoundError:
            return None
        assert isinstance(aggregate, Koppeling)
        return aggregate

    def _bestaat(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _bestaand(self, notificatie_id: UUID) -> DUONotificatie | None:
        try:
            aggregate: object = self.repository.get(notificatie_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(aggregate, DUONotificatie)
        return aggregate


AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# DUO Gebeurtenissen "Inburgeringsplicht voldaan": the RedenGeenInburgeringsplicht each
# gebeurtenis comes with (Inburgeringsplicht API).
VOLDAAN_REDEN = {
    "SS106": "Inburgeringsplicht voldaan",
    "SS107": "Volledige vrijstelling",
    "SS108": "Volledige ontheffing",
}

# DUO Gebeurtenissen: the Doelgroepindeling each doelgroep change leads to.
DOELGROEP_NA = {"SS124": "Gezinsmigrant en overige migrant", "SS125": "Asielstatushouder"}


class OphalenOnmogelijk(DomainError):
    """What a notificatie needs cannot be had now (person unknown, no BRP, no BSN)."""

    title = "Ophalen niet mogelijk"


def _lokale_datum(moment: str) -> dt.date:
    """DUO's registratieDatumTijd (stored in UTC) as the Dutch calendar day."""
    return dt.datetime.fromisoformat(moment).astimezone(AMSTERDAM).date()


def _duo_datum(waarde: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(waarde))
    except ValueError as e:
        raise OphalenOnmogelijk(f"DUO gaf geen geldige datum: {waarde!r}") from e


A = TypeVar(
    "A", DUONotificatie, PIPMeldingAggregate, AfrondingMelding, Inburgeringstermijn, DuoSignaal
)

_CREATED: dict[type, str] = {
    DUONotificatie: "DUONotificatieOntvangen",
    Inburgeringstermijn: "InburgeringstermijnOntvangen",
    PIPMeldingAggregate: "PIPMeldingAangemaakt",
    AfrondingMelding: "AfrondingMeldingAangemaakt",
    DuoSignaal: "DuoSignaalOntvangen",
}


def _created_name(cls: type) -> str:
    return _CREATED[cls]


def beschrijf_melding(melding: PIPMeldingAggregate | AfrondingMelding) -> dict[str, Any]:
    return {"id": melding.id, "versie": melding.version, **as_dict(melding)}


def beschrijf(notificatie: DUONotificatie) -> dict[str, Any]:
    return {"id": notificatie.id, "versie": notificatie.version, **as_dict(notificatie)}
