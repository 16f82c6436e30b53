"""Composition root of the PIP service: `uvicorn --factory services.pip.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.pip.api import register_exception_handlers, router
from services.pip.application import PipApplication
from services.pip.config import PipSettings
from shared.api import create_api

VERSION = "1.0.0"
DESCRIPTION = (
    "Persoonlijk Plan Inburgering en Participatie (art. 15 Wet inburgering 2021): het "
    "concept, de vaststelling als beschikking met DUO's validatieregels, de tien weken, de "
    "inburgeringstermijn, voortgang, examenuitslagen, vrijstelling, ontheffing en het voldoen "
    "aan de inburgeringsplicht. Wijzigingen volgen If-Match (ETag = versie)."
)


def create_app(settings: PipSettings | None = None) -> FastAPI:
    settings = settings or PipSettings()
    application = PipApplication(env=settings.event_store_env(PipApplication.name))
    app = create_api(
        title="PIP-service",
        version=VERSION,
        description=DESCRIPTION,
        settings=settings,
        routers=[router],
        application=application,
    )
    register_exception_handlers(app)

    return app
