"""The one builder of the regio service: the settings of its worker, and per region the
publisher with its Kafka consumer and producer, positions, person links and pseudonym key.
`worker.py` and the benchmarks build through these functions."""

from __future__ import annotations

from services.regio.publisher import RegionalPublisher
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.config import PlatformSettings
from shared.consumer import KafkaDeadLetters
from shared.positions import position_store
from shared.regional import SERVICES, link_store, pseudonym_key
from shared.regions import Regions, regions_from_settings
from shared.runtime import ensure_service_topics
from shared.topics import regio_topic


def build_settings() -> PlatformSettings:
    """The publisher runs in Kafka mode only: it reads and writes topics."""
    return PlatformSettings(platform_mode="kafka")


def build_publisher(
    settings: PlatformSettings,
    regio: str,
    regions: Regions | None = None,
    *,
    served_only: bool = False,
) -> RegionalPublisher:
    """The publisher of one region; `served_only`: only the gemeenten this deployment serves
    (`GEMEENTEN`), else every gemeente of the region."""
    servers = settings.kafka_bootstrap_servers
    producer = make_producer(servers)
    return RegionalPublisher(
        regions or regions_from_settings(settings),
        regio,
        make_consumer(servers),
        producer,
        position_store(settings),
        link_store(settings),
        pseudonym_key(settings),
        KafkaDeadLetters(producer),
        gemeenten=settings.gemeenten if served_only else None,
    )


def served_regions(settings: PlatformSettings, regions: Regions) -> list[str]:
    """The regions that hold a gemeente this deployment serves."""
    served = {regions.regio_van(g) for g in settings.gemeenten}
    return sorted(r for r in served if r is not None)


def build_publishers(settings: PlatformSettings) -> list[RegionalPublisher]:
    """One publisher per region that holds a served gemeente."""
    regions = regions_from_settings(settings)
    return [
        build_publisher(settings, regio, regions, served_only=True)
        for regio in served_regions(settings, regions)
    ]


def ensure_publisher_topics(settings: PlatformSettings) -> None:
    """Before the publishers subscribe: the served gemeenten's topics they read (with their
    dead letters) and the regional topics they write."""
    ensure_service_topics(settings, *SERVICES)
    regions = regions_from_settings(settings)
    ensure_topics(
        settings.kafka_bootstrap_servers,
        [regio_topic(regio) for regio in served_regions(settings, regions)],
    )
