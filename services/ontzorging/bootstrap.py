"""The one builder of the ontzorging service: its application on the configured event store,
the logboek of its API, the choreography consumer on the PIP's events, and the deadline
projection and timer. `main.py` (the API), `worker.py` (Kafka mode) and the embedded
platform all build through these functions."""

from __future__ import annotations

import functools
from uuid import UUID

from eventsourcing.application import Application

from services.ontzorging.application import OntzorgingApplication
from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.consumers import OntzorgingPolicy
from shared.config import PlatformSettings
from shared.consumer import Consumer, DeadLetters
from shared.deadlines import DeadlineProjection, Klok
from shared.logboek import Logboek, SQLLogboek
from shared.runtime import BackgroundLoop, Task, choreography_consumer, relay_task

SERVICE = "ontzorging"
UPSTREAM = "pip"


def build_application(settings: OntzorgingSettings) -> OntzorgingApplication:
    return OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name))


def build_logboek(settings: PlatformSettings) -> Logboek:
    """The Logboek Dataverwerkingen of the API's requests."""
    return SQLLogboek(settings)


def build_consumers(
    settings: PlatformSettings,
    application: OntzorgingApplication,
    *,
    pip: Application[UUID] | None = None,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """Kafka mode: the PIP topics of the served gemeenten. Embedded: the PIP log."""
    return [
        choreography_consumer(
            settings, application, OntzorgingPolicy(application), UPSTREAM, pip, dead_letters
        )
    ]


def build_timers(settings: PlatformSettings, application: OntzorgingApplication) -> list[Task]:
    """The deadline projection over the ontzorging's own log, and the Klok that signals."""
    signaleer = functools.partial(
        application.signaleer_verstreken_termijnen, gemeenten=settings.gemeenten
    )
    return [DeadlineProjection(application, application.deadlines), Klok([signaleer])]


def build_worker(settings: OntzorgingSettings) -> tuple[OntzorgingApplication, BackgroundLoop]:
    """Kafka mode: relay, consumers and timers of the ontzorging service in one loop."""
    application = build_application(settings)
    tasks: list[Task] = [
        relay_task(settings, application),
        *build_consumers(settings, application),
        *build_timers(settings, application),
    ]
    return application, BackgroundLoop(tasks)
