"""Composition root of the PIP service: `uvicorn --factory services.pip.main:create_app`.
What it runs on is chosen in `bootstrap.py`."""

from __future__ import annotations

from fastapi import FastAPI

from services.pip.bootstrap import build_api
from services.pip.config import PipSettings


def create_app(settings: PipSettings | None = None) -> FastAPI:
    return build_api(settings or PipSettings())
