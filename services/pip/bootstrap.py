"""The one builder of the PIP service: here the adapters are chosen from the settings and
injected. The event store (PostgreSQL with DATABASE_URL, else SQLite; the personal-data key
store and the deadline index live beside it), the Logboek Dataverwerkingen, the sources of
intake's and DUO's events (their Kafka topics, or their logs in the embedded default), the
relay to Kafka, and the timer on the process clock.

`main.py` (the API) and `worker.py` (relay, consumers, timer) are thin composition roots
over these functions; the roots over all services (`services/embedded.py`, the bench) call
them too:

    build_application(settings)                        the PipApplication on its event store
    build_logboek(settings)                            the logboek of the API's requests
    build_api(settings, application=, logboek=)        the FastAPI app (`main.create_app`)
    build_consumers(settings, application, intake=)    IntakeAfgerond opens a concept-PIP
    build_duo_consumers(settings, application, duo=)   DUO's exam results are registered
    build_timers(settings, application)                deadline projection + Klok
    build_worker(settings)                             all of it with the relay, in one loop
"""

from __future__ import annotations

import functools
from uuid import UUID

from eventsourcing.application import Application
from fastapi import FastAPI

from services.pip.api import register_exception_handlers, router
from services.pip.application import PipApplication
from services.pip.config import PipSettings
from services.pip.consumers import DuoExamenPolicy, PipOvernamePolicy, PipPolicy
from shared.api import create_api
from shared.config import PlatformSettings
from shared.consumer import Consumer, DeadLetters
from shared.deadlines import DeadlineProjection, Klok
from shared.logboek import Logboek, SQLLogboek
from shared.runtime import BackgroundLoop, Task, choreography_consumer, relay_task

SERVICE = "pip"
INTAKE = "intake"
DUO = "duo"  # the DUO service's ExamenresultaatOntvangen
# The services whose events the PIP worker consumes (their topics must exist).
UPSTREAMS = (INTAKE, DUO)
VERSION = "1.0.0"
TITLE = "PIP-service"
DESCRIPTION = (
    "Persoonlijk Plan Inburgering en Participatie (art. 15 Wet inburgering 2021): het "
    "concept, de vaststelling als beschikking met DUO's validatieregels, de tien weken, de "
    "inburgeringstermijn, voortgang, examenuitslagen, vrijstelling, ontheffing en het voldoen "
    "aan de inburgeringsplicht. Wijzigingen volgen If-Match (ETag = versie)."
)


def build_application(settings: PipSettings) -> PipApplication:
    """The PIP application on the event store the settings name, with its deadline index."""
    return PipApplication(env=settings.event_store_env(PipApplication.name))


def build_logboek(settings: PlatformSettings) -> Logboek:
    """The Logboek Dataverwerkingen of the API's requests."""
    return SQLLogboek(settings)


def build_api(
    settings: PipSettings | None = None,
    *,
    application: PipApplication | None = None,
    logboek: Logboek | None = None,
) -> FastAPI:
    """The PIP API; by default on its own application and the platform's logboek table."""
    settings = settings or PipSettings()
    app = create_api(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        routers=[router],
        application=application or build_application(settings),
        logboek=logboek or build_logboek(settings),
    )
    register_exception_handlers(app)
    return app


def build_consumers(
    settings: PlatformSettings,
    application: PipApplication,
    *,
    intake: Application[UUID] | None = None,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """Kafka mode: the intake topics of the served gemeenten. Embedded: the intake log."""
    return [
        choreography_consumer(
            settings, application, PipPolicy(application), INTAKE, intake, dead_letters
        )
    ]


def build_eigen_consumers(
    settings: PlatformSettings,
    application: PipApplication,
    *,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """Its own log: a traject handed over by one gemeente is taken over by the next."""
    return [
        choreography_consumer(
            settings,
            application,
            PipOvernamePolicy(application),
            SERVICE,
            application,
            dead_letters,
        )
    ]


def build_duo_consumers(
    settings: PlatformSettings,
    application: PipApplication,
    *,
    duo: Application[UUID] | None = None,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """DUO's exam results: Kafka mode the DUO service's topics, embedded its log."""
    return [
        choreography_consumer(
            settings, application, DuoExamenPolicy(application), DUO, duo, dead_letters
        )
    ]


def build_timers(settings: PlatformSettings, application: PipApplication) -> list[Task]:
    """The deadline projection over the PIP's own log, and the Klok that signals."""
    signaleer = functools.partial(
        application.signaleer_verstreken_termijnen, gemeenten=settings.gemeenten
    )
    return [DeadlineProjection(application, application.deadlines), Klok([signaleer])]


def build_worker(settings: PipSettings) -> tuple[PipApplication, BackgroundLoop]:
    """Kafka mode: relay, consumers and timers of the PIP service in one loop."""
    application = build_application(settings)
    tasks: list[Task] = [
        relay_task(settings, application),
        *build_consumers(settings, application),
        *build_eigen_consumers(settings, application),
        *build_duo_consumers(settings, application),
        *build_timers(settings, application),
    ]
    return application, BackgroundLoop(tasks)
