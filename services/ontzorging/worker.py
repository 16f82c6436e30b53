"""Composition root of the ontzorging service's worker: the choreography consumer (a PIP
that decides to ontzorg starts the ontzorging), the deadline projection and the timer, and
in Kafka mode the relay.

    python -m services.ontzorging.worker      # Kafka mode, until SIGTERM

The embedded platform (`services.embedded`) runs the same consumers and timers in a
background thread, with a LogSource on the PIP application instead of Kafka."""

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
from shared.runtime import (
    BackgroundLoop,
    Task,
    choreography_consumer,
    relay_task,
    serve,
)

SERVICE = "ontzorging"
UPSTREAM = "pip"


def build_application(settings: OntzorgingSettings) -> OntzorgingApplication:
    return OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name))


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


def main() -> None:
    serve(OntzorgingSettings(platform_mode="kafka"), SERVICE, [UPSTREAM], build_worker)


if __name__ == "__main__":
    main()
