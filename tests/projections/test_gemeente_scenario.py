"""The gemeente read models through the services: the embedded platform carries seven
inburgeraars through intake, PIP and ontzorging while the clock moves (conftest `verhaal`),
and the caseload, the signals and the CBS figures say what a klantregisseur and a
beleidsmedewerker should see at each point."""

from __future__ import annotations

from typing import Any

import pytest

from services.projections.gemeente import MONITORING
from services.projections.projector import Generations
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from tests.projections.conftest import DAAR, HIER, Keten, maak_keten, rijen, verhaal

B, E = "berekend", "event"
PIP_TE_LAAT = "pip_termijn_verstreken"
GEEN_VOORTGANG = "geen_voortgang"
ONTZORGING = "ontzorgingsperiode_afgelopen"
TERMIJN = "inburgeringstermijn_loopt_af"

BILAL = ("Bilal", PIP_TE_LAAT, "2026-02-10", B)
HANA = ("Hana", PIP_TE_LAAT, "2026-03-14", B)
LANG_GELEDEN = {
    ("Amal", GEEN_VOORTGANG, "2026-04-05", B),
    ("Chen", GEEN_VOORTGANG, "2026-05-11", B),
    ("Farah", GEEN_VOORTGANG, "2026-04-02", B),
}
# (naam, soort, sinds, bron) open at each point of the story.
OPEN: dict[str, set[tuple[str, str, str, str]]] = {
    "begin": set(),
    # art. 15 Wi2021: no PIP ten weeks after the start. Seen from the dates before the timer
    # runs, then raised by the PIP service's PIPTermijnVerstreken.
    "chen te laat, berekend": {("Chen", PIP_TE_LAAT, "2026-01-11", B)},
    "chen te laat, gemeld": {("Chen", PIP_TE_LAAT, "2026-01-11", E)},
    # Bilal has no PIP draft, so no event: the date alone raises it.
    "bilal te laat": {("Chen", PIP_TE_LAAT, "2026-01-11", E), BILAL},
    "chen heeft een pip": {BILAL},
    # 90 days (the default setting) after Gijs's PIP of 20 December without a conversation.
    "gijs zonder voortgang": {BILAL, HANA, ("Gijs", GEEN_VOORTGANG, "2026-03-20", B)},
    "gijs gesproken": {BILAL, HANA},
    # art. 56a Pw: six months after the start of the bijstand (15 December 2025).
    "ontzorging voorbij, berekend": {
        BILAL,
        HANA,
        *LANG_GELEDEN,
        ("Amal", ONTZORGING, "2026-06-15", B),
    },
    "ontzorging voorbij, gemeld": {
        BILAL,
        HANA,
        *LANG_GELEDEN,
        ("Amal", ONTZORGING, "2026-06-15", E),
    },
    "budgetbeheer": {BILAL, HANA, *LANG_GELEDEN},
    # art. 11 Wi2021: Gijs's termijn ends on 20 December 2028, within two months.
    "termijn loopt af": {
        BILAL,
        HANA,
        *LANG_GELEDEN,
        ("Gijs", GEEN_VOORTGANG, "2026-06-19", B),
        ("Gijs", TERMIJN, "2028-10-20", E),
    },
    "termijn verlengd": {BILAL, HANA, *LANG_GELEDEN, ("Gijs", GEEN_VOORTGANG, "2026-06-19", B)},
    # A full vrijstelling meets the obligation: nothing is open for Amal any more.
    "amal voldaan": {
        BILAL,
        HANA,
        *(s for s in LANG_GELEDEN if s[0] != "Amal"),
        ("Gijs", GEEN_VOORTGANG, "2026-06-19", B),
    },
}


def regel(caseload: dict[str, dict[str, Any]], naam: str, *velden: str) -> tuple[Any, ...]:
    return tuple(caseload[naam][veld] for veld in velden)


