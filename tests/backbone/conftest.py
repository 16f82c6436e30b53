from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def clients() -> Iterator[list[Any]]:
    """The Kafka clients a test makes, closed after it."""
    made: list[Any] = []
    yield made
    for client in made:
        client.close()
