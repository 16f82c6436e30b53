"""Steps of a life through the platform's HTTP APIs, for the scenario tests: register,
run the brede intake, set a PIP, and let the choreography run (`verwerk`) before reading
the read models. Each step asserts its own HTTP status, so a scenario reads as the life."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from services.duo.config import DEVELOPMENT_DUO_OIN, DEVELOPMENT_GEMEENTE_OIN
from shared.auth import Rol
from shared.clock import FrozenClock
from tests.conftest import TokenFactory

INTAKE = "/intake/api/v1"
PIP = "/pip/api/v1"
ONTZORGING = "/ontzorging/api/v1"
PROJECTIES = "/projections/api/v1"
DUO = "/duo"


def ok(response: Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


@dataclass
class Platform:
    app: FastAPI
    client: TestClient
    auth_headers: TokenFactory
    clock: FrozenClock

    def kr(self, *gemeenten: str, rol: Rol = Rol.KLANTREGISSEUR) -> dict[str, str]:
        return self.auth_headers(rol, list(gemeenten or ["GM0222"]))

    def verwerk(self) -> int:
        """Let the choreography, timers and read models catch up with everything stored."""
        return int(self.app.state.backbone.run_until_idle())

    def zet_klok(self, dag: dt.date) -> None:
        self.clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, tzinfo=dt.UTC))

    def application(self, service: str) -> Any:
        return self.app.state.services[service].state.application

    # --- intake ---------------------------------------------------------------------

    def registreer(self, gemeente: str = "GM0222", **velden: Any) -> str:
        body = {
            "gemeente": gemeente,
            "doelgroep": "asielstatushouder",
            "bsn": "111222333",
            "naam": "Amal Haddad",
            "geboortedatum": "1994-03-02",
            "datumStartInburgeringsplicht": "2025-12-01",
            "datumKennisgeving": "2025-12-01",
            **velden,
        }
        created = ok(
            self.client.post(f"{INTAKE}/inburgeraars", json=body, headers=self.kr(gemeente)),
            201,
        )
        return str(created["id"])

    def brede_intake(
        self,
        inburgeraar_id: str,
        gemeente: str = "GM0222",
        *,
        leerroute: str = "b1",
        gespreksdatum: str = "2025-12-10",
        afrondingsdatum: str = "2026-01-05",
        onderdelen: dict[str, dict[str, Any] | None] | None = None,
    ) -> None:
        """The whole brede intake, ended with IntakeAfgerond; `onderdelen` overrides parts
        (None leaves a part out)."""
        url = f"{INTAKE}/inburgeraars/{inburgeraar_id}"
        kr = self.kr(gemeente)
        gesprek = {"gespreksdatum": gespreksdatum, "klantregisseur": "kr-1"}
        ok(self.client.post(f"{url}/intakegesprekken", json=gesprek, headers=kr), 201)
        toets = {
            "resultaat": "b1_route_haalbaar" if leerroute != "z" else "b1_route_niet_haalbaar",
            "behaaldeScore": "71,20",
            "benodigdeScore": "60,00",
            "datumAfname": gespreksdatum,
        }
        delen: dict[str, dict[str, Any] | None] = {
            "leerbaarheidstoets": {"uitslag": toets},
            "opleiding-en-werkervaring": {"opleidingen": [], "werkervaring": []},
            "persoonlijke-omstandigheden": {"fysiekeGezondheid": "-", "mentaleGezondheid": "-"},
            "hoofddoel": {"hoofddoel": "werk"},
            "leerroute-advies": {"leerroute": leerroute},
            **(onderdelen or {}),
        }
        for pad, body in delen.items():
            if body is not None:
                ok(self.client.put(f"{url}/brede-intake/{pad}", json=body, headers=kr))
        afronding = {"afrondingsdatum": afrondingsdatum}
        ok(self.client.post(f"{url}/brede-intake/afronding", json=afronding, headers=kr), 201)

    # --- pip ------------------------------------------------------------------------

    def pip(self, inburgeraar_id: str, gemeente: str = "GM0222") -> dict[str, Any]:
        pips = ok(
            self.client.get(f"{PIP}/pips?inburgeraarId={inburgeraar_id}", headers=self.kr(gemeente))
        )["pips"]
        [pip] = [p for p in pips if p.get("gemeente", gemeente) == gemeente]
        return dict(pip)

    def post_pip(
        self, pip: dict[str, Any], pad: str, body: dict[str, Any], gemeente: str = "GM0222"
    ) -> Response:
        """A command on the PIP, with If-Match on the version just read."""
        headers = {**self.kr(gemeente), "If-Match": f'"{pip["versie"]}"'}
        return self.client.post(f"{PIP}/pips/{pip['id']}/{pad}", json=body, headers=headers)

    def stel_vast(
        self, inburgeraar_id: str, gemeente: str = "GM0222", **velden: Any
    ) -> dict[str, Any]:
        pip = self.pip(inburgeraar_id, gemeente)
        body = {
            "dagtekening": "2026-01-05",
            "leerroute": "b1",
            "map": True,
            "pvtIntensiteitUren": 12,
            **velden,
        }
        return dict(ok(self.post_pip(pip, "vaststellingen", body, gemeente)))

    def stap(self, inburgeraar_id: str, pad: str, body: dict[str, Any], status: int = 200) -> Any:
        """One command on the actual PIP (read for its version first), its status asserted."""
        return ok(self.post_pip(self.pip(inburgeraar_id), pad, body), status)

    def intake_participatieuren(
        self, inburgeraar_id: str, uren: int, peildatum: str, gemeente: str = "GM0222"
    ) -> Any:
        """Participation hours during the brede intake (they count for the Z-route)."""
        url = f"{INTAKE}/inburgeraars/{inburgeraar_id}/brede-intake/participatieuren"
        body = {"uren": uren, "peildatum": peildatum}
        return ok(self.client.post(url, json=body, headers=self.kr(gemeente)), 201)

    def caseloadregel(self, inburgeraar_id: str, gemeente: str = "GM0222") -> dict[str, Any]:
        regels = ok(
            self.client.get(
                f"{PROJECTIES}/gemeenten/{gemeente}/caseload", headers=self.kr(gemeente)
            )
        )["caseload"]
        [regel] = [r for r in regels if r["inburgeraarId"] == inburgeraar_id]
        return dict(regel)

    def signalen(self, inburgeraar_id: str, gemeente: str = "GM0222") -> dict[str, str]:
        """The person's open signals today: soort -> the date it is about."""
        regels = ok(
            self.client.get(
                f"{PROJECTIES}/gemeenten/{gemeente}/signalen",
                params={"inburgeraarId": inburgeraar_id},
                headers=self.kr(gemeente),
            )
        )["signalen"]
        return {r["soort"]: r["datum"] for r in regels}

    def post_intake(
        self, inburgeraar_id: str, pad: str, body: dict[str, Any], gemeente: str = "GM0222"
    ) -> Response:
        """A command on the inburgeraar in intake (`pad` below /inburgeraars/{id})."""
        url = f"{INTAKE}/inburgeraars/{inburgeraar_id}/{pad}"
        return self.client.post(url, json=body, headers=self.kr(gemeente))

    def duo_simulator(self) -> Any:
        """The DUO simulator the embedded DUO service talks to (what DUO received)."""
        [mount] = [r for r in self.app.routes if getattr(r, "path", "") == "/duo-simulator"]
        return mount.app.state.simulator  # type: ignore[attr-defined]

    def brp_simulator(self) -> Any:
        """The BRP simulator the embedded DUO service asks for naam and inschrijving."""
        [mount] = [r for r in self.app.routes if getattr(r, "path", "") == "/brp-simulator"]
        return mount.app.state.simulator  # type: ignore[attr-defined]

    def duo_notificatie(
        self, gebeurtenis_id: str, bsn: str, registratie: str, doel: str = DEVELOPMENT_GEMEENTE_OIN
    ) -> None:
        """DUO's notificatie (signaleringspatroon) to the embedded DUO service, as DUO sends
        it: `registratie` is DUO's registratieDatumTijd, `doel` the gemeente's OIN; the
        worker then fetches the facts."""
        body = {"registratieDatumTijd": registratie, "gebeurtenisId": gebeurtenis_id, "bsn": bsn}
        headers = {
            "bron": DEVELOPMENT_DUO_OIN,
            "doel": doel,
            "berichtId": str(uuid.uuid4()),
        }
        ok(self.client.post(f"{DUO}/v1/notificaties", json=body, headers=headers), 201)
