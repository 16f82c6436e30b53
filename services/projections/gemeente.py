"""Read models per gemeente, built from the gemeente events of intake, PIP and ontzorging.

- `caseload`: one row per inburgeraar for the klantregisseur: name (personal: the query API
  shows it to klantregisseurs and teamleiders only), doelgroep, status, leerroute and level,
  the next deadline, the uiterste datum of the PIP, the end of the termijn, the last
  voortgangsgesprek, the ontzorging's status.
- `signalen`: per inburgeraar the signals that may be open: the PIP overdue, the termijn
  ending within two months, no voortgangsgesprek for a configured period, the six months of
  ontzorging over. A signal is open when its event came (PIPTermijnVerstreken, ...) or when
  the date says so at query time; it disappears when the situation is resolved (PIP set,
  obligation met, budgetbeheer started, ...).
- `monitoring` (CBS Statistiek Wet inburgering): per person only codes, dates and counts
  under a one-way key, aggregated per gemeente and cohort when asked. No names, no ids.

Facts, not sequences. Each model keeps per inburgeraar the facts its events state (`Feiten`:
dates, codes, counts), combined so that the order in which different aggregates' events
arrive does not matter: the latest of two dates, a source's precedence (the PIP's start of
the obligation over the intake's), a PIP version over an older one. The rows the queries read
are derived from those facts after every event. Within one aggregate the order is the
source's own (one log; one partition on Kafka), across aggregates it is not, so a model
rebuilt from Kafka, where the three services' topics interleave differently on every read,
equals the model built incrementally row for row.

Which inburgeraar: intake's aggregate id is the inburgeraar id; a traject (PIP) and an
ontzorging name `inburgeraarId` in their first event (PIPOpgesteld, OntzorgingGestart) and in
some later ones; each model keeps a link table aggregate id -> inburgeraar id, learned from
those events. An event whose person cannot be resolved is logged and left out.

What depends on today (days left, whether a signal is open, "no progress for N days") is
computed at query time from the stored dates and `shared.clock.current_clock().today()`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import statistics
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from services.ontzorging.domainmodel import einde_periode
from services.pip.rules import (
    TIEN_WEKEN_DAGEN,
    VERLENGING_NA_INFORMATIE_DAGEN,
    eerste_dag_binnen_twee_maanden,
)
from services.projections.projector import ReadModel
from shared.cloudevents import TYPE_PREFIX, kebab, service_of_type
from shared.gemeenten import is_gemeentecode
from shared.sqlstore import Row, SQLStore, Tx, identifier

log = logging.getLogger(__name__)

Feiten = dict[str, Any]


def _type(service: str, event: str) -> str:
    return f"{TYPE_PREFIX}.{service}.{kebab(event)}.v1"


INTAKE_BEZIG = frozenset(
    {
        "IntakegesprekGevoerd",
        "LeerbaarheidstoetsVastgelegd",
        "OpleidingEnWerkervaringVastgelegd",
        "PersoonlijkeOmstandighedenVastgelegd",
        "LeefgebiedVastgelegd",
        "HoofddoelVastgelegd",
        "LeerrouteGeadviseerd",
        "VVEInformatieGegeven",
        "NietVerschenen",
        "WaarschuwingGegeven",
        "BoeteOpgelegd",
    }
)
EVENTS_PER_SERVICE: dict[str, tuple[str, ...]] = {
    "intake": (
        "InburgeraarGeregistreerd",
        "IntakeAfgerond",
        "PersoonsgegevensVergeten",
        *sorted(INTAKE_BEZIG),
    ),
    "pip": (
        "PIPOpgesteld",
        "ConceptPIPGewijzigd",
        "PIPTermijnOpgeschort",
        "PIPTermijnVerstreken",
        "PIPVastgesteld",
        "NiveauAfgeschaald",
        "InburgeringstermijnGestart",
        "InburgeringstermijnVerlengd",
        "InburgeringstermijnLooptBijnaAf",
        "VoortgangsgesprekGevoerd",
        "ExamenuitslagOntvangen",
        "InburgeringsplichtVoldaan",
    ),
    "ontzorging": (
        "OntzorgingGestart",
        "OntzorgingsperiodeAfgelopen",
        "BudgetbeheerGestart",
        "AfbouwGestart",
        "FinancieelZelfredzaamVastgesteld",
        "OntzorgingBeeindigd",
    ),
}
# CloudEvent type -> event name, for the types these models read.
EVENT_NAMES: dict[str, str] = {
    _type(service, name): name for service, names in EVENTS_PER_SERVICE.items() for name in names
}
ALLE_EVENTS = frozenset(EVENT_NAMES.values())


# --- Facts ------------------------------------------------------------------------------------


def _datum(value: Any) -> str | None:
    """An ISO date from event data; anything else counts as no date."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _code(value: Any) -> str | None:
    return value if isinstance(value, str) and value and len(value) <= 40 else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _later(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _set(feiten: Feiten, key: str, value: Any) -> None:
    if value is not None:
        feiten[key] = value


def _d(iso: str | None) -> dt.date | None:
    return None if iso is None else dt.date.fromisoformat(iso)


Regel = Callable[[Feiten, Mapping[str, Any]], None]


def _vergeten(f: Feiten, data: Mapping[str, Any]) -> None:
    # The person's key is destroyed: personal columns stay empty, now and on every rebuild.
    _set(f, "vergeten_op", _datum(data.get("datum")))


def _geregistreerd(f: Feiten, data: Mapping[str, Any]) -> None:
    f["geregistreerd"] = True
    _set(f, "doelgroep_intake", _code(data.get("doelgroep")))
    _set(f, "start_intake", _datum(data.get("datumStartInburgeringsplicht")))


def _intake_bezig(f: Feiten, data: Mapping[str, Any]) -> None:
    f["intake_gestart"] = True


def _intakegesprek(f: Feiten, data: Mapping[str, Any]) -> None:
    f["intake_gestart"] = True
    volgnummer = _int(data.get("volgnummer")) or 0
    klantregisseur = data.get("klantregisseur")
    if isinstance(klantregisseur, str) and volgnummer >= f.get("klantregisseur_volgnummer", 0):
        f["klantregisseur"] = klantregisseur[:200]
        f["klantregisseur_volgnummer"] = volgnummer


def _leerroute_geadviseerd(f: Feiten, data: Mapping[str, Any]) -> None:
    f["intake_gestart"] = True
    _set(f, "advies_intake", _code(data.get("leerroute")))


def _intake_afgerond(f: Feiten, data: Mapping[str, Any]) -> None:
    f["intake_gestart"] = True
    _set(f, "intake_afgerond_op", _datum(data.get("afrondingsdatum")))
    _set(f, "advies_intake", _code(data.get("leerroute")))
    _set(f, "doelgroep_intake", _code(data.get("doelgroep")))
    _set(f, "start_intake", _datum(data.get("datumStartInburgeringsplicht")))


def _concept(f: Feiten, data: Mapping[str, Any]) -> None:
    f["pip_opgesteld"] = True
    _set(f, "doelgroep_pip", _code(data.get("doelgroep")))
    _set(f, "start_pip", _datum(data.get("datumStartInburgeringsplicht")))
    f["advies_pip"] = _code(data.get("geadviseerdeLeerroute"))


def _opgeschort(f: Feiten, data: Mapping[str, Any]) -> None:
    ontvangen = _d(_datum(data.get("informatieOntvangenOp")))
    if ontvangen is not None:
        tot = ontvangen + dt.timedelta(days=VERLENGING_NA_INFORMATIE_DAGEN)
        f["opschorting_tot"] = _later(f.get("opschorting_tot"), tot.isoformat())


def _pip_termijn_verstreken(f: Feiten, data: Mapping[str, Any]) -> None:
    f["pip_opgesteld"] = True
    if not f.get("start_pip"):
        _set(f, "start_pip", _datum(data.get("datumStartInburgeringsplicht")))
    _set(f, "pip_termijn_gemeld", _datum(data.get("uitersteDatumPip")))
    _set(f, "pip_termijn_gemeld_op", _datum(data.get("peildatum")))


def _vastgesteld(f: Feiten, data: Mapping[str, Any]) -> None:
    f["pip_opgesteld"] = True
    versie = _int(data.get("pipVersie")) or 0
    dagtekening = _datum(data.get("dagtekening"))
    if versie >= f.get("pip_versie", 0):
        f["pip_versie"] = versie
        f["pip_leerroute"] = _code(data.get("leerroute"))
        f["pip_niveau"] = _code(data.get("niveau"))
        f["pip_dagtekening"] = dagtekening
    if data.get("isEerstePip") is True:
        f["eerste_dagtekening"] = dagtekening
        f["binnen_tien_weken"] = data.get("binnenTienWeken") is True
    _set(f, "doelgroep_pip", _code(data.get("doelgroep")))


def _afgeschaald(f: Feiten, data: Mapping[str, Any]) -> None:
    versie = _int(data.get("pipVersie")) or 0
    if versie >= f.get("pip_versie", 0):
        f["pip_versie"] = versie
        f["pip_niveau"] = _code(data.get("naarNiveau"))
        f["pip_dagtekening"] = _datum(data.get("dagtekening"))


def _termijn_gestart(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "termijn_start", _datum(data.get("startdatum")))
    f["termijn_einde"] = _later(f.get("termijn_einde"), _datum(data.get("einddatum")))


def _termijn_verlengd(f: Feiten, data: Mapping[str, Any]) -> None:
    f["termijn_einde"] = _later(f.get("termijn_einde"), _datum(data.get("nieuweEinddatum")))


def _termijn_bijna_af(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "termijn_gemeld", _datum(data.get("einddatum")))
    _set(f, "termijn_gemeld_op", _datum(data.get("peildatum")))


def _voortgangsgesprek(f: Feiten, data: Mapping[str, Any]) -> None:
    f["laatste_gesprek"] = _later(f.get("laatste_gesprek"), _datum(data.get("datum")))


def _examenuitslag(f: Feiten, data: Mapping[str, Any]) -> None:
    onderdeel = _code(data.get("onderdeel"))
    if onderdeel is None:
        return
    examens: dict[str, list[int]] = f.setdefault("examens", {})
    afgenomen, behaald = examens.get(onderdeel, [0, 0])
    examens[onderdeel] = [afgenomen + 1, behaald + (data.get("behaald") is True)]


def _voldaan(f: Feiten, data: Mapping[str, Any]) -> None:
    f["voldaan_op"] = _earlier(f.get("voldaan_op"), _datum(data.get("datum"))) or "onbekend"


def _ontzorging_gestart(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "ontzorging_gestart", _datum(data.get("beschikkingsdatum")))
    _set(f, "startdatum_bijstand", _datum(data.get("startdatumBijstand")))


def _periode_afgelopen(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "ontzorging_gemeld_op", _datum(data.get("peildatum")))


def _stap(key: str, veld: str) -> Regel:
    def regel(f: Feiten, data: Mapping[str, Any]) -> None:
        f[key] = _earlier(f.get(key), _datum(data.get(veld))) or "onbekend"

    return regel


REGELS: dict[str, Regel] = {
    "InburgeraarGeregistreerd": _geregistreerd,
    "PersoonsgegevensVergeten": _vergeten,
    **dict.fromkeys(INTAKE_BEZIG, _intake_bezig),
    "IntakegesprekGevoerd": _intakegesprek,
    "LeerrouteGeadviseerd": _leerroute_geadviseerd,
    "IntakeAfgerond": _intake_afgerond,
    "PIPOpgesteld": _concept,
    "ConceptPIPGewijzigd": _concept,
    "PIPTermijnOpgeschort": _opgeschort,
    "PIPTermijnVerstreken": _pip_termijn_verstreken,
    "PIPVastgesteld": _vastgesteld,
    "NiveauAfgeschaald": _afgeschaald,
    "InburgeringstermijnGestart": _termijn_gestart,
    "InburgeringstermijnVerlengd": _termijn_verlengd,
    "InburgeringstermijnLooptBijnaAf": _termijn_bijna_af,
    "VoortgangsgesprekGevoerd": _voortgangsgesprek,
    "ExamenuitslagOntvangen": _examenuitslag,
    "InburgeringsplichtVoldaan": _voldaan,
    "OntzorgingGestart": _ontzorging_gestart,
    "OntzorgingsperiodeAfgelopen": _periode_afgelopen,
    "BudgetbeheerGestart": _stap("budgetbeheer_op", "startdatum"),
    "AfbouwGestart": _stap("afbouw_op", "startdatum"),
    "FinancieelZelfredzaamVastgesteld": _stap("zelfredzaam_op", "vaststellingsdatum"),
    "OntzorgingBeeindigd": _stap("beeindigd_op", "einddatum"),
}
assert set(REGELS) == ALLE_EVENTS


def werk_bij(feiten: Feiten, event: str, data: Mapping[str, Any]) -> None:
    """Add what one event states to a person's facts."""
    REGELS[event](feiten, data)


# --- What follows from the facts ----------------------------------------------------------------


class Status(StrEnum):
    GEREGISTREERD = "geregistreerd"
    INTAKE = "intake"
    INTAKE_AFGEROND = "intake_afgerond"
    PIP_CONCEPT = "pip_concept"
    PIP_VASTGESTELD = "pip_vastgesteld"
    VOLDAAN = "voldaan"


class OntzorgingStatus(StrEnum):
    ONTZORGD = "ontzorgd"
    BUDGETBEHEER = "budgetbeheer"
    AFBOUW = "afbouw"
    FINANCIEEL_ZELFREDZAAM = "financieel_zelfredzaam"
    BEEINDIGD = "beeindigd"


class Deadline(StrEnum):
    PIP = "pip"
    INBURGERINGSTERMIJN = "inburgeringstermijn"
    ONTZORGINGSPERIODE = "ontzorgingsperiode"


class Signaalsoort(StrEnum):
    PIP_TERMIJN_VERSTREKEN = "pip_termijn_verstreken"
    INBURGERINGSTERMIJN_LOOPT_AF = "inburgeringstermijn_loopt_af"
    GEEN_VOORTGANG = "geen_voortgang"
    ONTZORGINGSPERIODE_AFGELOPEN = "ontzorgingsperiode_afgelopen"


def start_inburgeringsplicht(f: Feiten) -> str | None:
    """The PIP's start (the klantregisseur may correct it in the concept) over the intake's."""
    start: str | None = f.get("start_pip") or f.get("start_intake")
    return start


def uiterste_datum_pip(f: Feiten) -> str | None:
    """Ten weeks after the start; waiting for third parties moves it to at most two weeks
    after the information arrived (art. 15 Wi2021, art. 5.3 Besluit)."""
    start = _d(start_inburgeringsplicht(f))
    if start is None:
        return None
    tien_weken = (start + dt.timedelta(days=TIEN_WEKEN_DAGEN)).isoformat()
    return _later(tien_weken, f.get("opschorting_tot"))


def pip_open(f: Feiten) -> bool:
    return not f.get("pip_dagtekening") and not f.get("voldaan_op")


def status(f: Feiten) -> Status:
    if f.get("voldaan_op"):
        return Status.VOLDAAN
    if f.get("pip_dagtekening"):
        return Status.PIP_VASTGESTELD
    if f.get("pip_opgesteld"):
        return Status.PIP_CONCEPT
    if f.get("intake_afgerond_op"):
        return Status.INTAKE_AFGEROND
    if f.get("intake_gestart"):
        return Status.INTAKE
    return Status.GEREGISTREERD


def ontzorging_status(f: Feiten) -> OntzorgingStatus | None:
    """As the ontzorging aggregate has it: the furthest step taken."""
    if not f.get("ontzorging_gestart"):
        return None
    for key, value in (
        ("beeindigd_op", OntzorgingStatus.BEEINDIGD),
        ("zelfredzaam_op", OntzorgingStatus.FINANCIEEL_ZELFREDZAAM),
        ("afbouw_op", OntzorgingStatus.AFBOUW),
        ("budgetbeheer_op", OntzorgingStatus.BUDGETBEHEER),
    ):
        if f.get(key):
            return value
    return OntzorgingStatus.ONTZORGD


def einde_ontzorgingsperiode(f: Feiten) -> str | None:
    """The first day after the six months of direct payment (art. 56a Pw)."""
    start = _d(f.get("startdatum_bijstand"))
    return None if start is None else einde_periode(start).isoformat()


def leerroute(f: Feiten) -> tuple[str | None, bool]:
    """The route of the current PIP, or while there is none the advised one."""
    if f.get("pip_leerroute"):
        return f["pip_leerroute"], True
    return f.get("advies_pip") or f.get("advies_intake"), False


def doelgroep(f: Feiten) -> str | None:
    """The intake registered the person: its doelgroep stands; the PIP's fills a gap."""
    value: str | None = f.get("doelgroep_intake") or f.get("doelgroep_pip")
    return value


def volgende_deadline(f: Feiten) -> tuple[Deadline, str] | None:
    """The earliest deadline still to be met (it may have passed: then it is overdue)."""
    kandidaten: list[tuple[str, Deadline]] = []
    uiterste = uiterste_datum_pip(f)
    if uiterste and pip_open(f):
        kandidaten.append((uiterste, Deadline.PIP))
    if f.get("termijn_einde") and not f.get("voldaan_op"):
        kandidaten.append((f["termijn_einde"], Deadline.INBURGERINGSTERMIJN))
    einde = einde_ontzorgingsperiode(f)
    if einde and ontzorging_status(f) is OntzorgingStatus.ONTZORGD:
        kandidaten.append((einde, Deadline.ONTZORGINGSPERIODE))
    if not kandidaten:
        return None
    datum, soort = min(kandidaten)
    return soort, datum


def laatste_contact(f: Feiten) -> str | None:
    """Progress is measured from the last voortgangsgesprek, or the PIP when more recent."""
    return _later(f.get("laatste_gesprek"), f.get("pip_dagtekening"))


@dataclass(frozen=True)
class Kandidaat:
    """A signal that is, or will be, open while the facts stay as they are. `vanaf` is the
    first day it is open by the calendar (None: it depends on a setting, see the query);
    `gemeld_op` the peildatum of the event that raised it for this `datum`."""

    soort: Signaalsoort
    datum: str
    vanaf: str | None
    gemeld_op: str | None


def signaalkandidaten(f: Feiten) -> list[Kandidaat]:
    kandidaten: list[Kandidaat] = []
    voldaan = bool(f.get("voldaan_op"))
    uiterste = uiterste_datum_pip(f)
    if uiterste and pip_open(f):
        vanaf = (dt.date.fromisoformat(uiterste) + dt.timedelta(days=1)).isoformat()
        gemeld = f.get("pip_termijn_gemeld_op") if f.get("pip_termijn_gemeld") == uiterste else None
        kandidaten.append(Kandidaat(Signaalsoort.PIP_TERMIJN_VERSTREKEN, uiterste, vanaf, gemeld))
    einde = f.get("termijn_einde")
    if einde and not voldaan:
        vanaf = eerste_dag_binnen_twee_maanden(dt.date.fromisoformat(einde)).isoformat()
        gemeld = f.get("termijn_gemeld_op") if f.get("termijn_gemeld") == einde else None
        kandidaten.append(
            Kandidaat(Signaalsoort.INBURGERINGSTERMIJN_LOOPT_AF, einde, vanaf, gemeld)
        )
    contact = laatste_contact(f)
    if f.get("pip_dagtekening") and contact and not voldaan:
        kandidaten.append(Kandidaat(Signaalsoort.GEEN_VOORTGANG, contact, None, None))
    periode = einde_ontzorgingsperiode(f)
    if periode and ontzorging_status(f) is OntzorgingStatus.ONTZORGD:
        kandidaten.append(
            Kandidaat(
                Signaalsoort.ONTZORGINGSPERIODE_AFGELOPEN,
                periode,
                periode,
                f.get("ontzorging_gemeld_op"),
            )
        )
    return kandidaten


def _dagen(van: str | None, tot: str | None) -> int | None:
    if van is None or tot is None:
        return None
    return (dt.date.fromisoformat(tot) - dt.date.fromisoformat(van)).days


# --- The read models ----------------------------------------------------------------------------


def _uuid(value: Any) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value is not None else None
    except ValueError:
        return None


def _json(feiten: Feiten) -> str:
    return json.dumps(feiten, sort_keys=True, separators=(",", ":"))


def _table(base: str, suffix: str) -> str:
    return identifier(f"{base}{suffix}")


class PersoonModel(ABC):
    """A read model of facts per inburgeraar per gemeente. Subclasses name their tables,
    which events they read, and how they write the facts out."""

    name: str
    events: ClassVar[frozenset[str]]
    # Personal fields (the caseload's naam) arrive decrypted, null once forgotten.
    ontsleutelt: ClassVar[bool] = True
    # (table base name, CREATE TABLE column list) of the tables the model writes.
    schema: ClassVar[tuple[tuple[str, str], ...]]
    indexes: ClassVar[tuple[tuple[str, str], ...]] = ()

    @property
    def tables(self) -> tuple[str, ...]:
        return (f"{self.name}_links", *(base for base, _ in self.schema))

    def create(self, tx: Tx, suffix: str) -> None:
        tx.execute(
            f"CREATE TABLE IF NOT EXISTS {_table(f'{self.name}_links', suffix)} "
            "(aggregate_id TEXT PRIMARY KEY, inburgeraar_id TEXT NOT NULL)"
        )
        for base, columns in self.schema:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {_table(base, suffix)} ({columns})")
        for base, columns in self.indexes:
            index = _table(f"{base}{suffix}_{columns.replace(', ', '_')}", "")
            tx.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {_table(base, suffix)} ({columns})")

    def drop(self, tx: Tx, suffix: str) -> None:
        for base in self.tables:
            tx.execute(f"DROP TABLE IF EXISTS {_table(base, suffix)}")

    def handles(self, ce_type: str) -> bool:
        return EVENT_NAMES.get(ce_type) in self.events

    def key(self, inburgeraar_id: str) -> str:
        """How the model refers to a person (and an aggregate) in its tables."""
        return inburgeraar_id

    def apply(self, tx: Tx, cloudevent: dict[str, Any], suffix: str) -> None:
        event = EVENT_NAMES[cloudevent["type"]]
        data = cloudevent.get("data") or {}
        gemeente = cloudevent.get("gemeente")
        if not isinstance(gemeente, str) or not is_gemeentecode(gemeente):
            log.error("%s: %s names no gemeente; left out", self.name, cloudevent.get("id"))
            return
        persoon = self._persoon(tx, cloudevent, data, suffix)
        if persoon is None:
            log.error(
                "%s: no inburgeraar known for %s %s; left out",
                self.name,
                event,
                cloudevent.get("id"),
            )
            return
        feiten = self.lees(tx, suffix, gemeente, persoon)
        werk_bij(feiten, event, data)
        self.schrijf(tx, suffix, gemeente, persoon, feiten, event, data)

    def _persoon(
        self, tx: Tx, cloudevent: Mapping[str, Any], data: Mapping[str, Any], suffix: str
    ) -> str | None:
        subject = _uuid(cloudevent.get("subject"))
        explicit = _uuid(data.get("inburgeraarId"))
        links = _table(f"{self.name}_links", suffix)
        if service_of_type(cloudevent["type"]) == "intake":
            person = explicit or subject
            return None if person is None else self.key(person)
        if explicit is not None:
            if subject is not None and subject != explicit:
                tx.execute(
                    f"INSERT INTO {links} (aggregate_id, inburgeraar_id) VALUES (?, ?) "
                    "ON CONFLICT (aggregate_id) DO NOTHING",
                    (self.key(subject), self.key(explicit)),
                )
            return self.key(explicit)
        if subject is None:
            return None
        rows = tx.execute(
            f"SELECT inburgeraar_id FROM {links} WHERE aggregate_id = ?", (self.key(subject),)
        )
        return str(rows[0][0]) if rows else None

    @abstractmethod
    def lees(self, tx: Tx, suffix: str, gemeente: str, persoon: str) -> Feiten: ...

    @abstractmethod
    def schrijf(
        self,
        tx: Tx,
        suffix: str,
        gemeente: str,
        persoon: str,
        feiten: Feiten,
        event: str,
        data: Mapping[str, Any],
    ) -> None: ...


def _upsert(tx: Tx, table: str, keys: Sequence[str], values: Mapping[str, Any]) -> None:
    columns = list(values)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    tx.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
        [values[c] for c in columns],
    )


