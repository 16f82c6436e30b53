"""Composition root of the ontzorging service's worker: the choreography consumer (a PIP
that decides to ontzorg starts the ontzorging), the deadline projection and the timer, and
in Kafka mode the relay, all built by `services.ontzorging.bootstrap`.

    python -m services.ontzorging.worker      # Kafka mode, until SIGTERM

The embedded platform (`services.embedded`) runs the same consumers and timers in a
background thread, with a LogSource on the PIP application instead of Kafka."""

from __future__ import annotations

from services.ontzorging.bootstrap import (
    SERVICE,
    UPSTREAM,
    build_application,
    build_consumers,
    build_timers,
    build_worker,
)
from services.ontzorging.config import OntzorgingSettings
from shared.runtime import serve

__all__ = ["build_application", "build_consumers", "build_timers", "build_worker", "main"]


def main() -> None:
    serve(OntzorgingSettings(platform_mode="kafka"), SERVICE, [UPSTREAM], build_worker)


if __name__ == "__main__":
    main()
