"""The one builder of the projections service: the store, the sources of the read models'
events (Kafka, or the services' logs) and the query API are chosen and wired here. `main.py`
(the query API), `worker.py` (Kafka mode), `rebuild.py`, the embedded platform and the bench
all build through these functions.

Embedded, the services' logs are the composition root's: `services.embedded` hands in the
applications it runs (`upstreams`); a projections process on its own opens their event
stores read-only (`UPSTREAM_LOGS`: the name of the application that writes each log, which
names its tables and this service's positions `log:<name>`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from fastapi import FastAPI

from services.projections import api, feed_api, regio_api
from services.projections.bronnen import KafkaBronnen, LogBronnen, open_logs
from services.projections.config import ProjectionsSettings
from services.projections.leesmodellen import Bronnen, Closeable, Projections
from shared.api import create_api
from shared.runtime import BackgroundLoop
from shared.sqlstore import SQLStore

STORE_NAME = "projections"
VERSION = "1.0.0"
DESCRIPTION = (
    "Leesmodellen per gemeente (caseload, signalen, CBS-monitoring), per arbeidsmarktregio en "
    "replay-feeds, bijgewerkt uit de events van intake, PIP en ontzorging. Elk antwoord zegt hoe "
    "ver het leesmodel is: `meta.positie` (per bron de verwerkte positie) en `meta.achterstand` "
    "(records die nog niet verwerkt zijn; 0 als het bij is), en hetzelfde in de headers "
    "`X-Positie` (`bron=positie, ...`) en `X-Achterstand`. Wie een eigen wijziging wil zien, "
    "wacht tot de positie van de bron de `sequence` van zijn event bereikt."
)

# service -> the application that writes its event store.
UPSTREAM_LOGS: Mapping[str, str] = {
    "intake": "IntakeApplication",
    "pip": "PipApplication",
    "ontzorging": "Ontzorging",
}


def upstream_stores(settings: ProjectionsSettings) -> dict[str, tuple[str, dict[str, str]]]:
    """service -> (application name, event-store env) of the logs the models follow."""
    return {
        service: (name, settings.event_store_env(name)) for service, name in UPSTREAM_LOGS.items()
    }


def build_projections(
    settings: ProjectionsSettings,
    *,
    upstreams: Mapping[str, Application[UUID]] | None = None,
) -> Projections:
    """Kafka mode: the topics. Embedded: `upstreams` (service -> its application, whose log
    the projectors read), or without them the services' event stores, opened here."""
    bronnen: Bronnen
    owned: list[Closeable] = []
    if settings.platform_mode == "kafka":
        bronnen = KafkaBronnen(settings, settings.kafka_lag_cache_seconds)
    else:
        if upstreams is None:
            upstreams = open_logs(upstream_stores(settings))
            owned += upstreams.values()
        bronnen = LogBronnen(settings, upstreams)
    return Projections(SQLStore(settings, STORE_NAME), bronnen, owned=owned)


def build_api(settings: ProjectionsSettings, projections: Projections) -> FastAPI:
    """The query API over `projections` (closed with the app)."""
    app = create_api(
        title="Projecties",
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        routers=[api.router, regio_api.router, feed_api.router],
        # Closed on shutdown like a service's application: create_api only calls close().
        application=cast("Application[Any]", projections),
    )
    app.state.projections = projections
    app.state.store = projections.store
    app.state.projectors = projections.standen()
    return app


def build_worker(settings: ProjectionsSettings) -> tuple[Projections, BackgroundLoop]:
    """The projectors in rounds: one per read model, each over its own source."""
    projections = build_projections(settings)
    return projections, BackgroundLoop(projections.projectors())
