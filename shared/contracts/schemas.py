"""The JSON Schema (draft 2020-12) of the CloudEvent `data` of every published event type,
derived from the event classes themselves (their dataclass fields and type annotations,
minus eventsourcing's bookkeeping in `METADATA_FIELDS`), with the same rules as
`shared.cloudevents.event_data`: keys in camelCase, dates as `format: date` strings, UUIDs as
`format: uuid` strings, enums by value, nested dataclasses as objects. So the schema describes
exactly what a consumer receives.

The regional stream has a schema per regional type too, derived from its allow-list
(`shared.regional.allowlist`): `persoon` (the pseudonym) and `gemeente`, then each allowed
field in the shape its `Kind` allows, required and nullable as in the source type's schema.

The event classes are arguments: which services publish is the composition's business
(`services/contracten.py`), never looked up from here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import types
import typing
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from eventsourcing.domain import Aggregate, CanInitAggregate, DomainEvent
from pydantic.alias_generators import to_camel

from shared.cloudevents import METADATA_FIELDS, SCHEMA_BASE, event_name, event_type, service_of
from shared.crypto import VERSLEUTELD_SCHEMA
from shared.regional import allowlist
from shared.regional.allowlist import Kind
from shared.regional.pseudonym import PSEUDONYM_HEX_DIGITS

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PSEUDONYM_PATTERN = f"^[0-9a-f]{{{PSEUDONYM_HEX_DIGITS}}}$"
GEMEENTECODE_PATTERN = "^GM[0-9]{4}$"
TYPE_VERSION = re.compile(r"^(?P<base>.+)\.v(?P<version>[0-9]+)$")


# --- Which classes are published ----------------------------------------------------------


def _aggregates(module: types.ModuleType) -> list[type[Aggregate]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Aggregate)
        and value.__module__ == module.__name__
    ]


def _is_published(aggregate: type, event_class: type) -> bool:
    if getattr(event_class, "intern", False):
        return False  # internal bookkeeping (a search index, say) never leaves the service
    if event_class is getattr(aggregate, "Event", None):
        return False  # the aggregate's base event class, never triggered itself
    if event_class is getattr(aggregate, "Created", None):
        # The library's base "created" class; published only if the aggregate uses it.
        others = [
            c
            for c in vars(aggregate).values()
            if isinstance(c, type) and issubclass(c, CanInitAggregate) and c is not event_class
        ]
        return not others
    return True


def published_event_classes(modules: Iterable[types.ModuleType]) -> list[type[DomainEvent]]:
    """The domain event classes that `modules` (services' domain models) publish, in
    definition order: the event classes nested in their aggregates. Skipped: events marked
    `intern` (intake's `BsnVerwijzing` search index) and the aggregates' own
    `Event`/`Created` base classes."""
    classes: list[type[DomainEvent]] = []
    for module in modules:
        for aggregate in _aggregates(module):
            for value in vars(aggregate).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, DomainEvent)
                    and _is_published(aggregate, value)
                ):
                    classes.append(value)
    return classes


# --- JSON Schema of the data --------------------------------------------------------------


class UnsupportedAnnotation(TypeError):
    pass


def schema_types(schema: Mapping[str, Any]) -> set[str] | None:
    """The JSON types a schema names in `type`, None when it names none."""
    kinds = schema.get("type")
    if kinds is None:
        return None
    return set(kinds) if isinstance(kinds, list) else {kinds}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if not schema:
        return schema  # anything, null included
    result = dict(schema)
    if "enum" in result and None not in result["enum"]:
        result["enum"] = [*result["enum"], None]
    if "type" in result:
        kinds = result["type"] if isinstance(result["type"], list) else [result["type"]]
        if "null" not in kinds:
            result["type"] = [*kinds, "null"]
        return result
    if "anyOf" in result:
        result["anyOf"] = [*result["anyOf"], {"type": "null"}]
        return result
    return {"anyOf": [schema, {"type": "null"}]}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    raise UnsupportedAnnotation(f"enum value {value!r} has no JSON type")


def _enum(values: Sequence[Any]) -> dict[str, Any]:
    plain = [v.value if isinstance(v, enum.Enum) else v for v in values]
    kinds = sorted({_json_type(v) for v in plain})
    return {"type": kinds[0] if len(kinds) == 1 else kinds, "enum": plain}


def _object(
    fields: Iterable[tuple[str, Any, bool]], where: str, seen: tuple[type, ...]
) -> dict[str, Any]:
    """(name, annotation, required) -> a closed object schema with camelCase keys."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, annotation, is_required in fields:
        key = to_camel(name)
        properties[key] = _schema_of(annotation, f"{where}.{key}", seen)
        if is_required:
            required.append(key)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


def _dataclass_schema(cls: type, where: str, seen: tuple[type, ...]) -> dict[str, Any]:
    if cls in seen:
        raise UnsupportedAnnotation(f"{where}: {cls.__qualname__} refers to itself")
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = [
        (f.name, hints[f.name], not _has_default(f)) for f in dataclasses.fields(cls) if f.init
    ]
    return {"title": cls.__name__, **_object(fields, where, (*seen, cls))}


def _schema_of(annotation: Any, where: str, seen: tuple[type, ...] = ()) -> dict[str, Any]:
    """The JSON Schema of what `shared.cloudevents.jsonable` makes of a value of this type."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        # Annotated[str, {"format": "date"}]: a dict in the metadata refines the schema.
        schema = _schema_of(args[0], where, seen)
        for extra in annotation.__metadata__:
            if isinstance(extra, Mapping):
                schema = {**schema, **extra}
        return schema
    if annotation is typing.Any or annotation is object:
        return {}
    if annotation is None or annotation is type(None):
        return {"type": "null"}
    if origin is typing.Union or origin is types.UnionType:
        members = [a for a in args if a is not type(None)]
        inner = (
            _schema_of(members[0], where, seen)
            if len(members) == 1
            else {"anyOf": [_schema_of(m, where, seen) for m in members]}
        )
        return _nullable(inner) if len(members) < len(args) else inner
    if origin is typing.Literal:
        return _enum(args)
    if isinstance(annotation, type) and origin is None:
        if issubclass(annotation, enum.Enum):
            return _enum(list(annotation))
        if issubclass(annotation, bool):
            return {"type": "boolean"}
        if issubclass(annotation, int):
            return {"type": "integer"}
        if issubclass(annotation, float):
            return {"type": "number"}
        if issubclass(annotation, str):
            return {"type": "string"}
        if issubclass(annotation, dt.datetime):
            return {"type": "string", "format": "date-time"}
        if issubclass(annotation, dt.date):
            return {"type": "string", "format": "date"}
        if issubclass(annotation, uuid.UUID):
            return {"type": "string", "format": "uuid"}
        if issubclass(annotation, Decimal):
            return {"type": "string"}
        if dataclasses.is_dataclass(annotation):
            return _dataclass_schema(annotation, where, seen)
    container = origin if origin is not None else annotation
    if isinstance(container, type) and issubclass(container, Mapping):
        schema = {"type": "object"}
        if len(args) == 2 and _schema_of(args[1], where, seen):
            schema["additionalProperties"] = _schema_of(args[1], f"{where}.*", seen)
        return schema
    if container is tuple and args and args[-1] is not Ellipsis:
        return {
            "type": "array",
            "prefixItems": [_schema_of(a, f"{where}[{i}]", seen) for i, a in enumerate(args)],
            "items": False,
        }
    if isinstance(container, type) and issubclass(container, list | tuple | set | frozenset):
        schema = {"type": "array"}
        if args and _schema_of(args[0], where, seen):
            schema["items"] = _schema_of(args[0], f"{where}[]", seen)
        return schema
    if container in (Sequence, Iterable, typing.Sequence):
        schema = {"type": "array"}
        if args:
            schema["items"] = _schema_of(args[0], f"{where}[]", seen)
        return schema
    raise UnsupportedAnnotation(
        f"{where}: no JSON Schema for the annotation {annotation!r}; use str, int, float, "
        "bool, date, datetime, UUID, Decimal, an Enum, a dataclass, list, dict or Optional"
    )


def data_fields(event_class: type) -> list[tuple[str, Any, bool]]:
    """(name, annotation, required) of the fields that travel in the CloudEvent data."""
    hints = typing.get_type_hints(event_class, include_extras=True)
    return [
        (f.name, hints[f.name], not _has_default(f))
        for f in dataclasses.fields(event_class)
        if f.name not in METADATA_FIELDS
    ]


def json_schema(event_class: type) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `event_data()` of an event of this class."""
    ce_type = event_type(event_class)
    fields = data_fields(event_class)
    names = {name for name, _, _ in fields}
    personal = set(getattr(event_class, "persoonsgegevens", frozenset()))
    if unknown := personal - names:
        raise ValueError(
            f"{event_class.__qualname__}.persoonsgegevens names fields it does not have: "
            f"{sorted(unknown)}"
        )
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id(ce_type),
        "title": event_name(event_class),
        "description": (
            f"The CloudEvent data of type {ce_type}, "
            f"published by the {service_of(event_class)} service."
        ),
    }
    schema.update(_object(fields, ce_type, ()))
    schema["x-persoonsgegevens"] = sorted(to_camel(name) for name in personal)
    if personal:
        # Crypto-shredding (shared/crypto.py): the properties above are the plaintext's shape.
        schema["x-versleuteld"] = VERSLEUTELD_SCHEMA
    return schema


def schema_id(ce_type: str) -> str:
    return f"{SCHEMA_BASE}/{ce_type}.json"


def type_version(ce_type: str) -> tuple[str, int]:
    """nl.inburgering.pip.pip-vastgesteld.v2 -> ("nl.inburgering.pip.pip-vastgesteld", 2)"""
    match = TYPE_VERSION.match(ce_type)
    if not match:
        raise ValueError(f"{ce_type!r} does not end with .v<version>")
    return match["base"], int(match["version"])


# --- JSON Schema of the regional data ------------------------------------------------------

# A C0 or C1 control character, or a line or paragraph separator: what `str.isprintable()`
# refuses among the characters that break a line or a CSV. As `not: {pattern}` rather than an
# anchored pattern, because `$` in Python's `re` (and so in the jsonschema package) also
# matches before a trailing newline.
_LINE_BREAKING = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"


def kind_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of a value of a regional field's `Kind`, as `to_regional` checks it."""
    if kind is Kind.DATE:
        return {"type": "string", "format": "date"}
    if kind is Kind.BOOL:
        return {"type": "boolean"}
    if kind is Kind.COUNT:
        return {"type": "integer", "minimum": 0, "maximum": allowlist.COUNT_MAX}
    if kind is Kind.CODE:
        return {
            "type": "string",
            "pattern": allowlist.CODE_PATTERN,
            "maxLength": allowlist.CODE_MAX_LENGTH,
        }
    if kind is Kind.ORGANISATION:
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": allowlist.ORGANISATION_MAX_LENGTH,
            "not": {"pattern": _LINE_BREAKING},
        }
    raise UnsupportedAnnotation(f"no JSON Schema for the regional kind {kind!r}")


