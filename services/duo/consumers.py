"""What the DUO service does with events: intake's registration tells it which BSN is which
inburgeraar; pip's PIPVastgesteld is reported to DUO; its own notificaties are completed with
what DUO's APIs hold, and a melding asked again is sent again. Translate and dispatch only.

All DUO traffic happens here, in the DUO worker's loop driven by the event stream, never in
a request handler."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from contracts import duo as duo_contract
from contracts import intake as intake_contract
from contracts import pip as pip_contract
from services.duo.application import DuoApplication
from shared.berichten import OnleesbaarBericht, vereist

# v2 of a type adds fields or dates' format only; replay from offset 0 still meets v1.
INBURGERAAR_GEREGISTREERD = frozenset(
    {
        intake_contract.INBURGERAAR_GEREGISTREERD,
        intake_contract.INBURGERAAR_GEREGISTREERD_V2,
        intake_contract.INBURGERAAR_GEREGISTREERD_V1,
    }
)
PIP_VASTGESTELD = frozenset({pip_contract.PIP_VASTGESTELD})
NIVEAU_AFGESCHAALD = frozenset(
    {pip_contract.NIVEAU_AFGESCHAALD, pip_contract.NIVEAU_AFGESCHAALD_V1}
)
AFRONDINGEN = {
    pip_contract.MAP_AFGEROND: ("map", "datumEindgesprek"),
    pip_contract.MAP_AFGEROND_V1: ("map", "datumEindgesprek"),
    pip_contract.PARTICIPATIEVERKLARING_ONDERTEKEND: ("pvt", "datum"),
    pip_contract.PARTICIPATIEVERKLARING_ONDERTEKEND_V1: ("pvt", "datum"),
}
NOTIFICATIE_ONTVANGEN = frozenset(
    {duo_contract.DUO_NOTIFICATIE_ONTVANGEN, duo_contract.DUO_NOTIFICATIE_ONTVANGEN_V1}
)
MELDING_OPNIEUW_GEVRAAGD = frozenset(
    {duo_contract.PIP_MELDING_OPNIEUW_GEVRAAGD, duo_contract.AFRONDING_MELDING_OPNIEUW_GEVRAAGD}
)


class KoppelingPolicy:
    """intake's InburgeraarGeregistreerd -> BSN <-> inburgeraar."""

    def __init__(self, application: DuoApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type in INBURGERAAR_GEREGISTREERD

    def handle(self, cloudevent: dict[str, Any]) -> None:
        vereist(cloudevent, "bsn", "datumStartInburgeringsplicht")
        data = cloudevent["data"]
        vestiging = data.get("vestigingsdatum")
        self.application.koppel(
            gemeente=cloudevent["gemeente"],
            inburgeraar_id=_uuid(cloudevent, cloudevent["subject"]),
            bsn=data["bsn"],
            datum_start_inburgeringsplicht=_datum(cloudevent, data["datumStartInburgeringsplicht"]),
            vestigingsdatum=None if vestiging is None else _datum(cloudevent, vestiging),
            doelgroep=data.get("doelgroep"),
        )


class PIPMeldingPolicy:
    """pip's PIPVastgesteld -> DUO's PIP API; MAPAfgerond and
    ParticipatieverklaringOndertekend -> DUO's MAP-PVT-Zroute API; outcome recorded."""

    def __init__(self, application: DuoApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type in PIP_VASTGESTELD or ce_type in AFRONDINGEN or ce_type in NIVEAU_AFGESCHAALD

    def handle(self, cloudevent: dict[str, Any]) -> None:
        if cloudevent["type"] in NIVEAU_AFGESCHAALD:
            vereist(cloudevent, "pipVersie", "dagtekening", "naarNiveau")
            data = cloudevent["data"]
            try:
                pip_versie = int(data["pipVersie"])
            except (TypeError, ValueError) as e:
                raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e}") from e
            self.application.meld_afschaling(
                gemeente=cloudevent["gemeente"],
                pip_id=_uuid(cloudevent, cloudevent["subject"]),
                pip_versie=pip_versie,
                dagtekening=_datum(cloudevent, data["dagtekening"]),
                niveau=data["naarNiveau"],
            )
            return
        if cloudevent["type"] in AFRONDINGEN:
            onderdeel, datumveld = AFRONDINGEN[cloudevent["type"]]
            vereist(cloudevent, datumveld)
            self.application.meld_afronding(
                gemeente=cloudevent["gemeente"],
                pip_id=_uuid(cloudevent, cloudevent["subject"]),
                onderdeel=onderdeel,
                datum=_datum(cloudevent, cloudevent["data"][datumveld]),
                verwijtbaar=cloudevent["data"].get("verwijtbaar"),
                bron_event_id=cloudevent["id"],
            )
            return
        vereist(cloudevent, "inburgeraarId", "pipVersie", "dagtekening", "leerroute")
        data = cloudevent["data"]
        try:
            pip_versie = int(data["pipVersie"])
        except (TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e}") from e
        self.application.meld_pip(
            gemeente=cloudevent["gemeente"],
            pip_id=_uuid(cloudevent, cloudevent["subject"]),
            inburgeraar_id=_uuid(cloudevent, data["inburgeraarId"]),
            pip_versie=pip_versie,
            dagtekening=_datum(cloudevent, data["dagtekening"]),
            leerroute=data["leerroute"],
            niveau=data.get("niveau"),
            geschatte_intensiteit=data.get("geschatteIntensiteit"),
            doelgroep=data.get("doelgroep"),
        )


class EigenPolicy:
    """The DUO service's own log: a stored notificatie -> fetch what it lacks; a melding
    asked again -> send it again."""

    def __init__(self, application: DuoApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type in NOTIFICATIE_ONTVANGEN or ce_type in MELDING_OPNIEUW_GEVRAAGD

    def handle(self, cloudevent: dict[str, Any]) -> None:
        aggregate_id = _uuid(cloudevent, cloudevent["subject"])
        if cloudevent["type"] in NOTIFICATIE_ONTVANGEN:
            self.application.haal_gegevens_op(aggregate_id, gemeente=cloudevent["gemeente"])
        else:
            self.application.meld_opnieuw(aggregate_id, gemeente=cloudevent["gemeente"])


def _datum(cloudevent: dict[str, Any], value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as e:
        raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e}") from e


def _uuid(cloudevent: dict[str, Any], value: Any) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as e:
        raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e}") from e
