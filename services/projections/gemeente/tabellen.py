"""The gemeente read models' tables: per person the facts (JSON) and the row a query reads,
derived from the facts after every event.

Which inburgeraar: intake's aggregate id is the inburgeraar id; a traject (PIP) and an
ontzorging name `inburgeraarId` in their first event (PIPOpgesteld, OntzorgingGestart) and in
some later ones; each model keeps a link table aggregate id -> inburgeraar id, learned from
those events. An event whose person cannot be resolved is logged and left out."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from services.projections.gemeente.afgeleid import (
    aanbevelingen,
    contactpersoon_gemeente,
    dagen,
    doelgroep,
    einde_ontzorgingsperiode,
    leerroute,
    ontzorging_status,
    pip_open,
    regie,
    signaalkandidaten,
    start_inburgeringsplicht,
    status,
    uiterste_datum_pip,
    volgende_deadline,
)
from services.projections.gemeente.feiten import (
    ALLE_TYPEN,
    CONCEPT_PIP_GEWIJZIGD,
    EXAMENUITSLAG_ONTVANGEN,
    INBURGERAAR_GEREGISTREERD,
    INTAKE_AFGEROND,
    INTAKE_TYPEN,
    NIVEAU_AFGESCHAALD,
    PIP_OPGESTELD,
    PIP_TERMIJN_VERSTREKEN,
    PIP_VASTGESTELD,
    Feiten,
    werk_bij,
)
from services.projections.projector import ReadModel
from shared.gemeenten import is_gemeentecode
from shared.sqlstore import Row, Tx, identifier

log = logging.getLogger(__name__)


def _uuid(value: Any) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value is not None else None
    except ValueError:
        return None


def _json(feiten: Feiten) -> str:
    return json.dumps(feiten, sort_keys=True, separators=(",", ":"))


def tabelnaam(base: str, suffix: str) -> str:
    return identifier(f"{base}{suffix}")


class PersoonModel(ABC):
    """A read model of facts per inburgeraar per gemeente. Subclasses name their tables,
    which events they read, and how they write the facts out."""

    name: str
    typen: ClassVar[frozenset[str]]  # the CloudEvent types it reads
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
            f"CREATE TABLE IF NOT EXISTS {tabelnaam(f'{self.name}_links', suffix)} "
            "(aggregate_id TEXT PRIMARY KEY, inburgeraar_id TEXT NOT NULL)"
        )
        for base, columns in self.schema:
            tx.execute(f"CREATE TABLE IF NOT EXISTS {tabelnaam(base, suffix)} ({columns})")
        for base, columns in self.indexes:
            index = tabelnaam(f"{base}{suffix}_{columns.replace(', ', '_')}", "")
            tabel = tabelnaam(base, suffix)
            tx.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {tabel} ({columns})")

    def drop(self, tx: Tx, suffix: str) -> None:
        for base in self.tables:
            tx.execute(f"DROP TABLE IF EXISTS {tabelnaam(base, suffix)}")

    def handles(self, ce_type: str) -> bool:
        return ce_type in self.typen

    def key(self, inburgeraar_id: str) -> str:
        """How the model refers to a person (and an aggregate) in its tables."""
        return inburgeraar_id

    def apply(self, tx: Tx, cloudevent: dict[str, Any], suffix: str) -> None:
        ce_type = cloudevent["type"]
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
                ce_type,
                cloudevent.get("id"),
            )
            return
        feiten = self.lees(tx, suffix, gemeente, persoon)
        werk_bij(feiten, ce_type, data)
        self.schrijf(tx, suffix, gemeente, persoon, feiten, ce_type, data)

    def _persoon(
        self, tx: Tx, cloudevent: Mapping[str, Any], data: Mapping[str, Any], suffix: str
    ) -> str | None:
        subject = _uuid(cloudevent.get("subject"))
        explicit = _uuid(data.get("inburgeraarId"))
        links = tabelnaam(f"{self.name}_links", suffix)
        if cloudevent["type"] in INTAKE_TYPEN:
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
        ce_type: str,
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
    "contactpersoon TEXT, regie TEXT, aanbevelingen TEXT, einde_reden TEXT, "
    "PRIMARY KEY (gemeente, inburgeraar_id)"
)


class Caseload(PersoonModel):
    """A klantregisseur's caseload: one row per inburgeraar."""

    name = "caseload"
    typen = ALLE_TYPEN
    schema = (("caseload", CASELOAD_COLUMNS),)
    indexes = (("caseload", "gemeente, status"), ("caseload", "gemeente, deadline_datum"))

    def lees(self, tx: Tx, suffix: str, gemeente: str, persoon: str) -> Feiten:
        rows = tx.execute(
            f"SELECT feiten, naam FROM {tabelnaam('caseload', suffix)} "
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
        ce_type: str,
        data: Mapping[str, Any],
    ) -> None:
        naam = feiten.pop("_naam", None)
        if ce_type in INBURGERAAR_GEREGISTREERD and isinstance(data.get("naam"), str):
            naam = data["naam"]
        if feiten.get("vergeten_op"):
            naam = None
        route, vastgesteld = leerroute(feiten)
        deadline = volgende_deadline(feiten)
        uiterste = uiterste_datum_pip(feiten)
        _upsert(
            tx,
            tabelnaam("caseload", suffix),
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
                "einde_reden": feiten.get("einde_reden"),
                "contactpersoon": contactpersoon_gemeente(feiten),
                "regie": _json(regie(feiten)),
                "aanbevelingen": ",".join(aanbevelingen(feiten)) or None,
            },
        )


