"""Read models per arbeidsmarktregio, built only from the regional stream
(`nl.inburgering.regio.*`, shared/regional.py): a pseudonym per person, the gemeente code and
the allow-listed codes, dates and counts. Nothing else reaches these tables, so they hold no
personal data: no names, BSNs, birth dates, addresses, health notes, IBANs or free text.

- `regio_monitoring`: the CBS figures per gemeente and summed over the region, per cohort
  (the year the obligation started): persons, days from the start of the obligation to the
  completed intake and to the first PIP (average, median), the share of first PIPs within ten
  weeks, the route distribution, and exam results per component.
- `regio_inkoop` (joint purchasing): persons per route and per language provider, hours
  followed, pass rates per component, per gemeente and summed.

The tables keep facts per pseudonym (a person row, hours, exams); the figures are computed
when asked. That makes the models independent of the order in which a person's events
arrive: on Kafka the regional topic interleaves intake, PIP and ontzorging facts freely.

Sources: with Kafka a `KafkaSource` of the regional topics (`regio_kafka_source`); in the
embedded default a `RegionalLogSource`, which reads the services' own logs and applies the
same `RegionalTranslator` the Kafka publisher uses, so both paths see the same events.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import statistics
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from kafka import KafkaConsumer

from services.projections.projector import ReadModel, suffix
from shared.config import PlatformSettings
from shared.consumer import (
    DeadLetters,
    KafkaSource,
    LoggedDeadLetters,
    LogSource,
    Positions,
    Received,
)
from shared.gemeenten import is_gemeentecode
from shared.regional import (
    NietRegionaal,
    PersonLinks,
    RegionalTranslator,
    link_store,
    pseudonym_key,
    regional_type,
)
from shared.regions import Regions, regions_from_settings
from shared.sqlstore import SQLStore, Tx, identifier
from shared.topics import regio_topic

log = logging.getLogger(__name__)

REGIO_MONITORING = "regio_monitoring"
REGIO_INKOOP = "regio_inkoop"

LEERROUTES = ("b1", "onderwijs", "z")
ONDERDELEN = ("lezen", "luisteren", "schrijven", "spreken", "knm")

GEREGISTREERD = regional_type("nl.inburgering.intake.inburgeraar-geregistreerd.v1")
INTAKE_AFGEROND = regional_type("nl.inburgering.intake.intake-afgerond.v1")
PIP_VASTGESTELD = regional_type("nl.inburgering.pip.pip-vastgesteld.v1")
NIVEAU_AFGESCHAALD = regional_type("nl.inburgering.pip.niveau-afgeschaald.v1")
CURSUSUREN = regional_type("nl.inburgering.pip.cursusuren-geregistreerd.v1")
EXAMENUITSLAG = regional_type("nl.inburgering.pip.examenuitslag-ontvangen.v1")


# --- Reading a regional event, strictly ------------------------------------------------------

_SOURCE = re.compile(
    r"^urn:nld:regio:(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*):systeem:inburgering-regio$"
)
_PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")
_CODE = re.compile(r"^[A-Za-z0-9_]{1,40}$")


class OngeldigRegionaalEvent(ValueError):
    """A regional event these models do not take: it is logged and skipped."""


@dataclass(frozen=True)
class Feit:
    """What a read model may take from one regional event, each value checked for its shape:
    a value of another shape (a name where a code belongs) never reaches a table."""

    regio: str
    persoon: str
    gemeente: str
    data: Mapping[str, Any]

    @classmethod
    def van(cls, cloudevent: Mapping[str, Any]) -> Feit:
        match = _SOURCE.match(str(cloudevent.get("source")))
        if match is None:
            raise OngeldigRegionaalEvent("source is geen regionale bron")
        data = cloudevent.get("data")
        if not isinstance(data, Mapping):
            raise OngeldigRegionaalEvent("data ontbreekt")
        persoon, gemeente = data.get("persoon"), data.get("gemeente")
        if not isinstance(persoon, str) or not _PSEUDONYM.match(persoon):
            raise OngeldigRegionaalEvent("persoon is geen pseudoniem")
        if not isinstance(gemeente, str) or not is_gemeentecode(gemeente):
            raise OngeldigRegionaalEvent("gemeente is geen CBS-gemeentecode")
        return cls(match["slug"], persoon, gemeente, data)

    def datum(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) != 10:
            return _bad(name)
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return _bad(name)

    def code(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) and _CODE.match(value) else _bad(name)

    def aantal(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
            return _bad(name)
        return value

    def ja_nee(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None:
            return None
        return value if isinstance(value, bool) else _bad(name)

    def organisatie(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        ok = isinstance(value, str) and 0 < len(value) <= 120 and value.isprintable()
        return value.strip() if ok else _bad(name)


def _bad(name: str) -> Any:
    raise OngeldigRegionaalEvent(f"{name} heeft niet de vorm van zijn soort")


def _cohort(datum: str | None) -> int | None:
    return int(datum[:4]) if datum else None


def _table(base: str, suffix_: str) -> str:
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
            tx.execute(f"DROP TABLE IF EXISTS {_table(base, suffix_)}")

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
        personen, examens = (_table(t, suffix_) for t in self.tables)
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS {personen} (regio TEXT NOT NULL, persoon TEXT NOT NULL, "
            "gemeente TEXT NOT NULL, cohort INTEGER, datum_start TEXT, intake_afgerond TEXT, "
            "eerste_pip TEXT, eerste_pip_binnen_tien_weken INTEGER, leerroute TEXT, "
            "leerroute_versie INTEGER, niveau TEXT, niveau_versie INTEGER, "
            "PRIMARY KEY (regio, persoon))"
        )
        tx.execute(f"CREATE TABLE IF NOT EXISTS {examens} ({EXAMENS_COLUMNS})")

    def _start(self, tx: Tx, feit: Feit, suffix_: str, extra: Mapping[str, Any]) -> None:
        table = _table(self.tables[0], suffix_)
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
        table = _table(self.tables[0], suffix_)
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
        table = _table(self.tables[0], suffix_)
        values = {"niveau": feit.code("naarNiveau"), "niveau_versie": feit.aantal("pipVersie") or 0}
        tx.execute(
            _persoon_sql(table, list(values), _newest(table, "niveau")),
            (feit.regio, feit.persoon, feit.gemeente, *values.values()),
        )

    def _examenuitslag(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        personen, examens = (_table(t, suffix_) for t in self.tables)
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
        personen, uren, examens = (_table(t, suffix_) for t in self.tables)
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
        table = _table(self.tables[0], suffix_)
        tx.execute(_persoon_sql(table, [], []), (feit.regio, feit.persoon, feit.gemeente))

    def _start(self, tx: Tx, feit: Feit, suffix_: str) -> None:
        table = _table(self.tables[0], suffix_)
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
        table = _table(self.tables[0], suffix_)
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
        table = _table(self.tables[1], suffix_)
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
        _examen(tx, _table(self.tables[2], suffix_), feit)


REGIO_MODELS: list[ReadModel] = [RegioMonitoring(), RegioInkoop()]


# --- Sources ---------------------------------------------------------------------------------


class RegionalLogSource:
    """Embedded: the regional stream read from the services' own logs. Each record of each
    log passes the `RegionalTranslator` of its gemeente's region (the one the Kafka publisher
    uses), so the read models get the same regional events on both paths. Records that do
    not go to a region (another event type, a gemeente in no configured region) advance the
    position without an event; records the region refuses go to the dead letters.

    Positions are this source's own: `regio:<log name>` per service log."""

    def __init__(
        self,
        applications: Iterable[Application[UUID]],
        regions: Regions,
        key: bytes,
        links: PersonLinks,
        dead_letters: DeadLetters | None = None,
        regios: Iterable[str] | None = None,
    ) -> None:
        self.logs = [LogSource(application) for application in applications]
        self.dead_letters = dead_letters or LoggedDeadLetters()
        self.translators: dict[str, RegionalTranslator] = {}
        for regio in regios if regios is not None else regions.regios:
            naam = regions.naam_van(regio)
            gemeenten = regions.gemeenten_van(naam)
            translator = RegionalTranslator(naam, gemeenten, key, links)
            self.translators.update(dict.fromkeys(gemeenten, translator))

    @staticmethod
    def tracking_name(log_name: str) -> str:
        return f"regio:{log_name}"

    def _inner(self, positions: Positions) -> Positions:
        return lambda name: positions(self.tracking_name(name))

    def poll(self, positions: Positions, max_records: int) -> list[Received]:
        received: list[Received] = []
        for source in self.logs:
            budget = max_records - len(received)
            if budget <= 0:
                break
            for item in source.poll(self._inner(positions), budget):
                tracking = Tracking(
                    self.tracking_name(item.tracking.application_name),
                    item.tracking.notification_id,
                )
                received.append(Received(tracking, self._translate(item.cloudevent)))
        return received

    def _translate(self, cloudevent: dict[str, Any] | None) -> dict[str, Any] | None:
        if cloudevent is None:
            return None
        translator = self.translators.get(str(cloudevent.get("gemeente")))
        if translator is None:
            return None  # a gemeente in no region we serve: nothing regional
        try:
            return translator.translate(cloudevent)
        except NietRegionaal as e:
            self.dead_letters.send(f"{type(e).__name__}: {e}", cloudevent)
            return None

    def rewind(self, positions: Positions) -> None:
        """Every poll reads from the stored positions: nothing to forget."""

    def backlog(self, positions: Positions) -> int:
        return sum(source.backlog(self._inner(positions)) for source in self.logs)


