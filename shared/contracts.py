"""The published contract of the event backbone: a JSON Schema (draft 2020-12) of the
CloudEvent `data` of every domain event type, and an AsyncAPI 3.0 document of the topics.

The schemas are derived from the event classes themselves (their dataclass fields and type
annotations, minus eventsourcing's bookkeeping in `METADATA_FIELDS`), with the same rules as
`shared.cloudevents.event_data`: keys in camelCase, dates as `format: date` strings, UUIDs as
`format: uuid` strings, enums by value, nested dataclasses as objects. So the schema describes
exactly what a consumer receives.

The regional stream (`shared.regional`) has a schema per regional type too, derived from its
allow-list: `persoon` (the pseudonym) and `gemeente`, then each allowed field in the shape its
`Kind` allows, required and nullable as in the source type's schema.

`python -m shared.contracts` (`make contracts`) writes them to `contracts/`. It refuses to
overwrite a published schema with an incompatible one: a backward-incompatible change of an
event's data needs a new type version (`contract_version`), never an edit of v1.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import functools
import importlib
import json
import re
import sys
import types
import typing
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from eventsourcing.domain import Aggregate, CanInitAggregate, DomainEvent
from pydantic.alias_generators import to_camel

from shared import regional
from shared.cloudevents import (
    METADATA_FIELDS,
    SCHEMA_BASE,
    SPECVERSION,
    event_name,
    event_type,
    service_of,
)
from shared.crypto import VERSLEUTELD_SCHEMA

# Every service that publishes domain events on its gemeente topics (DUO: the chain service).
SERVICES = ("intake", "pip", "ontzorging", "duo")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ASYNCAPI_VERSION = "3.0.0"
# The version of the AsyncAPI document (semver). Each event type carries its own version
# in its CloudEvents type; raise the minor here when types are added.
CONTRACT_VERSION = "1.1.0"
KAFKA_BINDING_VERSION = "0.4.0"
CONTRACTS_DIR = "contracts"
SCHEMAS_DIR = "schemas"
ASYNCAPI_FILE = "asyncapi.json"
TRAIT = "cloudEventsKafkaBinary"
REGIONAL_TRAIT = "cloudEventsKafkaBinaryRegio"
REGIONAL_CHANNEL = "regio"
PSEUDONYM_PATTERN = f"^[0-9a-f]{{{regional.PSEUDONYM_HEX_DIGITS}}}$"
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


def domain_event_classes() -> list[type[DomainEvent]]:
    """Every domain event class the services publish, in definition order: the event
    classes nested in the aggregates of `services.<service>.domainmodel`. Skipped: events
    marked `intern` (intake's `BsnVerwijzing` search index) and the aggregates' own
    `Event`/`Created` base classes."""
    classes: list[type[DomainEvent]] = []
    for service in SERVICES:
        module = importlib.import_module(f"services.{service}.domainmodel")
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


def kind_schema(kind: regional.Kind) -> dict[str, Any]:
    """The JSON Schema of a value of a regional field's `Kind`, as `to_regional` checks it."""
    if kind is regional.Kind.DATE:
        return {"type": "string", "format": "date"}
    if kind is regional.Kind.BOOL:
        return {"type": "boolean"}
    if kind is regional.Kind.COUNT:
        return {"type": "integer", "minimum": 0, "maximum": regional.COUNT_MAX}
    if kind is regional.Kind.CODE:
        return {
            "type": "string",
            "pattern": regional.CODE_PATTERN,
            "maxLength": regional.CODE_MAX_LENGTH,
        }
    if kind is regional.Kind.ORGANISATION:
        return {
            "type": "string",
            "minLength": 1,
            "maxLength": regional.ORGANISATION_MAX_LENGTH,
            "not": {"pattern": _LINE_BREAKING},
        }
    raise UnsupportedAnnotation(f"no JSON Schema for the regional kind {kind!r}")


def _allows_null(schema: Mapping[str, Any]) -> bool:
    """Whether a schema as `_schema_of` makes them admits null."""
    if not schema:
        return True  # anything
    kinds = _types(schema)
    if kinds is not None:
        return "null" in kinds
    if "enum" in schema:
        return None in schema["enum"]
    return any(_allows_null(s) for s in schema.get("anyOf", []))


def regional_types() -> dict[str, str]:
    """Regional CloudEvent type -> the source type it is made of, in allow-list order."""
    return {regional.regional_type(source): source for source in regional.ALLOW_LIST}


def regional_json_schema(source_type: str, source_schema: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the data `to_regional` makes of an event of
    `source_type` (whose own schema is `source_schema`): `persoon` and `gemeente`, then each
    allowed field in the shape of its Kind. `to_regional` copies an allowed field whenever
    the source carries it and passes a null through, so a field is required and nullable
    exactly as in the source's schema."""
    fields = regional.ALLOW_LIST[source_type]
    ce_type = regional.regional_type(source_type)
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
    for name, kind in fields.items():
        key = to_camel(name)
        if key not in source_properties:
            raise ValueError(f"{source_type} has no field {key!r}; see shared.regional.ALLOW_LIST")
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
            f"{source_type}, with a pseudonym for the person."
        ),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "x-persoonsgegevens": [],
    }


