"""Runtime validation of a received CloudEvent's data against the committed contract of its
type (`contracts/schemas/`, read through `contracts.committed_schemas()`): what a reader
checks, without loading any producer's code."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jsonschema

import contracts


class SchemaViolation(ValueError):
    """A CloudEvent whose data does not match the schema of its type."""


@functools.cache
def _validators() -> dict[str, Any]:
    validators = {}
    for ce_type, schema in contracts.committed_schemas().items():
        cls = jsonschema.validators.validator_for(schema)
        validators[ce_type] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return validators


def _versleuteld_veld(schema: Mapping[str, Any], data: Any, error: Any) -> bool:
    """An error about a personal-data property that travels in its encrypted form (the
    schema's `x-versleuteld`)."""
    if not error.path or not isinstance(data, Mapping):
        return False
    name = error.path[0]
    if name not in schema.get("x-persoonsgegevens", ()):
        return False
    versleuteld = schema.get("x-versleuteld")
    return versleuteld is not None and _is_valid(versleuteld, data.get(name))


def _is_valid(schema: Mapping[str, Any], value: Any) -> bool:
    return bool(jsonschema.Draft202012Validator(schema).is_valid(value))


def validate_cloudevent(cloudevent: Mapping[str, Any]) -> None:
    """Raise SchemaViolation naming every defect of the data. A type without a committed
    schema (a newer producer) passes: its consumers ignore what they do not handle."""
    validator = _validators().get(str(cloudevent.get("type")))
    if validator is None:
        return
    data = cloudevent.get("data")
    errors = sorted(
        (
            e
            for e in validator.iter_errors(data)
            if not _versleuteld_veld(validator.schema, data, e)
        ),
        key=lambda e: e.json_path,
    )
    if errors:
        detail = "; ".join(f"{e.json_path}: {e.message[:200]}" for e in errors)
        raise SchemaViolation(f"{cloudevent['type']} does not match its schema: {detail}")
