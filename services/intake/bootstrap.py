"""The one builder of the intake service: here the adapters are chosen from the settings and
injected. The event store (PostgreSQL with DATABASE_URL, else SQLite; the personal-data key
store lives beside it), the Logboek Dataverwerkingen, the source of DUO's events (the DUO
service's Kafka topics, or its log in the embedded default) and the relay to Kafka.

`main.py` (the API) and `worker.py` (relay and consumers) are thin composition roots over
these functions; the roots over all services (`services/embedded.py`, the bench) call them
too:

    build_application(settings)                       the IntakeApplication on its event store
    build_logboek(settings)                           the logboek of the API's requests
    build_api(settings, application=, logboek=)       the FastAPI app (`main.create_app`)
    build_consumers(settings, application, duo=)      the consumer of DUO's events
    build_worker(settings)                            relay + consumers in a BackgroundLoop
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application
from fastapi import FastAPI

from services.intake.api import router
from services.intake.application import IntakeApplication
from services.intake.config import IntakeSettings
from services.intake.consumers import IntakeDuoPolicy, IntakeVerhuizingPolicy
from shared.api import create_api
from shared.config import PlatformSettings
from shared.consumer import Consumer, DeadLetters
from shared.logboek import Logboek, SQLLogboek
from shared.runtime import BackgroundLoop, Task, choreography_consumer, relay_task

SERVICE = "intake"
DUO = "duo"
# The services whose events the intake worker consumes (their topics must exist).
UPSTREAMS = (DUO,)
VERSION = "1.0.0"
TITLE = "Intake"
DESCRIPTION = (
    "Registratie van inburgeraars en de brede intake (art. 14 Wet inburgering 2021): "
    "leerbaarheidstoets, opleiding en werkervaring, persoonlijke omstandigheden, leefgebieden, "
    "hoofddoel, leerrouteadvies en afronding."
)


def build_application(settings: IntakeSettings) -> IntakeApplication:
    """The intake application on the event store the settings name, with the key of the
    BSN search index."""
    assert settings.bsn_index_sleutel is not None
    return IntakeApplication(
        env=settings.event_store_env(IntakeApplication.name),
        bsn_sleutel=settings.bsn_index_sleutel.get_secret_value(),
    )


def build_logboek(settings: PlatformSettings) -> Logboek:
    """The Logboek Dataverwerkingen of the API's requests."""
    return SQLLogboek(settings)


def build_api(
    settings: IntakeSettings | None = None,
    *,
    application: IntakeApplication | None = None,
    logboek: Logboek | None = None,
) -> FastAPI:
    """The intake API; by default on its own application and the platform's logboek table."""
    settings = settings or IntakeSettings()
    return create_api(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        routers=[router],
        application=application or build_application(settings),
        logboek=logboek or build_logboek(settings),
    )


def build_consumers(
    settings: PlatformSettings,
    application: IntakeApplication,
    *,
    duo: Application[UUID] | None = None,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """DUO's word that a person is inburgeringsplichtig, and DUO's leerbaarheidstoets
    results. Kafka mode: the DUO service's topics of the served gemeenten; embedded: the
    `duo` application's log."""
    return [
        choreography_consumer(
            settings, application, IntakeDuoPolicy(application), DUO, duo, dead_letters
        )
    ]


def build_eigen_consumers(
    settings: PlatformSettings,
    application: IntakeApplication,
    *,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """Its own log: a move recorded in the new gemeente closes the previous one's file."""
    return [
        choreography_consumer(
            settings,
            application,
            IntakeVerhuizingPolicy(application),
            SERVICE,
            application,
            dead_letters,
        )
    ]


def build_worker(settings: IntakeSettings) -> tuple[IntakeApplication, BackgroundLoop]:
    """Kafka mode: the relay of intake's events and the consumers, in one loop. No timers
    (the ten weeks are the PIP's)."""
    application = build_application(settings)
    tasks: list[Task] = [
        relay_task(settings, application),
        *build_consumers(settings, application),
        *build_eigen_consumers(settings, application),
    ]
    return application, BackgroundLoop(tasks)