def _allows_null(schema: Mapping[str, Any]) -> bool:
    """Whether a schema as `_schema_of` makes them admits null."""
    if not schema:
        return True  # anything
    kinds = schema_types(schema)
    if kinds is not None:
        return "null" in kinds
    if "enum" in schema:
        return None in schema["enum"]
    return any(_allows_null(s) for s in schema.get("anyOf", []))


def regional_types() -> dict[str, str]:
    """Regional CloudEvent type -> the source type producers publish now, in allow-list
    order. (The source's older versions map to the same regional type.)"""
    return {a.regional_type: a.current_source for a in allowlist.ALLOWED}


def regional_json_schema(
    allowed: allowlist.Allowed, source_schema: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the data `to_regional` makes of an event of the
    allowed source type (whose current schema is `source_schema`): `persoon` and
    `gemeente`, then each allowed field in the shape of its Kind. `to_regional` copies an
    allowed field whenever the source carries it and passes a null through, so a field is
    required and nullable exactly as in the source's schema."""
    source_type = allowed.current_source
    ce_type = allowed.regional_type
    properties: dict[str, Any] = {
        "persoon": {
            "type": "string",
            "pattern": PSEUDONYM_PATTERN,
            "description": "Pseudonym of the inburgeraar: the same for one person across "
            "the events of one region, different per region; keyed and one-way.",
        },
        "gemeente": {
            "type": "string",
            "pattern": GEMEENTECODE_PATTERN,
            "description": "CBS code of the gemeente the event comes from.",
        },
    }
    required = ["persoon", "gemeente"]
    source_properties = source_schema.get("properties", {})
    for name, kind in allowed.fields.items():
        key = to_camel(name)
        if key not in source_properties:
            raise ValueError(
                f"{source_type} has no field {key!r}; see shared.regional.allowlist.ALLOWED"
            )
        schema = kind_schema(kind)
        properties[key] = _nullable(schema) if _allows_null(source_properties[key]) else schema
        if key in source_schema.get("required", []):
            required.append(key)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": schema_id(ce_type),
        "title": f"{source_schema.get('title', source_type)} (regio)",
        "description": (
            f"The CloudEvent data of type {ce_type} on the regional topics "
            "regio.<regio>.inburgering: the non-personal facts of "
            f"{' and '.join(allowed.sources)}, with a pseudonym for the person."
        ),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "x-persoonsgegevens": [],
    }


def regional_schemas(event_classes: Iterable[type]) -> dict[str, dict[str, Any]]:
    """Regional type -> its JSON Schema, for every type on the regional allow-list, from the
    schemas of the current source types among `event_classes`."""
    by_type = {event_type(c): c for c in event_classes}
    schemas = {}
    for allowed in allowlist.ALLOWED:
        if allowed.current_source not in by_type:
            raise ValueError(
                f"shared.regional.allowlist.ALLOWED names {allowed.current_source}, which no "
                "event class produces"
            )
        source_schema = json_schema(by_type[allowed.current_source])
        schemas[allowed.regional_type] = regional_json_schema(allowed, source_schema)
    return schemas


def generated_schemas(event_classes: Iterable[type]) -> dict[str, dict[str, Any]]:
    """CloudEvent type -> the JSON Schema of its data: every type of `event_classes`, then
    every regional type."""
    classes = list(event_classes)
    schemas = {event_type(c): json_schema(c) for c in classes}
    schemas.update(regional_schemas(classes))
    return schemas
