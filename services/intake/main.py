"""Composition root of the intake service: `uvicorn --factory services.intake.main:create_app`.
What it runs on is chosen in `bootstrap.py`."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.bootstrap import build_api
from services.intake.config import IntakeSettings


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return build_api(settings or IntakeSettings())
