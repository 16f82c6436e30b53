"""What follows from a person's facts: status, the next deadline, the signals that may open.

The deadlines themselves are the owning services' (the PIP's uiterste datum, the first day
the termijn counts as ending, the end of the ontzorging period): they arrive as facts; here
they are only compared and combined."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from services.projections.gemeente.feiten import Feiten, later


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
    """The deadline the PIP last stated (with its suspensions), else the one the intake
    stated at registration."""
    uiterste: str | None = f.get("uiterste_pip") or f.get("uiterste_intake")
    return uiterste


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
    """The first day after the six months of direct payment, as the ontzorging stated it."""
    einde: str | None = f.get("einde_ontzorgingsperiode")
    return einde


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
    return later(f.get("laatste_gesprek"), f.get("pip_dagtekening"))


@dataclass(frozen=True)
class Kandidaat:
    """A signal that is, or will be, open while the facts stay as they are. `vanaf` is the
    first day it is open by the calendar (None: it depends on a setting, see the query, or
    no event stated it: then only its event opens it); `gemeld_op` the peildatum of the
    event that raised it for this `datum`."""

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
        loopt_af = f.get("termijn_loopt_af_vanaf")
        gemeld = f.get("termijn_gemeld_op") if f.get("termijn_gemeld") == einde else None
        kandidaten.append(
            Kandidaat(Signaalsoort.INBURGERINGSTERMIJN_LOOPT_AF, einde, loopt_af, gemeld)
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


def dagen(van: str | None, tot: str | None) -> int | None:
    if van is None or tot is None:
        return None
    return (dt.date.fromisoformat(tot) - dt.date.fromisoformat(van)).days
