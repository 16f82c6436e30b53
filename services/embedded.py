"""Composition root of `make run`: every service in one process on the embedded default
(SQLite event stores, no Kafka), with a demo gemeente seeded. A background thread runs the
choreography (consumers reading the upstream services' logs directly) and the timers.

    python -m services.embedded --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp

from services.duo import bootstrap as duo_bootstrap
from services.duo.brp_simulator import BrpInschrijving, BrpSimulator
from services.duo.config import DEVELOPMENT_DUO_OIN, DEVELOPMENT_GEMEENTE_OIN, DuoSettings
from services.duo.main import create_app as create_duo
from services.duo.simulator import DuoSimulator, Persoon
from services.intake import bootstrap as intake_bootstrap
from services.intake.config import IntakeSettings
from services.intake.main import create_app as create_intake
from services.intake.rules import AlGeregistreerd, Doelgroep
from services.ontzorging import bootstrap as ontzorging_bootstrap
from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.main import create_app as create_ontzorging
from services.pip import bootstrap as pip_bootstrap
from services.pip.config import PipSettings
from services.pip.main import create_app as create_pip
from services.projections.config import ProjectionsSettings
from services.projections.main import create_app as create_projections
from shared.auth import Rol, TokenVerifier
from shared.config import PlatformSettings
from shared.runtime import BackgroundLoop, Task

DEMO_GEMEENTE = "GM0222"  # Doetinchem, in arbeidsmarktregio Achterhoek
DEMO_BSN = "111222333"
DEMO_DUO_BSN = "999993653"  # known to the DUO simulator: post an SS139 for it

SERVICES: dict[str, Callable[[PlatformSettings], FastAPI]] = {
    "intake": lambda s: create_intake(IntakeSettings(**s.model_dump())),
    "pip": lambda s: create_pip(PipSettings(**s.model_dump())),
    "ontzorging": lambda s: create_ontzorging(OntzorgingSettings(**s.model_dump())),
}


def brp_van_duo_simulator(simulator: DuoSimulator) -> Callable[[str], BrpInschrijving | None]:
    """For the BRP simulator: a person the DUO simulator was told naam and geboortedatum
    of (tests seed them there), without a registration date."""

    def zoek(bsn: str) -> BrpInschrijving | None:
        persoon = simulator.personen.get(bsn)
        if persoon is None or persoon.naam is None or persoon.geboortedatum is None:
            return None
        return BrpInschrijving(geslachtsnaam=persoon.naam, geboortedatum=persoon.geboortedatum)

    return zoek


def create_duo_chain(settings: PlatformSettings) -> tuple[FastAPI, ASGIApp, ASGIApp]:
    """The DUO service wired to the DUO simulator and the BRP simulator in-process (no
    network: httpx clients on the simulators' ASGI apps), both knowing one demo person."""
    simulator = DuoSimulator()
    brp = BrpSimulator(bron=brp_van_duo_simulator(simulator))
    brp.ken_persoon(
        DEMO_DUO_BSN,
        BrpInschrijving(
            voornamen="Demo",
            geslachtsnaam="DUO-inburgeraar",
            geboortedatum=dt.date(1990, 1, 1),
            gemeente_van_inschrijving=DEMO_GEMEENTE,
            datum_inschrijving_in_gemeente=dt.date.today() - dt.timedelta(days=7),
        ),
    )
    simulator.ken_persoon(
        DEMO_DUO_BSN,
        Persoon(
            start_inburgeringsplicht=dt.date.today() - dt.timedelta(days=7),
            asielmigrant=True,
            naam="Demo DUO-inburgeraar",
            geboortedatum=dt.date(1990, 1, 1),
        ),
    )
    duo_settings = DuoSettings(**settings.model_dump())
    # DUO's register of who sent a PIP (PIP API, gemeentecode: the 4 digits of the CBS code).
    simulator.oin_register = {
        oin: code.removeprefix("GM") for oin, code in duo_settings.duo_gemeente_oins.items()
    }
    brp_client, brp_http = duo_bootstrap.build_simulated_brp(brp)
    application, http = duo_bootstrap.build_simulated_application(
        duo_settings, simulator, brp=brp_client
    )
    return create_duo(duo_settings, application), http.app, brp_http.app


def build_backbone(settings: PlatformSettings, apps: dict[str, FastAPI]) -> BackgroundLoop:
    """The services' consumers on LogSources of their upstream applications, their deadline
    projections and timers, and the read models' projectors over the services' logs: the
    same code paths as the Kafka-mode workers."""
    embedded = settings.model_copy(update={"platform_mode": "embedded"})
    intake, pip, ontzorging = (apps[n].state.application for n in ("intake", "pip", "ontzorging"))
    duo = apps["duo"].state.application
    tasks: list[Task] = [
        *duo_bootstrap.build_consumers(embedded, duo, intake=intake, pip=pip),
        *intake_bootstrap.build_consumers(embedded, intake, duo=duo),
        *intake_bootstrap.build_eigen_consumers(embedded, intake),
        *pip_bootstrap.build_duo_consumers(embedded, pip, duo=duo),
        *pip_bootstrap.build_consumers(embedded, pip, intake=intake),
        *pip_bootstrap.build_eigen_consumers(embedded, pip),
        *ontzorging_bootstrap.build_consumers(embedded, ontzorging, pip=pip),
        *pip_bootstrap.build_timers(embedded, pip),
        *ontzorging_bootstrap.build_timers(embedded, ontzorging),
        *apps["projections"].state.projections.projectors(),
    ]
    return BackgroundLoop(tasks)


def create_platform(settings: PlatformSettings) -> FastAPI:
    apps = {name: factory(settings) for name, factory in SERVICES.items()}
    apps["duo"], duo_simulator, brp_simulator = create_duo_chain(settings)
    # The read models: mounted at /projections, reading the three services' logs.
    apps["projections"] = create_projections(
        ProjectionsSettings(**{**settings.model_dump(), "platform_mode": "embedded"}),
        upstreams={name: apps[name].state.application for name in SERVICES},
    )
    backbone = build_backbone(settings, apps)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        backbone.start()
        try:
            yield
        finally:
            backbone.stop()
            for app in apps.values():
                app.state.application.close()

    platform = FastAPI(title="Inburgering platform (embedded)", lifespan=lifespan)

    @platform.get("/")
    def index() -> dict[str, Any]:
        return {
            "platform": "inburgering",
            "mode": settings.platform_mode,
            "services": {
                name: {
                    "api": f"/{name}/api/v1",
                    "openapi": f"/{name}/api/v1/openapi.json",
                    "docs": f"/{name}/api/v1/docs",
                }
                for name in apps
            },
        }

    for name, app in apps.items():
        platform.mount(f"/{name}", app)
    # DUO's side, for the demo: the simulator answers at /duo-simulator/v1 as DUO would.
    platform.mount("/duo-simulator", duo_simulator)
    # The BRP's side: the BRP simulator answers POST /brp-simulator/personen.
    platform.mount("/brp-simulator", brp_simulator)
    platform.state.services = apps
    platform.state.backbone = backbone
    return platform


def seed_demo(platform: FastAPI) -> None:
    """One inburgeraar in the demo gemeente, registered once."""
    intake = platform.state.services["intake"].state.application
    with contextlib.suppress(AlGeregistreerd):
        intake.registreer_inburgeraar(
            gemeente=DEMO_GEMEENTE,
            doelgroep=Doelgroep.ASIELSTATUSHOUDER,
            bsn=DEMO_BSN,
            naam="Demo Inburgeraar",
            geboortedatum=dt.date(1995, 5, 17),
            adres=None,
            datum_start_inburgeringsplicht=dt.date.today() - dt.timedelta(days=21),
            vestigingsdatum=None,
            gemeenten=[DEMO_GEMEENTE],
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    settings = PlatformSettings()
    platform = create_platform(settings)
    seed_demo(platform)
    token = TokenVerifier(settings).issue(
        "demo-klantregisseur", Rol.KLANTREGISSEUR, [DEMO_GEMEENTE], valid_for=dt.timedelta(days=1)
    )
    base = f"http://{args.host}:{args.port}"
    print(f"\nInburgering platform (embedded: SQLite in {settings.data_dir}, no Kafka)")
    for name in [*SERVICES, "projections"]:
        print(f"  {name:<11} {base}/{name}/api/v1/docs")
    print(f"  overview    {base}/")
    print(
        f"  DUO         {base}/duo/v1/notificaties (DUO's Notificatie API; a demo SS139 for "
        f"BSN {DEMO_DUO_BSN}: headers bron={DEVELOPMENT_DUO_OIN}, "
        f"doel={DEVELOPMENT_GEMEENTE_OIN}, berichtId=<uuid>)"
    )
    print(f"\nDemo gemeente {DEMO_GEMEENTE} (Doetinchem). Bearer token for a klantregisseur:")
    print(f"  {token}\n")
    uvicorn.run(platform, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