def _feiten(rows: list[Row]) -> Feiten:
    if not rows:
        return {}
    loaded = json.loads(rows[0][0])
    assert isinstance(loaded, dict)
    return loaded


CASELOAD_COLUMNS = (
    "gemeente TEXT NOT NULL, inburgeraar_id TEXT NOT NULL, naam TEXT, doelgroep TEXT, "
    "klantregisseur TEXT, status TEXT NOT NULL, leerroute TEXT, "
    "leerroute_vastgesteld INTEGER NOT NULL, niveau TEXT, datum_start TEXT, "
    "uiterste_datum_pip TEXT, pip_open_tot TEXT, pip_dagtekening TEXT, termijn_einde TEXT, "
    "laatste_voortgangsgesprek TEXT, ontzorging_status TEXT, einde_ontzorgingsperiode TEXT, "
    "deadline_soort TEXT, deadline_datum TEXT, feiten TEXT NOT NULL, vergeten_op TEXT, "
    "PRIMARY KEY (gemeente, inburgeraar_id)"
)


class Caseload(PersoonModel):
    """A klantregisseur's caseload: one row per inburgeraar."""

    name = "caseload"
    events = ALLE_EVENTS
    schema = (("caseload", CASELOAD_COLUMNS),)
    indexes = (("caseload", "gemeente, status"), ("caseload", "gemeente, deadline_datum"))

    def lees(self, tx: Tx, suffix: str, gemeente: str, persoon: str) -> Feiten:
        rows = tx.execute(
            f"SELECT feiten, naam FROM {_table('caseload', suffix)} "
            "WHERE gemeente = ? AND inburgeraar_id = ?",
            (gemeente, persoon),
        )
        feiten = _feiten(rows)
        if rows and rows[0][1] is not None:
            feiten["_naam"] = rows[0][1]
        return feiten

    def schrijf(
        self,
        tx: Tx,
        suffix: str,
        gemeente: str,
        persoon: str,
        feiten: Feiten,
        event: str,
        data: Mapping[str, Any],
    ) -> None:
        naam = feiten.pop("_naam", None)
        if event == "InburgeraarGeregistreerd" and isinstance(data.get("naam"), str):
            naam = data["naam"]
        if feiten.get("vergeten_op"):
            naam = None
        route, vastgesteld = leerroute(feiten)
        deadline = volgende_deadline(feiten)
        uiterste = uiterste_datum_pip(feiten)
        _upsert(
            tx,
            _table("caseload", suffix),
            ("gemeente", "inburgeraar_id"),
            {
                "gemeente": gemeente,
                "inburgeraar_id": persoon,
                "naam": naam,
                "doelgroep": doelgroep(feiten),
                "klantregisseur": feiten.get("klantregisseur"),
                "status": status(feiten).value,
                "leerroute": route,
                "leerroute_vastgesteld": int(vastgesteld),
                "niveau": feiten.get("pip_niveau"),
                "datum_start": start_inburgeringsplicht(feiten),
                "uiterste_datum_pip": uiterste,
                "pip_open_tot": uiterste if pip_open(feiten) else None,
                "pip_dagtekening": feiten.get("pip_dagtekening"),
                "termijn_einde": feiten.get("termijn_einde"),
                "laatste_voortgangsgesprek": feiten.get("laatste_gesprek"),
                "ontzorging_status": (o := ontzorging_status(feiten)) and o.value,
                "einde_ontzorgingsperiode": einde_ontzorgingsperiode(feiten),
                "deadline_soort": deadline and deadline[0].value,
                "deadline_datum": deadline and deadline[1],
                "feiten": _json(feiten),
                "vergeten_op": feiten.get("vergeten_op"),
            },
        )


