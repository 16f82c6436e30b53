"""What follows from a person's facts: status, the next deadline, the signals that may open.

The deadlines themselves are the owning services' (the PIP's uiterste datum, the first day
the termijn counts as ending, the end of the ontzorging period): they arrive as facts; here
they are only compared and combined."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.projections.gemeente.feiten import Feiten, later


class Status(StrEnum):
    GEREGISTREERD = "geregistreerd"
    INTAKE = "intake"
    INTAKE_AFGEROND = "intake_afgerond"
    PIP_CONCEPT = "pip_concept"
    PIP_VASTGESTELD = "pip_vastgesteld"
    VOLDAAN = "voldaan"
    # A temporary vrijstelling pauses the obligation; withdrawal, death or a move away ends
    # it in this gemeente (DUO SS109-SS111, SS120/SS121).
    GEPAUZEERD = "gepauzeerd"
    BEEINDIGD = "beeindigd"


class OntzorgingStatus(StrEnum):
    ONTZORGD = "ontzorgd"
    BETAALMACHTIGING_GEWEIGERD = "betaalmachtiging_geweigerd"
    VRIJWILLIG_VOORTGEZET = "vrijwillig_voortgezet"
    BUDGETBEHEER = "budgetbeheer"
    AFBOUW = "afbouw"
    FINANCIEEL_ZELFREDZAAM = "financieel_zelfredzaam"
    BEEINDIGD = "beeindigd"


class Deadline(StrEnum):
    PIP = "pip"
    INBURGERINGSTERMIJN = "inburgeringstermijn"
    ONTZORGINGSPERIODE = "ontzorgingsperiode"
    VRIJWILLIGE_ONTZORGING = "vrijwillige_ontzorging"


class Signaalsoort(StrEnum):
    PIP_TERMIJN_VERSTREKEN = "pip_termijn_verstreken"
    INBURGERINGSTERMIJN_LOOPT_AF = "inburgeringstermijn_loopt_af"
    GEEN_VOORTGANG = "geen_voortgang"
    ONTZORGINGSPERIODE_AFGELOPEN = "ontzorgingsperiode_afgelopen"
    VRIJWILLIGE_ONTZORGING_AFGELOPEN = "vrijwillige_ontzorging_afgelopen"
    BOETEVOORSTEL_OPEN = "boetevoorstel_open"
    BOETE_OPGELEGD = "boete_opgelegd"
    BEZWAAR_OPEN = "bezwaar_open"
    NIEUW_PIP_NODIG = "nieuw_pip_nodig"
    BETAALMACHTIGING_GEWEIGERD = "betaalmachtiging_geweigerd"


def aanbevelingen(f: Feiten) -> list[str]:
    """What the klantregisseur should still cover though the law sets no condition on it:
    a brede intake closed without a hoofddoel (art. 14 lid 3 Wi2021 does not require one)."""
    if f.get("intake_afgerond_op") and not f.get("hoofddoel_intake"):
        return ["hoofddoel"]
    return []


def start_inburgeringsplicht(f: Feiten) -> str | None:
    """The PIP's start (the klantregisseur may correct it in the concept) over the intake's."""
    start: str | None = f.get("start_pip") or f.get("start_intake")
    return start


def uiterste_datum_pip(f: Feiten) -> str | None:
    """The deadline the PIP last stated (with its suspensions), else the one the intake
    stated at registration."""
    uiterste: str | None = f.get("uiterste_pip") or f.get("uiterste_intake")
    return uiterste


def klokken_lopen(f: Feiten) -> bool:
    """The ten weeks and the termijn run: the obligation is not ended here nor paused."""
    return not f.get("einde_reden") and not f.get("gepauzeerd_sinds")


def pip_open(f: Feiten) -> bool:
    return not f.get("pip_dagtekening") and not f.get("voldaan_op") and klokken_lopen(f)


def status(f: Feiten) -> Status:
    if f.get("voldaan_op"):
        return Status.VOLDAAN
    if f.get("einde_reden"):
        return Status.BEEINDIGD
    if f.get("gepauzeerd_sinds"):
        return Status.GEPAUZEERD
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
        ("vrijwillig_voortgezet_op", OntzorgingStatus.VRIJWILLIG_VOORTGEZET),
        ("machtiging_geweigerd_op", OntzorgingStatus.BETAALMACHTIGING_GEWEIGERD),
    ):
        if f.get(key):
            return value
    return OntzorgingStatus.ONTZORGD


def in_ontzorgingsperiode(f: Feiten) -> bool:
    """Nothing decided yet for after the six months (a refused authorisation decides none)."""
    return ontzorging_status(f) in (
        OntzorgingStatus.ONTZORGD,
        OntzorgingStatus.BETAALMACHTIGING_GEWEIGERD,
    )


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
    if f.get("einde_reden"):
        return None
    uiterste = uiterste_datum_pip(f)
    if uiterste and pip_open(f):
        kandidaten.append((uiterste, Deadline.PIP))
    if f.get("termijn_einde") and not f.get("voldaan_op") and klokken_lopen(f):
        kandidaten.append((f["termijn_einde"], Deadline.INBURGERINGSTERMIJN))
    einde = einde_ontzorgingsperiode(f)
    if einde and in_ontzorgingsperiode(f):
        kandidaten.append((einde, Deadline.ONTZORGINGSPERIODE))
    vrijwillig_tot = f.get("einde_vrijwillig")
    if vrijwillig_tot and ontzorging_status(f) is OntzorgingStatus.VRIJWILLIG_VOORTGEZET:
        kandidaten.append((vrijwillig_tot, Deadline.VRIJWILLIGE_ONTZORGING))
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
    if f.get("einde_reden"):
        return kandidaten
    # While paused the obligation's clocks stand still: no PIP, termijn or progress signals.
    voldaan = bool(f.get("voldaan_op")) or bool(f.get("gepauzeerd_sinds"))
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
    geweigerd = f.get("machtiging_geweigerd_op")
    if geweigerd and ontzorging_status(f) is OntzorgingStatus.BETAALMACHTIGING_GEWEIGERD:
        kandidaten.append(
            Kandidaat(Signaalsoort.BETAALMACHTIGING_GEWEIGERD, geweigerd, geweigerd, None)
        )
    periode = einde_ontzorgingsperiode(f)
    if periode and in_ontzorgingsperiode(f):
        kandidaten.append(
            Kandidaat(
                Signaalsoort.ONTZORGINGSPERIODE_AFGELOPEN,
                periode,
                periode,
                f.get("ontzorging_gemeld_op"),
            )
        )
    kandidaten.extend(vrijwillig_afgelopen_kandidaten(f))
    kandidaten.extend(handhavingskandidaten(f))
    return kandidaten


def vrijwillig_afgelopen_kandidaten(f: Feiten) -> list[Kandidaat]:
    """The voluntary continuation's einddatum passed (art. 57 Pw): open from the day after,
    while the ontzorging is not closed."""
    einde = f.get("einde_vrijwillig")
    if not einde or ontzorging_status(f) in (
        OntzorgingStatus.BEEINDIGD,
        OntzorgingStatus.FINANCIEEL_ZELFREDZAAM,
    ):
        return []
    vanaf = (dt.date.fromisoformat(einde) + dt.timedelta(days=1)).isoformat()
    gemeld = (
        f.get("vrijwillig_afgelopen_gemeld_op") if f.get("vrijwillig_afgelopen") == einde else None
    )
    return [Kandidaat(Signaalsoort.VRIJWILLIGE_ONTZORGING_AFGELOPEN, einde, vanaf, gemeld)]


def handhavingskandidaten(f: Feiten) -> list[Kandidaat]:
    """Fines and objections: an open proposal (from its date), a fine in force (its date the
    last day to object), an objection awaiting its decision (its date the beslistermijn's
    last day, earliest first) and a PIP to set anew after an upheld objection."""
    kandidaten: list[Kandidaat] = []
    voorstellen = list((f.get("boetevoorstellen") or {}).values())
    open_ = sorted(v["datum"] for v in voorstellen if v.get("status") == "open" and v.get("datum"))
    if open_:
        kandidaten.append(Kandidaat(Signaalsoort.BOETEVOORSTEL_OPEN, open_[0], open_[0], None))
    opgelegd = sorted(
        (v["bezwaartermijn_einde"], v.get("dagtekening"))
        for v in voorstellen
        if v.get("status") == "opgelegd" and v.get("bezwaartermijn_einde")
    )
    if opgelegd:
        einde, dagtekening = opgelegd[0]
        kandidaten.append(Kandidaat(Signaalsoort.BOETE_OPGELEGD, einde, dagtekening, None))
    bezwaren = sorted(
        (b["beslistermijn_einde"], b.get("ontvangen_op"))
        for b in (f.get("bezwaren") or {}).values()
        if not b.get("beslissing") and b.get("beslistermijn_einde")
    )
    if bezwaren:
        einde, ontvangen = bezwaren[0]
        kandidaten.append(Kandidaat(Signaalsoort.BEZWAAR_OPEN, einde, ontvangen, None))
    herziening = f.get("pip_herziening_nodig")
    if herziening and herziening.get("datum") and f.get("pip_versie", 0) <= herziening["versie"]:
        datum = herziening["datum"]
        kandidaten.append(Kandidaat(Signaalsoort.NIEUW_PIP_NODIG, datum, datum, None))
    return kandidaten


def dagen(van: str | None, tot: str | None) -> int | None:
    if van is None or tot is None:
        return None
    return (dt.date.fromisoformat(tot) - dt.date.fromisoformat(van)).days


def contactpersoon_gemeente(f: Feiten) -> str | None:
    """The gemeente's contact person by medewerker id (else name): a klantregisseur's own
    caseload."""
    contact = f.get("contactpersonen", {}).get("gemeente") or {}
    waarde: str | None = contact.get("medewerker_id") or contact.get("naam")
    return waarde


def regie(f: Feiten) -> dict[str, Any]:
    """Who guides the person and how (gemeente read model only, never regio): the contact
    persons, the duale trajecten (active while no outcome), the aanbod, the begeleiding."""
    return {
        "contactpersonen": dict(f.get("contactpersonen", {})),
        "duale_trajecten": [
            {"id": duaal_id, **traject, "actief": not traject.get("uitkomst")}
            for duaal_id, traject in sorted(f.get("duale_trajecten", {}).items())
        ],
        "aanbod": [
            {"aanbieder": aanbieder, **aanbod}
            for aanbieder, aanbod in sorted(f.get("aanbod", {}).items())
        ],
        "begeleiding": f.get("begeleiding"),
    }
