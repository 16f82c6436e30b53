"""Every business date in every published contract says it is a date: a reader can rely on
`format: date` (or `date-time`) instead of guessing from a field's name."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from contracts import committed_schemas

DATE_NAME = re.compile(r"(datum|dagtekening|date|vanaf|(?<=[a-z])Op|^peil)", re.IGNORECASE)
DATE_FORMATS = {"date", "date-time"}


def properties(schema: Mapping[str, Any], path: str) -> Iterator[tuple[str, str, Any]]:
    """(path, name, subschema) of every named property, nested objects and arrays included."""
    for name, sub in schema.get("properties", {}).items():
        yield f"{path}.{name}", name, sub
        yield from properties(sub, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), Mapping):
            yield from properties(schema[key], f"{path}[]")
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from properties(sub, path)
    for name, sub in schema.get("$defs", {}).items():
        yield from properties(sub, f"$defs.{name}")


def formats(schema: Mapping[str, Any]) -> set[str]:
    found = {schema["format"]} if "format" in schema else set()
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key, []):
            found |= formats(sub)
    if isinstance(schema.get("items"), Mapping):
        found |= formats(schema["items"])
    return found


def is_string(schema: Mapping[str, Any]) -> bool:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    nested = [is_string(s) for k in ("anyOf", "oneOf") for s in schema.get(k, [])]
    items = schema.get("items")
    return "string" in kinds or any(nested) or (isinstance(items, Mapping) and is_string(items))


def undated(schemas: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [
        f"{ce_type}: {path}"
        for ce_type, schema in schemas.items()
        for path, name, sub in properties(schema, "")
        if DATE_NAME.search(name)
        and is_string(sub)
        and not formats(sub) & DATE_FORMATS
        and "enum" not in sub
    ]


def current(schemas: Mapping[str, Any]) -> dict[str, Any]:
    """The newest version of each type: an older one stays published as it was, and its
    successor (with an upcaster for the stored events) is what producers send now."""
    newest: dict[str, tuple[int, str]] = {}
    for ce_type in schemas:
        base, version = ce_type.rsplit(".v", 1)
        newest[base] = max(newest.get(base, (0, "")), (int(version), ce_type))
    return {ce_type: schemas[ce_type] for _, ce_type in newest.values()}


def test_every_date_named_field_of_every_current_contract_is_typed_as_a_date() -> None:
    schemas = current(committed_schemas())
    assert len(schemas) > 50
    assert undated(schemas) == []


def test_only_the_newest_version_of_a_type_counts_as_current() -> None:
    schemas = {"a.v1": {}, "a.v2": {}, "b.v1": {}}
    assert set(current(schemas)) == {"a.v2", "b.v1"}


def test_the_walk_finds_a_bare_date_string_wherever_it_is_nested() -> None:
    schema = {
        "type": "object",
        "properties": {
            "dagtekening": {"type": "string"},
            "examens": {
                "type": "array",
                "items": {"type": "object", "properties": {"examendatum": {"type": "string"}}},
            },
            "ontvangenOp": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
            "naam": {"type": "string"},
        },
    }
    assert undated({"t": schema}) == ["t: .dagtekening", "t: .examens[].examendatum"]