class Signalen(PersoonModel):
    """Per inburgeraar the signals that are or may become open (see `signaalkandidaten`)."""

    name = "signalen"
    events = ALLE_EVENTS - {"ExamenuitslagOntvangen"}
    schema = (
        (
            "signalen_personen",
            "gemeente TEXT NOT NULL, inburgeraar_id TEXT NOT NULL, feiten TEXT NOT NULL, "
            "PRIMARY KEY (gemeente, inburgeraar_id)",
        ),
        (
            "signalen",
            "gemeente TEXT NOT NULL, inburgeraar_id TEXT NOT NULL, soort TEXT NOT NULL, "
            "datum TEXT NOT NULL, vanaf TEXT, gemeld_op TEXT, klantregisseur TEXT, "
            "PRIMARY KEY (gemeente, inburgeraar_id, soort)",
        ),
    )
    indexes = (("signalen", "gemeente, soort"),)

    def lees(self, tx: Tx, suffix: str, gemeente: str, persoon: str) -> Feiten:
        return _feiten(
            tx.execute(
                f"SELECT feiten FROM {_table('signalen_personen', suffix)} "
                "WHERE gemeente = ? AND inburgeraar_id = ?",
                (gemeente, persoon),
            )
        )

    def schrijf(
        self,
        tx: Tx,
        suffix: str,
        gemeente: str,
        persoon: str,
        feiten: Feiten,
        event: str,
        data: Mapping[str, Any],
    ) -> None:
        _upsert(
            tx,
            _table("signalen_personen", suffix),
            ("gemeente", "inburgeraar_id"),
            {"gemeente": gemeente, "inburgeraar_id": persoon, "feiten": _json(feiten)},
        )
        signalen = _table("signalen", suffix)
        tx.execute(
            f"DELETE FROM {signalen} WHERE gemeente = ? AND inburgeraar_id = ?",
            (gemeente, persoon),
        )
        tx.executemany(
            f"INSERT INTO {signalen} (gemeente, inburgeraar_id, soort, datum, vanaf, gemeld_op, "
            "klantregisseur) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (gemeente, persoon, k.soort.value, k.datum, k.vanaf, k.gemeld_op,
                 feiten.get("klantregisseur"))
                for k in signaalkandidaten(feiten)
            ],
        )  # fmt: skip


