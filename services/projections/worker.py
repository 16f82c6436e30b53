"""The projections worker in Kafka mode: one projector per read model, each over its own
KafkaSource (the served gemeenten's topics of intake, pip and ontzorging, or the regional
topics of their regions), in rounds until SIGTERM.

    python -m services.projections.worker

Each projector stores its positions (next offset per topic-partition) in the transaction of
its rows, so a stop or a crash resumes exactly there. The embedded platform
(`services.embedded`) runs the same projectors over the services' own logs."""

from __future__ import annotations

from services.projections.bootstrap import build_worker
from services.projections.bronnen import SERVICES, KafkaBronnen
from services.projections.config import ProjectionsSettings
from shared.bus import ensure_topics
from shared.runtime import (
    block_stop_signals,
    configure_logging,
    ensure_service_topics,
    run_until_sigterm,
)


def main() -> None:
    block_stop_signals()
    configure_logging()
    settings = ProjectionsSettings(platform_mode="kafka")
    ensure_service_topics(settings, *SERVICES)
    projections, loop = build_worker(settings)
    assert isinstance(projections.bronnen, KafkaBronnen)
    ensure_topics(settings.kafka_bootstrap_servers, projections.bronnen.regio_topics())
    try:
        run_until_sigterm(loop)
    finally:
        projections.close()


if __name__ == "__main__":
    main()
