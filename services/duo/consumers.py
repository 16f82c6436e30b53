"""What the DUO service does with events: intake's registration tells it which BSN is which
inburgeraar; pip's PIPVastgesteld is reported to DUO; its own notificaties are completed with
what DUO's APIs hold, and a melding asked again is sent again. Translate and dispatch only.

All DUO traffic happens here, in the DUO worker's loop driven by the event stream, never in
a request handler."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.duo.application import DuoApplication
from shared.berichten import OnleesbaarBericht, vereist

INBURGERAAR_GEREGISTREERD = "nl.inburgering.intake.inburgeraar-geregistreerd.v1"
PIP_VASTGESTELD = "nl.inburgering.pip.pip-vastgesteld.v1"
AFRONDINGEN = {
    "nl.inburgering.pip.map-afgerond.v1": ("map", "datumEindgesprek"),
    "nl.inburgering.pip.participatieverklaring-ondertekend.v1": ("pvt", "datum"),
}
NOTIFICATIE_ONTVANGEN = "nl.inburgering.duo.duo-notificatie-ontvangen.v1"
MELDING_OPNIEUW_GEVRAAGD = (
    "nl.inburgering.duo.pip-melding-opnieuw-gevraagd.v1",
    "nl.inburgering.duo.afronding-melding-opnieuw-gevraagd.v1",
)


class KoppelingPolicy:
    """intake's InburgeraarGeregistreerd -> BSN <-> inburgeraar."""

    def __init__(self, application: DuoApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type == INBURGERAAR_GEREGISTREERD

    def handle(self, cloudevent: dict[str, Any]) -> None:
        vereist(cloudevent, "bsn", "datumStartInburgeringsplicht")
        data = cloudevent["data"]
        self.application.koppel(
            gemeente=cloudevent["gemeente"],
            inburgeraar_id=_uuid(cloudevent, cloudevent["subject"]),
            bsn=data["bsn"],
            datum_start_inburgeringsplicht=data["datumStartInburgeringsplicht"],
            vestigingsdatum=data.get("vestigingsdatum"),
            doelgroep=data.get("doelgroep"),
        )


class PIPMeldingPolicy:
    """pip's PIPVastgesteld -> DUO's PIP API; MAPAfgerond and
    ParticipatieverklaringOndertekend -> DUO's MAP-PVT-Zroute API; outcome recorded."""

    def __init__(self, application: DuoApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type == PIP_VASTGESTELD or ce_type in AFRONDINGEN

    def handle(self, cloudevent: dict[str, Any]) -> None:
        if cloudevent["type"] in AFRONDINGEN:
            onderdeel, datumveld = AFRONDINGEN[cloudevent["type"]]
            vereist(cloudevent, datumveld)
            self.application.meld_afronding(
                gemeente=cloudevent["gemeente"],
                pip_id=_uuid(cloudevent, cloudevent["subject"]),
                onderdeel=onderdeel,
                datum=cloudevent["data"][datumveld],
                verwijtbaar=cloudevent["data"].get("verwijtbaar"),
                bron_event_id=cloudevent["id"],
            )
            return
        vereist(cloudevent, "inburgeraarId", "pipVersie", "dagtekening", "leerroute")
        data = cloudevent["data"]
        self.application.meld_pip(
            gemeente=cloudevent["gemeente"],
            pip_id=_uuid(cloudevent, cloudevent["subject"]),
            inburgeraar_id=_uuid(cloudevent, data["inburgeraarId"]),
            data=data,
        )


class EigenPolicy:
    """The DUO service's own log: a stored notificatie -> fetch what it lacks; a melding
    asked again -> send it again."""

    def __init__(self, application: DuoApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type == NOTIFICATIE_ONTVANGEN or ce_type in MELDING_OPNIEUW_GEVRAAGD

    def handle(self, cloudevent: dict[str, Any]) -> None:
        aggregate_id = _uuid(cloudevent, cloudevent["subject"])
        if cloudevent["type"] == NOTIFICATIE_ONTVANGEN:
            self.application.haal_gegevens_op(aggregate_id, gemeente=cloudevent["gemeente"])
        else:
            self.application.meld_opnieuw(aggregate_id, gemeente=cloudevent["gemeente"])


def _uuid(cloudevent: dict[str, Any], value: Any) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as e:
        raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e}") from e
