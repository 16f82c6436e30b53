"""Composition root of the DUO service: `uvicorn --factory services.duo.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.duo.api import DUO_PREFIX, router
from services.duo.application import DuoApplication
from services.duo.config import DuoSettings
from shared.api import create_api

# The version of DUO's Notificatie API this service implements (its API-Version header).
VERSION = "1.8.0"


def create_app(settings: DuoSettings | None = None) -> FastAPI:
    settings = settings or DuoSettings()
    assert settings.duo_oin is not None
    application = DuoApplication(
        env=settings.event_store_env(DuoApplication.name),
        duo_oin=settings.duo_oin,
        gemeente_oins=settings.duo_gemeente_oins,
    )
    app = create_api(
        title="DUO-keten",
        version=VERSION,
        description="De keten met DUO: ontvangst van DUO's notificaties (Notificatie API "
        "1.8.0, onder DUO's eigen basispad /v1) en wat het platform ermee doet.",
        settings=settings,
        routers=[],
        application=application,
    )
    # DUO's basispad, not the platform's /api/v1: DUO calls us as its spec says.
    app.include_router(router, prefix=DUO_PREFIX)
    return app