def regional_schemas(event_classes: Iterable[type] | None = None) -> dict[str, dict[str, Any]]:
    """Regional type -> its JSON Schema, for every type on the regional allow-list."""
    classes = list(event_classes) if event_classes is not None else domain_event_classes()
    by_type = {event_type(c): c for c in classes}
    schemas = {}
    for ce_type, source_type in regional_types().items():
        if source_type not in by_type:
            raise ValueError(
                f"shared.regional.ALLOW_LIST names {source_type}, which no event class produces"
            )
        schemas[ce_type] = regional_json_schema(source_type, json_schema(by_type[source_type]))
    return schemas


# --- Compatibility -------------------------------------------------------------------------

# Validation keywords whose every change alters which data is valid. `type`, `format`,
# `enum`, `properties`, `required`, `additionalProperties`, `items` are compared in detail.
_CONSTRAINTS = (
    "const", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "multipleOf",
    "prefixItems", "anyOf", "oneOf", "allOf", "not", "$ref",
)  # fmt: skip


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    kinds = schema.get("type")
    if kinds is None:
        return None
    return set(kinds) if isinstance(kinds, list) else {kinds}


def _open(value: Any) -> bool:
    return value is True or value == {} or value is None


def _compare(old: Any, new: Any, path: str, out: list[str]) -> None:
    if old == new:
        return
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        out.append(f"{path}: schema changed from {old!r} to {new!r}")
        return
    old_types, new_types = _types(old), _types(new)
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


# --- AsyncAPI ------------------------------------------------------------------------------

DESCRIPTION = """\
Domain events of the inburgering platform (Wet inburgering 2021) for gemeenten and their
integrators, as CloudEvents 1.0 under the NL GOV profile, in Kafka binary content mode: the
context attributes are `ce_*` headers, the record value is the event data as JSON, the record
key is the aggregate id.

**Topics per gemeente.** Every service publishes the events of one gemeente to
`<gemeentecode in lowercase>.inburgering.<service>`, e.g. `gm0222.inburgering.pip`; the
prefix `<gemeentecode>.` fences a gemeente with prefixed ACLs. Retention is unlimited
(`retention.ms=-1`): a consumer may replay a topic from offset 0 to rebuild its read model,
so every event type ever published stays readable (older type versions keep their schema).
Records with the same key (one aggregate) are in one partition, in order; `ce_sequence`
orders the events of one source.

**Regional topics.** `regio.<regio-slug>.inburgering` (e.g. `regio.achterhoek.inburgering`)
serves an arbeidsmarktregio and carries only non-personal facts: the regional publisher
(`services.regio.worker`) translates an allow-list of the gemeenten's event types into
`nl.inburgering.regio.<event>.v1` events whose data holds `persoon` (a keyed pseudonym of the
inburgeraar, per region), `gemeente` and only the allowed fields. Their source is
`urn:nld:regio:<regio-slug>:systeem:inburgering-regio`; subject, partition key and record key
are the pseudonym; they carry no `ce_sequence`/`ce_sequencetype`. A record the publisher
refuses goes to the dead-letter topic of the gemeente topic it came from.

**Dead letters.** A consumer that cannot process a record moves it to `<topic>.dlq` (e.g.
`gm0222.inburgering.pip.dlq`) and carries on: the original key, value and headers, plus a
`dlq_reason` header and a `dlq_origin` header (`<topic>:<partition>:<offset>`).

**Versions.** `ce_type` is `nl.inburgering.<service>.<event>.v<N>` and `ce_dataschema` points
to the JSON Schema of its data. A backward-incompatible change of the data (a removed,
renamed or newly required property, a changed type or format, a narrowed enum) gets a new
type version. Adding an optional property is a compatible change: consumers must ignore
properties they do not know.

**Personal data.** Headers never carry personal data (no BSN, no name). Each schema lists in
`x-persoonsgegevens` the properties of its data that are personal data (published encrypted
per person in the form `x-versleuteld`, see shared/crypto.py; none for the regional
types)."""


