"""Which personal data travels in which event, from the published contracts'
`x-persoonsgegevens`, and that each such field is published in its encrypted form only.

Run as a script for the list: `.venv/bin/python -m tests.platform.test_vergeten_contracts`.
Sources: art. 30 AVG (register of processing: which data), art. 25 AVG (privacy by design);
issue "Privacy by design", Done when: "the closing note lists each personal-data field and
the events that carry it"."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic.alias_generators import to_camel

from services.contracten import domain_event_classes
from shared.contracts import (
    SchemaViolation,
    event_type,
    type_version,
    validate_cloudevent,
)
from shared.crypto import VERSLEUTELD_SCHEMA

SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "schemas"


def persoonsgegevens() -> dict[str, list[str]]:
    """Event type -> its personal-data fields (camelCase), as the contracts publish them."""
    found = {}
    for path in sorted(SCHEMAS.glob("*.json")):
        schema: dict[str, Any] = json.loads(path.read_text())
        if schema.get("x-persoonsgegevens"):
            found[path.stem] = list(schema["x-persoonsgegevens"])
    return found


def test_every_personal_field_of_every_contract_travels_in_its_encrypted_form() -> None:
    """Each contract with `x-persoonsgegevens` publishes the encrypted form (`x-versleuteld`)
    and the runtime validation accepts exactly that form for exactly those fields; each event
    class's `persoonsgegevens` is what its contract names."""
    published = persoonsgegevens()
    assert published, "there are personal-data fields"
    versleuteld = {"versleuteld": "AAAA", "sleutel": "k"}
    for ce_type, fields in published.items():
        schema = json.loads((SCHEMAS / f"{ce_type}.json").read_text())
        assert set(fields) <= set(schema["properties"]), ce_type
        assert schema["x-versleuteld"] == VERSLEUTELD_SCHEMA
        assert Draft202012Validator(schema["x-versleuteld"]).is_valid(versleuteld)
    from_code = {
        event_type(cls): sorted(to_camel(f) for f in getattr(cls, "persoonsgegevens", ()))
        for cls in domain_event_classes()
        if getattr(cls, "persoonsgegevens", ())
    }
    produced = {type_version(event_type(cls)) for cls in domain_event_classes()}
    newest = {base: version for base, version in sorted(produced)}
    current = {t: f for t, f in published.items() if type_version(t) in produced}
    assert from_code == current
    # An older version stays published as it was: Kafka history still holds it.
    for ce_type in set(published) - set(current):
        base, version = type_version(ce_type)
        assert version < newest.get(base, 0), f"{ce_type}: no event class produces it"


def test_validation_accepts_ciphertext_in_personal_fields_only() -> None:
    """An encrypted naam passes,
    the same object in a non-personal field, or a malformed ciphertext, does not."""
    ce_type = "nl.inburgering.intake.inburgeraar-geregistreerd.v1"
    data = {
        "gemeente": "GM0222",
        "doelgroep": "asielstatushouder",
        "bsn": {"versleuteld": "AAAA", "sleutel": "k1"},
        "naam": {"versleuteld": "AAAA", "sleutel": "k1"},
        "geboortedatum": {"versleuteld": "AAAA", "sleutel": "k1"},
        "adres": {"versleuteld": "AAAA", "sleutel": "k1"},
        "datumStartInburgeringsplicht": "2025-12-01",
        "vestigingsdatum": None,
    }
    event = {"type": ce_type, "id": "1", "data": data}
    validate_cloudevent(event)
    with pytest.raises(SchemaViolation, match="doelgroep"):
        validate_cloudevent(event | {"data": data | {"doelgroep": data["naam"]}})
    with pytest.raises(SchemaViolation, match="naam"):
        validate_cloudevent(event | {"data": data | {"naam": {"versleuteld": 1, "sleutel": "k"}}})


def main() -> None:
    per_veld: dict[str, list[str]] = defaultdict(list)
    for ce_type, fields in persoonsgegevens().items():
        for name in fields:
            per_veld[name].append(ce_type)
    for name in sorted(per_veld):
        print(f"{name}: {', '.join(per_veld[name])}")


if __name__ == "__main__":
    main()
