"""Composition root of the projections service's query API.

    uvicorn --factory services.projections.main:create_app    # the query API
    python -m services.projections.worker                     # Kafka mode: the projectors
    python -m services.projections.rebuild <model>            # a fresh generation of one model

All three build through `services.projections.bootstrap`. The embedded platform
(`services.embedded`) passes the services' applications in (`upstreams`) and runs the
projectors in its background loop."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.application import Application
from fastapi import FastAPI

from services.projections.bootstrap import build_api, build_projections
from services.projections.config import ProjectionsSettings


def create_app(
    settings: ProjectionsSettings | None = None,
    *,
    upstreams: Mapping[str, Application[UUID]] | None = None,
) -> FastAPI:
    """The query API. `upstreams` (embedded): the services' applications whose logs the
    projectors read; without them, embedded mode opens the services' event stores."""
    settings = settings or ProjectionsSettings()
    return build_api(settings, build_projections(settings, upstreams=upstreams))