def regio_log_source(
    settings: PlatformSettings,
    applications: Iterable[Application[UUID]],
    *,
    regions: Regions | None = None,
    dead_letters: DeadLetters | None = None,
) -> RegionalLogSource:
    """The embedded regional source over the three services' applications, keyed and linked
    as the Kafka publisher would be (`PSEUDONYM_KEY`, the person-link table)."""
    return RegionalLogSource(
        applications,
        regions or regions_from_settings(settings),
        pseudonym_key(settings),
        link_store(settings),
        dead_letters,
    )


def regio_topics(regions: Regions, regios: Iterable[str] | None = None) -> list[str]:
    return [
        regio_topic(regions.naam_van(r)) for r in (regios if regios is not None else regions.regios)
    ]


def regio_kafka_source(
    consumer: KafkaConsumer,
    regions: Regions,
    dead_letters: DeadLetters,
    regios: Iterable[str] | None = None,
) -> KafkaSource:
    """Kafka: the regional topics `regio.<slug>.inburgering` (all configured regions, or
    `regios`)."""
    return KafkaSource(consumer, regio_topics(regions, regios), dead_letters)


# --- The figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    regio: str  # slug
    gemeenten: frozenset[str]  # the gemeenten asked for (all of the region when none given)
    cohort: int | None = None
    leerroute: str | None = None


