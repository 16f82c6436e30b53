"""DUO's rules, each guard on its own, named: the boundary days of the termijn as DUO counts
it (its einddatum is exclusive), the level DUO knows, one melding per PIP, and who may send."""

from __future__ import annotations

import datetime as dt

import pytest

from services.duo import rules
from shared.clock import FrozenClock

EINDE_DUO = dt.date(2029, 1, 6)  # exclusive: the termijn's last day is 2029-01-05
LAATSTE_DAG = dt.date(2029, 1, 5)


def test_the_last_day_of_the_termijn_is_the_day_before_duos_einddatum() -> None:
    """DUO Inburgeringstermijn API: einddatum "De datum die het einde van de periode aangeeft
    (exclusief)"."""
    assert rules.laatste_dag(EINDE_DUO) == LAATSTE_DAG
    assert not rules.is_overschreden(LAATSTE_DAG, EINDE_DUO)
    assert rules.is_overschreden(EINDE_DUO, EINDE_DUO)


def test_verwijtbaar_on_the_last_day_is_refused() -> None:
    """DUO README, MAP/PVT (Verwijtbaar): before the einddatum no 'Verwijtbaar'."""
    with pytest.raises(rules.VerwijtbaarVoorEinddatum):
        rules.check_verwijtbaar_niet_voor_einddatum("map", LAATSTE_DAG, EINDE_DUO, "ja")
    rules.check_verwijtbaar_niet_voor_einddatum("map", EINDE_DUO, EINDE_DUO, "ja")


def test_an_overrun_without_verwijtbaar_is_refused() -> None:
    """DUO README, MAP/PVT (Verwijtbaar): an overrun of the termijn names the culpability."""
    with pytest.raises(rules.VerwijtbaarOntbreekt):
        rules.check_verwijtbaar_bij_overschrijding("pvt", EINDE_DUO, EINDE_DUO, None)
    rules.check_verwijtbaar_bij_overschrijding("pvt", LAATSTE_DAG, EINDE_DUO, None)


def test_ja_without_an_overrun_is_refused() -> None:
    """DUO README, MAP/PVT (Verwijtbaar): 'Ja' only when the termijn is overrun."""
    with pytest.raises(rules.VerwijtbaarJaZonderOverschrijding):
        rules.check_verwijtbaar_ja("map", LAATSTE_DAG, EINDE_DUO, "ja")
    rules.check_verwijtbaar_ja("map", EINDE_DUO, EINDE_DUO, "ja")


def test_nee_more_than_two_months_before_the_end_is_refused() -> None:
    """DUO README, MAP/PVT (Verwijtbaar): 'Nee' only when the termijn ends within two
    months."""
    with pytest.raises(rules.VerwijtbaarNeeBuitenTweeMaanden):
        rules.check_verwijtbaar_nee("map", EINDE_DUO, "nee", dt.date(2028, 11, 4))
    rules.check_verwijtbaar_nee("map", EINDE_DUO, "nee", dt.date(2028, 11, 5))


def test_a_date_in_the_future_is_refused(clock: FrozenClock) -> None:
    """DUO README, MAP and PVT: the date may not lie in the future."""
    with pytest.raises(rules.AfrondingInDeToekomst):
        rules.check_afronding_niet_in_toekomst("pvt", dt.date(2026, 1, 6))
    rules.check_afronding_niet_in_toekomst("pvt", dt.date(2026, 1, 5))


def test_a_level_duo_does_not_know_is_refused() -> None:
    """DUO PIP API, NiveauPip: A2 or B1 (B2 is an ambition, not DUO's level)."""
    with pytest.raises(rules.NiveauOnbekend):
        rules.check_niveau_bekend("B2")
    rules.check_niveau_bekend("A2")
    rules.check_niveau_bekend(None)


def test_a_pip_is_reported_once() -> None:
    """DUO README, Het aanleveren van een PIP: a PIP is registered once."""
    with pytest.raises(rules.PIPAlGemeld):
        rules.check_niet_gemeld(True, "PIP versie 1")
    rules.check_niet_gemeld(False, "PIP versie 1")


def test_only_duo_sends_to_a_gemeente_of_this_platform() -> None:
    """DUO Notificatie API: headers bron (DUO's OIN) and doel (the gemeente's OIN)."""
    duo, gemeente = "00000001800866472000", "00000001001234567000"
    with pytest.raises(rules.OnbekendeBron):
        rules.check_bron_is_duo("00000009999999999000", duo)
    rules.check_bron_is_duo(duo, duo)
    with pytest.raises(rules.OnbekendDoel):
        rules.check_doel("00000009999999999000", {gemeente: "GM0222"})
    assert rules.check_doel(gemeente, {gemeente: "GM0222"}) == "GM0222"
