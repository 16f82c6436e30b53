"""Composition root of the DUO service: `uvicorn --factory services.duo.main:create_app`."""

from __future__ import annotations

from fastapi import FastAPI

from services.duo.api import DUO_PREFIX, router
from services.duo.application import Brp, DuoApplication
from services.duo.client import DuoClient, DuoClientSettings
from services.duo.config import DuoSettings
from services.duo.signalen_api import router as signalen_router
from shared.api import create_api

# The version of DUO's Notificatie API this service implements (its API-Version header).
VERSION = "1.8.0"


def client_settings(settings: DuoSettings) -> DuoClientSettings:
    """DUO_BASE_URL and the retry settings from the environment; the gemeenten's OINs are
    the same DUO_GEMEENTE_OINS as the Notificatie side (or its development default)."""
    client = DuoClientSettings()
    if client.gemeente_oins:
        return client
    oins = {code: oin for oin, code in settings.duo_gemeente_oins.items()}
    return client.model_copy(update={"gemeente_oins": oins})


def build_application(
    settings: DuoSettings, *, client: DuoClient | None = None, brp: Brp | None = None
) -> DuoApplication:
    """The DUO application; its client talks to DUO at DUO_BASE_URL (the worker uses it;
    request handlers never do)."""
    assert settings.duo_oin is not None
    return DuoApplication(
        env=settings.event_store_env(DuoApplication.name),
        duo_oin=settings.duo_oin,
        gemeente_oins=settings.duo_gemeente_oins,
        client=client or DuoClient(client_settings(settings)),
        brp=brp,
    )


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
    )
    # DUO's basispad, not the platform's /api/v1: DUO calls us as its spec says.
    app.include_router(router, prefix=DUO_PREFIX)
    return app