@dataclass(frozen=True)
class Duur:
    """Days from the start of the obligation to a step, over the persons who took it."""

    aantal: int
    gemiddelde: float | None
    mediaan: float | None

    @classmethod
    def van(cls, dagen: list[int]) -> Duur:
        if not dagen:
            return cls(0, None, None)
        return cls(len(dagen), round(statistics.fmean(dagen), 1), float(statistics.median(dagen)))


@dataclass(frozen=True)
class Examencijfer:
    onderdeel: str
    afgenomen: int
    behaald: int
    slagingspercentage: float | None


def _percentage(deel: int, geheel: int) -> float | None:
    return round(100 * deel / geheel, 1) if geheel else None


def _examencijfers(rijen: Iterable[tuple[str, int, int]]) -> list[Examencijfer]:
    afgenomen: dict[str, int] = dict.fromkeys(ONDERDELEN, 0)
    behaald: dict[str, int] = dict.fromkeys(ONDERDELEN, 0)
    for onderdeel, a, b in rijen:
        afgenomen[onderdeel] = afgenomen.get(onderdeel, 0) + a
        behaald[onderdeel] = behaald.get(onderdeel, 0) + b
    return [
        Examencijfer(o, afgenomen[o], behaald[o], _percentage(behaald[o], afgenomen[o]))
        for o in afgenomen
    ]


def _dagen(van: str | None, tot: str | None) -> int | None:
    if not van or not tot:
        return None
    return (dt.date.fromisoformat(tot) - dt.date.fromisoformat(van)).days


@dataclass(frozen=True)
class _Persoon:
    persoon: str
    gemeente: str
    cohort: int | None
    datum_start: str | None
    intake_afgerond: str | None
    eerste_pip: str | None
    binnen_tien_weken: int | None
    leerroute: str | None


@dataclass(frozen=True)
class Monitoringcijfers:
    """The CBS figures of one gemeente (or, with gemeente None, the region) and cohort."""

    gemeente: str | None
    cohort: int | None
    aantal_inburgeraars: int
    intake_afgerond: int
    dagen_tot_intake_afgerond: Duur
    met_pip: int
    dagen_tot_pip: Duur
    eerste_pips: int
    eerste_pips_binnen_tien_weken: int
    aandeel_eerste_pips_binnen_tien_weken: float | None  # a fraction, 0..1
    leerroutes: dict[str, int]  # persons per route of their current PIP
    examens: list[Examencijfer]


