"""A notificatie from DUO, received once and never dropped, and what the platform does with
it. DUO signals (signaleringspatroon): a notificatie names a person (BSN or v-nummer) and a
gebeurtenis (SS1xx), nothing else; the facts themselves are fetched at DUO's APIs."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import event

from contracts import duo as contract
from services.duo import rules
from shared.domain import GemeenteAggregate, SchemaHint

IsoMoment = Annotated[str, SchemaHint(format="date-time")]
"""DUO's registratieDatumTijd, normalised to UTC (`normaliseer`): part of the notificatie's
identity, so it keeps that one spelling."""


class Afhandelstatus(StrEnum):
    VERWERKT = "verwerkt"
    EXAMENRESULTAAT_OP_TE_HALEN = "examenresultaat_op_te_halen"
    OPGESLAGEN_NIET_VERWERKT = "opgeslagen_niet_verwerkt"
    INBURGERINGSPLICHT_OP_TE_HALEN = "inburgeringsplicht_op_te_halen"
    INBURGERINGSTERMIJN_OP_TE_HALEN = "inburgeringstermijn_op_te_halen"
    LEERBAARHEIDSTOETS_OP_TE_HALEN = "leerbaarheidstoets_op_te_halen"
    LEVENSGEBEURTENIS_OP_TE_HALEN = "levensgebeurtenis_op_te_halen"
    OPHALEN_MISLUKT = "ophalen_mislukt"
    PLICHT_VOLDAAN_OP_TE_HALEN = "plicht_voldaan_op_te_halen"
    SIGNAAL_VOOR_KLANTREGISSEUR = "signaal_voor_klantregisseur"


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
# DUO decides the termijn and its extensions; the notificatie names only the person.
TERMIJN_ONTBREEKT = ("inburgeraarId", "startdatum", "einddatum", "verlengingsgrond")
# The life events name the person only; what happened and since when is at DUO's APIs.
LEVEN_ONTBREEKT = ("inburgeraarId", "reden", "datum")

SIGNAAL = Afhandelstatus.SIGNAAL_VOOR_KLANTREGISSEUR
# A signal names the person by BSN; the klantregisseur's view needs the inburgeraar.
SIGNAAL_ONTBREEKT = ("inburgeraarId",)
# The gebeurtenissen that change nothing the platform decides itself: the klantregisseur
# gets a signal with what to do (Gebeurtenissen.md "Verzoeken inburgeraar";
# Attentiesignalen.md). code -> (omschrijving, actie voor de klantregisseur).
SIGNALEN: dict[str, tuple[str, str]] = {
    "SS112": (
        "Verzoek verlenging ingediend",
        "Geef DUO zo nodig de verrichte inspanningen en resultaten door voor de beoordeling",
    ),
    "SS113": (
        "Verzoek verlenging afgewezen",
        "Bespreek met de inburgeraar hoe de termijn gehaald wordt; de termijn blijft staan",
    ),
    "SS114": (
        "Verzoek gehele vrijstelling afgewezen",
        "De inburgeringsplicht loopt door: bespreek het traject met de inburgeraar",
    ),
    "SS115": (
        "Verzoek tijdelijke vrijstelling afgewezen",
        "De inburgeringsplicht loopt door: bespreek het traject met de inburgeraar",
    ),
    "SS116": (
        "Verzoek gedeeltelijke vrijstelling afgewezen",
        "Alle onderdelen blijven: controleer of het PIP nog past",
    ),
    "SS117": (
        "Verzoek gedeeltelijke vrijstelling toegekend",
        "Haal de vrijstelling op bij DUO (Vrijstelling API), registreer die in het PIP en "
        "herzie het PIP zo nodig",
    ),
    "SS118": (
        "Verzoek ontheffing afgewezen",
        "De inburgeringsplicht loopt door: bespreek het traject met de inburgeraar",
    ),
    "SS119": (
        "Verzoek gedeeltelijke ontheffing toegekend",
        "Registreer de ontheffing (Ontheffing API) in het PIP en herzie het PIP zo nodig",
    ),
    "SS122": (
        "Vertrokken naar andere gemeente",
        "Geef de verrichte inspanningen en resultaten door aan DUO voor zover nog niet gedaan",
    ),
    "SS123": (
        "Vertrokken uit Nederland",
        "Geef de verrichte inspanningen en resultaten door aan DUO voor zover nog niet gedaan",
    ),
    "SS126": (
        "Na 10 weken nog geen leerroute vastgesteld",
        "Stel het PIP met de leerroute zo snel mogelijk vast en meld het bij DUO",
    ),
    "SS127": (
        "Nog geen inburgeringsaanbod ontvangen (asielmigrant met leerroute)",
        "Doe het inburgeringsaanbod en geef de inschrijving bij de instelling door aan DUO",
    ),
    "SS132": (
        "Opleidingscontract ontvangen, nog geen PIP",
        "Stel het PIP vast en meld het bij DUO",
    ),
    "SS133": (
        "Opleidingscontract met taalniveau niet conform de leerroute",
        "Neem contact op met de inburgeraar en de instelling; herzie het PIP zo nodig",
    ),
    "SS135": (
        "Opleidingscontract met te hoog taalniveau (Z-route)",
        "Neem contact op met de inburgeraar en de instelling; herzie het PIP zo nodig",
    ),
    "SS136": (
        "Opleidingscontract voor taalschakeltraject, geen onderwijsroute",
        "Neem contact op met de inburgeraar; herzie het PIP zo nodig (onderwijsroute)",
    ),
    "SS137": (
        "Persoon is aangemeld voor de leerbaarheidstoets",
        "Plan de brede intake rond de toets; de uitslag volgt met SS131",
    ),
    "SS140": (
        "Advies gevraagd over ontheffing wegens bijzondere individuele omstandigheden",
        "Geef DUO advies over het verzoek om ontheffing (BIO)",
    ),
    "SS141": (
        "Z-route voldaan: tekst voor het certificaat beschikbaar",
        "Download de certificaattekst in het DUO-portaal en reik het certificaat uit",
    ),
    "SS142": (
        "Niet-vrijstellende opleiding beëindigd wegens uitschrijving",
        "Neem contact op met de inburgeraar en herzie het PIP zo nodig",
    ),
}

# Source: contracts/duo/Gebeurtenissen/Gebeurtenissen.md and Attentiesignalen.md.
AFHANDELINGEN: dict[str, Afhandeling] = {
    code: Afhandeling(omschrijving, status, opdracht, api, ontbrekend)
    for code, omschrijving, status, opdracht, api, ontbrekend in [
        *(
            (code, omschrijving, SIGNAAL, actie, (), SIGNAAL_ONTBREEKT)
            for code, (omschrijving, actie) in SIGNALEN.items()
        ),
        (
            "SS101",
            "Persoon is inburgeringsplichtig",
            Afhandelstatus.INBURGERINGSPLICHT_OP_TE_HALEN,
            "intake: registreer_inburgeraar",
            ("Inburgeringsplicht", "BRP"),
            REGISTRATIE_ONTBREEKT,
        ),
        (
            "SS128",
            "Persoon is inburgeringsplichtig, bereikt AOW-leeftijd binnen 6 maanden",
            Afhandelstatus.INBURGERINGSPLICHT_OP_TE_HALEN,
            "intake: registreer_inburgeraar",
            ("Inburgeringsplicht", "BRP"),
            REGISTRATIE_ONTBREEKT,
        ),
        (
            "SS139",
            "Persoon is inburgeringsplichtig, termijn van 10 weken voor de leerroute gestart",
            Afhandelstatus.INBURGERINGSPLICHT_OP_TE_HALEN,
            "intake: registreer_inburgeraar of nieuwe kennisgeving; pip: tien weken vanaf "
            "datumKennisgeving",
            ("Inburgeringsplicht", "BRP"),
            REGISTRATIE_ONTBREEKT,
        ),
        (
            "SS120",
            "Inburgeringsplichtige in gemeente gevestigd zonder PIP",
            Afhandelstatus.INBURGERINGSPLICHT_OP_TE_HALEN,
            "intake: registreer_inburgeraar en leg_vestigingsdatum_vast",
            ("Inburgeringsplicht", "BRP"),
            (*REGISTRATIE_ONTBREEKT, "vestigingsdatum"),
        ),
        (
            "SS121",
            "Inburgeringsplichtige in gemeente gevestigd met PIP vorige gemeente",
            Afhandelstatus.INBURGERINGSPLICHT_OP_TE_HALEN,
            "intake: registreer_inburgeraar en leg_vorige_gemeente_vast (gemeente van DUO's PIP); "
            "pip: PIP vorige gemeente overnemen",
            ("Inburgeringsplicht", "Inburgeringstermijn", "PIP", "BRP"),
            (*REGISTRATIE_ONTBREEKT, "vestigingsdatum", "pip"),
        ),
        (
            "SS131",
            "Leerbaarheidstoets is afgenomen en resultaat is bekend",
            Afhandelstatus.LEERBAARHEIDSTOETS_OP_TE_HALEN,
            "intake: leg_leerbaarheidstoets_vast",
            ("Leerbaarheidstoets",),
            ("inburgeraarId", "leerbaarheidstoetsResultaat"),
        ),
        (
            "SS102",
            "Inburgeringstermijn gestart",
            Afhandelstatus.INBURGERINGSTERMIJN_OP_TE_HALEN,
            "pip: neem_termijn_van_duo_over",
            ("Inburgeringstermijn",),
            TERMIJN_ONTBREEKT,
        ),
        (
            "SS103",
            "Termijn ambtshalve verlengd",
            Afhandelstatus.INBURGERINGSTERMIJN_OP_TE_HALEN,
            "pip: neem_termijn_van_duo_over",
            ("Inburgeringstermijn",),
            TERMIJN_ONTBREEKT,
        ),
        (
            "SS104",
            "Termijn op verzoek verlengd",
            Afhandelstatus.INBURGERINGSTERMIJN_OP_TE_HALEN,
            "pip: neem_termijn_van_duo_over",
            ("Inburgeringstermijn",),
            TERMIJN_ONTBREEKT,
        ),
        (
            "SS106",
            "Diploma behaald",
            Afhandelstatus.PLICHT_VOLDAAN_OP_TE_HALEN,
            "pip: voldoe (grond diploma)",
            ("Inburgeringsplicht",),
            ("pipId", "datumVoldaan"),
        ),
        (
            "SS107",
            "Gehele vrijstelling toegekend",
            Afhandelstatus.PLICHT_VOLDAAN_OP_TE_HALEN,
            "pip: verleen_vrijstelling (geheel)",
            ("Inburgeringsplicht", "Vrijstelling"),
            ("pipId", "reden", "datumOordeel"),
        ),
        (
            "SS108",
            "Gehele ontheffing toegekend",
            Afhandelstatus.PLICHT_VOLDAAN_OP_TE_HALEN,
            "pip: verleen_ontheffing (geheel)",
            ("Inburgeringsplicht", "Ontheffing"),
            ("pipId", "grond", "datumOordeel"),
        ),
        (
            "SS109",
            "Tijdelijke vrijstelling toegekend",
            Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN,
            "intake: verleen_tijdelijke_vrijstelling",
            ("Inburgeringsplicht", "Vrijstelling"),
            LEVEN_ONTBREEKT,
        ),
        (
            "SS110",
            "Inburgeringsplicht ingetrokken",
            Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN,
            "intake: trek_plicht_in",
            ("Inburgeringsplicht",),
            LEVEN_ONTBREEKT,
        ),
        (
            "SS111",
            "Persoon is overleden",
            Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN,
            "intake: registreer_overlijden",
            ("Inburgeringsplicht",),
            LEVEN_ONTBREEKT,
        ),
        (
            "SS124",
            "Doelgroep van asielstatushouder naar gezinsmigrant en overige migrant gewijzigd",
            Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN,
            "intake: wijzig_doelgroep",
            ("Inburgeringsplicht",),
            LEVEN_ONTBREEKT,
        ),
        (
            "SS125",
            "Doelgroep van gezinsmigrant en overige migrant naar asielstatushouder gewijzigd",
            Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN,
            "intake: wijzig_doelgroep",
            ("Inburgeringsplicht",),
            LEVEN_ONTBREEKT,
        ),
        (
            "SS129",
            "Tijdelijke vrijstelling ingetrokken, nog geen leerroute bekend",
            Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN,
            "intake: beeindig_tijdelijke_vrijstelling (tien weken vanaf de nieuwe kennisgeving)",
            ("Inburgeringsplicht", "Vrijstelling"),
            LEVEN_ONTBREEKT,
        ),
        (
            "SS130",
            "Tijdelijke vrijstelling ingetrokken, PIP al bekend",
            Afhandelstatus.LEVENSGEBEURTENIS_OP_TE_HALEN,
            "intake: beeindig_tijdelijke_vrijstelling (traject en termijn hervat)",
            ("Inburgeringsplicht", "Vrijstelling"),
            LEVEN_ONTBREEKT,
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
        cloudevent_type: ClassVar[str] = contract.DUO_NOTIFICATIE_ONTVANGEN
        contract_version = 2
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn", "v_nummer"})
        gemeente: str
        bron: str
        doel: str
        bericht_id: str
        gebeurtenis_id: str
        registratie_datum_tijd: IsoMoment
        bsn: str | None
        v_nummer: int | None
        status: str
        opdracht: str
        op_te_halen_bij: list[str]
        ontbrekend: list[str]

    class DUONotificatieVerwerkt(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.DUO_NOTIFICATIE_VERWERKT
        toelichting: str

    class OphalenBijDUOMislukt(GemeenteAggregate.Event):
        """The facts could not be fetched (DUO down, person unknown): te verwerken, by a
        person or by a new notificatie."""

        cloudevent_type: ClassVar[str] = contract.OPHALEN_BIJ_DUO_MISLUKT
        reden: str

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
        registratie_datum_tijd: IsoMoment,
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

    def ophalen_mislukt(self, reden: str) -> None:
        self._ophalen_mislukt(reden=reden)

    @event(OphalenBijDUOMislukt)
    def _ophalen_mislukt(self, reden: str) -> None:
        self.status = Afhandelstatus.OPHALEN_MISLUKT.value
        self.toelichting = reden


def normaliseer(moment: dt.datetime) -> str:
    """One spelling per instant (UTC), so the id does not depend on DUO's notation."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat()


