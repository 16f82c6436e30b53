"""Composition root of the DUO service's worker: the consumers that carry the chain with
DUO (intake's registrations, pip's PIPVastgesteld, and the DUO service's own notificaties and
retries) and in Kafka mode the relay that publishes the DUO service's events, all built by
`services.duo.bootstrap`.

    python -m services.duo.worker      # Kafka mode, until SIGTERM

The embedded platform (`services.embedded`) runs the same consumers in its background loop,
with LogSources on the intake and pip applications instead of Kafka."""

from __future__ import annotations

from services.duo.bootstrap import SERVICE, UPSTREAMS, build_consumers, build_worker
from services.duo.config import DuoSettings
from shared.runtime import serve

__all__ = ["build_consumers", "build_worker", "main"]


def main() -> None:
    serve(DuoSettings(platform_mode="kafka"), SERVICE, UPSTREAMS, build_worker)


if __name__ == "__main__":
    main()