MONITORING_EVENTS = frozenset(
    {
        "InburgeraarGeregistreerd",
        "IntakeAfgerond",
        "PIPOpgesteld",
        "ConceptPIPGewijzigd",
        "PIPTermijnVerstreken",
        "PIPVastgesteld",
        "NiveauAfgeschaald",
        "ExamenuitslagOntvangen",
    }
)
# Facts the monitoring keeps; nothing else of an event is stored (no names, no staff).
MONITORING_FEITEN = frozenset(
    {
        "geregistreerd",
        "doelgroep_intake",
        "doelgroep_pip",
        "start_intake",
        "start_pip",
        "intake_gestart",
        "intake_afgerond_op",
        "advies_intake",
        "advies_pip",
        "pip_opgesteld",
        "pip_versie",
        "pip_leerroute",
        "pip_niveau",
        "pip_dagtekening",
        "eerste_dagtekening",
        "binnen_tien_weken",
        "examens",
    }
)


class Monitoring(PersoonModel):
    """CBS Statistiek Wet inburgering: codes, dates and counts per person under a one-way
    key (a SHA-256 of the id: the tables name nobody), aggregated when asked."""

    name = "monitoring"
    events = MONITORING_EVENTS
    schema = (
        (
            "monitoring",
            "gemeente TEXT NOT NULL, persoon TEXT NOT NULL, cohort INTEGER, doelgroep TEXT, "
            "leerroute TEXT, intake_afgerond INTEGER NOT NULL, dagen_tot_intake INTEGER, "
            "heeft_pip INTEGER NOT NULL, dagen_tot_pip INTEGER, binnen_tien_weken INTEGER, "
            "feiten TEXT NOT NULL, PRIMARY KEY (gemeente, persoon)",
        ),
        (
            "monitoring_examens",
            "gemeente TEXT NOT NULL, persoon TEXT NOT NULL, onderdeel TEXT NOT NULL, "
            "afgenomen INTEGER NOT NULL, behaald INTEGER NOT NULL, "
            "PRIMARY KEY (gemeente, persoon, onderdeel)",
        ),
    )
    indexes = (("monitoring", "gemeente, cohort"),)

    def key(self, inburgeraar_id: str) -> str:
        return hashlib.sha256(f"monitoring/{inburgeraar_id}".encode()).hexdigest()[:32]

    def lees(self, tx: Tx, suffix: str, gemeente: str, persoon: str) -> Feiten:
        return _feiten(
            tx.execute(
                f"SELECT feiten FROM {_table('monitoring', suffix)} "
                "WHERE gemeente = ? AND persoon = ?",
                (gemeente, persoon),
            )
        )

    def schrijf(
        self,
        tx: Tx,
        suffix: str,
        gemeente: str,
        persoon: str,
        feiten: Feiten,
        event: str,
        data: Mapping[str, Any],
    ) -> None:
        feiten = {k: v for k, v in feiten.items() if k in MONITORING_FEITEN}
        start = start_inburgeringsplicht(feiten)
        eerste = feiten.get("eerste_dagtekening")
        tien_weken = feiten.get("binnen_tien_weken")
        _upsert(
            tx,
            _table("monitoring", suffix),
            ("gemeente", "persoon"),
            {
                "gemeente": gemeente,
                "persoon": persoon,
                "cohort": int(start[:4]) if start else None,
                "doelgroep": doelgroep(feiten),
                "leerroute": feiten.get("pip_leerroute"),
                "intake_afgerond": int(bool(feiten.get("intake_afgerond_op"))),
                "dagen_tot_intake": _dagen(start, feiten.get("intake_afgerond_op")),
                "heeft_pip": int(bool(feiten.get("pip_dagtekening"))),
                "dagen_tot_pip": _dagen(start, eerste),
                "binnen_tien_weken": None if eerste is None else int(bool(tien_weken)),
                "feiten": _json(feiten),
            },
        )
        if event == "ExamenuitslagOntvangen":
            examens = _table("monitoring_examens", suffix)
            tx.execute(
                f"DELETE FROM {examens} WHERE gemeente = ? AND persoon = ?", (gemeente, persoon)
            )
            tx.executemany(
                f"INSERT INTO {examens} (gemeente, persoon, onderdeel, afgenomen, behaald) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (gemeente, persoon, onderdeel, afgenomen, behaald)
                    for onderdeel, (afgenomen, behaald) in sorted(feiten["examens"].items())
                ],
            )


