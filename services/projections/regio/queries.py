"""The regional figures, computed when asked from the tables of one generation: the CBS
figures per gemeente and summed over the region per cohort (`monitoring`), and joint
purchasing per route and language provider (`inkoop`)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from services.projections.projector import suffix
from services.projections.regio.tabellen import tabelnaam
from shared.sqlstore import SQLStore

LEERROUTES = ("b1", "onderwijs", "z")
ONDERDELEN = ("lezen", "luisteren", "schrijven", "spreken", "knm")


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
            f"FROM {tabelnaam('regio_monitoring_personen', s)} WHERE regio = ?",
            (f.regio,),
        )
    ]
    personen = [p for p in personen if _in_filter(f, p.gemeente, p.cohort, p.leerroute)]
    examens = [
        (str(p), str(o), int(a), int(b))
        for p, o, a, b in store.query(
            "SELECT persoon, onderdeel, afgenomen, behaald "
            f"FROM {tabelnaam('regio_monitoring_examens', s)} WHERE regio = ?",
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
            f"FROM {tabelnaam('regio_inkoop_personen', s)} WHERE regio = ?",
            (f.regio,),
        )
        if _in_filter(f, str(gemeente), cohort, leerroute)
    }
    uren = [
        (str(p), str(a), str(soort), int(u), int(k))
        for p, a, soort, u, k in store.query(
            f"SELECT persoon, aanbieder, soort, uren, uren_keurmerk FROM "
            f"{tabelnaam('regio_inkoop_uren', s)} WHERE regio = ?",
            (f.regio,),
        )
    ]
    examens: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for p, o, a, b in store.query(
        "SELECT persoon, onderdeel, afgenomen, behaald "
        f"FROM {tabelnaam('regio_inkoop_examens', s)} WHERE regio = ?",
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
