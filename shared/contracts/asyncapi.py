"""The AsyncAPI 3.0 document of the event backbone: the per-gemeente topics of each service
with the messages of the given event classes, and the regional topics with the messages of
the regional allow-list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.cloudevents import SPECVERSION, event_name, event_type, service_of
from shared.contracts.schemas import (
    GEMEENTECODE_PATTERN,
    PSEUDONYM_PATTERN,
    json_schema,
    regional_schemas,
    regional_types,
)

ASYNCAPI_VERSION = "3.0.0"
# The version of the AsyncAPI document (semver). Each event type carries its own version
# in its CloudEvents type; raise the minor here when types are added.
CONTRACT_VERSION = "1.1.0"
KAFKA_BINDING_VERSION = "0.4.0"
TRAIT = "cloudEventsKafkaBinary"
REGIONAL_TRAIT = "cloudEventsKafkaBinaryRegio"
REGIONAL_CHANNEL = "regio"

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


def asyncapi_document(event_classes: Sequence[type]) -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of the per-gemeente service topics (a channel per service
    that publishes one of `event_classes`, in their order) and the regional topics."""
    classes = list(event_classes)
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    by_service: dict[str, list[str]] = {}
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