CASELOAD = Caseload()
SIGNALEN = Signalen()
MONITORING = Monitoring()
GEMEENTE_MODELS: list[ReadModel] = [CASELOAD, SIGNALEN, MONITORING]


# --- Queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sortering:
    veld: str  # a column name, from the query API's allow-list
    aflopend: bool = False


def _order_by(sortering: Sequence[Sortering], tiebreak: str) -> str:
    """Empty values last in either direction, on SQLite and PostgreSQL alike."""
    keys = []
    for key in sortering:
        column = identifier(key.veld)
        keys.append(f"({column} IS NULL), {column} {'DESC' if key.aflopend else 'ASC'}")
    return ", ".join([*keys, tiebreak])


@dataclass(frozen=True)
class CaseloadFilter:
    status: Sequence[str] = ()
    leerroute: Sequence[str] = ()
    doelgroep: Sequence[str] = ()
    klantregisseur: str | None = None
    ontzorging_status: Sequence[str] = ()


@dataclass(frozen=True)
class CaseloadRij:
    inburgeraar_id: str
    gemeente: str
    naam: str | None
    doelgroep: str | None
    klantregisseur: str | None
    status: str
    leerroute: str | None
    leerroute_vastgesteld: bool
    niveau: str | None
    datum_start_inburgeringsplicht: str | None
    uiterste_datum_pip: str | None
    dagen_tot_pip: int | None
    pip_dagtekening: str | None
    volgende_deadline: tuple[str, str] | None
    einde_termijn: str | None
    laatste_voortgangsgesprek: str | None
    ontzorging_status: str | None
    einde_ontzorgingsperiode: str | None
    vergeten_op: str | None = None