def _monitoringcijfers(
    gemeente: str | None,
    cohort: int | None,
    personen: list[_Persoon],
    examens: list[tuple[str, str, int, int]],
) -> Monitoringcijfers:
    wie = {p.persoon for p in personen}
    intake = [d for p in personen if (d := _dagen(p.datum_start, p.intake_afgerond)) is not None]
    eerste = [p for p in personen if p.eerste_pip]
    pip = [d for p in eerste if (d := _dagen(p.datum_start, p.eerste_pip)) is not None]
    binnen = sum(1 for p in eerste if p.binnen_tien_weken)
    routes = dict.fromkeys(LEERROUTES, 0)
    for p in personen:
        if p.leerroute:
            routes[p.leerroute] = routes.get(p.leerroute, 0) + 1
    return Monitoringcijfers(
        gemeente=gemeente,
        cohort=cohort,
        aantal_inburgeraars=len(wie),
        intake_afgerond=sum(1 for p in personen if p.intake_afgerond),
        dagen_tot_intake_afgerond=Duur.van(intake),
        met_pip=sum(1 for p in personen if p.eerste_pip or p.leerroute),
        dagen_tot_pip=Duur.van(pip),
        eerste_pips=len(eerste),
        eerste_pips_binnen_tien_weken=binnen,
        aandeel_eerste_pips_binnen_tien_weken=round(binnen / len(eerste), 4) if eerste else None,
        leerroutes=routes,
        examens=_examencijfers((o, a, b) for p, o, a, b in examens if p in wie),
    )


def _in_filter(f: Filter, gemeente: str, cohort: int | None, leerroute: str | None) -> bool:
    return (
        gemeente in f.gemeenten
        and (f.cohort is None or cohort == f.cohort)
        and (f.leerroute is None or leerroute == f.leerroute)
    )


def _cohort_key(cohort: int | None) -> tuple[bool, int]:
    return (cohort is None, cohort or 0)


def monitoring(
    store: SQLStore, f: Filter, generation: int
) -> tuple[list[Monitoringcijfers], list[Monitoringcijfers]]:
    """(per gemeente and cohort, summed over the asked gemeenten per cohort) from one
    generation. The leerroute filter keeps the persons whose current PIP has that route."""
    s = suffix(generation)
    personen = [
        _Persoon(*row)
        for row in store.query(
            "SELECT persoon, gemeente, cohort, datum_start, intake_afgerond, eerste_pip, "
            "eerste_pip_binnen_tien_weken, leerroute "
            f"FROM {_table('regio_monitoring_personen', s)} WHERE regio = ?",
            (f.regio,),
        )
    ]
    personen = [p for p in personen if _in_filter(f, p.gemeente, p.cohort, p.leerroute)]
    examens = [
        (str(p), str(o), int(a), int(b))
        for p, o, a, b in store.query(
            "SELECT persoon, onderdeel, afgenomen, behaald "
            f"FROM {_table('regio_monitoring_examens', s)} WHERE regio = ?",
            (f.regio,),
        )
    ]
    per_groep: dict[tuple[str, int | None], list[_Persoon]] = defaultdict(list)
    per_cohort: dict[int | None, list[_Persoon]] = defaultdict(list)
    for p in personen:
        per_groep[(p.gemeente, p.cohort)].append(p)
        per_cohort[p.cohort].append(p)
    rijen = [
        _monitoringcijfers(g, c, groep, examens)
        for (g, c), groep in sorted(
            per_groep.items(), key=lambda i: (i[0][0], _cohort_key(i[0][1]))
        )
    ]
    totalen = [
        _monitoringcijfers(None, c, groep, examens)
        for c, groep in sorted(per_cohort.items(), key=lambda i: _cohort_key(i[0]))
    ]
    return rijen, totalen


@dataclass(frozen=True)
class Inkoopcijfers:
    """Joint purchasing: the persons of one gemeente (None: summed over the region) on one
    route (None: no PIP yet) who followed hours at one provider (None: no hours yet), their
    hours per kind, and their exam results. A person with hours at two providers counts for
    both; the totals count each person once."""

    gemeente: str | None
    leerroute: str | None
    aanbieder: str | None
    aantal_inburgeraars: int
    uren: int
    uren_keurmerk: int
    uren_per_soort: dict[str, int]
    examens: list[Examencijfer]


