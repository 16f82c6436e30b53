"""The regional read models' tables: facts per pseudonym (a person row, hours, exams), kept
independent of the order in which a person's events arrive (on Kafka the regional topic
interleaves intake, PIP and ontzorging facts freely)."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from contracts import regio as regio_contract
from services.projections.projector import ReadModel
from services.projections.regio.feiten import Feit, OngeldigRegionaalEvent
from shared.sqlstore import Tx, identifier

log = logging.getLogger(__name__)

REGIO_MONITORING = "regio_monitoring"
REGIO_INKOOP = "regio_inkoop"

GEREGISTREERD = regio_contract.INBURGERAAR_GEREGISTREERD
INTAKE_AFGEROND = regio_contract.INTAKE_AFGEROND
PIP_VASTGESTELD = regio_contract.PIP_VASTGESTELD
NIVEAU_AFGESCHAALD = regio_contract.NIVEAU_AFGESCHAALD
CURSUSUREN = regio_contract.CURSUSUREN_GEREGISTREERD
EXAMENUITSLAG = regio_contract.EXAMENUITSLAG_ONTVANGEN


def _cohort(datum: str | None) -> int | None:
    return int(datum[:4]) if datum else None


def tabelnaam(base: str, suffix_: str) -> str:
    return identifier(f"{base}{suffix_}")


Handler = Callable[[Tx, Feit, str], None]


class RegioModel(ABC):
    """Common ground of the regional models: strict reading and dispatch per type."""

    name: str
    tables: tuple[str, ...]

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    @abstractmethod
    def create(self, tx: Tx, suffix_: str) -> None: ...

    def drop(self, tx: Tx, suffix_: str) -> None:
        for base in self.tables:
            tx.execute(f"DROP TABLE IF EXISTS {tabelnaam(base, suffix_)}")

    def handles(self, ce_type: str) -> bool:
        return ce_type in self._handlers

    def apply(self, tx: Tx, cloudevent: dict[str, Any], suffix_: str) -> None:
        try:
            feit = Feit.van(cloudevent)
            self._handlers[cloudevent["type"]](tx, feit, suffix_)
        except OngeldigRegionaalEvent as e:
            # Not ours to repair, and never a reason to stop the region's figures; the
            # message names the field, never its value.
            log.error("%s: regionaal event %s overgeslagen: %s", self.name, cloudevent.get("id"), e)


def _persoon_sql(table: str, columns: Sequence[str], update: Sequence[str]) -> str:
    """Insert-or-update of a person row; `update` are `col = expr` assignments."""
    names = ["regio", "persoon", "gemeente", *columns]
    marks = ", ".join("?" for _ in names)
    sets = ", ".join(["gemeente = excluded.gemeente", *update])
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks}) "
        f"ON CONFLICT (regio, persoon) DO UPDATE SET {sets}"
    )


def _earliest(table: str, column: str) -> str:
    """Keep the earliest date (ISO dates order as text)."""
    return (
        f"{column} = CASE WHEN {table}.{column} IS NULL OR excluded.{column} < {table}.{column} "
        f"THEN excluded.{column} ELSE {table}.{column} END"
    )


def _newest(table: str, column: str) -> list[str]:
    """Keep the value of the newest PIP version that set it; `<column>_versie` says which.
    (Each column has its own: an afschaling is a newer version for the level only.)"""
    versie = f"{column}_versie"
    newer = f"excluded.{versie} >= COALESCE({table}.{versie}, 0)"
    return [
        f"{c} = CASE WHEN {newer} THEN excluded.{c} ELSE {table}.{c} END" for c in (column, versie)
    ]


def _keep_known(table: str, column: str) -> str:
    return f"{column} = COALESCE(excluded.{column}, {table}.{column})"


EXAMENS_COLUMNS = (
    "regio TEXT NOT NULL, persoon TEXT NOT NULL, gemeente TEXT NOT NULL, "
    "onderdeel TEXT NOT NULL, examendatum TEXT NOT NULL, afgenomen INTEGER NOT NULL, "
    "behaald INTEGER NOT NULL, PRIMARY KEY (regio, persoon, onderdeel, examendatum)"
)


def _examen(tx: Tx, table: str, feit: Feit) -> None:
    onderdeel = feit.code("onderdeel")
    examendatum = feit.datum("examendatum")
    if onderdeel is None or examendatum is None:
        raise OngeldigRegionaalEvent("onderdeel of examendatum ontbreekt")
    behaald = 1 if feit.ja_nee("behaald") else 0
    tx.execute(
        f"INSERT INTO {table} (regio, persoon, gemeente, onderdeel, examendatum, afgenomen, "
        "behaald) VALUES (?, ?, ?, ?, ?, 1, ?) "
        "ON CONFLICT (regio, persoon, onderdeel, examendatum) DO UPDATE SET "
        f"afgenomen = {table}.afgenomen + 1, behaald = {table}.behaald + excluded.behaald",
        (feit.regio, feit.persoon, feit.gemeente, onderdeel.lower(), examendatum, behaald),
    )


# --- regio_monitoring ------------------------------------------------------------------------


class RegioMonitoring(RegioModel):
    name = REGIO_MONITORING
    tables = ("regio_monitoring_personen", "regio_monitoring_examens")

    def __init__(self) -> None:
        super().__init__()
        self._handlers = {
            GEREGISTREERD: self._geregistreerd,
            INTAKE_AFGEROND: self._intake_afgerond,
            PIP_VASTGESTELD: self._pip_vastgesteld,
            NIVEAU_AFGESCHAALD: self._niveau_afgeschaald,
            EXAMENUITSLAG: self._examenuitslag,
        }

    def create(self, tx: Tx, suffix_: str) -> None:
        personen, examens = (tabelnaam(t, suffix_) for t in self.tables)
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS {personen} (regio TEXT NOT NULL, persoon TEXT NOT NULL, "
            "gemeente TEXT NOT NULL, cohort INTEGER, datum_start TEXT, intake_afgerond TEXT, "
            "eerste_pip TEXT, eerste_pip_binnen_tien_weken INTEGER, leerroute TEXT, "
            "leerroute_versie INTEGER, niveau TEXT, niveau_versie INTEGER, "
            "PRIMARY KEY (regio, persoon))"
        )
        tx.execute(f"CREATE TABLE IF NOT EXISTS {examens} ({EXAMENS_COLUMNS})")

    def _start(self, tx: Tx, feit: Feit, suffix_: str, extra: Mapping[str, Any]) -> None:
        table = tabelnaam(self.tables[0], suffix_)
        start = feit.datum("datumStartInburgeringsplicht")
        values = {"cohort": _cohort(start), "datum_start": start, **extra}
        update = [_keep_known(table, c) for c in ("cohort", "datum_start")]
        update += [_earliest(table, c) for c in extra]
        tx.execute(
            _persoon_sql(table, list(values), update),
            (feit.regio, feit.persoon, feit.gemeente, *values.values()),
        )

    def _geregistreerd(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        self._start(tx, feit, suffix_, {})

    def _intake_afgerond(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        self._start(tx, feit, suffix_, {"intake_afgerond": feit.datum("afrondingsdatum")})

    def _pip_vastgesteld(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        table = tabelnaam(self.tables[0], suffix_)
        eerste = bool(feit.ja_nee("isEerstePip"))
        binnen = feit.ja_nee("binnenTienWeken")
        values = {
            "eerste_pip": feit.datum("dagtekening") if eerste else None,
            "eerste_pip_binnen_tien_weken": (None if binnen is None else int(binnen))
            if eerste
            else None,
            "leerroute": feit.code("leerroute"),
            "leerroute_versie": feit.aantal("pipVersie") or 0,
            "niveau": feit.code("niveau"),
            "niveau_versie": feit.aantal("pipVersie") or 0,
        }
        update = [
            _keep_known(table, "eerste_pip"),
            _keep_known(table, "eerste_pip_binnen_tien_weken"),
            *_newest(table, "leerroute"),
            *_newest(table, "niveau"),
        ]
        tx.execute(
            _persoon_sql(table, list(values), update),
            (feit.regio, feit.persoon, feit.gemeente, *values.values()),
        )

    def _niveau_afgeschaald(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        table = tabelnaam(self.tables[0], suffix_)
        values = {"niveau": feit.code("naarNiveau"), "niveau_versie": feit.aantal("pipVersie") or 0}
        tx.execute(
            _persoon_sql(table, list(values), _newest(table, "niveau")),
            (feit.regio, feit.persoon, feit.gemeente, *values.values()),
        )

    def _examenuitslag(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        personen, examens = (tabelnaam(t, suffix_) for t in self.tables)
        tx.execute(_persoon_sql(personen, [], []), (feit.regio, feit.persoon, feit.gemeente))
        _examen(tx, examens, feit)


# --- regio_inkoop ----------------------------------------------------------------------------


class RegioInkoop(RegioModel):
    name = REGIO_INKOOP
    tables = ("regio_inkoop_personen", "regio_inkoop_uren", "regio_inkoop_examens")

    def __init__(self) -> None:
        super().__init__()
        self._handlers = {
            GEREGISTREERD: self._start,
            INTAKE_AFGEROND: self._start,
            PIP_VASTGESTELD: self._pip_vastgesteld,
            CURSUSUREN: self._cursusuren,
            EXAMENUITSLAG: self._examenuitslag,
        }

    def create(self, tx: Tx, suffix_: str) -> None:
        personen, uren, examens = (tabelnaam(t, suffix_) for t in self.tables)
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS {personen} (regio TEXT NOT NULL, persoon TEXT NOT NULL, "
            "gemeente TEXT NOT NULL, cohort INTEGER, leerroute TEXT, leerroute_versie INTEGER, "
            "PRIMARY KEY (regio, persoon))"
        )
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS {uren} (regio TEXT NOT NULL, persoon TEXT NOT NULL, "
            "gemeente TEXT NOT NULL, aanbieder TEXT NOT NULL, soort TEXT NOT NULL, "
            "uren INTEGER NOT NULL, uren_keurmerk INTEGER NOT NULL, "
            "PRIMARY KEY (regio, persoon, aanbieder, soort))"
        )
        tx.execute(f"CREATE TABLE IF NOT EXISTS {examens} ({EXAMENS_COLUMNS})")

    def _touch(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        table = tabelnaam(self.tables[0], suffix_)
        tx.execute(_persoon_sql(table, [], []), (feit.regio, feit.persoon, feit.gemeente))

    def _start(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        table = tabelnaam(self.tables[0], suffix_)
        tx.execute(
            _persoon_sql(table, ["cohort"], [_keep_known(table, "cohort")]),
            (
                feit.regio,
                feit.persoon,
                feit.gemeente,
                _cohort(feit.datum("datumStartInburgeringsplicht")),
            ),
        )

    def _pip_vastgesteld(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        table = tabelnaam(self.tables[0], suffix_)
        tx.execute(
            _persoon_sql(table, ["leerroute", "leerroute_versie"], _newest(table, "leerroute")),
            (
                feit.regio,
                feit.persoon,
                feit.gemeente,
                feit.code("leerroute"),
                feit.aantal("pipVersie") or 0,
            ),
        )

    def _cursusuren(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        aanbieder = feit.organisatie("aanbieder")
        soort = feit.code("soort")
        uren = feit.aantal("uren")
        if aanbieder is None or soort is None or uren is None:
            raise OngeldigRegionaalEvent("aanbieder, soort of uren ontbreekt")
        self._touch(tx, feit, suffix_)
        table = tabelnaam(self.tables[1], suffix_)
        keurmerk = uren if feit.ja_nee("keurmerk") else 0
        tx.execute(
            f"INSERT INTO {table} (regio, persoon, gemeente, aanbieder, soort, uren, "
            "uren_keurmerk) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (regio, persoon, aanbieder, soort) DO UPDATE SET "
            f"uren = {table}.uren + excluded.uren, "
            f"uren_keurmerk = {table}.uren_keurmerk + excluded.uren_keurmerk",
            (feit.regio, feit.persoon, feit.gemeente, aanbieder, soort.lower(), uren, keurmerk),
        )

    def _examenuitslag(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        self._touch(tx, feit, suffix_)
        _examen(tx, tabelnaam(self.tables[2], suffix_), feit)


REGIO_MODELS: list[ReadModel] = [RegioMonitoring(), RegioInkoop()]
