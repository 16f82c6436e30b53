"""Whether a published contract may change: a backward-incompatible change of an event's
data needs a new type version (`contract_version`), never an edit of the published one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.contracts.schemas import schema_types, type_version

# Validation keywords whose every change alters which data is valid. `type`, `format`,
# `enum`, `properties`, `required`, `additionalProperties`, `items` are compared in detail.
_CONSTRAINTS = (
    "const", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "multipleOf",
    "prefixItems", "anyOf", "oneOf", "allOf", "not", "$ref",
)  # fmt: skip


def _open(value: Any) -> bool:
    return value is True or value == {} or value is None


def _compare(old: Any, new: Any, path: str, out: list[str]) -> None:
    if old == new:
        return
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        out.append(f"{path}: schema changed from {old!r} to {new!r}")
        return
    old_types, new_types = schema_types(old), schema_types(new)
    if old_types != new_types:
        shown = [None if t is None else sorted(t) for t in (old_types, new_types)]
        out.append(f"{path}: type changed from {shown[0]} to {shown[1]}")
    if old.get("format") != new.get("format"):
        out.append(f"{path}: format changed from {old.get('format')} to {new.get('format')}")
    if "enum" in new:
        if "enum" not in old:
            out.append(f"{path}: enum added (narrowed to {new['enum']!r})")
        elif removed := [v for v in old["enum"] if v not in new["enum"]]:
            out.append(f"{path}: enum narrowed, {removed!r} no longer allowed")
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in old_props:
        if name not in new_props:
            out.append(f"{path}: property {name!r} removed")
        else:
            _compare(old_props[name], new_props[name], f"{path}.{name}", out)
    for name in new.get("required", []):
        if name not in old.get("required", []):
            out.append(f"{path}: property {name!r} is newly required")
    old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
    if new_extra is False and old_extra is not False:
        out.append(f"{path}: additionalProperties tightened to false")
    elif _open(old_extra) and not _open(new_extra):
        out.append(f"{path}: additionalProperties tightened to {new_extra!r}")
    elif isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
        _compare(old_extra, new_extra, f"{path}.*", out)
    old_items, new_items = old.get("items"), new.get("items")
    if old_items != new_items:
        if isinstance(old_items, Mapping) and isinstance(new_items, Mapping):
            _compare(old_items, new_items, f"{path}[]", out)
        else:
            out.append(f"{path}: items changed from {old_items!r} to {new_items!r}")
    for keyword in _CONSTRAINTS:
        if old.get(keyword) != new.get(keyword):
            out.append(f"{path}: {keyword} changed")


def incompatible_changes(old_schema: Mapping[str, Any], new_schema: Mapping[str, Any]) -> list[str]:
    """Why data valid under `new_schema` would break a consumer built on `old_schema`, or
    old events fail `new_schema` on replay: a removed property, a newly required property, a
    changed type or format, a narrowed enum, tightened additionalProperties, a changed
    constraint. Adding an optional property is compatible (consumers ignore unknown
    properties); so are changes of annotations (title, description, x-...)."""
    out: list[str] = []
    _compare(old_schema, new_schema, "data", out)
    return out


def compatibility_problems(
    committed: Mapping[str, Mapping[str, Any]], generated: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """For each type whose version is unchanged, what breaks its published schema."""
    problems = []
    for ce_type, schema in generated.items():
        if ce_type in committed and (changes := incompatible_changes(committed[ce_type], schema)):
            problems.append(
                f"{ce_type}: {'; '.join(changes)}. Published contracts are not changed "
                "incompatibly: bump contract_version (a new CloudEvent type)"
            )
    return problems


def orphaned_types(committed: Iterable[str], generated: Iterable[str]) -> list[str]:
    """Published types that no class produces, not even in a later version."""
    current: dict[str, int] = {}
    for ce_type in generated:
        base, version = type_version(ce_type)
        current[base] = max(version, current.get(base, 0))
    orphans = []
    for ce_type in committed:
        base, version = type_version(ce_type)
        # An older version is kept on purpose: replay from offset 0 still meets it.
        if base not in current or version > current[base]:
            orphans.append(ce_type)
    return orphans
