"""Composition root of the intake service's worker: the relay that publishes intake's
events, and the consumer of the DUO service's InburgeringsplichtOntvangen (DUO's word that a
person is inburgeringsplichtig registers the inburgeraar). What it runs on is chosen in
`bootstrap.py`.

    python -m services.intake.worker      # Kafka mode, until SIGTERM
"""

from __future__ import annotations

from services.intake.bootstrap import SERVICE, UPSTREAMS, build_worker
from services.intake.config import IntakeSettings
from shared.runtime import serve


def main() -> None:
    serve(IntakeSettings(platform_mode="kafka"), SERVICE, UPSTREAMS, build_worker)


if __name__ == "__main__":
    main()
