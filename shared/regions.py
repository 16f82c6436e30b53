"""Arbeidsmarktregio membership: which gemeenten form a region is configuration.

A CSV file (or a directory of CSV files) with the columns `arbeidsmarktregio` and
`gemeentecode`, and optionally `gemeentenaam`; `shared/data/regio-voorbeeld.csv` is one
example and the default of the `REGIO_CSV` setting. Every code must be a CBS gemeentecode
of 2024; a name, when given, must be that gemeente's name (it catches a mistyped code that
happens to be another gemeente's); a gemeente belongs to at most one region, and two region
names may not share a topic slug.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.config import PlatformSettings
from shared.gemeenten import OnbekendeGemeente, check_gemeentecode, gemeenten

REQUIRED_COLUMNS = ("arbeidsmarktregio", "gemeentecode")


class OngeldigeRegioIndeling(ValueError):
    """The region configuration is wrong; the message names the file and the line."""


def regio_slug(regio: str) -> str:
    """The region's name in topic names and URNs (`shared.topics.regio_topic` uses the same)."""
    return re.sub(r"[^a-z0-9]+", "-", regio.lower()).strip("-")


@dataclass(frozen=True)
class Regions:
    """Gemeente (CBS code) to arbeidsmarktregio."""

    regio_van_gemeente: Mapping[str, str]

    @property
    def regios(self) -> list[str]:
        return sorted(set(self.regio_van_gemeente.values()))

    def regio_van(self, gemeente: str) -> str | None:
        return self.regio_van_gemeente.get(gemeente)

    def gemeenten_van(self, regio: str) -> list[str]:
        """The members of `regio` (its name or its slug); KeyError for an unknown region."""
        wanted = regio_slug(regio)
        members = sorted(g for g, r in self.regio_van_gemeente.items() if regio_slug(r) == wanted)
        if not members:
            raise KeyError(f"Onbekende arbeidsmarktregio {regio!r}; bekend: {self.regios}")
        return members

    def naam_van(self, regio: str) -> str:
        """The configured name of `regio`, given its name or slug."""
        wanted = regio_slug(regio)
        for name in self.regios:
            if regio_slug(name) == wanted:
                return name
        raise KeyError(f"Onbekende arbeidsmarktregio {regio!r}; bekend: {self.regios}")


def csv_files(path: Path) -> list[Path]:
    """`path` itself, or the `*.csv` files of a directory in name order."""
    if path.is_dir():
        files = sorted(path.glob("*.csv"))
        if not files:
            raise OngeldigeRegioIndeling(f"{path}: de map bevat geen .csv-bestanden")
        return files
    if not path.is_file():
        raise OngeldigeRegioIndeling(f"{path}: bestand niet gevonden")
    return [path]


def load_regions(paths: Iterable[Path]) -> Regions:
    """Read and validate the membership from one or more CSV files (or directories)."""
    regio_van: dict[str, str] = {}
    waar: dict[str, str] = {}
    slugs: dict[str, str] = {}
    for path in paths:
        for file in csv_files(Path(path)):
            with file.open(encoding="utf-8-sig", newline="") as f:
                reader = csv.DictReader(f)
                missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise OngeldigeRegioIndeling(f"{file}: kolommen ontbreken: {missing}")
                for row in reader:
                    plek = f"{file}:{reader.line_num}"
                    regio = (row["arbeidsmarktregio"] or "").strip()
                    code = (row["gemeentecode"] or "").strip().upper()
                    naam = (row.get("gemeentenaam") or "").strip()
                    _check_row(plek, regio, code, naam)
                    slug = regio_slug(regio)
                    if slugs.setdefault(slug, regio) != regio:
                        raise OngeldigeRegioIndeling(
                            f"{plek}: regio {regio!r} en {slugs[slug]!r} krijgen dezelfde "
                            f"topicnaam ({slug})"
                        )
                    eerder = regio_van.setdefault(code, regio)
                    if eerder != regio:
                        raise OngeldigeRegioIndeling(
                            f"{plek}: {code} staat al in regio {eerder!r} ({waar[code]}); een "
                            "gemeente hoort bij één arbeidsmarktregio"
                        )
                    waar.setdefault(code, plek)
    if not regio_van:
        raise OngeldigeRegioIndeling("Geen enkele gemeente in de regio-indeling")
    return Regions(dict(regio_van))


def _check_row(plek: str, regio: str, code: str, naam: str) -> None:
    if not regio_slug(regio):
        raise OngeldigeRegioIndeling(f"{plek}: naam van de arbeidsmarktregio ontbreekt")
    try:
        check_gemeentecode(code)
    except OnbekendeGemeente as e:
        raise OngeldigeRegioIndeling(f"{plek}: {e}") from None
    if naam and naam != gemeenten()[code]:
        raise OngeldigeRegioIndeling(
            f"{plek}: {code} is {gemeenten()[code]!r}, niet {naam!r}; controleer de code"
        )


def regions_from_settings(settings: PlatformSettings) -> Regions:
    return load_regions([settings.regio_csv])
