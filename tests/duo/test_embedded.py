"""`make run` (services/embedded.py) has the DUO service and the DUO simulator in-process,
wired together: a demo SS139 posted to DUO's Notificatie API flows through to intake's
registration, as the printed instructions say. Source: issue 6 (simulator used by make run)."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from services.duo.config import DEVELOPMENT_DUO_OIN, DEVELOPMENT_GEMEENTE_OIN
from services.embedded import DEMO_DUO_BSN, DEMO_GEMEENTE, create_platform
from shared.config import PlatformSettings


def test_een_demo_ss139_stroomt_door_tot_de_registratie(settings: PlatformSettings) -> None:
    platform = create_platform(settings)
    with TestClient(platform) as http:
        response = http.post(
            "/duo/v1/notificaties",
            json={
                "registratieDatumTijd": "2026-01-05T10:00:00+01:00",
                "gebeurtenisId": "SS139",
                "bsn": DEMO_DUO_BSN,
            },
            headers={
                "bron": DEVELOPMENT_DUO_OIN,
                "doel": DEVELOPMENT_GEMEENTE_OIN,
                "berichtId": str(uuid.uuid4()),
            },
        )
        assert response.status_code == 201, response.text
        assert platform.state.backbone.wait_until_idle(timeout=60)

        intake = platform.state.services["intake"].state.application
        [inburgeraar] = intake.zoek_op_bsn(DEMO_DUO_BSN, gemeenten=[DEMO_GEMEENTE])
        assert inburgeraar["naam"] == "Demo DUO-inburgeraar"
        assert http.get("/").json()["services"]["duo"]["api"] == "/duo/api/v1"