class Inburgeringsplicht(GemeenteAggregate):
    """What DUO's Inburgeringsplicht API (and the BRP) said of a person after SS101, SS128,
    SS139: the facts intake registers the inburgeraar with. One per notificatie."""

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn", "naam", "geboortedatum"})

    class InburgeringsplichtOntvangen(GemeenteAggregate.Created):
        """v2 (contract and stored shape) carries DUO's kennisgeving, from which the ten
        weeks for the PIP run (art. 5.3 Besluit inburgering 2021); v3 the BRP's date of
        registration in the gemeente, when the ten weeks run from it if later."""

        cloudevent_type: ClassVar[str] = contract.INBURGERINGSPLICHT_ONTVANGEN
        contract_version = 3
        class_version = 3
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn", "naam", "geboortedatum"})
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        bsn: str
        naam: str
        geboortedatum: dt.date
        doelgroep: str  # DUO's Doelgroepindeling
        gedetailleerde_doelgroep: str | None
        datum_start_inburgeringsplicht: dt.date
        datum_kennisgeving: dt.date | None
        datum_inschrijving_in_gemeente: dt.date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["datum_kennisgeving"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["datum_inschrijving_in_gemeente"] = None

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "inburgeringsplicht")

    @event(InburgeringsplichtOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        bsn: str,
        naam: str,
        geboortedatum: dt.date,
        doelgroep: str,
        gedetailleerde_doelgroep: str | None,
        datum_start_inburgeringsplicht: dt.date,
        datum_kennisgeving: dt.date | None,
        datum_inschrijving_in_gemeente: dt.date | None = None,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.bsn = bsn
        self.naam = naam
        self.geboortedatum = geboortedatum
        self.doelgroep = doelgroep
        self.gedetailleerde_doelgroep = gedetailleerde_doelgroep
        self.datum_start_inburgeringsplicht = datum_start_inburgeringsplicht
        self.datum_kennisgeving = datum_kennisgeving
        self.datum_inschrijving_in_gemeente = datum_inschrijving_in_gemeente


class Inburgeringstermijn(GemeenteAggregate):
    """What DUO's Inburgeringstermijn API said after SS102 (gestart), SS103 (ambtshalve
    verlengd) or SS104 (op verzoek verlengd): DUO decides the termijn (art. 11 and 12
    Wi2021), the gemeente takes it over. One per notificatie."""

    class InburgeringstermijnOntvangen(GemeenteAggregate.Created):
        """`einddatum` is the termijn's last day (DUO's own einddatum is exclusive and
        travels as `einddatum_duo`); `verlengingen` are DUO's changes, oldest first, each
        with its ground as DUO codes it."""

        cloudevent_type: ClassVar[str] = contract.INBURGERINGSTERMIJN_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        inburgeraar_id: UUID
        startdatum: dt.date
        einddatum: dt.date
        einddatum_duo: dt.date
        verlengingsgrondcode: str | None
        verlengingsgrondomschrijving: str | None
        verlengingen: list[dict[str, Any]]

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "inburgeringstermijn")

    @event(InburgeringstermijnOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        inburgeraar_id: UUID,
        startdatum: dt.date,
        einddatum: dt.date,
        einddatum_duo: dt.date,
        verlengingsgrondcode: str | None,
        verlengingsgrondomschrijving: str | None,
        verlengingen: list[dict[str, Any]],
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.inburgeraar_id = inburgeraar_id
        self.startdatum = startdatum
        self.einddatum = einddatum
        self.einddatum_duo = einddatum_duo
        self.verlengingsgrondcode = verlengingsgrondcode
        self.verlengingsgrondomschrijving = verlengingsgrondomschrijving
        self.verlengingen = verlengingen


class VorigeGemeente(GemeenteAggregate):
    """What DUO's PIP API said after SS121 (gevestigd met PIP vorige gemeente): the gemeente
    that registered the current PIP (`gemeentecode`, as CBS code GMxxxx), so this gemeente
    records where the person came from. `datum`: the day DUO registered the gebeurtenis
    (DUO gives no vestigingsdatum). One per notificatie."""

    class VorigeGemeenteOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.VORIGE_GEMEENTE_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        inburgeraar_id: UUID
        vorige_gemeente: str
        datum: dt.date

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "vorige-gemeente")

    @event(VorigeGemeenteOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        inburgeraar_id: UUID,
        vorige_gemeente: str,
        datum: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.inburgeraar_id = inburgeraar_id
        self.vorige_gemeente = vorige_gemeente
        self.datum = datum


class PlichtBeeindigd(GemeenteAggregate):
    """What DUO's Inburgeringsplicht API said after SS110 (ingetrokken) or SS111 (overleden):
    the obligation ended on `einddatum` (inclusive) for DUO's `reden`
    (RedenGeenInburgeringsplicht, as DUO spells it). One per notificatie."""

    class InburgeringsplichtBeeindigdOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        inburgeraar_id: UUID
        reden: str
        einddatum: dt.date

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "inburgeringsplicht-beeindigd")

    @event(InburgeringsplichtBeeindigdOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        inburgeraar_id: UUID,
        reden: str,
        einddatum: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.inburgeraar_id = inburgeraar_id
        self.reden = reden
        self.einddatum = einddatum


class TijdelijkeVrijstelling(GemeenteAggregate):
    """What DUO's Vrijstelling API said after SS109: a TijdelijkeVrijstelling granted, with
    DUO's reden (INS on request, OPL ex officio) and its start. One per notificatie."""

    class TijdelijkeVrijstellingOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.TIJDELIJKE_VRIJSTELLING_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        inburgeraar_id: UUID
        reden: str  # DUO's RedenVrijstellingInburgeringsplicht: INS, OPL
        startdatum: dt.date
        datum_oordeel: dt.date | None

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "tijdelijke-vrijstelling")

    @event(TijdelijkeVrijstellingOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        inburgeraar_id: UUID,
        reden: str,
        startdatum: dt.date,
        datum_oordeel: dt.date | None,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.inburgeraar_id = inburgeraar_id
        self.reden = reden
        self.startdatum = startdatum
        self.datum_oordeel = datum_oordeel


class EindeTijdelijkeVrijstelling(GemeenteAggregate):
    """What DUO's APIs said after SS129 (no PIP known: a new kennisgeving, the ten weeks
    start again) or SS130 (PIP known: the obligation resumes): the vrijstelling's last day
    (Vrijstelling API, inclusive) and the obligation's `datum_kennisgeving`
    (Inburgeringsplicht API; SS129 only). One per notificatie."""

    class TijdelijkeVrijstellingBeeindigdOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.TIJDELIJKE_VRIJSTELLING_BEEINDIGD_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        inburgeraar_id: UUID
        einddatum: dt.date
        datum_kennisgeving: dt.date | None

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "einde-tijdelijke-vrijstelling")

    @event(TijdelijkeVrijstellingBeeindigdOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        inburgeraar_id: UUID,
        einddatum: dt.date,
        datum_kennisgeving: dt.date | None,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.inburgeraar_id = inburgeraar_id
        self.einddatum = einddatum
        self.datum_kennisgeving = datum_kennisgeving


class Doelgroepwijziging(GemeenteAggregate):
    """What DUO's Inburgeringsplicht API (Doelgroep) said after SS124/SS125: the doelgroep
    as DUO now has it (Doelgroepindeling, GedetailleerdeDoelgroep) and since when."""

    class DoelgroepwijzigingOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.DOELGROEPWIJZIGING_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        inburgeraar_id: UUID
        doelgroep: str  # DUO's Doelgroepindeling
        gedetailleerde_doelgroep: str | None
        begindatum: dt.date

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "doelgroepwijziging")

    @event(DoelgroepwijzigingOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        inburgeraar_id: UUID,
        doelgroep: str,
        gedetailleerde_doelgroep: str | None,
        begindatum: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.inburgeraar_id = inburgeraar_id
        self.doelgroep = doelgroep
        self.gedetailleerde_doelgroep = gedetailleerde_doelgroep
        self.begindatum = begindatum


class Examenresultaat(GemeenteAggregate):
    """One exam result fetched from DUO's Examen API after SS199, for the inburgeraar it
    belongs to. The id is the result itself: fetching it again after a later SS199 adds
    nothing."""

    class ExamenresultaatOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.EXAMENRESULTAAT_ONTVANGEN
        gemeente: str
        inburgeraar_id: UUID
        onderdeel: str  # lezen, luisteren, schrijven, spreken, knm
        examendatum: dt.date
        resultaat: str  # DUO's: Geslaagd, Gezakt, Geen
        behaald: bool
        niveau: str | None
        reden_geen_resultaat: str | None

    @staticmethod
    def create_id(
        gemeente: str, inburgeraar_id: UUID, onderdeel: str, examendatum: dt.date, **_: Any
    ) -> UUID:
        return uuid.uuid5(
            uuid.NAMESPACE_URL,
            f"duo-examenresultaat:{gemeente}:{inburgeraar_id}:{onderdeel}:{examendatum}",
        )

    @event(ExamenresultaatOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        onderdeel: str,
        examendatum: dt.date,
        resultaat: str,
        behaald: bool,
        niveau: str | None,
        reden_geen_resultaat: str | None,
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.onderdeel = onderdeel
        self.examendatum = examendatum
        self.resultaat = resultaat
        self.behaald = behaald
        self.niveau = niveau
        self.reden_geen_resultaat = reden_geen_resultaat


class Leerbaarheidstoetsresultaat(GemeenteAggregate):
    """The leerbaarheidstoets result DUO's Leerbaarheidstoets API gave after SS131, for the
    inburgeraar it belongs to; one per afname."""

    class LeerbaarheidstoetsresultaatOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.LEERBAARHEIDSTOETSRESULTAAT_ONTVANGEN
        gemeente: str
        inburgeraar_id: UUID
        resultaat: str  # DUO's: B1-route haalbaar, B1-route niet haalbaar, Onbekend
        behaalde_score: str
        benodigde_score: str
        datum_afname: dt.date

    @staticmethod
    def create_id(gemeente: str, inburgeraar_id: UUID, datum_afname: dt.date, **_: Any) -> UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"duo-lbt:{gemeente}:{inburgeraar_id}:{datum_afname}")

    @event(LeerbaarheidstoetsresultaatOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        resultaat: str,
        behaalde_score: str,
        benodigde_score: str,
        datum_afname: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.resultaat = resultaat
        self.behaalde_score = behaalde_score
        self.benodigde_score = benodigde_score
        self.datum_afname = datum_afname


class PlichtVoldaan(GemeenteAggregate):
    """What DUO's Inburgeringsplicht API said after SS106 (diploma), SS107 (gehele
    vrijstelling) or SS108 (gehele ontheffing): redenGeenInburgeringsplicht and the last
    day, and for SS108 the grond from the Ontheffing API. One per notificatie."""

    class InburgeringsplichtVoldaanOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.INBURGERINGSPLICHT_VOLDAAN_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        inburgeraar_id: UUID
        reden: str  # DUO's RedenGeenInburgeringsplicht
        datum: dt.date
        ontheffingsgrond: str | None  # DUO's OntheffingsgrondInburgering (SS108): BIO, MED

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "inburgeringsplicht-voldaan")

    @event(InburgeringsplichtVoldaanOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        inburgeraar_id: UUID,
        reden: str,
        datum: dt.date,
        ontheffingsgrond: str | None,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.inburgeraar_id = inburgeraar_id
        self.reden = reden
        self.datum = datum
        self.ontheffingsgrond = ontheffingsgrond


class DuoSignaal(GemeenteAggregate):
    """A gebeurtenis that asks the klantregisseur to act (SIGNALEN): what DUO said and what
    to do, for the inburgeraar it concerns. One per notificatie."""

    class DuoSignaalOntvangen(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.DUO_SIGNAAL_ONTVANGEN
        gemeente: str
        notificatie_id: UUID
        gebeurtenis_id: str
        inburgeraar_id: UUID
        omschrijving: str
        actie: str
        datum: dt.date

    @staticmethod
    def create_id(notificatie_id: UUID, **_: Any) -> UUID:
        return uuid.uuid5(notificatie_id, "duo-signaal")

    @event(DuoSignaalOntvangen)
    def __init__(
        self,
        *,
        gemeente: str,
        notificatie_id: UUID,
        gebeurtenis_id: str,
        inburgeraar_id: UUID,
        omschrijving: str,
        actie: str,
        datum: dt.date,
    ) -> None:
        self.gemeente = gemeente
        self.notificatie_id = notificatie_id
        self.gebeurtenis_id = gebeurtenis_id
        self.inburgeraar_id = inburgeraar_id
        self.omschrijving = omschrijving
        self.actie = actie
        self.datum = datum


class Koppeling(GemeenteAggregate):
    """Which BSN (DUO's key) belongs to which inburgeraar (the platform's), from intake's
    registration: kept under both keys, so either side finds the other. Internal: never
    published."""

    persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn"})

    class Gekoppeld(GemeenteAggregate.Created):
        intern: ClassVar[bool] = True
        persoonsgegevens: ClassVar[frozenset[str]] = frozenset({"bsn"})
        gemeente: str
        sleutel: str
        bsn: str
        inburgeraar_id: UUID
        datum_start_inburgeringsplicht: dt.date | None
        vestigingsdatum: dt.date | None
        doelgroep: str | None

    @staticmethod
    def create_id(gemeente: str, sleutel: str, **_: Any) -> UUID:
        return koppeling_id(gemeente, sleutel)

    @event(Gekoppeld)
    def __init__(
        self,
        *,
        gemeente: str,
        sleutel: str,
        bsn: str,
        inburgeraar_id: UUID,
        datum_start_inburgeringsplicht: dt.date | None,
        vestigingsdatum: dt.date | None,
        doelgroep: str | None,
    ) -> None:
        self.gemeente = gemeente
        self.sleutel = sleutel
        self.bsn = bsn
        self.inburgeraar_id = inburgeraar_id
        self.datum_start_inburgeringsplicht = datum_start_inburgeringsplicht
        self.vestigingsdatum = vestigingsdatum
        self.doelgroep = doelgroep


def koppeling_id(gemeente: str, sleutel: str) -> UUID:
    """sleutel: `bsn:<bsn>` or `inburgeraar:<id>`."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"duo-koppeling:{gemeente}:{sleutel}")


class MeldingStatus(StrEnum):
    GEMELD = "gemeld"
    MISLUKT = "mislukt"
    OPNIEUW_GEVRAAGD = "opnieuw_gevraagd"


class PIPMelding(GemeenteAggregate):
    """A vastgestelde PIP to report to DUO (PIP API) and how that went. Created with its
    first outcome in the same save, so the consumer's position moves on only with an
    outcome recorded: `PIPGemeldBijDUO`, or `PIPMeldingMislukt` as a visible signal until
    a retry (`PIPMeldingOpnieuwGevraagd`) succeeds."""

    class PIPMeldingAangemaakt(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.PIP_MELDING_AANGEMAAKT
        gemeente: str
        inburgeraar_id: UUID
        pip_id: UUID
        pip_versie: int
        dagtekening: dt.date
        leerroute: str
        niveau: str | None
        geschatte_intensiteit: int | None
        doelgroep: str | None

    class PIPGemeldBijDUO(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.PIP_GEMELD_BIJ_DUO
        bericht: dict[str, Any]  # DUO's PIP message as sent

    class PIPMeldingMislukt(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.PIP_MELDING_MISLUKT
        soort: str  # DuoOnbereikbaar, DuoFout, DuoRegelsOvertreden, BsnOnbekend
        reden: str
        poging: int

    class PIPMeldingOpnieuwGevraagd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.PIP_MELDING_OPNIEUW_GEVRAAGD
        door: str

    @staticmethod
    def create_id(pip_id: UUID, pip_versie: int, **_: Any) -> UUID:
        return uuid.uuid5(pip_id, f"duo-pip-melding:{pip_versie}")

    @event(PIPMeldingAangemaakt)
    def __init__(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        pip_id: UUID,
        pip_versie: int,
        dagtekening: dt.date,
        leerroute: str,
        niveau: str | None,
        geschatte_intensiteit: int | None,
        doelgroep: str | None,
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.pip_id = pip_id
        self.pip_versie = pip_versie
        self.dagtekening = dagtekening
        self.leerroute = leerroute
        self.niveau = niveau
        self.geschatte_intensiteit = geschatte_intensiteit
        self.doelgroep = doelgroep
        self.status: str | None = None
        self.pogingen = 0
        self.reden: str | None = None
        self.bericht: dict[str, Any] | None = None

    @event(PIPGemeldBijDUO)
    def gemeld(self, bericht: dict[str, Any]) -> None:
        self.status = MeldingStatus.GEMELD.value
        self.pogingen += 1
        self.bericht = bericht
        self.reden = None

    @event(PIPMeldingMislukt)
    def mislukt(self, soort: str, reden: str, poging: int) -> None:
        self.status = MeldingStatus.MISLUKT.value
        self.pogingen = poging
        self.reden = f"{soort}: {reden}"

    def vraag_opnieuw(self, door: str) -> None:
        rules.check_niet_gemeld(self.status == MeldingStatus.GEMELD, f"PIP-melding {self.id}")
        self._opnieuw_gevraagd(door=door)

    @event(PIPMeldingOpnieuwGevraagd)
    def _opnieuw_gevraagd(self, door: str) -> None:
        self.status = MeldingStatus.OPNIEUW_GEVRAAGD.value


class AfrondingMelding(GemeenteAggregate):
    """A MAP eindgesprek or a signed participatieverklaring (pip's MAPAfgerond,
    ParticipatieverklaringOndertekend) to report to DUO's MAP-PVT-Zroute API, and how that
    went; the same life as a PIPMelding: created with its first outcome in one save."""

    class AfrondingMeldingAangemaakt(GemeenteAggregate.Created):
        cloudevent_type: ClassVar[str] = contract.AFRONDING_MELDING_AANGEMAAKT
        gemeente: str
        inburgeraar_id: UUID
        pip_id: UUID
        onderdeel: str  # map, pvt
        datum: dt.date
        verwijtbaar: str | None  # ja, nee

    class AfrondingGemeldBijDUO(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.AFRONDING_GEMELD_BIJ_DUO
        bericht: dict[str, Any]

    class AfrondingMeldingMislukt(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.AFRONDING_MELDING_MISLUKT
        soort: str
        reden: str
        poging: int

    class AfrondingMeldingOpnieuwGevraagd(GemeenteAggregate.Event):
        cloudevent_type: ClassVar[str] = contract.AFRONDING_MELDING_OPNIEUW_GEVRAAGD
        door: str

    @staticmethod
    def create_id(bron_event_id: str, **_: Any) -> UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"duo-afronding-melding:{bron_event_id}")

    @classmethod
    def maak(cls, *, bron_event_id: str, **velden: Any) -> AfrondingMelding:
        return cls._create(
            cls.AfrondingMeldingAangemaakt, id=cls.create_id(bron_event_id), **velden
        )

    @event(AfrondingMeldingAangemaakt)
    def __init__(
        self,
        *,
        gemeente: str,
        inburgeraar_id: UUID,
        pip_id: UUID,
        onderdeel: str,
        datum: dt.date,
        verwijtbaar: str | None,
    ) -> None:
        self.gemeente = gemeente
        self.inburgeraar_id = inburgeraar_id
        self.pip_id = pip_id
        self.onderdeel = onderdeel
        self.datum = datum
        self.verwijtbaar = verwijtbaar
        self.status: str | None = None
        self.pogingen = 0
        self.reden: str | None = None
        self.bericht: dict[str, Any] | None = None

    @event(AfrondingGemeldBijDUO)
    def gemeld(self, bericht: dict[str, Any]) -> None:
        self.status = MeldingStatus.GEMELD.value
        self.pogingen += 1
        self.bericht = bericht
        self.reden = None

    @event(AfrondingMeldingMislukt)
    def mislukt(self, soort: str, reden: str, poging: int) -> None:
        self.status = MeldingStatus.MISLUKT.value
        self.pogingen = poging
        self.reden = f"{soort}: {reden}"

    def vraag_opnieuw(self, door: str) -> None:
        rules.check_niet_gemeld(self.status == MeldingStatus.GEMELD, f"Melding {self.id}")
        self._opnieuw_gevraagd(door=door)

    @event(AfrondingMeldingOpnieuwGevraagd)
    def _opnieuw_gevraagd(self, door: str) -> None:
        self.status = MeldingStatus.OPNIEUW_GEVRAAGD.value
