"""Every rule of the law the platform applies is a named violation with its source (`bron`),
and a test names it: a rule nobody tests is a rule nobody knows holds."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from shared.domain import RuleViolation

REPO = Path(__file__).resolve().parents[2]
MODULES = (
    "services.intake.rules",
    "services.pip.rules",
    "services.ontzorging.rules",
    "services.duo.rules",
    "shared.awb",
)
# Bases that group rules; they are never raised themselves.
BASES = {"Handhavingsregel", "Regel", "RegelsOvertreden", "DuoRegel", "AwbRegel"}


def regels() -> list[tuple[str, type[RuleViolation]]]:
    gevonden = []
    for naam in MODULES:
        module = importlib.import_module(naam)
        for attr, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, RuleViolation)
                and value.__module__ == naam
                and attr not in BASES
            ):
                gevonden.append((f"{naam}.{attr}", value))
    return gevonden


@pytest.mark.parametrize(("naam", "regel"), regels(), ids=[n for n, _ in regels()])
def test_every_rule_names_its_source(naam: str, regel: type[RuleViolation]) -> None:
    assert isinstance(regel.bron, str) and regel.bron.strip(), f"{naam} has no bron"


def test_every_rule_is_named_by_a_test() -> None:
    tekst = "\n".join(p.read_text() for p in (REPO / "tests").rglob("test_*.py"))
    ongetest = [
        naam
        for naam, regel in regels()
        if not re.search(rf"\b{regel.__name__}\b", tekst.replace(Path(__file__).read_text(), ""))
    ]
    assert ongetest == []
