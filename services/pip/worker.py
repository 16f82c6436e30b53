"""Composition root of the PIP service's worker: the relay that publishes the PIP's events,
the choreography consumers (IntakeAfgerond opens a concept-PIP; DUO's exam results are
registered), the deadline projection and the timer. What it runs on is chosen in
`bootstrap.py`.

    python -m services.pip.worker      # Kafka mode, until SIGTERM
"""

from __future__ import annotations

from services.pip.bootstrap import SERVICE, UPSTREAMS, build_worker
from services.pip.config import PipSettings
from shared.runtime import serve


def main() -> None:
    serve(PipSettings(platform_mode="kafka"), SERVICE, UPSTREAMS, build_worker)


if __name__ == "__main__":
    main()
