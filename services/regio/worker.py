"""Composition root of the regional publisher: what this deployment's gemeenten share with
their arbeidsmarktregio. It reads the served gemeenten's topics and publishes, per region,
only the allowed non-personal facts with a pseudonymous person reference
(shared/regional.py) to `regio.<slug>.inburgering`.

    python -m services.regio.worker      # Kafka mode, until SIGTERM

It runs on the gemeente's side: the personal data it reads never leaves the gemeente."""

from __future__ import annotations

from shared.bus import ensure_topics
from shared.config import PlatformSettings
from shared.regional import RegionalPublisher, regions_from_settings
from shared.runtime import (
    BackgroundLoop,
    block_stop_signals,
    configure_logging,
    ensure_service_topics,
    run_until_sigterm,
)
from shared.topics import regio_topic

SERVICES = ("intake", "pip", "ontzorging")


def build_publishers(settings: PlatformSettings) -> list[RegionalPublisher]:
    """One publisher per region that holds a served gemeente."""
    regions = regions_from_settings(settings)
    served = {regions.regio_van(g) for g in settings.gemeenten} - {None}
    return [
        RegionalPublisher.from_settings(settings, regio, regions, served_only=True)
        for regio in sorted(r for r in served if r is not None)
    ]


def main() -> None:
    block_stop_signals()
    configure_logging()
    settings = PlatformSettings(platform_mode="kafka")
    ensure_service_topics(settings, *SERVICES)
    publishers = build_publishers(settings)
    ensure_topics(settings.kafka_bootstrap_servers, [regio_topic(p.regio) for p in publishers])
    loop = BackgroundLoop(publishers)
    try:
        run_until_sigterm(loop)
    finally:
        for publisher in publishers:
            publisher.close()


if __name__ == "__main__":
    main()
