"""One name for every event: each published event class declares its CloudEvent type as a
constant of the `contracts` package, and that constant has a committed schema."""

from __future__ import annotations

import importlib

import contracts
from services.contracten import domain_event_classes
from shared.cloudevents import event_name, event_type, kebab

PRODUCERS = ("intake", "pip", "ontzorging", "duo", "regio")


def constants() -> dict[str, str]:
    """Every type constant of every producer module: value -> module.NAME."""
    found: dict[str, str] = {}
    for producer in PRODUCERS:
        module = importlib.import_module(f"contracts.{producer}")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str) and value.startswith("nl.inburgering."):
                found[value] = f"contracts.{producer}.{name}"
    return found


def test_every_published_event_class_declares_a_contract_constant() -> None:
    known = constants()
    undeclared = [
        cls.__qualname__
        for cls in domain_event_classes()
        if not any(
            "cloudevent_type" in vars(c) and c.__qualname__ == cls.__qualname__ for c in cls.__mro__
        )
    ]
    assert undeclared == []
    unknown = [event_type(cls) for cls in domain_event_classes() if event_type(cls) not in known]
    assert unknown == []


def test_a_declared_type_names_the_class_and_its_contract_version() -> None:
    for cls in domain_event_classes():
        service, name, version = event_type(cls).split(".")[2:]
        assert name == kebab(event_name(cls)), cls.__qualname__
        assert version == f"v{getattr(cls, 'contract_version', 1)}", cls.__qualname__
        assert service in PRODUCERS


def test_every_constant_has_a_committed_schema() -> None:
    assert sorted(set(constants()) - set(contracts.committed_schemas())) == []
    assert sorted(set(contracts.committed_schemas()) - set(constants())) == []
