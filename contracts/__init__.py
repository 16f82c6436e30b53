"""The published contract of the event backbone, and the only thing services share.

- one module per producer (`contracts.intake`, `contracts.pip`, `contracts.ontzorging`,
  `contracts.duo`) and one for the regional stream (`contracts.regio`), each holding one
  constant per CloudEvent type: producers declare it on their event class, consumers and
  read models name the types they read with it;
- `schemas/<type>.json`: the JSON Schema of each type's data, as committed; readers validate
  against these files, never against a producer's classes;
- `asyncapi.json`: the topics and messages; `duo/`: DUO's own interface.

Nothing here imports the platform: it is data and names."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
SCHEMAS = ROOT / "schemas"
ASYNCAPI = ROOT / "asyncapi.json"


@functools.cache
def committed_schemas() -> dict[str, dict[str, Any]]:
    """CloudEvent type -> the committed JSON Schema of its data."""
    return {
        path.stem: json.loads(path.read_text("utf-8")) for path in sorted(SCHEMAS.glob("*.json"))
    }


def schema(ce_type: str) -> dict[str, Any] | None:
    return committed_schemas().get(ce_type)