def test_the_signals_open_and_close_as_the_story_goes(keten: Keten, clock: FrozenClock) -> None:
    for stap in verhaal(keten, clock):
        keten.projecteer()
        assert keten.signalen() == OPEN[stap], stap
    assert keten.signalen(DAAR) == {
        ("Dana", GEEN_VOORTGANG, "2026-03-01", B),
        ("Dana", TERMIJN, "2028-10-01", E),
    }


def test_the_caseload_shows_each_inburgeraar_with_status_route_and_deadlines(
    keten: Keten, clock: FrozenClock
) -> None:
    stappen = verhaal(keten, clock)
    assert next(stappen) == "begin"
    keten.projecteer()
    caseload = keten.caseload()
    assert set(caseload) == {"Gijs", "Farah", "Amal", "Bilal", "Chen", "Hana"}, (
        "Eva's gemeente is not served, Dana's is another"
    )
    velden = ("status", "leerroute", "leerrouteVastgesteld", "niveau", "klantregisseur")
    assert regel(caseload, "Amal", *velden) == ("pip_vastgesteld", "b1", True, "B1", "kr-1")
    assert regel(caseload, "Farah", *velden) == ("pip_vastgesteld", "z", True, None, "kr-1")
    assert regel(caseload, "Bilal", *velden) == ("intake", None, False, None, "kr-2")
    assert regel(caseload, "Chen", *velden) == ("pip_concept", None, False, None, None)
    assert regel(caseload, "Hana", *velden) == ("geregistreerd", None, False, None, None)
    # Days left to set the PIP, counted from today (5 January 2026).
    pip = ("uitersteDatumPip", "dagenTotPip", "volgendeDeadline")
    assert regel(caseload, "Chen", *pip) == (
        "2026-01-10",
        5,
        {"soort": "pip", "datum": "2026-01-10"},
    )
    assert regel(caseload, "Hana", *pip) == (
        "2026-03-13",
        67,
        {"soort": "pip", "datum": "2026-03-13"},
    )
    assert regel(caseload, "Gijs", *pip) == (
        "2025-12-10",
        None,
        {"soort": "inburgeringstermijn", "datum": "2028-12-20"},
    )
    ontzorging = ("ontzorgingStatus", "eindeOntzorgingsperiode", "eindeTermijn", "volgendeDeadline")
    assert regel(caseload, "Amal", *ontzorging) == (
        "ontzorgd",
        "2026-06-15",
        "2029-01-05",
        {"soort": "ontzorgingsperiode", "datum": "2026-06-15"},
    )
    [dana] = keten.caseload(DAAR).values()
    assert (dana["naam"], dana["leerroute"], dana["gemeente"]) == ("Dana", "onderwijs", DAAR)

    rest = list(stappen)
    keten.projecteer()
    caseload = keten.caseload()
    assert rest[-1] == "amal voldaan"
    assert regel(caseload, "Chen", "dagenTotPip", "status") == (None, "pip_vastgesteld")
    assert regel(caseload, "Bilal", "dagenTotPip") == (-985,), "1000 days after 9 February 2026"
    assert regel(caseload, "Amal", "status", "ontzorgingStatus", "volgendeDeadline") == (
        "voldaan",
        "budgetbeheer",
        None,
    )
    assert regel(caseload, "Gijs", "eindeTermijn", "laatsteVoortgangsgesprek") == (
        "2029-06-20",
        "2026-03-21",
    )