@dataclass
class _Groep:
    personen: set[str] = field(default_factory=set)
    uren: dict[str, int] = field(default_factory=dict)
    uren_keurmerk: int = 0


def _inkoopgroepen(
    personen: Mapping[str, tuple[str, str | None]],
    uren: list[tuple[str, str, str, int, int]],
    per_gemeente: bool,
) -> dict[tuple[str | None, str | None, str | None], _Groep]:
    groepen: dict[tuple[str | None, str | None, str | None], _Groep] = defaultdict(_Groep)
    met_uren: set[str] = set()
    for persoon, aanbieder, soort, u, keurmerk in uren:
        if persoon not in personen:
            continue
        gemeente, leerroute = personen[persoon]
        groep = groepen[(gemeente if per_gemeente else None, leerroute, aanbieder)]
        groep.personen.add(persoon)
        groep.uren[soort] = groep.uren.get(soort, 0) + u
        groep.uren_keurmerk += keurmerk
        met_uren.add(persoon)
    for persoon, (gemeente, leerroute) in personen.items():
        if persoon not in met_uren:
            groepen[(gemeente if per_gemeente else None, leerroute, None)].personen.add(persoon)
    return groepen


def _inkoopcijfers(
    key: tuple[str | None, str | None, str | None],
    groep: _Groep,
    examens: Mapping[str, list[tuple[str, int, int]]],
) -> Inkoopcijfers:
    gemeente, leerroute, aanbieder = key
    return Inkoopcijfers(
        gemeente=gemeente,
        leerroute=leerroute,
        aanbieder=aanbieder,
        aantal_inburgeraars=len(groep.personen),
        uren=sum(groep.uren.values()),
        uren_keurmerk=groep.uren_keurmerk,
        uren_per_soort=dict(sorted(groep.uren.items())),
        examens=_examencijfers(e for p in groep.personen for e in examens.get(p, [])),
    )


def _none_last(value: str | None) -> tuple[bool, str]:
    return (value is None, value or "")


@dataclass(frozen=True)
class Inkoop:
    per_gemeente: list[Inkoopcijfers]  # per gemeente, route and provider
    regio: list[Inkoopcijfers]  # summed over the asked gemeenten, per route and provider
    totaal: Inkoopcijfers  # everything asked together, each person once


def inkoop(store: SQLStore, f: Filter, generation: int) -> Inkoop:
    s = suffix(generation)
    personen = {
        str(persoon): (str(gemeente), leerroute)
        for persoon, gemeente, cohort, leerroute in store.query(
            "SELECT persoon, gemeente, cohort, leerroute "
            f"FROM {_table('regio_inkoop_personen', s)} WHERE regio = ?",
            (f.regio,),
        )
        if _in_filter(f, str(gemeente), cohort, leerroute)
    }
    uren = [
        (str(p), str(a), str(soort), int(u), int(k))
        for p, a, soort, u, k in store.query(
            f"SELECT persoon, aanbieder, soort, uren, uren_keurmerk FROM "
            f"{_table('regio_inkoop_uren', s)} WHERE regio = ?",
            (f.regio,),
        )
    ]
    examens: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for p, o, a, b in store.query(
        f"SELECT persoon, onderdeel, afgenomen, behaald FROM {_table('regio_inkoop_examens', s)} "
        "WHERE regio = ?",
        (f.regio,),
    ):
        examens[str(p)].append((str(o), int(a), int(b)))

    def ordered(
        groepen: dict[tuple[str | None, str | None, str | None], _Groep],
    ) -> list[Inkoopcijfers]:
        keys = sorted(groepen, key=lambda k: tuple(_none_last(v) for v in k))
        return [_inkoopcijfers(k, groepen[k], examens) for k in keys]

    alles = _Groep(personen=set(personen))
    for persoon, _, soort, u, keurmerk in uren:
        if persoon in personen:
            alles.uren[soort] = alles.uren.get(soort, 0) + u
            alles.uren_keurmerk += keurmerk
    return Inkoop(
        per_gemeente=ordered(_inkoopgroepen(personen, uren, True)),
        regio=ordered(_inkoopgroepen(personen, uren, False)),
        totaal=_inkoopcijfers((None, None, None), alles, examens),
    )
