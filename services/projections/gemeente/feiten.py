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
UITERSTE_DATUM_INTAKE = versies(intake_contract, "UITERSTE_DATUM_PIP_GEWIJZIGD")
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
UITERSTE_DATUM_PIP_GEWIJZIGD = versies(pip_contract, "UITERSTE_DATUM_PIP_GEWIJZIGD")
TERMIJN_VAN_DUO = versies(pip_contract, "INBURGERINGSTERMIJN_VAN_DUO_OVERGENOMEN")

DUAAL_TRAJECT_VASTGELEGD = versies(pip_contract, "DUAAL_TRAJECT_VASTGELEGD")
DUAAL_TRAJECT_AFGEROND = versies(pip_contract, "DUAAL_TRAJECT_AFGEROND")
INBURGERINGSAANBOD = versies(pip_contract, "INBURGERINGSAANBOD_VASTGELEGD") | versies(
    pip_contract, "INBURGERINGSAANBOD_GEWIJZIGD"
)
MAATSCHAPPELIJKE_BEGELEIDING_VASTGELEGD = versies(
    pip_contract, "MAATSCHAPPELIJKE_BEGELEIDING_VASTGELEGD"
)
CONTACTPERSOON_TOEGEWEZEN = versies(intake_contract, "CONTACTPERSOON_TOEGEWEZEN")

ONTZORGING_GESTART = versies(ontzorging_contract, "ONTZORGING_GESTART")
ONTZORGINGSPERIODE_AFGELOPEN = versies(ontzorging_contract, "ONTZORGINGSPERIODE_AFGELOPEN")
BUDGETBEHEER_GESTART = versies(ontzorging_contract, "BUDGETBEHEER_GESTART")
AFBOUW_GESTART = versies(ontzorging_contract, "AFBOUW_GESTART")
FINANCIEEL_ZELFREDZAAM_VASTGESTELD = versies(
    ontzorging_contract, "FINANCIEEL_ZELFREDZAAM_VASTGESTELD"
)
ONTZORGING_BEEINDIGD = versies(ontzorging_contract, "ONTZORGING_BEEINDIGD")
ONTZORGING_VRIJWILLIG_VOORTGEZET = versies(ontzorging_contract, "ONTZORGING_VRIJWILLIG_VOORTGEZET")
VRIJWILLIGE_ONTZORGING_AFGELOPEN = versies(ontzorging_contract, "VRIJWILLIGE_ONTZORGING_AFGELOPEN")
BETAALMACHTIGING_GEGEVEN = versies(ontzorging_contract, "BETAALMACHTIGING_GEGEVEN")
BETAALMACHTIGING_GEWEIGERD = versies(ontzorging_contract, "BETAALMACHTIGING_GEWEIGERD")

# Fines and objections (art. 29 Wi2021; Awb): on the inburgeraar in intake, on the traject
# in pip, on the ontzorging.
BOETEVOORSTEL_GEDAAN = versies(intake_contract, "BOETEVOORSTEL_GEDAAN")
ZIENSWIJZE_GEVRAAGD = versies(intake_contract, "ZIENSWIJZE_GEVRAAGD")
ZIENSWIJZE_AFGEROND = versies(intake_contract, "ZIENSWIJZE_ONTVANGEN") | versies(
    intake_contract, "ZIENSWIJZE_AFGEZIEN"
)
BOETE_OPGELEGD = versies(intake_contract, "BOETE_OPGELEGD")
BOETEVOORSTEL_AFGEWEZEN = versies(intake_contract, "BOETEVOORSTEL_AFGEWEZEN")
BOETE_BEZWAAR_INGEDIEND = versies(intake_contract, "BEZWAAR_INGEDIEND")
BOETE_BEZWAAR_BESLIST = versies(intake_contract, "BEZWAAR_BESLIST")
HANDHAVING = frozenset(
    BOETEVOORSTEL_GEDAAN
    | ZIENSWIJZE_GEVRAAGD
    | ZIENSWIJZE_AFGEROND
    | BOETE_OPGELEGD
    | BOETEVOORSTEL_AFGEWEZEN
    | BOETE_BEZWAAR_INGEDIEND
    | BOETE_BEZWAAR_BESLIST
)
PIP_VERZONDEN = versies(pip_contract, "PIP_VERZONDEN")
PIP_BEZWAAR_INGEDIEND = versies(pip_contract, "BEZWAAR_INGEDIEND")
PIP_BEZWAAR_BESLIST = versies(pip_contract, "BEZWAAR_BESLIST")
ONTZORGING_BEZWAAR_INGEDIEND = versies(ontzorging_contract, "BEZWAAR_INGEDIEND")
ONTZORGING_BEZWAAR_BESLIST = versies(ontzorging_contract, "BEZWAAR_BESLIST")