class Signalen(PersoonModel):
    """Per inburgeraar the signals that are or may become open (see `signaalkandidaten`)."""

    name = "signalen"
    typen = ALLE_TYPEN - EXAMENUITSLAG_ONTVANGEN
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
                f"SELECT feiten FROM {tabelnaam('signalen_personen', suffix)} "
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
        ce_type: str,
        data: Mapping[str, Any],
    ) -> None:
        _upsert(
            tx,
            tabelnaam("signalen_personen", suffix),
            ("gemeente", "inburgeraar_id"),
            {"gemeente": gemeente, "inburgeraar_id": persoon, "feiten": _json(feiten)},
        )
        signalen = tabelnaam("signalen", suffix)
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


MONITORING_TYPEN = frozenset(
    INBURGERAAR_GEREGISTREERD
    | INTAKE_AFGEROND
    | PIP_OPGESTELD
    | CONCEPT_PIP_GEWIJZIGD
    | PIP_TERMIJN_VERSTREKEN
    | PIP_VASTGESTELD
    | NIVEAU_AFGESCHAALD
    | EXAMENUITSLAG_ONTVANGEN
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
    typen = MONITORING_TYPEN
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
                f"SELECT feiten FROM {tabelnaam('monitoring', suffix)} "
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
        ce_type: str,
        data: Mapping[str, Any],
    ) -> None:
        feiten = {k: v for k, v in feiten.items() if k in MONITORING_FEITEN}
        start = start_inburgeringsplicht(feiten)
        eerste = feiten.get("eerste_dagtekening")
        tien_weken = feiten.get("binnen_tien_weken")
        _upsert(
            tx,
            tabelnaam("monitoring", suffix),
            ("gemeente", "persoon"),
            {
                "gemeente": gemeente,
                "persoon": persoon,
                "cohort": int(start[:4]) if start else None,
                "doelgroep": doelgroep(feiten),
                "leerroute": feiten.get("pip_leerroute"),
                "intake_afgerond": int(bool(feiten.get("intake_afgerond_op"))),
                "dagen_tot_intake": dagen(start, feiten.get("intake_afgerond_op")),
                "heeft_pip": int(bool(feiten.get("pip_dagtekening"))),
                "dagen_tot_pip": dagen(start, eerste),
                "binnen_tien_weken": None if eerste is None else int(bool(tien_weken)),
                "feiten": _json(feiten),
            },
        )
        if ce_type in EXAMENUITSLAG_ONTVANGEN:
            examens = tabelnaam("monitoring_examens", suffix)
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
