"""Composition root of the intake service: `uvicorn --factory services.intake.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.api import router
from services.intake.application import IntakeApplication
from services.intake.config import IntakeSettings
from shared.api import create_api

VERSION = "1.0.0"


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    assert settings.bsn_index_sleutel is not None
    application = IntakeApplication(
        env=settings.event_store_env(IntakeApplication.name),
        bsn_sleutel=settings.bsn_index_sleutel.get_secret_value(),
    )
    app = create_api(
        title="Intake",
        version=VERSION,
        description="Registratie van inburgeraars en de brede intake (art. 14 Wet inburgering "
        "2021): leerbaarheidstoets, opleiding en werkervaring, persoonlijke omstandigheden, "
        "leefgebieden, hoofddoel, leerrouteadvies en afronding.",
        settings=settings,
        routers=[router],
        application=application,
    )
    return app
