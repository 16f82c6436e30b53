"""What the intake service does with other services' events: DUO's word that a person is
inburgeringsplichtig (the DUO service's InburgeringsplichtOntvangen, after SS101/SS128/SS139)
registers the inburgeraar; DUO's leerbaarheidstoets result
(LeerbaarheidstoetsresultaatOntvangen, after SS131) is recorded in the brede intake. Intake
reads the DUO service's contract (type and data), never its code. Translate and dispatch
only; the rules live in the aggregate."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from uuid import UUID

from contracts import duo as duo_contract
from services.intake.application import IntakeApplication
from services.intake.domainmodel import Leerbaarheidstoets, Toetsuitslag
from services.intake.rules import AlGeregistreerd, Doelgroep, ToetsResultaat
from shared.berichten import OnleesbaarBericht, vereist

log = logging.getLogger(__name__)

# DUO's LeerbaarheidstoetsResultaat -> intake's spelling of it.
TOETSRESULTAAT_VAN_DUO = {
    "B1-route haalbaar": ToetsResultaat.B1_ROUTE_HAALBAAR,
    "B1-route niet haalbaar": ToetsResultaat.B1_ROUTE_NIET_HAALBAAR,
    "Onbekend": ToetsResultaat.ONBEKEND,
}

# DUO's Doelgroepindeling (Inburgeringsplicht API) -> intake's doelgroep. DUO joins gezins-
# and overige migranten in one value; the law treats them alike (art. 2 Wi2021 groups).
DOELGROEP_VAN_DUO = {
    "Asielstatushouder": Doelgroep.ASIELSTATUSHOUDER,
    "Gezinsmigrant en overige migrant": Doelgroep.GEZINSMIGRANT,
}


class IntakeDuoPolicy:
    def __init__(self, application: IntakeApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type in (
            duo_contract.INBURGERINGSPLICHT_ONTVANGEN,
            duo_contract.LEERBAARHEIDSTOETSRESULTAAT_ONTVANGEN,
        )

    def handle(self, cloudevent: dict[str, Any]) -> None:
        if cloudevent["type"] == duo_contract.LEERBAARHEIDSTOETSRESULTAAT_ONTVANGEN:
            self._leerbaarheidstoets(cloudevent)
        else:
            self._registreer(cloudevent)

    def _leerbaarheidstoets(self, cloudevent: dict[str, Any]) -> None:
        vereist(
            cloudevent,
            "inburgeraarId",
            "resultaat",
            "behaaldeScore",
            "benodigdeScore",
            "datumAfname",
        )
        data = cloudevent["data"]
        try:
            inburgeraar_id = UUID(data["inburgeraarId"])
            uitslag = Toetsuitslag(
                TOETSRESULTAAT_VAN_DUO[data["resultaat"]],
                data["behaaldeScore"],
                data["benodigdeScore"],
                dt.date.fromisoformat(data["datumAfname"]),
            )
        except (KeyError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        self.application.leg_leerbaarheidstoets_vast(
            inburgeraar_id, Leerbaarheidstoets(uitslag), gemeenten=[cloudevent["gemeente"]]
        )

    def _registreer(self, cloudevent: dict[str, Any]) -> None:
        vereist(
            cloudevent, "bsn", "naam", "geboortedatum", "doelgroep", "datumStartInburgeringsplicht"
        )
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        try:
            doelgroep = DOELGROEP_VAN_DUO[data["doelgroep"]]
            geboortedatum = dt.date.fromisoformat(data["geboortedatum"])
            start = dt.date.fromisoformat(data["datumStartInburgeringsplicht"])
        except (KeyError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        try:
            # The consumer acts for the gemeente whose event it is, never for another.
            self.application.registreer_inburgeraar(
                gemeente=gemeente,
                doelgroep=doelgroep,
                bsn=data["bsn"],
                naam=data["naam"],
                geboortedatum=geboortedatum,
                adres=None,
                datum_start_inburgeringsplicht=start,
                vestigingsdatum=None,
                gemeenten=[gemeente],
            )
        except AlGeregistreerd as e:
            # DUO tells again (SS101 then SS139, or a resend): the person is registered once.
            log.info(
                "Inburgeraar %s already registered; DUO's notice changes nothing", e.bestaand_id
            )
