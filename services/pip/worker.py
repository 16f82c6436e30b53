"""Composition root of the PIP service's worker: the choreography consumer (IntakeAfgerond
opens a concept-PIP), the deadline projection and the timer, and in Kafka mode the relay.

    python -m services.pip.worker      # Kafka mode, until SIGTERM

The embedded platform (`services.embedded`) runs the same consumers and timers in a
background thread, with a LogSource on the intake application instead of Kafka."""

from __future__ import annotations

import functools
from uuid import UUID

from eventsourcing.application import Application

from services.pip.application import PipApplication
from services.pip.config import PipSettings
from services.pip.consumers import DuoExamenPolicy, PipPolicy
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

SERVICE = "pip"
UPSTREAM = "intake"
DUO = "duo"  # the DUO service's ExamenresultaatOntvangen


def build_application(settings: PipSettings) -> PipApplication:
    return PipApplication(env=settings.event_store_env(PipApplication.name))


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
            settings, application, PipPolicy(application), UPSTREAM, intake, dead_letters
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
        *build_duo_consumers(settings, application),
        *build_timers(settings, application),
    ]
    return application, BackgroundLoop(tasks)


def main() -> None:
    serve(PipSettings(platform_mode="kafka"), SERVICE, [UPSTREAM, DUO], build_worker)


if __name__ == "__main__":
    main()
