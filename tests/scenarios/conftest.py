"""Fixtures for the lives walked end to end: the embedded platform in this process, its
backbone driven by the test (`run_until_idle`), never a sleep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.embedded import create_platform
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from tests.conftest import TokenFactory
from tests.scenarios.leven import Platform


@pytest.fixture
def embedded(settings: PlatformSettings, clock: FrozenClock) -> Iterator[FastAPI]:
    """The embedded platform without its lifespan: the test drives the backbone itself."""
    made = create_platform(settings)
    yield made
    for app in made.state.services.values():
        app.state.application.close()


@pytest.fixture
def leven(embedded: FastAPI, auth_headers: TokenFactory, clock: FrozenClock) -> Platform:
    return Platform(embedded, TestClient(embedded), auth_headers, clock)
