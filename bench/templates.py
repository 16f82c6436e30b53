"""One complete life of an inburgeraar through intake, PIP and ontzorging, as the CloudEvents
the services publish: the templates the national history is stamped from."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SERVICES = ("intake", "pip", "ontzorging")
HOURS_REPEAT, PAYMENTS_REPEAT = 24, 6
_TOKEN = re.compile(
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|GM0222|"
    r"[0-9]{4}-[0-9]{2}-[0-9]{2})"
)


def warm_validators(validate: Callable[[dict[str, Any]], None]) -> None:
    """Compile the contract validators outside the clock."""
    for template in templates().events:
        validate(template.cloudevent)


@dataclass
class Template:
    service: str
    cloudevent: dict[str, Any]
    parts: list[str]  # the JSON text split at ids, the gemeente code and dates


@dataclass
class Life:
    events: list[Template]
    ids: tuple[str, str, str]  # inburgeraar, pip, ontzorging of the scenario
    base: dt.date  # the scenario's registration day


_cached: Life | None = None


def templates() -> Life:
    global _cached
    if _cached is not None:
        return _cached
    from bench.scenario import INTAKE_START, make_apps, run_scenario
    from shared.eventlog import ServiceLog

    with tempfile.TemporaryDirectory() as tmp:
        apps = make_apps(Path(tmp))
        try:
            scenario = run_scenario(apps, "GM0222")
            logs = {}
            for service, app in zip(SERVICES, apps.all(), strict=True):
                log = ServiceLog(app)
                logs[service] = [ce for _, ce in log.read(0, log.head()) if ce is not None]
        finally:
            for app in apps.all():
                app.close()

    def template(service: str, ce: dict[str, Any]) -> Template:
        return Template(service, ce, _TOKEN.split(json.dumps(ce)))

    def kind(ce: dict[str, Any]) -> str:
        return str(ce["type"]).split(".")[3]

    life: list[Template] = [template("intake", ce) for ce in logs["intake"]]
    for ce in logs["pip"]:
        repeat = HOURS_REPEAT // 2 if kind(ce) == "cursusuren-geregistreerd" else 1
        life += [template("pip", ce)] * repeat
        if kind(ce) == "pip-vastgesteld":
            for oce in logs["ontzorging"]:
                repeat = PAYMENTS_REPEAT if kind(oce) == "vaste-lasten-betaald" else 1
                life += [template("ontzorging", oce)] * repeat
    ids = (str(scenario.inburgeraar_id), str(scenario.pip_id), str(scenario.ontzorging_id))
    _cached = Life(life, ids, INTAKE_START)
    return _cached