def test_the_cbs_figures_per_cohort(keten: Keten, clock: FrozenClock) -> None:
    """CBS Statistiek Wet inburgering: per cohort (the year the obligation started) the
    persons, the days to the brede intake and to the first PIP (mean and median), the share
    of first PIPs within ten weeks (art. 15 Wi2021), routes, and exam results per component."""
    for _ in verhaal(keten, clock):
        keten.projecteer()
    body = keten.get(f"/gemeenten/{HIER}/monitoring", rol=Rol.BELEIDSMEDEWERKER)
    [c2025, c2026] = body["cohorten"]
    assert (c2025["cohort"], c2025["aantalInburgeraars"], c2026["aantalInburgeraars"]) == (
        2025,
        5,
        1,
    )
    # Gijs 75 days, Farah 39, Amal 35.
    assert c2025["intakeAfgerond"] == 3
    assert c2025["dagenTotIntakeAfgerond"] == {"aantal": 3, "gemiddelde": 49.7, "mediaan": 39.0}
    # First PIPs: Gijs after 80 days, Farah 53, Amal 35, Chen 101.
    assert c2025["metPip"] == 4
    assert c2025["dagenTotPip"] == {"aantal": 4, "gemiddelde": 67.2, "mediaan": 66.5}
    assert (c2025["eerstePips"], c2025["eerstePipsBinnenTienWeken"]) == (4, 2)
    assert c2025["aandeelEerstePipsBinnenTienWeken"] == 0.5
    assert c2025["leerroutes"] == {"b1": 3, "onderwijs": 0, "z": 1}
    examens = {e["onderdeel"]: (e["afgenomen"], e["behaald"]) for e in c2025["examens"]}
    assert examens == {
        "lezen": (1, 1),
        "luisteren": (0, 0),
        "schrijven": (0, 0),
        "spreken": (2, 1),
        "knm": (0, 0),
    }
    [alleen_2025] = keten.get(f"/gemeenten/{HIER}/monitoring", cohort=2025)["cohorten"]
    assert alleen_2025 == c2025
    [gezin] = keten.get(f"/gemeenten/{HIER}/monitoring", cohort=2025, doelgroep="gezinsmigrant")[
        "cohorten"
    ]
    assert (gezin["aantalInburgeraars"], gezin["leerroutes"]["z"]) == (2, 1), "Farah and Chen"
    [leeg] = keten.get(f"/gemeenten/{HIER}/monitoring", cohort=2024)["cohorten"]
    assert (leeg["aantalInburgeraars"], leeg["dagenTotPip"]["mediaan"]) == (0, None)
    [daar] = keten.get(f"/gemeenten/{DAAR}/monitoring")["cohorten"]
    assert (daar["aantalInburgeraars"], daar["leerroutes"]["onderwijs"]) == (1, 1)


def test_the_monitoring_tables_hold_no_personal_data(keten: Keten, clock: FrozenClock) -> None:
    """domain.md, Personal data: no names, no inburgeraar or aggregate ids, no staff."""
    for _ in verhaal(keten, clock):
        keten.projecteer()
    generation = Generations(keten.store).active(MONITORING.name)
    assert generation is not None
    tables = rijen(keten.store, MONITORING, generation)
    assert len(tables["monitoring"]) == 7, "the served gemeenten's seven persons"
    text = repr(tables).lower()
    ids = [str(i) for i in keten.ids.values()] + [str(keten.pip_id(n)) for n in ("Amal", "Gijs")]
    for needle in [*keten.ids, *ids, "kr-1", "kr-2", "1990-01-01"]:
        assert needle.lower() not in text, needle


def test_the_period_without_progress_is_a_setting(
    settings: PlatformSettings, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGNAAL_GEEN_VOORTGANG_DAGEN=30: a month after the PIP (or the last conversation)
    without a voortgangsgesprek is already a signal; the read model is the same, only the
    question changes."""
    monkeypatch.setenv("SIGNAAL_GEEN_VOORTGANG_DAGEN", "30")
    with maak_keten(settings, [HIER, DAAR]) as keten:
        for stap in verhaal(keten, clock):
            keten.projecteer()
            if stap == "bilal te laat":
                break
        assert {s for s in keten.signalen() if s[1] == GEEN_VOORTGANG} == {
            ("Gijs", GEEN_VOORTGANG, "2026-01-19", B),
            ("Farah", GEEN_VOORTGANG, "2026-02-01", B),
            ("Amal", GEEN_VOORTGANG, "2026-02-04", B),
        }
