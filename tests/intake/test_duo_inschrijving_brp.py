"""Intake's DUO policy registers a person from `inburgeringsplicht-ontvangen`: v3 carries the
BRP's datumInschrijvingInGemeente, v2 and v1 (replayed) do not."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from contracts import duo as duo_contract
from services.intake.application import IntakeApplication
from services.intake.consumers import IntakeDuoPolicy
from shared.clock import FrozenClock
from shared.config import PlatformSettings

BSN = "999990020"


def _cloudevent(ce_type: str, **extra: Any) -> dict[str, Any]:
    data = {
        "gemeente": "GM0222",
        "notificatieId": str(uuid.uuid4()),
        "gebeurtenisId": "SS139",
        "bsn": BSN,
        "naam": "Fatima Zahra van den Berg",
        "geboortedatum": "1994-06-30",
        "doelgroep": "Asielstatushouder",
        "gedetailleerdeDoelgroep": "Asielstatushouder",
        "datumStartInburgeringsplicht": "2025-11-03",
        "datumKennisgeving": "2025-12-01",
        **extra,
    }
    return {"id": str(uuid.uuid4()), "type": ce_type, "gemeente": "GM0222", "data": data}


@pytest.mark.parametrize(
    ("ce_type", "extra", "vestiging", "uiterste"),
    [
        # v3: the BRP date is later than the kennisgeving, so the ten weeks run from it.
        (
            duo_contract.INBURGERINGSPLICHT_ONTVANGEN,
            {"datumInschrijvingInGemeente": "2025-12-08"},
            "2025-12-08",
            "2026-02-16",
        ),
        (
            duo_contract.INBURGERINGSPLICHT_ONTVANGEN,
            {"datumInschrijvingInGemeente": None},
            None,
            "2026-02-09",
        ),
        (duo_contract.INBURGERINGSPLICHT_ONTVANGEN_V2, {}, None, "2026-02-09"),
    ],
)
def test_a_registration_from_duo_runs_the_ten_weeks_from_the_later_brp_date(
    settings: PlatformSettings,
    clock: FrozenClock,
    ce_type: str,
    extra: dict[str, Any],
    vestiging: str | None,
    uiterste: str,
) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021: ten weeks after the kennisgeving, or after
    the BRP registration in the gemeente when that is later; older versions carry no BRP
    date and keep the ten weeks from the kennisgeving."""
    app = IntakeApplication(env=settings.event_store_env("Intake"), bsn_sleutel="k")
    IntakeDuoPolicy(app).handle(_cloudevent(ce_type, **extra))
    [inburgeraar] = app.zoek_op_bsn(BSN, gemeenten=["GM0222"])
    verwacht = None if vestiging is None else dt.date.fromisoformat(vestiging)
    assert inburgeraar["vestigingsdatum"] == verwacht
    assert inburgeraar["uiterste_datum_pip"] == dt.date.fromisoformat(uiterste)