# The whole life of the obligation: it ends, pauses, changes doelgroep, moves.
PLICHT_BEEINDIGD = frozenset(
    versies(intake_contract, "INBURGERINGSPLICHT_INGETROKKEN")
    | versies(intake_contract, "INBURGERAAR_OVERLEDEN")
    | versies(intake_contract, "INBURGERAAR_VERHUISD")
)
TIJDELIJKE_VRIJSTELLING_VERLEEND = versies(intake_contract, "TIJDELIJKE_VRIJSTELLING_VERLEEND")
TIJDELIJKE_VRIJSTELLING_BEEINDIGD = versies(intake_contract, "TIJDELIJKE_VRIJSTELLING_BEEINDIGD")
DOELGROEP_GEWIJZIGD_INTAKE = versies(intake_contract, "DOELGROEP_GEWIJZIGD")
VORIGE_GEMEENTE_VASTGELEGD = versies(intake_contract, "VORIGE_GEMEENTE_VASTGELEGD")
TRAJECT_BEEINDIGD = versies(pip_contract, "TRAJECT_BEEINDIGD")
TRAJECT_GEPAUZEERD = versies(pip_contract, "TRAJECT_GEPAUZEERD")
TRAJECT_HERVAT = versies(pip_contract, "TRAJECT_HERVAT")
TRAJECT_OVERGENOMEN = versies(pip_contract, "TRAJECT_OVERGENOMEN")
DOELGROEP_GEWIJZIGD_PIP = versies(pip_contract, "DOELGROEP_GEWIJZIGD")

