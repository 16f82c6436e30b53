"""The one builder of the DUO service: its application on the configured event store, the
DUO client (DUO_BASE_URL, or the DUO simulator in-process), the BRP, the logboek of its API,
and the consumers of the chain. `main.py` (the API), `worker.py` (Kafka mode) and the
embedded platform all build through these functions."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import httpx
from eventsourcing.application import Application

from services.duo.application import Brp, DuoApplication
from services.duo.brp import BrpClient, BrpClientSettings
from services.duo.client import DuoClient, DuoClientSettings
from services.duo.config import DuoSettings
from services.duo.consumers import EigenPolicy, KoppelingPolicy, PIPMeldingPolicy
from shared.config import PlatformSettings
from shared.consumer import Consumer, DeadLetters, LoggedDeadLetters, LogSource
from shared.logboek import Logboek, SQLLogboek
from shared.runtime import BackgroundLoop, Task, choreography_consumer, relay_task

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from services.duo.brp_simulator import BrpSimulator
    from services.duo.simulator import DuoSimulator

SERVICE = "duo"
UPSTREAMS = ("intake", "pip")
SIMULATOR_BASE_URL = "http://duo-simulator/v1"
BRP_SIMULATOR_BASE_URL = "http://brp-simulator"


def client_settings(settings: DuoSettings) -> DuoClientSettings:
    """DUO_BASE_URL and the retry settings from the environment; the gemeenten's OINs are
    the same DUO_GEMEENTE_OINS as the Notificatie side (or its development default)."""
    client = DuoClientSettings()
    if client.gemeente_oins:
        return client
    oins = {code: oin for oin, code in settings.duo_gemeente_oins.items()}
    return client.model_copy(update={"gemeente_oins": oins})


def build_client(settings: DuoSettings, *, http: httpx.Client | None = None) -> DuoClient:
    """The client of DUO's APIs at DUO_BASE_URL, or over `http` (a simulator, a test)."""
    return DuoClient(client_settings(settings), http=http)


def build_brp(settings: DuoSettings, *, http: httpx.Client | None = None) -> Brp | None:
    """The client of the BRP API Personen at BRP_BASE_URL; None when it is not set."""
    brp_settings = BrpClientSettings.uit(settings)
    return None if brp_settings is None else BrpClient(brp_settings, http=http)


def build_simulated_brp(simulator: BrpSimulator) -> tuple[BrpClient, TestClient]:
    """The BRP client on the BRP simulator in-process (an httpx client on its ASGI app).
    Returns the client and the client on the simulator's app (to mount or close)."""
    from starlette.testclient import TestClient

    from services.duo.brp_simulator import create_app as create_brp_app

    http = TestClient(create_brp_app(simulator), base_url=BRP_SIMULATOR_BASE_URL)
    settings = BrpClientSettings(base_url=BRP_SIMULATOR_BASE_URL, backoff_seconden=0)
    return BrpClient(settings, http=http), http


def build_application(
    settings: DuoSettings, *, client: DuoClient | None = None, brp: Brp | None = None
) -> DuoApplication:
    """The DUO application; its client talks to DUO at DUO_BASE_URL and the BRP at
    BRP_BASE_URL (the worker uses them; request handlers never do)."""
    assert settings.duo_oin is not None
    return DuoApplication(
        env=settings.event_store_env(DuoApplication.name),
        duo_oin=settings.duo_oin,
        gemeente_oins=settings.duo_gemeente_oins,
        client=client or build_client(settings),
        brp=brp or build_brp(settings),
    )


def build_simulated_application(
    settings: DuoSettings, simulator: DuoSimulator, *, brp: Brp | None = None
) -> tuple[DuoApplication, TestClient]:
    """The DUO application wired to the DUO simulator in-process (no network: an httpx
    client on the simulator's ASGI app), with `brp` (e.g. on the BRP simulator) or else
    the DUO simulator standing in for the BRP too.
    Returns the application and the client on the simulator's app (to mount or close)."""
    # Imported here: the simulator needs openapi-core, a development dependency that a
    # deployed API or worker does not install.
    from starlette.testclient import TestClient

    from services.duo.simulator import create_app as create_simulator_app

    http = TestClient(create_simulator_app(simulator), base_url=SIMULATOR_BASE_URL)
    client = build_client(settings, http=http)
    return build_application(settings, client=client, brp=brp or simulator.brp()), http


def build_logboek(settings: PlatformSettings) -> Logboek:
    """The Logboek Dataverwerkingen of the API's requests."""
    return SQLLogboek(settings)


def build_consumers(
    settings: PlatformSettings,
    application: DuoApplication,
    *,
    intake: Application[UUID] | None = None,
    pip: Application[UUID] | None = None,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """intake's and pip's topics (Kafka) or logs (embedded); the DUO service's own log in
    both modes (it is the DUO service's own store)."""
    return [
        choreography_consumer(
            settings, application, KoppelingPolicy(application), "intake", intake, dead_letters
        ),
        choreography_consumer(
            settings, application, PIPMeldingPolicy(application), "pip", pip, dead_letters
        ),
        Consumer(
            application,
            LogSource(application),
            EigenPolicy(application),
            dead_letters or LoggedDeadLetters(),
        ),
    ]


def build_worker(settings: DuoSettings) -> tuple[DuoApplication, BackgroundLoop]:
    """Kafka mode: relay and consumers of the DUO service in one loop."""
    application = build_application(settings)
    tasks: list[Task] = [relay_task(settings, application), *build_consumers(settings, application)]
    return application, BackgroundLoop(tasks)
