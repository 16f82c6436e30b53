"""The published contract of the event backbone, as the platform makes and checks it:

- `schemas`: the JSON Schema (draft 2020-12) of the data of each event class, and of each
  regional type from the allow-list;
- `compatibility`: whether a published schema may change (else a new type version);
- `asyncapi`: the AsyncAPI 3.0 document of the topics;
- `validation`: a received CloudEvent against the committed schema of its type;
- `writer`: writing `contracts/` (the CLI is `python -m services.contracten`, `make
  contracts`, which knows the services and passes their event classes).

Nothing here imports a service: the functions take the event classes as arguments."""

from shared.cloudevents import event_type
from shared.contracts.asyncapi import (
    ASYNCAPI_VERSION,
    CONTRACT_VERSION,
    DESCRIPTION,
    KAFKA_BINDING_VERSION,
    REGIONAL_CHANNEL,
    REGIONAL_TRAIT,
    TRACEPARENT_HEADER,
    TRAIT,
    asyncapi_document,
)
from shared.contracts.compatibility import (
    compatibility_problems,
    incompatible_changes,
    orphaned_types,
)
from shared.contracts.schemas import (
    GEMEENTECODE_PATTERN,
    JSON_SCHEMA_DIALECT,
    PSEUDONYM_PATTERN,
    UnsupportedAnnotation,
    data_fields,
    generated_schemas,
    json_schema,
    kind_schema,
    published_event_classes,
    regional_json_schema,
    regional_schemas,
    regional_types,
    schema_id,
    schema_types,
    type_version,
)
from shared.contracts.validation import SchemaViolation, validate_cloudevent
from shared.contracts.writer import (
    ASYNCAPI_FILE,
    CONTRACTS_DIR,
    SCHEMAS_DIR,
    IncompatibleContract,
    committed_schemas,
    dumps,
    write_contracts,
)

__all__ = [
    "ASYNCAPI_FILE",
    "ASYNCAPI_VERSION",
    "CONTRACTS_DIR",
    "CONTRACT_VERSION",
    "DESCRIPTION",
    "GEMEENTECODE_PATTERN",
    "JSON_SCHEMA_DIALECT",
    "KAFKA_BINDING_VERSION",
    "PSEUDONYM_PATTERN",
    "REGIONAL_CHANNEL",
    "REGIONAL_TRAIT",
    "SCHEMAS_DIR",
    "TRACEPARENT_HEADER",
    "TRAIT",
    "IncompatibleContract",
    "SchemaViolation",
    "UnsupportedAnnotation",
    "asyncapi_document",
    "committed_schemas",
    "compatibility_problems",
    "data_fields",
    "dumps",
    "event_type",
    "generated_schemas",
    "incompatible_changes",
    "json_schema",
    "kind_schema",
    "orphaned_types",
    "published_event_classes",
    "regional_json_schema",
    "regional_schemas",
    "regional_types",
    "schema_id",
    "schema_types",
    "type_version",
    "validate_cloudevent",
    "write_contracts",
]
