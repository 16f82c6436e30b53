"""Composition root of the DUO service: `uvicorn --factory services.duo.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.duo.api import DUO_PREFIX, router
from services.duo.application import DuoApplication
from services.duo.bootstrap import build_application, build_logboek, client_settings
from services.duo.config import DuoSettings
from services.duo.signalen_api import router as signalen_router
from shared.api import create_api

__all__ = ["VERSION", "build_application", "client_settings", "create_app"]

# The version of DUO's Notificatie API this service implements (its API-Version header).
VERSION = "1.8.0"


def create_app(
    settings: DuoSettings | None = None, application: DuoApplication | None = None
) -> FastAPI:
    settings = settings or DuoSettings()
    application = application or build_application(settings)
    app = create_api(
        title="DUO-keten",
        version=VERSION,
        description="De keten met DUO: ontvangst van DUO's notificaties (Notificatie API "
        "1.8.0, onder DUO's eigen basispad /v1) en wat het platform ermee doet; onder "
        "/api/v1 de PIP-meldingen aan DUO en de notificaties die een mens vragen.",
        settings=settings,
        routers=[signalen_router],
        application=application,
        logboek=build_logboek(settings),
    )
    # DUO's basispad, not the platform's /api/v1: DUO calls us as its spec says.
    app.include_router(router, prefix=DUO_PREFIX)
    return app
