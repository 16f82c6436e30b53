"""The facts of one inburgeraar, as the gemeente events state them (`Feiten`: dates, codes,
counts), and the reducer per CloudEvent type that adds one event's facts.

Facts, not sequences: they are combined so that the order in which different aggregates'
events arrive does not matter (the latest of two dates, a source's precedence, a PIP version
over an older one). Deadlines are facts too: the services that own them state them in their
events (`uitersteDatumPip`, `looptBijnaAfVanaf`, `eindeOntzorgingsperiode`); a v1 event,
published before they did, leaves them empty.

Types are named through `contracts.*`; every version of a type the contract module names
(`NAAM`, `NAAM_V1`, ...) is read by the same reducer, as later versions only add fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from contracts import intake as intake_contract
from contracts import ontzorging as ontzorging_contract
from contracts import pip as pip_contract

Feiten = dict[str, Any]


def versies(contract: ModuleType, naam: str) -> frozenset[str]:
    """Every version of one event type that a contracts module names (`naam`, `naam_V<n>`)."""
    pattern = re.compile(rf"^{re.escape(naam)}(_V\d+)?$")
    found = frozenset(v for k, v in vars(contract).items() if pattern.match(k))
    if not found:
        raise LookupError(f"{contract.__name__} names no {naam}")
    return found


# --- The types these models read ---------------------------------------------------------------

INBURGERAAR_GEREGISTREERD = versies(intake_contract, "INBURGERAAR_GEREGISTREERD")
INTAKE_AFGEROND = versies(intake_contract, "INTAKE_AFGEROND")
PERSOONSGEGEVENS_VERGETEN = versies(intake_contract, "PERSOONSGEGEVENS_VERGETEN")
INTAKEGESPREK_GEVOERD = versies(intake_contract, "INTAKEGESPREK_GEVOERD")
LEERROUTE_GEADVISEERD = versies(intake_contract, "LEERROUTE_GEADVISEERD")
# The other steps of the brede intake: each says the intake has begun.
INTAKE_BEZIG = frozenset().union(
    *(
        versies(intake_contract, naam)
        for naam in (
            "LEERBAARHEIDSTOETS_VASTGELEGD",
            "OPLEIDING_EN_WERKERVARING_VASTGELEGD",
            "PERSOONLIJKE_OMSTANDIGHEDEN_VASTGELEGD",
            "LEEFGEBIED_VASTGELEGD",
            "HOOFDDOEL_VASTGELEGD",
            "VVE_INFORMATIE_GEGEVEN",
            "NIET_VERSCHENEN",
            "WAARSCHUWING_GEGEVEN",
            "BOETE_OPGELEGD",
        )
    )
)

PIP_OPGESTELD = versies(pip_contract, "PIP_OPGESTELD")
CONCEPT_PIP_GEWIJZIGD = versies(pip_contract, "CONCEPT_PIP_GEWIJZIGD")
PIP_TERMIJN_OPGESCHORT = versies(pip_contract, "PIP_TERMIJN_OPGESCHORT")
PIP_TERMIJN_VERSTREKEN = versies(pip_contract, "PIP_TERMIJN_VERSTREKEN")
PIP_VASTGESTELD = versies(pip_contract, "PIP_VASTGESTELD")
NIVEAU_AFGESCHAALD = versies(pip_contract, "NIVEAU_AFGESCHAALD")
INBURGERINGSTERMIJN_GESTART = versies(pip_contract, "INBURGERINGSTERMIJN_GESTART")
INBURGERINGSTERMIJN_VERLENGD = versies(pip_contract, "INBURGERINGSTERMIJN_VERLENGD")
INBURGERINGSTERMIJN_LOOPT_BIJNA_AF = versies(pip_contract, "INBURGERINGSTERMIJN_LOOPT_BIJNA_AF")
VOORTGANGSGESPREK_GEVOERD = versies(pip_contract, "VOORTGANGSGESPREK_GEVOERD")
EXAMENUITSLAG_ONTVANGEN = versies(pip_contract, "EXAMENUITSLAG_ONTVANGEN")
INBURGERINGSPLICHT_VOLDAAN = versies(pip_contract, "INBURGERINGSPLICHT_VOLDAAN")

ONTZORGING_GESTART = versies(ontzorging_contract, "ONTZORGING_GESTART")
ONTZORGINGSPERIODE_AFGELOPEN = versies(ontzorging_contract, "ONTZORGINGSPERIODE_AFGELOPEN")
BUDGETBEHEER_GESTART = versies(ontzorging_contract, "BUDGETBEHEER_GESTART")
AFBOUW_GESTART = versies(ontzorging_contract, "AFBOUW_GESTART")
FINANCIEEL_ZELFREDZAAM_VASTGESTELD = versies(
    ontzorging_contract, "FINANCIEEL_ZELFREDZAAM_VASTGESTELD"
)
ONTZORGING_BEEINDIGD = versies(ontzorging_contract, "ONTZORGING_BEEINDIGD")

# intake's aggregate id is the inburgeraar id: its events name the person by their subject.
INTAKE_TYPEN = frozenset(
    INBURGERAAR_GEREGISTREERD
    | INTAKE_AFGEROND
    | PERSOONSGEGEVENS_VERGETEN
    | INTAKEGESPREK_GEVOERD
    | LEERROUTE_GEADVISEERD
    | INTAKE_BEZIG
)


# --- Reading event data ------------------------------------------------------------------------


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


def later(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: str | None, b: str | None) -> str | None:
    return b if a is None else a if b is None else min(a, b)


def _set(feiten: Feiten, key: str, value: Any) -> None:
    if value is not None:
        feiten[key] = value


# --- One reducer per type ----------------------------------------------------------------------

Regel = Callable[[Feiten, Mapping[str, Any]], None]


def _vergeten(f: Feiten, data: Mapping[str, Any]) -> None:
    # The person's key is destroyed: personal columns stay empty, now and on every rebuild.
    _set(f, "vergeten_op", _datum(data.get("datum")))


def _geregistreerd(f: Feiten, data: Mapping[str, Any]) -> None:
    f["geregistreerd"] = True
    _set(f, "doelgroep_intake", _code(data.get("doelgroep")))
    _set(f, "start_intake", _datum(data.get("datumStartInburgeringsplicht")))
    _set(f, "uiterste_intake", _datum(data.get("uitersteDatumPip")))


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


def _uiterste_pip(f: Feiten, data: Mapping[str, Any]) -> None:
    # The PIP's own deadline after its latest event (one aggregate: its log's order).
    _set(f, "uiterste_pip", _datum(data.get("uitersteDatumPip")))


def _concept(f: Feiten, data: Mapping[str, Any]) -> None:
    f["pip_opgesteld"] = True
    _set(f, "doelgroep_pip", _code(data.get("doelgroep")))
    _set(f, "start_pip", _datum(data.get("datumStartInburgeringsplicht")))
    f["advies_pip"] = _code(data.get("geadviseerdeLeerroute"))
    _uiterste_pip(f, data)


def _pip_termijn_verstreken(f: Feiten, data: Mapping[str, Any]) -> None:
    f["pip_opgesteld"] = True
    if not f.get("start_pip"):
        _set(f, "start_pip", _datum(data.get("datumStartInburgeringsplicht")))
    _uiterste_pip(f, data)
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


def _termijneinde(f: Feiten, einde: str | None, vanaf: str | None) -> None:
    """The latest end of the termijn stands, with the first day it counts as ending that its
    event stated (none from a v1 event)."""
    if einde is None:
        f.setdefault("termijn_einde", None)
        return
    huidig = f.get("termijn_einde")
    if huidig is None or einde > huidig:
        f["termijn_einde"] = einde
        f["termijn_loopt_af_vanaf"] = vanaf
    elif einde == huidig and vanaf is not None:
        f["termijn_loopt_af_vanaf"] = vanaf


def _termijn_gestart(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "termijn_start", _datum(data.get("startdatum")))
    _termijneinde(f, _datum(data.get("einddatum")), _datum(data.get("looptBijnaAfVanaf")))


def _termijn_verlengd(f: Feiten, data: Mapping[str, Any]) -> None:
    _termijneinde(f, _datum(data.get("nieuweEinddatum")), _datum(data.get("looptBijnaAfVanaf")))


def _termijn_bijna_af(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "termijn_gemeld", _datum(data.get("einddatum")))
    _set(f, "termijn_gemeld_op", _datum(data.get("peildatum")))


def _voortgangsgesprek(f: Feiten, data: Mapping[str, Any]) -> None:
    f["laatste_gesprek"] = later(f.get("laatste_gesprek"), _datum(data.get("datum")))


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
    _set(f, "einde_ontzorgingsperiode", _datum(data.get("eindeOntzorgingsperiode")))


def _periode_afgelopen(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "ontzorging_gemeld_op", _datum(data.get("peildatum")))


def _stap(key: str, veld: str) -> Regel:
    def regel(f: Feiten, data: Mapping[str, Any]) -> None:
        f[key] = _earlier(f.get(key), _datum(data.get(veld))) or "onbekend"

    return regel


def _per_type(regels: Mapping[frozenset[str], Regel]) -> dict[str, Regel]:
    per_type: dict[str, Regel] = {}
    for typen, regel in regels.items():
        for ce_type in typen:
            assert ce_type not in per_type, f"two reducers for {ce_type}"
            per_type[ce_type] = regel
    return per_type


# CloudEvent type -> the reducer of its facts.
REGELS: dict[str, Regel] = _per_type(
    {
        INBURGERAAR_GEREGISTREERD: _geregistreerd,
        PERSOONSGEGEVENS_VERGETEN: _vergeten,
        INTAKE_BEZIG: _intake_bezig,
        INTAKEGESPREK_GEVOERD: _intakegesprek,
        LEERROUTE_GEADVISEERD: _leerroute_geadviseerd,
        INTAKE_AFGEROND: _intake_afgerond,
        PIP_OPGESTELD: _concept,
        CONCEPT_PIP_GEWIJZIGD: _concept,
        PIP_TERMIJN_OPGESCHORT: _uiterste_pip,
        PIP_TERMIJN_VERSTREKEN: _pip_termijn_verstreken,
        PIP_VASTGESTELD: _vastgesteld,
        NIVEAU_AFGESCHAALD: _afgeschaald,
        INBURGERINGSTERMIJN_GESTART: _termijn_gestart,
        INBURGERINGSTERMIJN_VERLENGD: _termijn_verlengd,
        INBURGERINGSTERMIJN_LOOPT_BIJNA_AF: _termijn_bijna_af,
        VOORTGANGSGESPREK_GEVOERD: _voortgangsgesprek,
        EXAMENUITSLAG_ONTVANGEN: _examenuitslag,
        INBURGERINGSPLICHT_VOLDAAN: _voldaan,
        ONTZORGING_GESTART: _ontzorging_gestart,
        ONTZORGINGSPERIODE_AFGELOPEN: _periode_afgelopen,
        BUDGETBEHEER_GESTART: _stap("budgetbeheer_op", "startdatum"),
        AFBOUW_GESTART: _stap("afbouw_op", "startdatum"),
        FINANCIEEL_ZELFREDZAAM_VASTGESTELD: _stap("zelfredzaam_op", "vaststellingsdatum"),
        ONTZORGING_BEEINDIGD: _stap("beeindigd_op", "einddatum"),
    }
)
ALLE_TYPEN = frozenset(REGELS)


def werk_bij(feiten: Feiten, ce_type: str, data: Mapping[str, Any]) -> None:
    """Add what one event states to a person's facts."""
    REGELS[ce_type](feiten, data)