# intake's aggregate id is the inburgeraar id: its events name the person by their subject.
INTAKE_TYPEN = frozenset(
    HANDHAVING
    | INBURGERAAR_GEREGISTREERD
    | INTAKE_AFGEROND
    | PERSOONSGEGEVENS_VERGETEN
    | INTAKEGESPREK_GEVOERD
    | LEERROUTE_GEADVISEERD
    | INTAKE_BEZIG
    | UITERSTE_DATUM_INTAKE
    | CONTACTPERSOON_TOEGEWEZEN
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
    _vergeet_regie(f)


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
    f["hoofddoel_intake"] = _code(data.get("hoofddoel"))
    _set(f, "uiterste_intake", _datum(data.get("uitersteDatumPip")))


def _uiterste_intake(f: Feiten, data: Mapping[str, Any]) -> None:
    # Intake's deadline after its latest event (one aggregate: its log's order).
    _set(f, "uiterste_intake", _datum(data.get("uitersteDatumPip")))


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


def _termijn_van_duo(f: Feiten, data: Mapping[str, Any]) -> None:
    # DUO's termijn wins over the traject's own, also when it ends earlier.
    _set(f, "termijn_start", _datum(data.get("startdatum")))
    einde = _datum(data.get("einddatum"))
    if einde is not None:
        f["termijn_einde"] = einde
        f["termijn_loopt_af_vanaf"] = _datum(data.get("looptBijnaAfVanaf"))


def _termijn_bijna_af(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "termijn_gemeld", _datum(data.get("einddatum")))
    _set(f, "termijn_gemeld_op", _datum(data.get("peildatum")))


def _voortgangsgesprek(f: Feiten, data: Mapping[str, Any]) -> None:
    f["laatste_gesprek"] = later(f.get("laatste_gesprek"), _datum(data.get("datum")))
    _duaal_besproken(f, data)


def _examenuitslag(f: Feiten, data: Mapping[str, Any]) -> None:
    onderdeel = _code(data.get("onderdeel"))
    if onderdeel is None:
        return
    examens: dict[str, list[int]] = f.setdefault("examens", {})
    afgenomen, behaald = examens.get(onderdeel, [0, 0])
    examens[onderdeel] = [afgenomen + 1, behaald + (data.get("behaald") is True)]


def _voldaan(f: Feiten, data: Mapping[str, Any]) -> None:
    f["voldaan_op"] = _earlier(f.get("voldaan_op"), _datum(data.get("datum"))) or "onbekend"


def _tekst(value: Any) -> str | None:
    """Free text from event data (a name, an organisation); null once the person is forgotten."""
    return value[:200] if isinstance(value, str) and value else None


# The personal fields of these facts (as their events list them): gone once forgotten.
REGIE_PERSOONSGEGEVENS = {
    "duale_trajecten": ("werkgever", "jobhunter", "jobcoach", "taalcoach"),
    "contactpersonen": ("naam",),
}


def _vergeet_regie(f: Feiten) -> None:
    for key, velden in REGIE_PERSOONSGEGEVENS.items():
        for waarden in f.get(key, {}).values():
            waarden.update(dict.fromkeys(velden))


def _duaal_traject(f: Feiten, data: Mapping[str, Any]) -> None:
    duaal_id = _code(data.get("duaalTrajectId"))
    if duaal_id is None:
        return
    f.setdefault("duale_trajecten", {})[duaal_id] = {
        "soort": _code(data.get("soort")),
        "werkgever": _tekst(data.get("werkgever")),
        "startdatum": _datum(data.get("startdatum")),
        "einddatum": _datum(data.get("einddatum")),
        "uren_per_week": _int(data.get("urenPerWeek")),
        "jobhunter": _tekst(data.get("jobhunter")),
        "jobcoach": _tekst(data.get("jobcoach")),
        "taalcoaching": data.get("taalcoaching") is True,
        "taalcoach": _tekst(data.get("taalcoach")),
    }


def _duaal_afgerond(f: Feiten, data: Mapping[str, Any]) -> None:
    traject = f.get("duale_trajecten", {}).get(_code(data.get("duaalTrajectId")))
    if traject is not None:
        traject["uitkomst"] = _code(data.get("uitkomst"))
        traject["uitkomst_datum"] = _datum(data.get("datum"))


def _duaal_besproken(f: Feiten, data: Mapping[str, Any]) -> None:
    """A voortgangsgesprek (v2) that reviewed a duaal traject: the latest review stands."""
    traject = f.get("duale_trajecten", {}).get(_code(data.get("duaalTrajectId")))
    datum = _datum(data.get("datum"))
    if traject is None or datum is None:
        return
    traject["besprekingen"] = traject.get("besprekingen", 0) + 1
    if datum >= (traject.get("laatste_bespreking") or datum):
        traject["laatste_bespreking"] = datum
        traject["laatste_oordeel"] = _code(data.get("duaalOordeel"))


def _aanbod(f: Feiten, data: Mapping[str, Any]) -> None:
    aanbieder = _tekst(data.get("aanbieder"))
    if aanbieder is None:
        return
    f.setdefault("aanbod", {})[aanbieder] = {
        "keurmerk_blik_op_werk": data.get("keurmerkBlikOpWerk") is True,
        "erkende_taalschakelinstelling": data.get("erkendeTaalschakelinstelling") is True,
        "leerroute": _code(data.get("leerroute")),
        "startdatum": _datum(data.get("startdatum")),
        "einddatum": _datum(data.get("einddatum")),
    }


def _begeleiding(f: Feiten, data: Mapping[str, Any]) -> None:
    f["begeleiding"] = {
        "organisatie": _tekst(data.get("organisatie")),
        "startdatum": _datum(data.get("startdatum")),
        "einddatum": _datum(data.get("einddatum")),
    }


def _contactpersoon(f: Feiten, data: Mapping[str, Any]) -> None:
    rol = _code(data.get("rol"))
    if rol is None:
        return
    f.setdefault("contactpersonen", {})[rol] = {
        "naam": _tekst(data.get("naam")),
        "medewerker_id": _tekst(data.get("medewerkerId")),
        "organisatie": _tekst(data.get("organisatie")),
        "datum": _datum(data.get("datum")),
    }


def _ontzorging_gestart(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "ontzorging_gestart", _datum(data.get("beschikkingsdatum")))
    _set(f, "startdatum_bijstand", _datum(data.get("startdatumBijstand")))
    _set(f, "einde_ontzorgingsperiode", _datum(data.get("eindeOntzorgingsperiode")))


def _periode_afgelopen(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "ontzorging_gemeld_op", _datum(data.get("peildatum")))


def _vrijwillig_voortgezet(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "vrijwillig_voortgezet_op", _datum(data.get("ingangsdatum")))
    f["einde_vrijwillig"] = _datum(data.get("einddatum"))


def _vrijwillig_afgelopen(f: Feiten, data: Mapping[str, Any]) -> None:
    """The end of a voluntary continuation signalled: for the einddatum it names."""
    _set(f, "vrijwillig_afgelopen", _datum(data.get("einddatum")))
    _set(f, "vrijwillig_afgelopen_gemeld_op", _datum(data.get("peildatum")))


# One ontzorging's log: a later authorisation clears an earlier refusal, and the reverse.
def _machtiging_gegeven(f: Feiten, data: Mapping[str, Any]) -> None:
    f.pop("machtiging_geweigerd_op", None)


def _machtiging_geweigerd(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "machtiging_geweigerd_op", _datum(data.get("weigeringsdatum")))


def _stap(key: str, veld: str) -> Regel:
    def regel(f: Feiten, data: Mapping[str, Any]) -> None:
        f[key] = _earlier(f.get(key), _datum(data.get(veld))) or "onbekend"

    return regel


def _voorstel(f: Feiten, data: Mapping[str, Any]) -> dict[str, Any] | None:
    volgnummer = _int(data.get("voorstel", data.get("volgnummer")))
    if volgnummer is None:
        return None
    voorstellen: dict[str, dict[str, Any]] = f.setdefault("boetevoorstellen", {})
    voorstel: dict[str, Any] = voorstellen.setdefault(str(volgnummer), {"status": "open"})
    return voorstel


def _boetevoorstel(f: Feiten, data: Mapping[str, Any]) -> None:
    if (v := _voorstel(f, data)) is not None:
        _set(v, "datum", _datum(data.get("datumVoorstel")))
        _set(v, "aanleiding", _code(data.get("aanleiding")))
        _set(v, "bedrag", _int(data.get("voorgesteldBedragEuro")))


def _zienswijze_gevraagd(f: Feiten, data: Mapping[str, Any]) -> None:
    if (v := _voorstel(f, data)) is not None:
        _set(v, "reactie_uiterlijk", _datum(data.get("reactieUiterlijk")))


def _zienswijze_afgerond(f: Feiten, data: Mapping[str, Any]) -> None:
    if (v := _voorstel(f, data)) is not None:
        _set(v, "gehoord_op", _datum(data.get("datum")))


def _boete_opgelegd(f: Feiten, data: Mapping[str, Any]) -> None:
    # v1: imposed by the no-show itself, with no proposal and no dates to watch.
    if data.get("voorstel") is None:
        f["intake_gestart"] = True
        return
    if (v := _voorstel(f, data)) is not None:
        v["status"] = "opgelegd"
        _set(v, "bedrag", _int(data.get("bedragEuro")))
        _set(v, "dagtekening", _datum(data.get("dagtekening")))
        _set(v, "bezwaartermijn_einde", _datum(data.get("bezwaartermijnEinde")))


def _boetevoorstel_afgewezen(f: Feiten, data: Mapping[str, Any]) -> None:
    if (v := _voorstel(f, data)) is not None:
        v["status"] = "afgewezen"


def _bezwaar_ingediend(sleutel: Callable[[Mapping[str, Any]], str | None]) -> Regel:
    def regel(f: Feiten, data: Mapping[str, Any]) -> None:
        if (key := sleutel(data)) is None:
            return
        f.setdefault("bezwaren", {})[key] = {
            "ontvangen_op": _datum(data.get("ontvangenOp")),
            "beslistermijn_einde": _datum(data.get("beslistermijnEinde")),
        }

    return regel


def _bezwaar_beslist(sleutel: Callable[[Mapping[str, Any]], str | None]) -> Regel:
    def regel(f: Feiten, data: Mapping[str, Any]) -> None:
        if (key := sleutel(data)) is None:
            return
        bezwaar = f.setdefault("bezwaren", {}).setdefault(key, {})
        bezwaar["beslissing"] = _code(data.get("beslissing"))
        bezwaar["beslist_op"] = _datum(data.get("datum"))
        if data.get("boeteHerroepen") is True and (v := _voorstel(f, data)) is not None:
            v["status"] = "herroepen"
        if data.get("herzieningNodig") is True:
            f["pip_herziening_nodig"] = {
                "versie": _int(data.get("pipVersie")) or 0,
                "datum": _datum(data.get("datum")),
            }
        if data.get("ontzorgingHerroepen") is True:
            f["beeindigd_op"] = _earlier(f.get("beeindigd_op"), _datum(data.get("datum")))

    return regel


def _boete_sleutel(data: Mapping[str, Any]) -> str | None:
    volgnummer = _int(data.get("volgnummer"))
    return None if volgnummer is None else f"boete-{volgnummer}"


def _pip_sleutel(data: Mapping[str, Any]) -> str | None:
    versie = _int(data.get("pipVersie"))
    return None if versie is None else f"pip-{versie}"


def _ontzorging_sleutel(data: Mapping[str, Any]) -> str | None:
    return "ontzorging"


def _pip_verzonden(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "pip_verzonden_op", _datum(data.get("verzenddatum")))
    _set(f, "pip_bezwaartermijn_einde", _datum(data.get("bezwaartermijnEinde")))


def _plicht_beeindigd(f: Feiten, data: Mapping[str, Any]) -> None:
    """intake closed its file: withdrawn (with the reason), died, or moved away."""
    if "naarGemeente" in data:
        reden = "verhuisd"
    elif "reden" in data:
        reden = f"ingetrokken: {_code(data.get('reden'))}"
    else:
        reden = "overleden"
    _einde(f, reden, _datum(data.get("datum")))


def _traject_beeindigd(f: Feiten, data: Mapping[str, Any]) -> None:
    reden, toelichting = _code(data.get("reden")), _code(data.get("toelichting"))
    if reden == "ingetrokken" and toelichting:
        reden = f"ingetrokken: {toelichting}"
    _einde(f, reden or "onbekend", _datum(data.get("datum")))


def _einde(f: Feiten, reden: str, datum: str | None) -> None:
    # The first closure stands (intake's and pip's say the same for one person).
    if not f.get("einde_reden"):
        f["einde_reden"] = reden
        f["einde_op"] = datum or "onbekend"


def _gepauzeerd(f: Feiten, data: Mapping[str, Any]) -> None:
    f["gepauzeerd_sinds"] = _datum(data.get("datum")) or "onbekend"


def _vrijstelling_beeindigd(f: Feiten, data: Mapping[str, Any]) -> None:
    f.pop("gepauzeerd_sinds", None)
    # Without a PIP the ten weeks start again (SS129): the deadline intake stated.
    _set(f, "uiterste_intake", _datum(data.get("uitersteDatumPip")))


def _traject_hervat(f: Feiten, data: Mapping[str, Any]) -> None:
    f.pop("gepauzeerd_sinds", None)
    _uiterste_pip(f, data)
    einde = _datum(data.get("einddatum"))
    if einde is not None:
        _termijneinde(f, einde, _datum(data.get("looptBijnaAfVanaf")))


def _doelgroep(key: str) -> Regel:
    def regel(f: Feiten, data: Mapping[str, Any]) -> None:
        _set(f, key, _code(data.get("naar")))

    return regel


def _vorige_gemeente(f: Feiten, data: Mapping[str, Any]) -> None:
    _set(f, "vorige_gemeente", _code(data.get("vorigeGemeente")))


def _traject_overgenomen(f: Feiten, data: Mapping[str, Any]) -> None:
    """The traject continues here: the termijn runs on and the previous gemeente's PIP is
    the current one until this gemeente sets its own (a later pipVersie)."""
    f["pip_opgesteld"] = True
    _set(f, "vorige_gemeente", _code(data.get("vanGemeente")))
    _set(f, "termijn_start", _datum(data.get("termijnStart")))
    _termijneinde(f, _datum(data.get("termijnEinde")), _datum(data.get("looptBijnaAfVanaf")))
    if f.get("pip_versie", 0) == 0 and not f.get("pip_dagtekening"):
        f["pip_versie"] = 0
        f["pip_leerroute"] = _code(data.get("leerroute"))
        f["pip_niveau"] = _code(data.get("niveau"))
        f["pip_dagtekening"] = _datum(data.get("laatsteDagtekening"))


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
        BOETEVOORSTEL_GEDAAN: _boetevoorstel,
        ZIENSWIJZE_GEVRAAGD: _zienswijze_gevraagd,
        ZIENSWIJZE_AFGEROND: _zienswijze_afgerond,
        BOETE_OPGELEGD: _boete_opgelegd,
        BOETEVOORSTEL_AFGEWEZEN: _boetevoorstel_afgewezen,
        BOETE_BEZWAAR_INGEDIEND: _bezwaar_ingediend(_boete_sleutel),
        BOETE_BEZWAAR_BESLIST: _bezwaar_beslist(_boete_sleutel),
        PIP_VERZONDEN: _pip_verzonden,
        PIP_BEZWAAR_INGEDIEND: _bezwaar_ingediend(_pip_sleutel),
        PIP_BEZWAAR_BESLIST: _bezwaar_beslist(_pip_sleutel),
        ONTZORGING_BEZWAAR_INGEDIEND: _bezwaar_ingediend(_ontzorging_sleutel),
        ONTZORGING_BEZWAAR_BESLIST: _bezwaar_beslist(_ontzorging_sleutel),
        INTAKEGESPREK_GEVOERD: _intakegesprek,
        LEERROUTE_GEADVISEERD: _leerroute_geadviseerd,
        INTAKE_AFGEROND: _intake_afgerond,
        UITERSTE_DATUM_INTAKE: _uiterste_intake,
        UITERSTE_DATUM_PIP_GEWIJZIGD: _uiterste_pip,
        TERMIJN_VAN_DUO: _termijn_van_duo,
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
        DUAAL_TRAJECT_VASTGELEGD: _duaal_traject,
        DUAAL_TRAJECT_AFGEROND: _duaal_afgerond,
        INBURGERINGSAANBOD: _aanbod,
        MAATSCHAPPELIJKE_BEGELEIDING_VASTGELEGD: _begeleiding,
        CONTACTPERSOON_TOEGEWEZEN: _contactpersoon,
        ONTZORGING_GESTART: _ontzorging_gestart,
        ONTZORGINGSPERIODE_AFGELOPEN: _periode_afgelopen,
        BUDGETBEHEER_GESTART: _stap("budgetbeheer_op", "startdatum"),
        AFBOUW_GESTART: _stap("afbouw_op", "startdatum"),
        FINANCIEEL_ZELFREDZAAM_VASTGESTELD: _stap("zelfredzaam_op", "vaststellingsdatum"),
        ONTZORGING_BEEINDIGD: _stap("beeindigd_op", "einddatum"),
        ONTZORGING_VRIJWILLIG_VOORTGEZET: _vrijwillig_voortgezet,
        VRIJWILLIGE_ONTZORGING_AFGELOPEN: _vrijwillig_afgelopen,
        BETAALMACHTIGING_GEGEVEN: _machtiging_gegeven,
        BETAALMACHTIGING_GEWEIGERD: _machtiging_geweigerd,
        PLICHT_BEEINDIGD: _plicht_beeindigd,
        TRAJECT_BEEINDIGD: _traject_beeindigd,
        TIJDELIJKE_VRIJSTELLING_VERLEEND: _gepauzeerd,
        TRAJECT_GEPAUZEERD: _gepauzeerd,
        TIJDELIJKE_VRIJSTELLING_BEEINDIGD: _vrijstelling_beeindigd,
        TRAJECT_HERVAT: _traject_hervat,
        DOELGROEP_GEWIJZIGD_INTAKE: _doelgroep("doelgroep_intake"),
        DOELGROEP_GEWIJZIGD_PIP: _doelgroep("doelgroep_pip"),
        VORIGE_GEMEENTE_VASTGELEGD: _vorige_gemeente,
        TRAJECT_OVERGENOMEN: _traject_overgenomen,
    }
)
ALLE_TYPEN = frozenset(REGELS)


def werk_bij(feiten: Feiten, ce_type: str, data: Mapping[str, Any]) -> None:
    """Add what one event states to a person's facts."""
    REGELS[ce_type](feiten, data)
