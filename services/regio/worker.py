"""Composition root of the regional publisher: what this deployment's gemeenten share with
their arbeidsmarktregio. It reads the served gemeenten's topics and publishes, per region,
only the allowed non-personal facts with a pseudonymous person reference
(shared/regional/) to `regio.<slug>.inburgering`.

    python -m services.regio.worker      # Kafka mode, until SIGTERM

It runs on the gemeente's side: the personal data it reads never leaves the gemeente."""

from __future__ import annotations

from services.regio.bootstrap import build_publishers, build_settings, ensure_publisher_topics
from shared.runtime import BackgroundLoop, block_stop_signals, configure_logging, run_until_sigterm


def main() -> None:
    block_stop_signals()
    configure_logging()
    settings = build_settings()
    ensure_publisher_topics(settings)
    publishers = build_publishers(settings)
    loop = BackgroundLoop(publishers)
    try:
        run_until_sigterm(loop)
    finally:
        for publisher in publishers:
            publisher.close()


if __name__ == "__main__":
    main()
