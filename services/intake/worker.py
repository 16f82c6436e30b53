"""Composition root of the intake service's worker: the relay that publishes intake's
events, and the consumer of the DUO service's InburgeringsplichtOntvangen (DUO's word that a
person is inburgeringsplichtig registers the inburgeraar). No timers (the ten weeks are the
PIP's).

    python -m services.intake.worker      # Kafka mode, until SIGTERM
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application

from services.intake.application import IntakeApplication
from services.intake.config import IntakeSettings
from services.intake.consumers import IntakeDuoPolicy
from shared.config import PlatformSettings
from shared.consumer import Consumer, DeadLetters
from shared.runtime import BackgroundLoop, Task, choreography_consumer, relay_task, serve

SERVICE = "intake"
DUO = "duo"


def build_application(settings: IntakeSettings) -> IntakeApplication:
    assert settings.bsn_index_sleutel is not None
    return IntakeApplication(
        env=settings.event_store_env(IntakeApplication.name),
        bsn_sleutel=settings.bsn_index_sleutel.get_secret_value(),
    )


def build_consumers(
    settings: PlatformSettings,
    application: IntakeApplication,
    *,
    duo: Application[UUID] | None = None,
    dead_letters: DeadLetters | None = None,
) -> list[Consumer]:
    """Kafka mode: the DUO service's topics of the served gemeenten. Embedded: its log."""
    return [
        choreography_consumer(
            settings, application, IntakeDuoPolicy(application), DUO, duo, dead_letters
        )
    ]


def build_worker(settings: IntakeSettings) -> tuple[IntakeApplication, BackgroundLoop]:
    application = build_application(settings)
    tasks: list[Task] = [relay_task(settings, application), *build_consumers(settings, application)]
    return application, BackgroundLoop(tasks)


def main() -> None:
    serve(IntakeSettings(platform_mode="kafka"), SERVICE, [DUO], build_worker)


if __name__ == "__main__":
    main()
