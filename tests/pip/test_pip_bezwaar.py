"""The PIP as a beschikking (art. 15 Wi2021): its sending date, the objection period and the
objection, on the aggregate. The clock fixture stands on 2026-01-05; the PIP's dagtekening
in these tests is 2025-12-15."""

from __future__ import annotations

import datetime as dt

import pytest

from shared import awb
from shared.clock import FrozenClock
from tests.pip.test_pip_rules import DAGTEKENING, pip, vastgesteld

D = dt.date


def zet_klok(clock: FrozenClock, dag: dt.date) -> None:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, tzinfo=dt.UTC))


def test_a_pip_is_sent_once_not_before_its_dagtekening_and_the_objection_period_follows(
    clock: FrozenClock,
) -> None:
    """art. 3:41 lid 1, 6:7 en 6:8 lid 1 Awb: sent 16 December, objections until 27 January."""
    traject = vastgesteld()
    with pytest.raises(awb.VerzendingVoorDagtekening):
        traject.verzend(verzenddatum=DAGTEKENING - dt.timedelta(days=1))
    with pytest.raises(awb.DatumInToekomst):
        traject.verzend(verzenddatum=D(2026, 1, 6))
    with pytest.raises(awb.OnbekendeBeschikking):
        traject.verzend(verzenddatum=D(2025, 12, 16), pip_versie=2)
    traject.verzend(verzenddatum=D(2025, 12, 16))
    assert traject.bekendmaking(1) == awb.Bekendmaking(DAGTEKENING, D(2025, 12, 16), D(2026, 1, 27))
    with pytest.raises(awb.AlVerzonden):
        traject.verzend(verzenddatum=D(2025, 12, 17))


def test_an_objection_against_a_pip_waits_for_its_sending_and_comes_in_time(
    clock: FrozenClock,
) -> None:
    """art. 6:8 lid 1, 6:9 en 7:10 lid 1 Awb."""
    traject = vastgesteld()
    with pytest.raises(awb.NietBekendgemaakt):
        traject.dien_bezwaar_in(ontvangen_op=D(2026, 1, 5))
    traject.verzend(verzenddatum=D(2025, 12, 16))
    zet_klok(clock, D(2026, 1, 28))
    with pytest.raises(awb.BezwaarTeLaat):
        traject.dien_bezwaar_in(ontvangen_op=D(2026, 1, 28))
    traject.dien_bezwaar_in(ontvangen_op=D(2026, 1, 27))
    [bezwaar] = traject.bezwaren[1]
    assert (bezwaar.tijdig, bezwaar.beslistermijn_einde) == (True, D(2026, 3, 10))
    with pytest.raises(awb.BezwaarAlOpen):
        traject.dien_bezwaar_in(ontvangen_op=D(2026, 1, 27))


def test_an_upheld_objection_asks_for_a_new_pip_until_a_later_version_is_set(
    clock: FrozenClock,
) -> None:
    """art. 7:11 lid 2 Awb: upheld, the college decides anew (a new PIP version)."""
    traject = vastgesteld()
    traject.verzend(verzenddatum=D(2025, 12, 16))
    traject.dien_bezwaar_in(ontvangen_op=D(2026, 1, 5))
    assert not traject.nieuw_pip_nodig
    traject.beslis_op_bezwaar(datum=D(2026, 1, 5), beslissing=awb.Beslissing.GEGROND)
    assert traject.nieuw_pip_nodig
    traject.vaststellen(**pip(dagtekening=D(2026, 1, 5)))
    assert not traject.nieuw_pip_nodig


def test_an_objection_ongegrond_leaves_the_pip_as_it_is(clock: FrozenClock) -> None:
    """art. 7:11 Awb."""
    traject = vastgesteld()
    traject.verzend(verzenddatum=D(2025, 12, 16))
    traject.dien_bezwaar_in(ontvangen_op=D(2026, 1, 5))
    with pytest.raises(awb.BeslissingVoorBezwaar):
        traject.beslis_op_bezwaar(datum=D(2026, 1, 4), beslissing=awb.Beslissing.ONGEGROND)
    traject.beslis_op_bezwaar(datum=D(2026, 1, 5), beslissing=awb.Beslissing.ONGEGROND)
    assert not traject.nieuw_pip_nodig
    with pytest.raises(awb.GeenOpenBezwaar):
        traject.beslis_op_bezwaar(datum=D(2026, 1, 5), beslissing=awb.Beslissing.GEGROND)
