"""The queries of the gemeente read models: a page of the caseload, the signals open on a
day, the CBS figures per cohort. What depends on today (days left, whether a signal is open,
"no progress for N days") is computed here, from the stored dates and the day asked for."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.projections.gemeente.afgeleid import Signaalsoort, dagen
from services.projections.gemeente.tabellen import tabelnaam
from shared.sqlstore import Row, SQLStore, identifier


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
    contactpersoon: str | None = None


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
    contactpersoon: str | None = None
    regie: dict[str, Any] = field(default_factory=dict)
    aanbevelingen: tuple[str, ...] = ()
    einde_reden: str | None = None


CASELOAD_SELECT = (
    "inburgeraar_id, gemeente, naam, doelgroep, klantregisseur, status, leerroute, "
    "leerroute_vastgesteld, niveau, datum_start, uiterste_datum_pip, pip_open_tot, "
    "pip_dagtekening, deadline_soort, deadline_datum, termijn_einde, laatste_voortgangsgesprek, "
    "ontzorging_status, einde_ontzorgingsperiode, vergeten_op, contactpersoon, regie, "
    "aanbevelingen, einde_reden"
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
    if filter_.contactpersoon is not None:
        where.append("contactpersoon = ?")
        params.append(filter_.contactpersoon)
    caseload_ = tabelnaam("caseload", suffix)
    condition = " AND ".join(where)
    [(totaal,)] = store.query(f"SELECT COUNT(*) FROM {caseload_} WHERE {condition}", params)
    rows = store.query(
        f"SELECT {CASELOAD_SELECT} FROM {caseload_} WHERE {condition} "
        f"ORDER BY {_order_by(sortering, 'inburgeraar_id')} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_caseload_rij(row, vandaag) for row in rows], int(totaal)


def _caseload_rij(row: Row, vandaag: dt.date) -> CaseloadRij:
    (inburgeraar_id, gemeente, naam, doelgroep_, klantregisseur, status_, route, vastgesteld,
     niveau, start, uiterste, open_tot, dagtekening, deadline_soort, deadline_datum, einde,
     gesprek, ontzorging, einde_periode, vergeten_op, contactpersoon, regie,
     aanbevolen, einde_reden) = row  # fmt: skip
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
        dagen_tot_pip=dagen(vandaag.isoformat(), open_tot),
        pip_dagtekening=dagtekening,
        volgende_deadline=(deadline_soort, deadline_datum) if deadline_soort else None,
        einde_termijn=einde,
        laatste_voortgangsgesprek=gesprek,
        ontzorging_status=ontzorging,
        einde_ontzorgingsperiode=einde_periode,
        vergeten_op=vergeten_op,
        contactpersoon=contactpersoon,
        regie=json.loads(regie) if regie else {},
        aanbevelingen=tuple(aanbevolen.split(",")) if aanbevolen else (),
        einde_reden=einde_reden,
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
        f"FROM {tabelnaam('signalen', suffix)} WHERE {' AND '.join(where)}",
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
        f"binnen_tien_weken FROM {tabelnaam('monitoring', suffix)} WHERE {condition}",
        params,
    )
    examens = store.query(
        f"SELECT m.cohort, e.onderdeel, SUM(e.afgenomen), SUM(e.behaald) "
        f"FROM {tabelnaam('monitoring_examens', suffix)} e "
        f"JOIN {tabelnaam('monitoring', suffix)} m "
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
