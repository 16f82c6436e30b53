"""What the PIP service does with other services' events: a finished brede intake opens a
concept-PIP with the advised leerroute; an exam result DUO reported (the DUO service's
ExamenresultaatOntvangen, after SS199) is registered on the traject. Translate and dispatch
only; the rules live in the aggregate."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from uuid import UUID

from contracts import duo as duo_contract
from contracts import intake as intake_contract
from services.pip.application import PipApplication
from services.pip.domainmodel import traject_id
from services.pip.rules import Doelgroep, Examenonderdeel, Leerroute, Niveau, TrajectBestaatAl
from shared.berichten import OnleesbaarBericht, vereist

log = logging.getLogger(__name__)


class PipPolicy:
    def __init__(self, application: PipApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type == intake_contract.INTAKE_AFGEROND

    def handle(self, cloudevent: dict[str, Any]) -> None:
        data = cloudevent["data"]
        gemeente = cloudevent["gemeente"]
        vereist(
            cloudevent,
            "inburgeraarId",
            "gemeente",
            "doelgroep",
            "datumStartInburgeringsplicht",
            "leerroute",
        )
        try:
            concept = {
                "gemeente": data["gemeente"],
                "inburgeraar_id": UUID(data["inburgeraarId"]),
                "doelgroep": Doelgroep(data["doelgroep"]),
                "datum_start_inburgeringsplicht": dt.date.fromisoformat(
                    data["datumStartInburgeringsplicht"]
                ),
                "vestigingsdatum": _datum(data.get("vestigingsdatum")),
                "geadviseerde_leerroute": Leerroute(data["leerroute"]),
            }
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        try:
            # The consumer acts for the gemeente whose event it is, never for another.
            self.application.stel_concept_op(gemeenten=[gemeente], **concept)
        except TrajectBestaatAl:
            # A klantregisseur drafted (or even set) this PIP by hand before the intake
            # ended: theirs stands; the advice is in the intake for them to read.
            wie = concept["inburgeraar_id"], concept["gemeente"]
            log.info("PIP for %s in %s exists; IntakeAfgerond changes nothing", *wie)


def _datum(iso: str | None) -> dt.date | None:
    return None if iso is None else dt.date.fromisoformat(iso)


class DuoExamenPolicy:
    """DUO's exam result -> ontvang_examenuitslag; the traject then emits TaalniveauBehaald
    (or KNMBehaald) when complete. A result DUO could not determine ("Geen": absent, fraud)
    is no uitslag: it stays in the DUO service."""

    def __init__(self, application: PipApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type == duo_contract.EXAMENRESULTAAT_ONTVANGEN

    def handle(self, cloudevent: dict[str, Any]) -> None:
        vereist(cloudevent, "inburgeraarId", "onderdeel", "examendatum", "resultaat")
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        if data["resultaat"] not in ("Geslaagd", "Gezakt"):
            log.info("Examenresultaat %s without result: nothing to register", cloudevent["id"])
            return
        try:
            pip_id = traject_id(gemeente, UUID(data["inburgeraarId"]))
            onderdeel = Examenonderdeel(data["onderdeel"])
            examendatum = dt.date.fromisoformat(data["examendatum"])
            niveau = Niveau(data["niveau"]) if data.get("niveau") else None
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        self.application.ontvang_examenuitslag(
            pip_id,
            gemeenten=[gemeente],
            onderdeel=onderdeel,
            examendatum=examendatum,
            behaald=data["resultaat"] == "Geslaagd",
            niveau=niveau,
        )