CASELOAD_SELECT = (
    "inburgeraar_id, gemeente, naam, doelgroep, klantregisseur, status, leerroute, "
    "leerroute_vastgesteld, niveau, datum_start, uiterste_datum_pip, pip_open_tot, "
    "pip_dagtekening, deadline_soort, deadline_datum, termijn_einde, laatste_voortgangsgesprek, "
    "ontzorging_status, einde_ontzorgingsperiode, vergeten_op"
)


def _in(column: str, values: Sequence[str], where: list[str], params: list[Any]) -> None:
    if values:
        where.append(f"{identifier(column)} IN ({', '.join('?' for _ in values)})")
        params.extend(values)


def caseload(
    store: SQLStore,
    suffix: str,
    gemeente: str,
    filter_: CaseloadFilter,
    sortering: Sequence[Sortering],
    offset: int,
    limit: int,
    vandaag: dt.date,
) -> tuple[list[CaseloadRij], int]:
    """One page of the gemeente's caseload, and how many rows match in all."""
    where: list[str] = ["gemeente = ?"]
    params: list[Any] = [gemeente]
    _in("status", filter_.status, where, params)
    _in("leerroute", filter_.leerroute, where, params)
    _in("doelgroep", filter_.doelgroep, where, params)
    _in("ontzorging_status", filter_.ontzorging_status, where, params)
    if filter_.klantregisseur is not None:
        where.append("klantregisseur = ?")
        params.append(filter_.klantregisseur)
    table = _table("caseload", suffix)
    condition = " AND ".join(where)
    [(totaal,)] = store.query(f"SELECT COUNT(*) FROM {table} WHERE {condition}", params)
    rows = store.query(
        f"SELECT {CASELOAD_SELECT} FROM {table} WHERE {condition} "
        f"ORDER BY {_order_by(sortering, 'inburgeraar_id')} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_caseload_rij(row, vandaag) for row in rows], int(totaal)


def _caseload_rij(row: Row, vandaag: dt.date) -> CaseloadRij:
    (inburgeraar_id, gemeente, naam, doelgroep_, klantregisseur, status_, route, vastgesteld,
     niveau, start, uiterste, open_tot, dagtekening, deadline_soort, deadline_datum, einde,
     gesprek, ontzorging, einde_periode, vergeten_op) = row  # fmt: skip
    return CaseloadRij(
        inburgeraar_id=inburgeraar_id,
        gemeente=gemeente,
        naam=naam,
        doelgroep=doelgroep_,
        klantregisseur=klantregisseur,
        status=status_,
        leerroute=route,
        leerroute_vastgesteld=bool(vastgesteld),
        niveau=niveau,
        datum_start_inburgeringsplicht=start,
        uiterste_datum_pip=uiterste,
        dagen_tot_pip=_dagen(vandaag.isoformat(), open_tot),
        pip_dagtekening=dagtekening,
        volgende_deadline=(deadline_soort, deadline_datum) if deadline_soort else None,
        einde_termijn=einde,
        laatste_voortgangsgesprek=gesprek,
        ontzorging_status=ontzorging,
        einde_ontzorgingsperiode=einde_periode,
        vergeten_op=vergeten_op,
    )


@dataclass(frozen=True)
class SignalenFilter:
    soort: Sequence[str] = ()
    klantregisseur: str | None = None
    inburgeraar_id: str | None = None


@dataclass(frozen=True)
class Signaal:
    inburgeraar_id: str
    gemeente: str
    soort: str
    datum: str  # the date it is about: uiterste datum, einde termijn, laatste contact, ...
    sinds: str  # the first day it was open
    bron: str  # "event": raised by the service's event; "berekend": from the dates
    klantregisseur: str | None


def signalen(
    store: SQLStore,
    suffix: str,
    gemeente: str,
    filter_: SignalenFilter,
    vandaag: dt.date,
    geen_voortgang_dagen: int,
) -> list[Signaal]:
    """The gemeente's signals open on `vandaag` (unsorted)."""
    grens = (vandaag - dt.timedelta(days=geen_voortgang_dagen)).isoformat()
    geen_voortgang = Signaalsoort.GEEN_VOORTGANG.value
    where = [
        "gemeente = ?",
        "(gemeld_op IS NOT NULL OR (soort <> ? AND vanaf <= ?) OR (soort = ? AND datum <= ?))",
    ]
    params: list[Any] = [gemeente, geen_voortgang, vandaag.isoformat(), geen_voortgang, grens]
    _in("soort", filter_.soort, where, params)
    if filter_.klantregisseur is not None:
        where.append("klantregisseur = ?")
        params.append(filter_.klantregisseur)
    if filter_.inburgeraar_id is not None:
        where.append("inburgeraar_id = ?")
        params.append(filter_.inburgeraar_id)
    rows = store.query(
        "SELECT inburgeraar_id, gemeente, soort, datum, vanaf, gemeld_op, klantregisseur "
        f"FROM {_table('signalen', suffix)} WHERE {' AND '.join(where)}",
        params,
    )
    found = []
    for inburgeraar_id, gemeente_, soort, datum, vanaf, gemeld_op, klantregisseur in rows:
        if soort == geen_voortgang:
            vanaf = (
                dt.date.fromisoformat(datum) + dt.timedelta(days=geen_voortgang_dagen)
            ).isoformat()
        open_op_datum = vanaf is not None and vanaf <= vandaag.isoformat()
        found.append(
            Signaal(
                inburgeraar_id=inburgeraar_id,
                gemeente=gemeente_,
                soort=soort,
                datum=datum,
                sinds=min(d for d in (vanaf if open_op_datum else None, gemeld_op) if d),
                bron="event" if gemeld_op else "berekend",
                klantregisseur=klantregisseur,
            )
        )
    return found


def sorteer_signalen(found: Iterable[Signaal], sortering: Sequence[Sortering]) -> list[Signaal]:
    """Sorted on the keys in turn (empty values last), then by person and kind."""
    rows = sorted(found, key=lambda s: (s.inburgeraar_id, s.soort))
    for key in reversed(sortering):
        present = [s for s in rows if getattr(s, key.veld) is not None]
        absent = [s for s in rows if getattr(s, key.veld) is None]
        present.sort(key=lambda s: getattr(s, key.veld), reverse=key.aflopend)
        rows = present + absent
    return rows


@dataclass(frozen=True)
class Duur:
    """Days from the start of the obligation to a step, over the persons who took it."""

    aantal: int
    gemiddelde: float | None
    mediaan: float | None

    @classmethod
    def van(cls, dagen: Sequence[int]) -> Duur:
        if not dagen:
            return cls(0, None, None)
        return cls(
            len(dagen),
            round(statistics.fmean(dagen), 1),
            float(statistics.median(dagen)),
        )


@dataclass(frozen=True)
class Examencijfer:
    onderdeel: str
    afgenomen: int
    behaald: int


@dataclass(frozen=True)
class Cohortcijfers:
    cohort: int
    aantal_inburgeraars: int
    intake_afgerond: int
    dagen_tot_intake_afgerond: Duur
    met_pip: int
    dagen_tot_pip: Duur
    eerste_pips: int
    eerste_pips_binnen_tien_weken: int
    leerroutes: dict[str, int] = field(default_factory=dict)
    examens: list[Examencijfer] = field(default_factory=list)

    @property
    def aandeel_binnen_tien_weken(self) -> float | None:
        if not self.eerste_pips:
            return None
        return round(self.eerste_pips_binnen_tien_weken / self.eerste_pips, 4)


LEERROUTES = ("b1", "onderwijs", "z")
ONDERDELEN = ("lezen", "luisteren", "schrijven", "spreken", "knm")


def monitoring(
    store: SQLStore,
    suffix: str,
    gemeente: str,
    cohort: int | None = None,
    doelgroep_: str | None = None,
) -> list[Cohortcijfers]:
    """The CBS figures per cohort of the gemeente (one cohort when asked, with zeros when it
    has nobody), from the per-person values."""
    where = ["gemeente = ?", "cohort IS NOT NULL"]
    params: list[Any] = [gemeente]
    if cohort is not None:
        where.append("cohort = ?")
        params.append(cohort)
    if doelgroep_ is not None:
        where.append("doelgroep = ?")
        params.append(doelgroep_)
    condition = " AND ".join(where)
    personen = store.query(
        "SELECT cohort, leerroute, intake_afgerond, dagen_tot_intake, heeft_pip, dagen_tot_pip, "
        f"binnen_tien_weken FROM {_table('monitoring', suffix)} WHERE {condition}",
        params,
    )
    examens = store.query(
        f"SELECT m.cohort, e.onderdeel, SUM(e.afgenomen), SUM(e.behaald) "
        f"FROM {_table('monitoring_examens', suffix)} e "
        f"JOIN {_table('monitoring', suffix)} m "
        "ON m.gemeente = e.gemeente AND m.persoon = e.persoon "
        f"WHERE {' AND '.join('m.' + w for w in where)} GROUP BY m.cohort, e.onderdeel",
        params,
    )
    cohorten = sorted({int(row[0]) for row in personen} | ({cohort} if cohort else set()))
    return [_cohort(c, personen, examens) for c in cohorten]


def _cohort(cohort: int, personen: list[Row], examens: list[Row]) -> Cohortcijfers:
    mine = [row for row in personen if int(row[0]) == cohort]
    routes = dict.fromkeys(LEERROUTES, 0)
    for row in mine:
        if row[1] is not None:
            routes[row[1]] = routes.get(row[1], 0) + 1
    per_onderdeel = {str(o): (int(a), int(b)) for c, o, a, b in examens if int(c) == cohort}
    onderdelen = [*ONDERDELEN, *sorted(set(per_onderdeel) - set(ONDERDELEN))]
    eerste = [int(row[6]) for row in mine if row[6] is not None]
    return Cohortcijfers(
        cohort=cohort,
        aantal_inburgeraars=len(mine),
        intake_afgerond=sum(int(row[2]) for row in mine),
        dagen_tot_intake_afgerond=Duur.van([int(row[3]) for row in mine if row[3] is not None]),
        met_pip=sum(int(row[4]) for row in mine),
        dagen_tot_pip=Duur.van([int(row[5]) for row in mine if row[5] is not None]),
        eerste_pips=len(eerste),
        eerste_pips_binnen_tien_weken=sum(eerste),
        leerroutes=routes,
        examens=[Examencijfer(o, *per_onderdeel.get(o, (0, 0))) for o in onderdelen],
    )