def _headers_schema() -> dict[str, Any]:
    uuid_string = {"type": "string", "format": "uuid"}
    properties: dict[str, Any] = {
        "ce_specversion": {"type": "string", "const": SPECVERSION},
        "ce_id": {
            **uuid_string,
            "description": "UUIDv5 of aggregate id and version: the same on every re-send; "
            "consumers treat an equal source and id as a duplicate.",
        },
        "ce_source": {
            "type": "string",
            "pattern": r"^urn:nld:gemeente:GM[0-9]{4}:systeem:inburgering-[a-z]+$",
            "description": "The gemeente and the producing service, "
            "e.g. urn:nld:gemeente:GM0222:systeem:inburgering-pip.",
        },
        "ce_type": {
            "type": "string",
            "pattern": r"^nl\.inburgering\.[a-z]+\.[a-z0-9-]+\.v[0-9]+$",
            "description": "The event type; the message name.",
        },
        "ce_subject": {
            **uuid_string,
            "description": "The aggregate id (never a BSN).",
        },
        "ce_time": {
            "type": "string",
            "format": "date-time",
            "description": "When the event was registered (UTC). Business dates such as a "
            "dagtekening or an examendatum are in the data.",
        },
        "ce_dataschema": {
            "type": "string",
            "format": "uri",
            "description": "The $id of the JSON Schema of the data.",
        },
        "ce_sequence": {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "Position in the producing service's event log.",
        },
        "ce_sequencetype": {"type": "string", "const": "Integer"},
        "ce_partitionkey": {
            **uuid_string,
            "description": "The aggregate id; also the Kafka record key.",
        },
        "ce_gemeente": {
            "type": "string",
            "pattern": "^GM[0-9]{4}$",
            "description": "CBS code of the gemeente the event belongs to.",
        },
        "ce_traceparent": TRACEPARENT_HEADER,
        "content-type": {"type": "string", "const": "application/json"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name != "ce_traceparent"],
    }


# CloudEvents Distributed Tracing extension: the W3C trace context of the processing that
# saved the event (absent for events saved outside a request or a consumed event).
TRACEPARENT_HEADER: dict[str, Any] = {
    "type": "string",
    "pattern": "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
    "description": "W3C traceparent of the processing that saved the event (CloudEvents "
    "Distributed Tracing extension).",
}


def _regional_headers_schema() -> dict[str, Any]:
    """The headers `to_kafka` writes for a `to_regional` event: no sequence; subject and
    partition key are the pseudonym; `ce_time` only when the source event had a time."""
    pseudonym = {"type": "string", "pattern": PSEUDONYM_PATTERN}
    properties: dict[str, Any] = {
        "ce_specversion": {"type": "string", "const": SPECVERSION},
        "ce_id": {
            "type": "string",
            "format": "uuid",
            "description": "A new UUIDv5 per regional event, keyed per region: the same on "
            "every re-send of the same source event, not linkable to its id without the key.",
        },
        "ce_source": {
            "type": "string",
            "pattern": r"^urn:nld:regio:[a-z0-9]+(-[a-z0-9]+)*:systeem:inburgering-regio$",
            "description": "The region, e.g. urn:nld:regio:achterhoek:systeem:inburgering-regio.",
        },
        "ce_type": {
            "type": "string",
            "pattern": r"^nl\.inburgering\.regio\.[a-z0-9-]+\.v[0-9]+$",
            "description": "The regional event type; the message name.",
        },
        "ce_subject": {**pseudonym, "description": "The pseudonym of the person."},
        "ce_time": {
            "type": "string",
            "format": "date-time",
            "description": "When the source event was registered (UTC); present whenever "
            "the source event has a time.",
        },
        "ce_dataschema": {
            "type": "string",
            "format": "uri",
            "description": "The $id of the JSON Schema of the data.",
        },
        "ce_partitionkey": {
            **pseudonym,
            "description": "The pseudonym; also the Kafka record key, so one person's "
            "events stay in order.",
        },
        "ce_gemeente": {
            "type": "string",
            "pattern": GEMEENTECODE_PATTERN,
            "description": "CBS code of the gemeente the source event belongs to.",
        },
        "ce_traceparent": TRACEPARENT_HEADER,
        "content-type": {"type": "string", "const": "application/json"},
    }
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in ("ce_time", "ce_traceparent")],
    }


