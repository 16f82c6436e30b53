"""Composition root of the DUO service's worker: the consumers that carry the chain with
DUO (intake's registrations, pip's PIPVastgesteld, and the DUO service's own notificaties and
retries) and in Kafka mode the relay that publishes the DUO service's events.

    python -m services.duo.worker      # Kafka mode, until SIGTERM

The embedded platform (`services.embedded`) runs the same consumers in its background loop,
with LogSources on the intake and pip applications instead of Kafka."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application

from services.duo.application import DuoApplication
from services.duo.config import DuoSettings
from services.duo.consumers import EigenPolicy, KoppelingPolicy, PIPMeldingPolicy
from services.duo.main import build_application
from shared.config import PlatformSettings
from shared.consumer import Consumer, DeadLetters, LoggedDeadLetters, LogSource
from shared.runtime import BackgroundLoop, Task, choreography_consumer, relay_task, serve

SERVICE = "duo"
UPSTREAMS = ("intake", "pip")


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


def main() -> None:
    serve(DuoSettings(platform_mode="kafka"), SERVICE, UPSTREAMS, build_worker)


if __name__ == "__main__":
    main()
