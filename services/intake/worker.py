"""Composition root of the intake service's worker: intake reacts to no other service and
has no timers of its own (the ten weeks are the PIP's), so in Kafka mode it runs the relay
that publishes its events.

    python -m services.intake.worker      # Kafka mode, until SIGTERM
"""

from __future__ import annotations

from services.intake.application import IntakeApplication
from services.intake.config import IntakeSettings
from services.runtime import BackgroundLoop, Task, relay_task, serve
from shared.config import PlatformSettings
from shared.consumer import Consumer

SERVICE = "intake"


def build_application(settings: IntakeSettings) -> IntakeApplication:
    assert settings.bsn_index_sleutel is not None
    return IntakeApplication(
        env=settings.event_store_env(IntakeApplication.name),
        bsn_sleutel=settings.bsn_index_sleutel.get_secret_value(),
    )


def build_consumers(settings: PlatformSettings, application: IntakeApplication) -> list[Consumer]:
    """None: intake is upstream of everything."""
    return []


def build_worker(settings: IntakeSettings) -> tuple[IntakeApplication, BackgroundLoop]:
    application = build_application(settings)
    tasks: list[Task] = [relay_task(settings, application)]
    return application, BackgroundLoop(tasks)


def main() -> None:
    serve(IntakeSettings(platform_mode="kafka"), SERVICE, [], build_worker)


if __name__ == "__main__":
    main()
