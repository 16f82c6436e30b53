"""Composition root of the ontzorging service.

Run with `uvicorn --factory services.ontzorging.main:create_app`.
"""

from __future__ import annotations

from fastapi import FastAPI

from services.ontzorging.api import router
from services.ontzorging.bootstrap import build_application, build_logboek
from services.ontzorging.config import OntzorgingSettings
from shared.api import create_api

VERSION = "1.0.0"


def create_app(settings: OntzorgingSettings | None = None) -> FastAPI:
    settings = settings or OntzorgingSettings()
    application = build_application(settings)
    return create_api(
        title="Ontzorging API",
        version=VERSION,
        description=(
            "Financieel ontzorgen van inburgeringsplichtige asielstatushouders met bijstand "
            "(art. 56a Participatiewet): zes maanden vaste lasten rechtstreeks betalen, dan "
            "budgetbeheer, budgetcoaching en afbouw naar financiële zelfredzaamheid."
        ),
        settings=settings,
        routers=[router],
        application=application,
        logboek=build_logboek(settings),
    )
