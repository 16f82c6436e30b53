"""The 342 gemeenten of 2024 (CBS codes) and arbeidsmarktregio membership."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def gemeenten() -> dict[str, str]:
    """CBS code (GMxxxx) to name."""
    text = resources.files("shared.data").joinpath("gemeenten-2024.csv").read_text("utf-8")
    return {row["gemeentecode"]: row["gemeentenaam"] for row in csv.DictReader(text.splitlines())}


def is_gemeentecode(code: str) -> bool:
    return code in gemeenten()


class OnbekendeGemeente(ValueError):
    pass


def check_gemeentecode(code: str) -> str:
    if not is_gemeentecode(code):
        raise OnbekendeGemeente(f"{code!r} is geen CBS-gemeentecode van 2024 (GMxxxx)")
    return code
