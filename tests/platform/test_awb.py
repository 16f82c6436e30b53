"""The Awb clocks and rules every beschikking follows (`shared/awb.py`): pure dates in, dates
out, and a named violation per rule."""

from __future__ import annotations

import datetime as dt

import pytest

from shared import awb

D = dt.date
VERZONDEN = awb.Bekendmaking(D(2026, 3, 13), D(2026, 3, 16), D(2026, 4, 28))


def test_the_feestdagen_of_the_algemene_termijnenwet_include_goede_vrijdag_and_koningsdag() -> None:
    """art. 3 lid 1 en lid 2 Atw (Goede Vrijdag gelijkgesteld); Koningsdag on the 26th when
    the 27th is a Sunday."""
    dagen = awb.algemeen_erkende_feestdagen(2026)
    assert {D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 5), D(2026, 4, 6)} <= dagen
    assert {D(2026, 4, 27), D(2026, 5, 5), D(2026, 5, 14), D(2026, 5, 25)} <= dagen
    assert {D(2026, 12, 25), D(2026, 12, 26)} <= dagen
    assert awb.paasdag(2025) == D(2025, 4, 20)
    assert awb.koningsdag(2025) == D(2025, 4, 26)


def test_the_objection_period_is_six_weeks_from_the_day_after_sending() -> None:
    """art. 6:7 en 6:8 lid 1 Awb: six weeks, starting the day after bekendmaking (3:41)."""
    assert awb.bezwaartermijn_einde(D(2026, 1, 5)) == D(2026, 2, 16)


def test_an_objection_period_ending_on_a_weekend_or_feestdag_runs_on_to_the_next_working_day() -> (
    None
):
    """art. 1 lid 1 Atw: Saturday 18 April runs on to Monday 20 April; Koningsdag (Monday 27
    April 2026) to Tuesday 28 April; Goede Vrijdag and Tweede Paasdag to Tuesday 7 April."""
    assert awb.bezwaartermijn_einde(D(2026, 3, 7)) == D(2026, 4, 20)
    assert awb.bezwaartermijn_einde(D(2026, 3, 16)) == D(2026, 4, 28)
    assert awb.bezwaartermijn_einde(D(2026, 2, 20)) == D(2026, 4, 7)


def test_the_decision_on_an_objection_is_due_six_weeks_after_the_objection_period() -> None:
    """art. 7:10 lid 1 Awb: six weeks, twelve with an adviescommissie; lid 3: deferral of at
    most six weeks; art. 1 Atw moves an end on a feestdag."""
    assert awb.beslistermijn_einde(D(2026, 4, 28)) == D(2026, 6, 9)
    assert awb.beslistermijn_einde(D(2026, 4, 28), adviescommissie=True) == D(2026, 7, 21)
    assert awb.beslistermijn_einde(D(2026, 4, 28), verdaagd_weken=6) == D(2026, 7, 21)
    assert awb.beslistermijn_einde(D(2026, 4, 13)) == D(2026, 5, 26), "not Tweede Pinksterdag"
    with pytest.raises(awb.VerdagingTeLang):
        awb.beslistermijn_einde(D(2026, 4, 28), verdaagd_weken=7)


def test_an_excusably_late_objection_is_decided_within_six_weeks_of_its_receipt() -> None:
    """art. 7:10 lid 1 with 6:11 Awb: the period cannot run before the objection came."""
    assert awb.beslistermijn_einde(D(2026, 4, 28), ontvangen_op=D(2026, 5, 12)) == D(2026, 6, 23)


def test_an_objection_posted_by_the_last_day_and_received_within_a_week_is_in_time() -> None:
    """art. 6:9 lid 1 en lid 2 Awb."""
    einde = D(2026, 4, 28)
    assert awb.is_tijdig(einde, D(2026, 4, 28))
    assert not awb.is_tijdig(einde, D(2026, 4, 29))
    assert awb.is_tijdig(einde, D(2026, 5, 5), ter_post_op=D(2026, 4, 28))
    assert not awb.is_tijdig(einde, D(2026, 5, 6), ter_post_op=D(2026, 4, 28))
    assert not awb.is_tijdig(einde, D(2026, 4, 30), ter_post_op=D(2026, 4, 29))


