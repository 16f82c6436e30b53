"""Domain events as CloudEvents 1.0 under the NL GOV profile.

`type`   nl.inburgering.<service>.<event-in-kebab-case>.v<contract_version>
`id`     stable per event: a UUIDv5 of aggregate id and version, the same on every re-send
`source` urn:nld:gemeente:<CBS code>:systeem:inburgering-<service>
`time`   the registration time; business dates (dagtekening, examendatum) are in `data`
`sequence` the position in the source service's notification log

Context attributes never carry personal data; `data` is the event's own fields in camelCase.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from eventsourcing.domain import DomainEvent
from pydantic.alias_generators import to_camel

SPECVERSION = "1.0"
NAMESPACE = uuid.UUID("6f1c1a52-64a5-4c59-9d3b-2f0a8e0c7a11")
TYPE_PREFIX = "nl.inburgering"
SCHEMA_BASE = "https://inburgering.example/contracts/schemas"
# eventsourcing's own bookkeeping; the envelope carries it as id, time and subject, and the
# W3C trace context as the Distributed Tracing extension attribute `traceparent`.
METADATA_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "traceparent"}
)


def service_of(event_class: type) -> str:
    """services.<service>.domainmodel -> <service>."""
    parts = event_class.__module__.split(".")
    if len(parts) < 2 or parts[0] != "services":
        raise ValueError(f"{event_class.__qualname__} is not a service's domain event")
    return parts[1]


def service_of_type(ce_type: str) -> str:
    """nl.inburgering.<service>.<event>.v<n> -> <service>."""
    parts = ce_type.split(".")
    if len(parts) != 5 or ".".join(parts[:2]) != TYPE_PREFIX:
        raise ValueError(f"{ce_type!r} is not an inburgering event type")
    return parts[2]


def kebab(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name)
    return spaced.lower()


def event_name(event_class: type) -> str:
    return event_class.__qualname__.rsplit(".", 1)[-1]


def event_type(event_class: type) -> str:
    """The published type. Its version is the event class's `contract_version`: bumped for a
    backward-incompatible change of the data only. The class's `class_version` is the shape
    in the event store, which upcasters bring forward, and may grow without a new type.
    A published event class names its type with a constant of the `contracts` package
    (`cloudevent_type`); the tests hold that constant to this derivation."""
    for cls in event_class.__mro__:
        # eventsourcing's @event redefines the declared class under the same name.
        declared = vars(cls).get("cloudevent_type")
        if cls.__qualname__ == event_class.__qualname__ and isinstance(declared, str):
            return declared
    version = getattr(event_class, "contract_version", 1)
    return f"{TYPE_PREFIX}.{service_of(event_class)}.{kebab(event_name(event_class))}.v{version}"


def event_id(originator_id: uuid.UUID, originator_version: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{originator_id}:{originator_version}"))


def source_of(gemeente: str, service: str) -> str:
    return f"urn:nld:gemeente:{gemeente}:systeem:inburgering-{service}"


def jsonable(value: Any) -> Any:
    """Plain JSON values: dates ISO 8601, UUIDs as strings, enums by value, keys camelCase."""
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.init}
        )
    if isinstance(value, Mapping):
        return {to_camel(str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def event_data(event: DomainEvent) -> dict[str, Any]:
    fields = {k: v for k, v in vars(event).items() if k not in METADATA_FIELDS}
    data = jsonable(fields)
    assert isinstance(data, dict)
    return data


def to_cloudevent(event: DomainEvent, *, gemeente: str, sequence: int) -> dict[str, Any]:
    """The structured (JSON) form; `to_kafka()` gives the binary-mode form."""
    service = service_of(type(event))
    ce_type = event_type(type(event))
    tracing = {"traceparent": tp} if (tp := getattr(event, "traceparent", None)) else {}
    return {
        "specversion": SPECVERSION,
        "id": event_id(event.originator_id, event.originator_version),
        "source": source_of(gemeente, service),
        "type": ce_type,
        "subject": str(event.originator_id),
        "time": jsonable(event.timestamp),
        "datacontenttype": "application/json",
        "dataschema": f"{SCHEMA_BASE}/{ce_type}.json",
        "sequence": str(sequence),
        "sequencetype": "Integer",
        "partitionkey": str(event.originator_id),
        "gemeente": gemeente,
        **tracing,
        "data": event_data(event),
    }


CONTEXT_ATTRIBUTES = (
    "specversion", "id", "source", "type", "subject", "time", "dataschema",
    "sequence", "sequencetype", "partitionkey", "gemeente", "traceparent",
)  # fmt: skip
REQUIRED_ATTRIBUTES = ("specversion", "id", "source", "type")


class InvalidCloudEvent(ValueError):
    pass


def to_kafka(cloudevent: Mapping[str, Any]) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Kafka binary content mode: (key, value, headers)."""
    headers = [
        (f"ce_{name}", str(cloudevent[name]).encode())
        for name in CONTEXT_ATTRIBUTES
        if cloudevent.get(name) is not None
    ]
    headers.append(("content-type", cloudevent["datacontenttype"].encode()))
    value = json.dumps(cloudevent["data"], separators=(",", ":"), sort_keys=True).encode()
    return str(cloudevent["partitionkey"]).encode(), value, headers


def from_kafka(
    key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
) -> dict[str, Any]:
    """Read a binary-mode record back into a CloudEvent; InvalidCloudEvent names the defect."""
    attributes: dict[str, Any] = {}
    content_type = None
    for name, raw in headers or []:
        try:
            text = raw.decode()
        except (UnicodeDecodeError, AttributeError) as e:
            raise InvalidCloudEvent(f"header {name!r} is not UTF-8") from e
        if name == "content-type":
            content_type = text
        elif name.startswith("ce_"):
            attributes[name[3:]] = text
    missing = [a for a in REQUIRED_ATTRIBUTES if a not in attributes]
    if missing:
        raise InvalidCloudEvent(f"missing CloudEvents attributes: {', '.join(missing)}")
    if attributes["specversion"] != SPECVERSION:
        raise InvalidCloudEvent(f"unsupported specversion {attributes['specversion']!r}")
    if content_type != "application/json":
        raise InvalidCloudEvent(f"content-type must be application/json, got {content_type!r}")
    try:
        data = json.loads(value or b"")
    except ValueError as e:
        raise InvalidCloudEvent(f"data is not JSON: {e}") from e
    if not isinstance(data, dict):
        raise InvalidCloudEvent("data must be a JSON object")
    attributes["datacontenttype"] = content_type
    attributes["data"] = data
    if key is not None and "partitionkey" not in attributes:
        attributes["partitionkey"] = key.decode(errors="replace")
    return attributes
