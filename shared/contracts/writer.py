"""Writing the contracts to `contracts/` (`make contracts`, through `services/contracten.py`):
a JSON Schema per CloudEvent type and the AsyncAPI document. It refuses to overwrite a
published schema with an incompatible one."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from shared.contracts.asyncapi import asyncapi_document
from shared.contracts.compatibility import compatibility_problems
from shared.contracts.schemas import generated_schemas

CONTRACTS_DIR = "contracts"
SCHEMAS_DIR = "schemas"
ASYNCAPI_FILE = "asyncapi.json"


class IncompatibleContract(Exception):
    pass


def dumps(document: Mapping[str, Any]) -> str:
    """How a contract file is written: indented, sorted keys, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def committed_schemas(root: Path) -> dict[str, dict[str, Any]]:
    """CloudEvent type -> the schema committed under `root` (a repository checkout)."""
    directory = root / CONTRACTS_DIR / SCHEMAS_DIR
    return {
        path.name.removesuffix(".json"): json.loads(path.read_text("utf-8"))
        for path in sorted(directory.glob("*.json"))
    }


def write_contracts(
    root: Path, event_classes: Iterable[type], *, allow_incompatible: bool = False
) -> list[Path]:
    """Write contracts/schemas/<type>.json and contracts/asyncapi.json under `root` for
    `event_classes`. Schemas of older type versions stay (replay from offset 0 still meets
    them). Raises IncompatibleContract, writing nothing, when a published schema would
    change incompatibly, unless `allow_incompatible`."""
    classes = list(event_classes)
    generated = generated_schemas(classes)
    directory = root / CONTRACTS_DIR / SCHEMAS_DIR
    if not allow_incompatible and (
        problems := compatibility_problems(committed_schemas(root), generated)
    ):
        raise IncompatibleContract("\n".join(problems))
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for ce_type, schema in generated.items():
        path = directory / f"{ce_type}.json"
        path.write_text(dumps(schema), "utf-8")
        written.append(path)
    path = root / CONTRACTS_DIR / ASYNCAPI_FILE
    path.write_text(dumps(asyncapi_document(classes)), "utf-8")
    written.append(path)
    return written