def test_a_late_objection_is_refused_naming_the_day_received() -> None:
    """art. 6:7, 6:8, 6:9 Awb; art. 1 Atw."""
    with pytest.raises(awb.BezwaarTeLaat) as exc:
        awb.check_bezwaar_tijdig(VERZONDEN, D(2026, 4, 29), None, None, D(2026, 5, 1))
    assert exc.value.veld == "ontvangenOp"


def test_a_late_objection_is_accepted_when_the_lateness_is_excusable_and_explained() -> None:
    """art. 6:11 Awb: no niet-ontvankelijkheid for an excusable overschrijding."""
    tijdig = awb.check_bezwaar_tijdig(
        VERZONDEN, D(2026, 4, 29), None, "Opgenomen in het ziekenhuis", D(2026, 5, 1)
    )
    assert tijdig is False
    with pytest.raises(awb.VerschoonbaarZonderToelichting):
        awb.check_bezwaar_tijdig(VERZONDEN, D(2026, 4, 29), None, "  ", D(2026, 5, 1))


def test_an_objection_cannot_be_received_in_the_future_nor_posted_after_receipt() -> None:
    """platformregel (facts are recorded after they happen); art. 6:9 lid 2 Awb."""
    with pytest.raises(awb.DatumInToekomst):
        awb.check_bezwaar_tijdig(VERZONDEN, D(2026, 4, 20), None, None, D(2026, 4, 1))
    with pytest.raises(awb.TerPostNaOntvangst) as exc:
        awb.check_bezwaar_tijdig(VERZONDEN, D(2026, 4, 20), D(2026, 4, 21), None, D(2026, 5, 1))
    assert exc.value.veld == "terPostOp"


def test_a_beschikking_is_not_sent_before_its_dagtekening_nor_in_the_future() -> None:
    """art. 3:40 en 3:41 lid 1 Awb."""
    with pytest.raises(awb.VerzendingVoorDagtekening) as exc:
        awb.check_verzending(D(2026, 3, 13), D(2026, 3, 12), D(2026, 3, 20))
    assert exc.value.veld == "verzenddatum"
    with pytest.raises(awb.DatumInToekomst):
        awb.check_verzending(D(2026, 3, 13), D(2026, 3, 21), D(2026, 3, 20))
    awb.check_verzending(D(2026, 3, 13), D(2026, 3, 13), D(2026, 3, 20))


def test_a_beschikking_is_sent_once_and_objections_wait_for_it() -> None:
    """art. 6:8 lid 1 en 7:10 lid 1 Awb: the periods run from the bekendmaking."""
    with pytest.raises(awb.AlVerzonden):
        awb.check_niet_al_verzonden(VERZONDEN)
    with pytest.raises(awb.NietBekendgemaakt):
        awb.check_bekendgemaakt(None)
    assert awb.check_bekendgemaakt(VERZONDEN) is VERZONDEN


def test_one_objection_at_a_time_and_a_decision_only_on_an_open_one_after_it_came() -> None:
    """art. 7:10 lid 1 en 7:11 Awb."""
    bezwaar = awb.Bezwaar(D(2026, 4, 20), None, True, D(2026, 6, 9))
    with pytest.raises(awb.BezwaarAlOpen):
        awb.check_geen_open_bezwaar([bezwaar])
    with pytest.raises(awb.GeenOpenBezwaar):
        awb.check_beslissing(None, D(2026, 5, 1), awb.Beslissing.GEGROND, D(2026, 5, 1))
    with pytest.raises(awb.BeslissingVoorBezwaar):
        awb.check_beslissing(bezwaar, D(2026, 4, 19), awb.Beslissing.GEGROND, D(2026, 5, 1))
    beslist = awb.beslist(bezwaar, awb.Beslissing.ONGEGROND, D(2026, 5, 1))
    assert not beslist.open
    with pytest.raises(awb.GeenOpenBezwaar):
        awb.check_beslissing(beslist, D(2026, 5, 2), awb.Beslissing.GEGROND, D(2026, 5, 2))
    awb.check_geen_open_bezwaar([beslist])