def _message(event_class: type, ce_type: str) -> dict[str, Any]:
    return {
        "name": ce_type,
        "title": event_name(event_class),
        "summary": f"{event_name(event_class)} ({service_of(event_class)})",
        "contentType": "application/json",
        "payload": {"$ref": f"#/components/schemas/{ce_type}"},
        "traits": [{"$ref": f"#/components/messageTraits/{TRAIT}"}],
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "format": "uuid",
                    "description": "partitionkey: the aggregate id (equal to ce_partitionkey "
                    "and ce_subject), so one aggregate's events stay in order.",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _regional_message(ce_type: str, schema: Mapping[str, Any], source_type: str) -> dict[str, Any]:
    return {
        "name": ce_type,
        "title": schema["title"],
        "summary": f"{schema['title']}: the non-personal facts of {source_type}",
        "contentType": "application/json",
        "payload": {"$ref": f"#/components/schemas/{ce_type}"},
        "traits": [{"$ref": f"#/components/messageTraits/{REGIONAL_TRAIT}"}],
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "pattern": PSEUDONYM_PATTERN,
                    "description": "partitionkey: the pseudonym of the person (equal to "
                    "ce_partitionkey, ce_subject and data.persoon), so one person's events "
                    "stay in order.",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def asyncapi_document(event_classes: Sequence[type] | None = None) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of the per-gemeente service topics and the regional
    topics."""
    classes = list(event_classes) if event_classes is not None else domain_event_classes()
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    by_service: dict[str, list[str]] = {service: [] for service in SERVICES}
    for event_class in classes:
        ce_type = event_type(event_class)
        schema = json_schema(event_class)
        # Embedded as an AsyncAPI Schema Object (a superset of draft-07): without the
        # draft 2020-12 dialect marker; the keywords used are the same in both drafts.
        schema.pop("$schema")
        schemas[ce_type] = schema
        messages[ce_type] = _message(event_class, ce_type)
        by_service.setdefault(service_of(event_class), []).append(ce_type)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for service, ce_types in by_service.items():
        channels[service] = {
            "address": f"{{gemeente}}.inburgering.{service}",
            "title": f"Events of the {service} service of one gemeente",
            "description": f"e.g. gm0222.inburgering.{service}; unlimited retention, replay "
            f"from offset 0; dead letters on {{gemeente}}.inburgering.{service}.dlq.",
            "parameters": {"gemeente": {"$ref": "#/components/parameters/gemeente"}},
            "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in ce_types},
            "bindings": {
                "kafka": {
                    "partitions": 3,
                    "topicConfiguration": {"cleanup.policy": ["delete"], "retention.ms": -1},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        operations[f"send{service.capitalize()}Events"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{service}"},
            "summary": f"The {service} service's relay publishes its events as CloudEvents.",
            "messages": [{"$ref": f"#/channels/{service}/messages/{t}"} for t in ce_types],
        }
    sources = regional_types()
    for ce_type, schema in regional_schemas(classes).items():
        schema.pop("$schema")
        schemas[ce_type] = schema
        messages[ce_type] = _regional_message(ce_type, schema, sources[ce_type])
    channels[REGIONAL_CHANNEL] = {
        "address": "regio.{regio}.inburgering",
        "title": "Non-personal events of one arbeidsmarktregio",
        "description": "e.g. regio.achterhoek.inburgering; unlimited retention, replay from "
        "offset 0. The person is a pseudonym per region; no personal data.",
        "parameters": {"regio": {"$ref": "#/components/parameters/regio"}},
        "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in sources},
        "bindings": {
            "kafka": {
                "partitions": 3,
                "topicConfiguration": {"cleanup.policy": ["delete"], "retention.ms": -1},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }
    operations["sendRegioEvents"] = {
        "action": "send",
        "channel": {"$ref": f"#/channels/{REGIONAL_CHANNEL}"},
        "summary": "The regional publisher publishes the allowed, pseudonymised facts of the "
        "region's gemeenten as CloudEvents.",
        "messages": [{"$ref": f"#/channels/{REGIONAL_CHANNEL}/messages/{t}"} for t in sources],
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Inburgering platform: domain events",
            "version": CONTRACT_VERSION,
            "description": DESCRIPTION,
            "license": {
                "name": "EUPL-1.2",
                "url": "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
            },
        },
        "defaultContentType": "application/json",
        "servers": {
            "production": {
                "host": "kafka-1:9092",
                "protocol": "kafka",
                "description": "A gemeente's three-broker KRaft cluster (deploy/compose.yaml); "
                "bootstrap kafka-1:9092,kafka-2:9092,kafka-3:9092.",
            },
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "Single broker of `make services-up` (deploy/scripts/kafka.sh).",
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": {
                "gemeente": {
                    "description": "CBS gemeentecode in lowercase (gm + 4 digits), "
                    "e.g. gm0222 for Doetinchem.",
                    "examples": ["gm0222", "gm0363"],
                },
                "regio": {
                    "description": "Slug of the arbeidsmarktregio: its name in lowercase, "
                    "other characters as hyphens, e.g. achterhoek, groot-amsterdam.",
                    "examples": ["achterhoek", "groot-amsterdam"],
                },
            },
            "messageTraits": {
                TRAIT: {
                    "summary": "CloudEvents 1.0 (NL GOV profile), Kafka binary content mode",
                    "contentType": "application/json",
                    "headers": _headers_schema(),
                    "externalDocs": {
                        "description": "CloudEvents Kafka protocol binding",
                        "url": "https://github.com/cloudevents/spec/blob/main/cloudevents/"
                        "bindings/kafka-protocol-binding.md",
                    },
                },
                REGIONAL_TRAIT: {
                    "summary": "CloudEvents 1.0 (NL GOV profile), Kafka binary content mode, "
                    "regional stream: no sequence, the pseudonym as subject and key",
                    "contentType": "application/json",
                    "headers": _regional_headers_schema(),
                    "externalDocs": {
                        "description": "CloudEvents Kafka protocol binding",
                        "url": "https://github.com/cloudevents/spec/blob/main/cloudevents/"
                        "bindings/kafka-protocol-binding.md",
                    },
                },
            },
        },
    }


# --- Writing -------------------------------------------------------------------------------


class IncompatibleContract(Exception):
    pass


def dumps(document: Mapping[str, Any]) -> str:
    """How a contract file is written: indented, sorted keys, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generated_schemas() -> dict[str, dict[str, Any]]:
    """CloudEvent type -> the JSON Schema of its data: every domain event type, then every
    regional type."""
    classes = domain_event_classes()
    schemas = {event_type(c): json_schema(c) for c in classes}
    schemas.update(regional_schemas(classes))
    return schemas


def committed_schemas(root: Path) -> dict[str, dict[str, Any]]:
    directory = root / CONTRACTS_DIR / SCHEMAS_DIR
    return {
        path.name.removesuffix(".json"): json.loads(path.read_text("utf-8"))
        for path in sorted(directory.glob("*.json"))
    }


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


def write_contracts(root: Path, *, allow_incompatible: bool = False) -> list[Path]:
    """Write contracts/schemas/<type>.json and contracts/asyncapi.json under `root`.
    Schemas of older type versions stay (replay from offset 0 still meets them). Raises
    IncompatibleContract, writing nothing, when a published schema would change
    incompatibly, unless `allow_incompatible`."""
    generated = generated_schemas()
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
    path.write_text(dumps(asyncapi_document()), "utf-8")
    written.append(path)
    return written


class SchemaViolation(ValueError):
    """A CloudEvent whose data does not match the schema of its type."""


@functools.cache
def _validators() -> dict[str, Any]:
    import jsonschema

    validators = {}
    for ce_type, schema in generated_schemas().items():
        cls = jsonschema.validators.validator_for(schema)
        validators[ce_type] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return validators


def _versleuteld_veld(schema: Mapping[str, Any], data: Any, error: Any) -> bool:
    """An error about a personal-data property that travels in its encrypted form."""
    if not error.path or not isinstance(data, Mapping):
        return False
    name = error.path[0]
    return name in schema.get("x-persoonsgegevens", ()) and _is_versleuteld(data.get(name))


def _is_versleuteld(value: Any) -> bool:
    import jsonschema

    return bool(jsonschema.Draft202012Validator(VERSLEUTELD_SCHEMA).is_valid(value))


def validate_cloudevent(cloudevent: Mapping[str, Any]) -> None:
    """Raise SchemaViolation naming every defect of the data. A type this code does not
    know (a newer producer) passes: its consumers ignore what they do not handle."""
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.contracts", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    parser.add_argument(
        "--allow-incompatible",
        action="store_true",
        help="overwrite published schemas even if the change is incompatible",
    )
    args = parser.parse_args(argv)
    try:
        written = write_contracts(args.root, allow_incompatible=args.allow_incompatible)
    except IncompatibleContract as e:
        print(f"Incompatible change of a published contract:\n{e}", file=sys.stderr)
        return 1
    print(f"wrote {len(written) - 1} schemas and {CONTRACTS_DIR}/{ASYNCAPI_FILE}")
    committed = committed_schemas(args.root)
    for ce_type in orphaned_types(committed, generated_schemas()):
        print(f"warning: {ce_type} is published but no event class produces it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
