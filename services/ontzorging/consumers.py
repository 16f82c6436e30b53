"""What the ontzorging service does with other services' events: a PIP beschikking that
decides to ontzorg starts the ontzorging; the end of the traject in a gemeente (moved,
obligation withdrawn, died) ends the ontzorging there. Translate and dispatch only; whether
it may start is the aggregate's rule (art. 56a Participatiewet), and a refusal becomes a dead
letter."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from uuid import UUID

from contracts import pip as pip_contract
from services.ontzorging.application import OntzorgingApplication
from services.ontzorging.rules import Doelgroep, OntzorgingBestaatAl, RedenBeeindiging
from shared.berichten import OnleesbaarBericht, vereist

log = logging.getLogger(__name__)

PIP_VASTGESTELD = frozenset({pip_contract.PIP_VASTGESTELD})
TRAJECT_BEEINDIGD = frozenset({pip_contract.TRAJECT_BEEINDIGD})

# pip's reason the traject ended -> why the ontzorging ends. Any other reason ends it too,
# as `overig` with the reason named.
REDEN_BEEINDIGING: dict[str, RedenBeeindiging] = {
    "verhuisd": RedenBeeindiging.VERHUISD_NAAR_ANDERE_GEMEENTE,
    "ingetrokken": RedenBeeindiging.INBURGERINGSPLICHT_BEEINDIGD,
    "overleden": RedenBeeindiging.OVERLEDEN,
}


class OntzorgingPolicy:
    def __init__(self, application: OntzorgingApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type in PIP_VASTGESTELD | TRAJECT_BEEINDIGD

    def handle(self, cloudevent: dict[str, Any]) -> None:
        if cloudevent["type"] in TRAJECT_BEEINDIGD:
            self._traject_beeindigd(cloudevent)
            return
        data = cloudevent["data"]
        if data.get("ontzorging") is not True:
            return
        gemeente = cloudevent["gemeente"]
        vereist(cloudevent, "inburgeraarId", "doelgroep", "dagtekening", "startdatumBijstand")
        try:
            start = {
                "gemeente": gemeente,
                "inburgeraar_id": UUID(data["inburgeraarId"]),
                "pip_id": UUID(cloudevent["subject"]),
                "doelgroep": Doelgroep(data["doelgroep"]),
                # The PIP names the start of the bijstand only for someone on bijstand.
                "ontvangt_bijstand": True,
                "verblijfsvergunning_asiel_bepaalde_tijd": bool(
                    data["verblijfsvergunningAsielBepaaldeTijd"]
                ),
                "startdatum_bijstand": dt.date.fromisoformat(data["startdatumBijstand"]),
                # The PIP is the beschikking that decides to ontzorg.
                "beschikkingsdatum": dt.date.fromisoformat(data["dagtekening"]),
                # Given later, at the ontzorging service's own endpoint.
                "betaalmachtiging_gegeven": False,
            }
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        try:
            self.application.start_ontzorging(gemeenten=[gemeente], **start)
        except OntzorgingBestaatAl:
            # A later PIP repeating the decision, or a start by hand: one ontzorging stands.
            log.info("Ontzorging of %s in %s exists already", start["inburgeraar_id"], gemeente)

    def _traject_beeindigd(self, cloudevent: dict[str, Any]) -> None:
        data = cloudevent["data"]
        vereist(cloudevent, "inburgeraarId", "reden", "datum")
        try:
            reden = str(data["reden"])
            einde = {
                "gemeente": cloudevent["gemeente"],
                "inburgeraar_id": UUID(data["inburgeraarId"]),
                "einddatum": dt.date.fromisoformat(data["datum"]),
                "reden": REDEN_BEEINDIGING.get(reden, RedenBeeindiging.OVERIG),
                "toelichting": None
                if reden in REDEN_BEEINDIGING
                else f"Traject beëindigd: {reden}"[:1000],
            }
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        if self.application.beeindig_bij_einde_traject(**einde) is None:
            log.info(
                "No running ontzorging of %s in %s", einde["inburgeraar_id"], einde["gemeente"]
            )
