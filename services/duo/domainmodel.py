"""A notificatie from DUO, received once and never dropped, and what the platform does with
it. DUO signals (signaleringspatroon): a notificatie names a person (BSN or v-nummer) and a
gebeurtenis (SS1xx), nothing else; the facts themselves are fetched at DUO's APIs."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from eventsourcing.domain import event

from shared.domain import GemeenteAggregate


class Afhandelstatus(StrEnum):
    VERWERKT = "verwerkt"
    EXAMENRESULTAAT_OP_TE_HALEN = "examenresultaat_op_te_halen"
    OPGESLAGEN_NIET_VERWERKT = "opgeslagen_niet_verwerkt"


@dataclass(frozen=True)
class Afhandeling:
    """What a gebeurtenis becomes in the platform: the command it leads to, the DUO API
    that holds the facts, and the data the command needs that the notificatie lacks."""

    omschrijving: str
    status: Afhandelstatus
    opdracht: str
    op_te_halen_bij: tuple[str, ...] = ()
    ontbrekend: tuple[str, ...] = ()


NIET_VERWERKT = Afhandelstatus.OPGESLAGEN_NIET_VERWERKT
# intake's registreer_inburgeraar needs these; DUO's notificatie carries only the BSN.
REGISTRATIE_ONTBREEKT = ("naam", "geboortedatum", "doelgroep", "datumStartInburgeringsplicht")

# Source: contracts/duo/Gebeurtenissen/Gebeurtenissen.md and Attentiesignalen.md.
AFHANDELINGEN: dict[str, Afhandeling] = {
    code: Afhandeling(omschrijving, status, opdracht, api, ontbrekend)
    for code, omschrijving, status, opdracht, api, ontbrekend in [
        (
            "SS101",
            "Persoon is inburgeringsplichtig",
            NIET_VERWERKT,
            "intake: registreer_inburgeraar",
            ("Inburgeringsplicht", "BRP"),
            REGISTRATIE_ONTBREEKT,
        ),
        (
            "SS128",
            "Persoon is inburgeringsplichtig, bereikt AOW-leeftijd binnen 6 maanden",
            NIET_VERWERKT,
            "intake: registreer_inburgeraar",
            ("Inburgeringsplicht", "BRP"),
            REGISTRATIE_ONTBREEKT,
        ),
        (
            "SS139",
            "Persoon is inburgeringsplichtig, termijn van 10 weken voor de leerroute gestart",
            NIET_VERWERKT,
            "intake: registreer_inburgeraar; pip: tien weken vanaf datumStartInburgeringsplicht",
            ("Inburgeringsplicht", "BRP"),
            REGISTRATIE_ONTBREEKT,
        ),
        (
            "SS120",
            "Inburgeringsplichtige in gemeente gevestigd zonder PIP",
            NIET_VERWERKT,
            "intake: registreer_inburgeraar en leg_vestigingsdatum_vast",
            ("Inburgeringsplicht", "BRP"),
            (*REGISTRATIE_ONTBREEKT, "vestigingsdatum"),
        ),
        (
            "SS121",
            "Inburgeringsplichtige in gemeente gevestigd met PIP vorige gemeente",
            NIET_VERWERKT,
            "intake: registreer_inburgeraar; pip: PIP vorige gemeente overnemen",
            ("Inburgeringsplicht", "Inburgeringstermijn", "PIP", "BRP"),
            (*REGISTRATIE_ONTBREEKT, "vestigingsdatum", "pip"),
        ),
        (
            "SS131",
            "Leerbaarheidstoets is afgenomen en resultaat is bekend",
            NIET_VERWERKT,
            "intake: leg_leerbaarheidstoets_vast",
            ("Leerbaarheidstoets",),
            ("inburgeraarId", "leerbaarheidstoetsResultaat"),
        ),
        (
            "SS102",
            "Inburgeringstermijn gestart",
            NIET_VERWERKT,
            "pip: inburgeringstermijn vastleggen",
            ("Inburgeringstermijn",),
            ("pipId", "startdatumTermijn", "einddatumTermijn"),
        ),
        (
            "SS106",
            "Diploma behaald",
            NIET_VERWERKT,
            "pip: voldoe (grond diploma)",
            ("Inburgeringsplicht",),
            ("pipId", "datumVoldaan"),
        ),
        (
            "SS107",
            "Gehele vrijstelling toegekend",
            NIET_VERWERKT,
            "pip: verleen_vrijstelling (geheel)",
            ("Inburgeringsplicht", "Vrijstelling"),
            ("pipId", "reden", "datumOordeel"),
        ),
        (
            "SS108",
            "Gehele ontheffing toegekend",
            NIET_VERWERKT,
            "pip: verleen_ontheffing (geheel)",
            ("Inburgeringsplicht", "Ontheffing"),
            ("pipId", "grond", "datumOordeel"),
        ),
        (
            "SS110",
            "Inburgeringsplicht ingetrokken",
            NIET_VERWERKT,
            "intake/pip: traject beëindigen",
            ("Inburgeringsplicht",),
            ("inburgeraarId", "reden", "datumEinde"),
        ),
        (
            "SS111",
            "Persoon is overleden",
            NIET_VERWERKT,
            "intake/pip: traject beëindigen",
            ("Inburgeringsplicht",),
            ("inburgeraarId", "datumOverlijden"),
        ),
        (
            "SS126",
            "Na 10 weken nog geen leerroute (attentiesignaal)",
            NIET_VERWERKT,
            "pip: signaal aan de klantregisseur",
            (),
            ("pipId",),
        ),
        (
            "SS199",
            "Uitslag examen bekend",
            Afhandelstatus.EXAMENRESULTAAT_OP_TE_HALEN,
            "pip: ontvang_examenuitslag, na ophalen bij DUO (Examenresultaten, SDI017)",
            ("Examenresultaten",),
            ("pipId", "onderdeel", "examendatum", "behaald", "niveau"),
        ),
    ]
}


def afhandeling_van(gebeurtenis_id: str) -> Afhandeling:
    """Every gebeurtenis is stored; one the platform does not know yet waits for a person."""
    return AFHANDELINGEN.get(
        gebeurtenis_id,
        Afhandeling("Onbekende gebeurtenis", NIET_VERWERKT, "geen: beoordeling door een mens"),
    )


class DUONotificatie(GemeenteAggregate):
    """One notificatie from DUO to one gemeente. DUO's schema makes bsn and vNummer
    optional, so one without a person is stored too (never dropped) and left to a person."""

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn", "v_nummer"})

    class DUONotificatieOntvangen(GemeenteAggregate.Created):
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn", "v_nummer"})
        gemeente: str
        bron: str
        doel: str
        bericht_id: str
        gebeurtenis_id: str
        registratie_datum_tijd: str
        bsn: str | None
        v_nummer: int | None
        status: str
        opdracht: str
        op_te_halen_bij: list[str]
        ontbrekend: list[str]

    class DUONotificatieVerwerkt(GemeenteAggregate.Event):
        toelichting: str

    @staticmethod
    def create_id(
        doel: str,
        gebeurtenis_id: str,
        registratie_datum_tijd: str,
        bsn: str | None,
        v_nummer: int | None,
        **_: Any,
    ) -> uuid.UUID:
        # The notificatie's own content, not the berichtId: a resend of the same fact under a
        # new berichtId is still one notificatie.
        return uuid.uuid5(
            uuid.NAMESPACE_URL,
            f"duo-notificatie:{doel}:{gebeurtenis_id}:{registratie_datum_tijd}:{bsn}:{v_nummer}",
        )

    @classmethod
    def ontvang(
        cls,
        *,
        gemeente: str,
        bron: str,
        doel: str,
        bericht_id: str,
        gebeurtenis_id: str,
        registratie_datum_tijd: dt.datetime,
        bsn: str | None,
        v_nummer: int | None,
    ) -> DUONotificatie:
        afhandeling = afhandeling_van(gebeurtenis_id)
        return cls(
            gemeente=gemeente,
            bron=bron,
            doel=doel,
            bericht_id=bericht_id,
            gebeurtenis_id=gebeurtenis_id,
            registratie_datum_tijd=normaliseer(registratie_datum_tijd),
            bsn=bsn,
            v_nummer=v_nummer,
            status=afhandeling.status.value,
            opdracht=afhandeling.opdracht,
            op_te_halen_bij=list(afhandeling.op_te_halen_bij),
            ontbrekend=list(afhandeling.ontbrekend),
        )

    @event(DUONotificatieOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        bron: str,
        doel: str,
        bericht_id: str,
        gebeurtenis_id: str,
        registratie_datum_tijd: str,
        bsn: str | None,
        v_nummer: int | None,
        status: str,
        opdracht: str,
        op_te_halen_bij: list[str],
        ontbrekend: list[str],
    ) -> None:
        self.gemeente = gemeente
        self.bron = bron
        self.doel = doel
        self.bericht_id = bericht_id
        self.gebeurtenis_id = gebeurtenis_id
        self.registratie_datum_tijd = registratie_datum_tijd
        self.bsn = bsn
        self.v_nummer = v_nummer
        self.status = status
        self.opdracht = opdracht
        self.op_te_halen_bij = op_te_halen_bij
        self.ontbrekend = ontbrekend
        self.toelichting: str | None = None

    def markeer_verwerkt(self, toelichting: str) -> None:
        if self.status != Afhandelstatus.VERWERKT:
            self._verwerkt(toelichting=toelichting)

    @event(DUONotificatieVerwerkt)
    def _verwerkt(self, toelichting: str) -> None:
        self.status = Afhandelstatus.VERWERKT.value
        self.toelichting = toelichting


def normaliseer(moment: dt.datetime) -> str:
    """One spelling per instant (UTC), so the id does not depend on DUO's notation."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()
