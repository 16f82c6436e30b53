"""The clocks and rules of the Algemene wet bestuursrecht (Awb) that every beschikking of the
platform follows (the PIP, the ontzorging, a bestuurlijke boete): its dagtekening and the day
it is sent (bekendmaking), the six weeks to object, the period to decide on the objection,
and the Algemene termijnenwet (Atw) that moves a period ending on a weekend or holiday.

Pure: dates in, dates out, and one named violation per rule with its source (`bron`). The
services compute these dates when the fact happens and publish them in their events, so no
reader recomputes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from shared.domain import RuleViolation

BEZWAARTERMIJN = dt.timedelta(weeks=6)
BESLISTERMIJN = dt.timedelta(weeks=6)
BESLISTERMIJN_ADVIESCOMMISSIE = dt.timedelta(weeks=12)
MAX_VERDAGING = dt.timedelta(weeks=6)
POSTTERMIJN = dt.timedelta(weeks=1)

BRON_BEZWAARTERMIJN = "art. 6:7 en art. 6:8 lid 1 Awb; art. 3:41 lid 1 Awb; art. 1 lid 1 Atw"
BRON_BESLISTERMIJN = "art. 7:10 lid 1 en lid 3 Awb; art. 1 lid 1 Atw"


class Beslissing(StrEnum):
    """The outcome of a decision on an objection (art. 7:11 Awb; niet-ontvankelijk: 6:6, 6:11)."""

    GEGROND = "gegrond"
    ONGEGROND = "ongegrond"
    NIET_ONTVANKELIJK = "niet_ontvankelijk"


# --- The Algemene termijnenwet ---------------------------------------------------------------


def paasdag(jaar: int) -> dt.date:
    """Eerste Paasdag (Gregorian calendar, the anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = jaar % 19, jaar // 100, jaar % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    maand, dag = divmod(h + ll - 7 * m + 114, 31)
    return dt.date(jaar, maand, dag + 1)


def koningsdag(jaar: int) -> dt.date:
    """27 April, the day before when that is a Sunday (Wet van 2013 op de Koningsdag)."""
    dag = dt.date(jaar, 4, 27)
    return dag - dt.timedelta(days=1) if dag.weekday() == 6 else dag


def algemeen_erkende_feestdagen(jaar: int) -> frozenset[dt.date]:
    """Art. 3 lid 1 Atw, with Goede Vrijdag (art. 3 lid 2). Days a royal decree equates with
    a feestdag for some years (art. 3 lid 3) are not known here."""
    pasen = paasdag(jaar)
    return frozenset(
        {
            dt.date(jaar, 1, 1),
            pasen - dt.timedelta(days=2),
            pasen,
            pasen + dt.timedelta(days=1),
            pasen + dt.timedelta(days=39),
            pasen + dt.timedelta(days=49),
            pasen + dt.timedelta(days=50),
            koningsdag(jaar),
            dt.date(jaar, 5, 5),
            dt.date(jaar, 12, 25),
            dt.date(jaar, 12, 26),
        }
    )


def is_werkdag(dag: dt.date) -> bool:
    return dag.weekday() < 5 and dag not in algemeen_erkende_feestdagen(dag.year)


def atw_einde(einde: dt.date) -> dt.date:
    """A period set by law that ends on a Saturday, Sunday or feestdag runs on to the next
    day that is none of these (art. 1 lid 1 Atw)."""
    while not is_werkdag(einde):
        einde += dt.timedelta(days=1)
    return einde


# --- The periods ---------------------------------------------------------------------------


def bezwaartermijn_einde(verzonden_op: dt.date) -> dt.date:
    """The last day to object: six weeks (art. 6:7 Awb) starting the day after the beschikking
    was sent (art. 6:8 lid 1 with art. 3:41 lid 1 Awb), moved by art. 1 Atw."""
    return atw_einde(verzonden_op + BEZWAARTERMIJN)


def beslistermijn_einde(
    bezwaartermijn_einde: dt.date,
    *,
    ontvangen_op: dt.date | None = None,
    adviescommissie: bool = False,
    verdaagd_weken: int = 0,
) -> dt.date:
    """The last day to decide on an objection: six weeks, twelve with an advisory committee
    (art. 7:10 lid 1 Awb), from the day after the objection period ended; for an objection
    that came late (`ontvangen_op` given only then, excused by art. 6:11) from its receipt.
    A deferral adds at most six weeks (art. 7:10 lid 3)."""
    check_verdaging(verdaagd_weken)
    start = max(bezwaartermijn_einde, ontvangen_op or bezwaartermijn_einde)
    termijn = BESLISTERMIJN_ADVIESCOMMISSIE if adviescommissie else BESLISTERMIJN
    return atw_einde(start + termijn + dt.timedelta(weeks=verdaagd_weken))


def is_tijdig(einde: dt.date, ontvangen_op: dt.date, ter_post_op: dt.date | None = None) -> bool:
    """Received by the last day, or posted by then and received within a week after it
    (art. 6:9 lid 1 en lid 2 Awb)."""
    if ontvangen_op <= einde:
        return True
    return ter_post_op is not None and ter_post_op <= einde and ontvangen_op <= einde + POSTTERMIJN


@dataclass(frozen=True)
class Bekendmaking:
    dagtekening: dt.date
    verzonden_op: dt.date
    bezwaartermijn_einde: dt.date


@dataclass(frozen=True)
class Bezwaar:
    """One objection against one beschikking and what became of it."""

    ontvangen_op: dt.date
    ter_post_op: dt.date | None
    tijdig: bool
    beslistermijn_einde: dt.date
    beslissing: Beslissing | None = None
    beslist_op: dt.date | None = None

    @property
    def open(self) -> bool:
        return self.beslissing is None


# --- Violations ----------------------------------------------------------------------------


class AwbRegel(RuleViolation):
    """A rule of the Awb; `veld` is the request field (camelCase) it concerns."""

    veld: str = ""

    def __init__(self, detail: str, *, veld: str | None = None) -> None:
        super().__init__(detail)
        if veld is not None:
            self.veld = veld


class VerzendingVoorDagtekening(AwbRegel):
    bron = "art. 3:40 en art. 3:41 lid 1 Awb (een besluit wordt bekendgemaakt nadat het is genomen)"
    veld = "verzenddatum"


class DatumInToekomst(AwbRegel):
    bron = "platformregel: een bekendmaking of bezwaar wordt vastgelegd nadat het gebeurde"


class AlVerzonden(AwbRegel):
    status = 409
    title = "Al verzonden"
    bron = "art. 6:8 lid 1 Awb (de bezwaartermijn begint eenmaal, na de bekendmaking)"
    veld = "verzenddatum"


class NietBekendgemaakt(AwbRegel):
    status = 409
    title = "Niet bekendgemaakt"
    bron = "art. 6:8 lid 1 en art. 7:10 lid 1 Awb (termijnen lopen vanaf de bekendmaking)"
    veld = "verzenddatum"


class BezwaarTeLaat(AwbRegel):
    bron = "art. 6:7, 6:8 lid 1 en 6:9 Awb; art. 1 Atw; art. 6:11 Awb (tenzij verschoonbaar)"
    veld = "ontvangenOp"


class VerschoonbaarZonderToelichting(AwbRegel):
    bron = "art. 6:11 Awb (alleen een verschoonbare termijnoverschrijding)"
    veld = "verschoonbaarToelichting"


class TerPostNaOntvangst(AwbRegel):
    bron = "art. 6:9 lid 2 Awb (ter post bezorgd vóór ontvangst)"
    veld = "terPostOp"


class BezwaarAlOpen(AwbRegel):
    status = 409
    title = "Bezwaar al ingediend"
    bron = "art. 7:11 Awb (één heroverweging per besluit tegelijk)"
    veld = "ontvangenOp"


class OnbekendeBeschikking(AwbRegel):
    status = 404
    title = "Niet gevonden"
    bron = "platformregel: bekendmaking en bezwaar gaan over een genomen beschikking"


class GeenOpenBezwaar(AwbRegel):
    status = 409
    title = "Geen open bezwaar"
    bron = "art. 7:11 lid 1 Awb (er wordt beslist op een ingediend bezwaar)"
    veld = "beslissing"


class BeslissingVoorBezwaar(AwbRegel):
    bron = "art. 7:10 lid 1 en art. 7:11 Awb (de beslissing volgt op het bezwaar)"
    veld = "datum"


class VerdagingTeLang(AwbRegel):
    bron = "art. 7:10 lid 3 Awb (ten hoogste zes weken)"
    veld = "verdaagdWeken"


# --- Guards --------------------------------------------------------------------------------


def check_niet_in_toekomst(datum: dt.date, vandaag: dt.date, veld: str) -> None:
    if datum > vandaag:
        raise DatumInToekomst(f"{veld} {datum.isoformat()} ligt in de toekomst", veld=veld)


def check_verzending(dagtekening: dt.date, verzonden_op: dt.date, vandaag: dt.date) -> None:
    check_niet_in_toekomst(verzonden_op, vandaag, "verzenddatum")
    if verzonden_op < dagtekening:
        raise VerzendingVoorDagtekening(
            f"verzenddatum {verzonden_op.isoformat()} ligt voor de dagtekening "
            f"{dagtekening.isoformat()}"
        )


def check_niet_al_verzonden(eerder: Bekendmaking | None) -> None:
    if eerder is not None:
        raise AlVerzonden(
            f"De beschikking is al op {eerder.verzonden_op.isoformat()} verzonden; de "
            f"bezwaartermijn loopt tot en met {eerder.bezwaartermijn_einde.isoformat()}"
        )


def check_bekendgemaakt(bekendmaking: Bekendmaking | None) -> Bekendmaking:
    if bekendmaking is None:
        raise NietBekendgemaakt(
            "Leg eerst de verzenddatum van de beschikking vast: de bezwaar- en beslistermijn "
            "lopen vanaf de bekendmaking"
        )
    return bekendmaking


def check_verdaging(verdaagd_weken: int) -> None:
    if not 0 <= verdaagd_weken <= MAX_VERDAGING.days // 7:
        raise VerdagingTeLang("Een beslissing op bezwaar wordt ten hoogste zes weken verdaagd")


def check_geen_open_bezwaar(bezwaren: Iterable[Bezwaar]) -> None:
    for bezwaar in bezwaren:
        if bezwaar.open:
            raise BezwaarAlOpen(
                f"Er loopt al een bezwaar (ontvangen {bezwaar.ontvangen_op.isoformat()}); "
                "beslis daar eerst op"
            )


def check_bezwaar_tijdig(
    bekendmaking: Bekendmaking,
    ontvangen_op: dt.date,
    ter_post_op: dt.date | None,
    verschoonbaar_toelichting: str | None,
    vandaag: dt.date,
) -> bool:
    """Whether the objection was in time; a late one is refused unless the lateness is
    excusable (art. 6:11 Awb), which then needs a reason."""
    check_niet_in_toekomst(ontvangen_op, vandaag, "ontvangenOp")
    if ter_post_op is not None and ter_post_op > ontvangen_op:
        raise TerPostNaOntvangst(
            f"terPostOp {ter_post_op.isoformat()} ligt na ontvangenOp {ontvangen_op.isoformat()}"
        )
    tijdig = is_tijdig(bekendmaking.bezwaartermijn_einde, ontvangen_op, ter_post_op)
    if verschoonbaar_toelichting is not None and not verschoonbaar_toelichting.strip():
        raise VerschoonbaarZonderToelichting("Licht toe waarom de overschrijding verschoonbaar is")
    if not tijdig and verschoonbaar_toelichting is None:
        raise BezwaarTeLaat(
            f"Het bezwaar kwam op {ontvangen_op.isoformat()}; de bezwaartermijn liep tot en met "
            f"{bekendmaking.bezwaartermijn_einde.isoformat()} (verzonden "
            f"{bekendmaking.verzonden_op.isoformat()})"
        )
    return tijdig


@dataclass(frozen=True)
class Ontvankelijkheid:
    tijdig: bool
    beslistermijn_einde: dt.date


def check_bezwaar(
    bekendmaking: Bekendmaking | None,
    bezwaren: Iterable[Bezwaar],
    ontvangen_op: dt.date,
    ter_post_op: dt.date | None,
    verschoonbaar_toelichting: str | None,
    vandaag: dt.date,
) -> Ontvankelijkheid:
    """Every check an objection against one beschikking meets, in the order the Awb has them:
    the beschikking was made known (art. 6:8), no objection against it is still open, it came
    in time or excusably late (art. 6:9, 6:11); and the decision period it opens (art. 7:10)."""
    bekend = check_bekendgemaakt(bekendmaking)
    check_geen_open_bezwaar(bezwaren)
    tijdig = check_bezwaar_tijdig(
        bekend, ontvangen_op, ter_post_op, verschoonbaar_toelichting, vandaag
    )
    return Ontvankelijkheid(
        tijdig=tijdig,
        beslistermijn_einde=beslistermijn_einde(
            bekend.bezwaartermijn_einde, ontvangen_op=None if tijdig else ontvangen_op
        ),
    )


def check_beslissing(
    bezwaar: Bezwaar | None, datum: dt.date, beslissing: Beslissing, vandaag: dt.date
) -> Bezwaar:
    if bezwaar is None or not bezwaar.open:
        raise GeenOpenBezwaar("Er is geen bezwaar waarop nog beslist moet worden")
    check_niet_in_toekomst(datum, vandaag, "datum")
    if datum < bezwaar.ontvangen_op:
        raise BeslissingVoorBezwaar(
            f"datum {datum.isoformat()} ligt voor de ontvangst van het bezwaar "
            f"({bezwaar.ontvangen_op.isoformat()})"
        )
    return bezwaar


def open_bezwaar(bezwaren: Iterable[Bezwaar]) -> Bezwaar | None:
    return next((b for b in bezwaren if b.open), None)


def beslist(bezwaar: Bezwaar, beslissing: Beslissing, datum: dt.date) -> Bezwaar:
    return Bezwaar(
        ontvangen_op=bezwaar.ontvangen_op,
        ter_post_op=bezwaar.ter_post_op,
        tijdig=bezwaar.tijdig,
        beslistermijn_einde=bezwaar.beslistermijn_einde,
        beslissing=beslissing,
        beslist_op=datum,
    )
