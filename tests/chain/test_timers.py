"""Passing time becomes events: the PIP not set within the ten weeks, the inburgeringstermijn
ending within two months, the six months of ontzorging over. Each is decided by the
aggregate and recorded once per date; a deadline index, kept from each service's own log,
lets the timer load only the aggregates with something due.

The clock fixture stands on 2026-01-05; tests move it. The standard traject's obligation
started on 2025-11-03, so its ten weeks end on 2026-01-12.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from services.ontzorging.application import OntzorgingApplication
from services.ontzorging.domainmodel import Ontzorging
from services.ontzorging.rules import DatumInToekomst, Doelgroep, RedenBeeindiging
from services.pip import rules
from services.pip.application import PipApplication
from services.pip.domainmodel import Inburgeringstraject
from services.pip.rules import Leerroute, VerlengingReden, Verwijtbaar
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.deadlines import DeadlineProjection, Klok

D = dt.date
G = ["GM0222"]
START = D(2025, 11, 3)
UITERSTE = D(2026, 1, 12)


def op(clock: FrozenClock, dag: dt.date) -> dt.date:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, tzinfo=dt.UTC))
    return dag


def concept(gemeente: str = "GM0222", start: dt.date = START) -> Inburgeringstraject:
    return Inburgeringstraject.stel_concept_op(
        gemeente=gemeente,
        inburgeraar_id=uuid.uuid4(),
        doelgroep=rules.Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=start,
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.B1,
    )


PIP: dict[str, Any] = {
    "leerroute": Leerroute.B1,
    "niveau": None,
    "map": True,
    "map_intensiteit_uren": 40,
    "pvt_intensiteit_uren": 12,
    "knm": True,
    "begeleiding": "",
    "ontzorging": False,
    "geschatte_intensiteit": None,
}


SIGNALEN = (
    "PIPTermijnVerstreken",
    "InburgeringstermijnLooptBijnaAf",
    "OntzorgingsperiodeAfgelopen",
)


def signalen(aggregate: Inburgeringstraject | Ontzorging) -> list[tuple[str, dict[str, Any]]]:
    """The signals recorded since the last look, with their data."""
    skip = {"originator_id", "originator_version", "timestamp"}
    return [
        (type(e).__name__, {k: v for k, v in vars(e).items() if k not in skip})
        for e in aggregate.collect_events()
        if type(e).__name__ in SIGNALEN
    ]


# --- (a) The PIP not set within ten weeks (art. 15 Wi2021) -----------------------------


def test_a_pip_not_set_ten_weeks_after_the_obligation_started_raises_pip_termijn_verstreken(
    clock: FrozenClock,
) -> None:
    """art. 15 Wi2021: the PIP is set within ten weeks of the start; on the day after the
    uiterste datum it is late (DUO signals SS126 then), and the gemeente records it once."""
    traject = concept()
    traject.collect_events()
    assert traject.agenda() == {"PIPTermijnVerstreken": D(2026, 1, 13)}

    traject.signaleer_verstreken_termijnen(op(clock, UITERSTE))
    assert signalen(traject) == [], "the last day of the ten weeks is still in time"

    traject.signaleer_verstreken_termijnen(op(clock, D(2026, 1, 13)))
    [(naam, data)] = signalen(traject)
    assert naam == "PIPTermijnVerstreken"
    assert (data["uiterste_datum_pip"], data["peildatum"]) == (D(2026, 1, 12), D(2026, 1, 13))
    assert data["inburgeraar_id"] == traject.inburgeraar_id

    traject.signaleer_verstreken_termijnen(op(clock, D(2026, 1, 20)))
    assert signalen(traject) == [], "not twice"
    assert traject.agenda() == {}


def test_a_pip_set_in_time_raises_no_pip_termijn_verstreken(clock: FrozenClock) -> None:
    """art. 15 Wi2021: set on or before the uiterste datum, the PIP was in time."""
    traject = concept()
    traject.vaststellen(dagtekening=D(2026, 1, 5), **PIP)
    traject.collect_events()
    assert "PIPTermijnVerstreken" not in traject.agenda()
    traject.signaleer_verstreken_termijnen(op(clock, D(2026, 2, 1)))
    assert signalen(traject) == []


def test_waiting_for_third_parties_moves_the_signal_to_the_new_uiterste_datum(
    clock: FrozenClock,
) -> None:
    """art. 5.3 Besluit inburgering 2021: information requested from a third party within
    the ten weeks extends the period to two weeks after it arrives; recorded after the
    first signal, it moves the uiterste datum, and the new one is signalled once too."""
    traject = concept()
    traject.signaleer_verstreken_termijnen(op(clock, D(2026, 1, 13)))
    op(clock, D(2026, 1, 20))
    traject.wacht_op_derden(
        derde="UWV", opgevraagd_op=D(2026, 1, 5), informatie_ontvangen_op=D(2026, 1, 19)
    )
    assert traject.agenda() == {"PIPTermijnVerstreken": D(2026, 2, 3)}
    traject.signaleer_verstreken_termijnen(D(2026, 1, 20))
    traject.signaleer_verstreken_termijnen(op(clock, D(2026, 2, 3)))
    uitersten = [d["uiterste_datum_pip"] for _, d in signalen(traject)]
    assert uitersten == [D(2026, 1, 12), D(2026, 2, 2)]


def test_time_is_not_signalled_ahead_of_the_clock(clock: FrozenClock) -> None:
    """Passing time is recorded when it has passed: a peildatum after today is refused."""
    with pytest.raises(rules.DatumInDeToekomst):
        concept().signaleer_verstreken_termijnen(D(2026, 3, 1))
    with pytest.raises(DatumInToekomst):
        ontzorging().signaleer_verstreken_termijnen(D(2026, 8, 1))


# --- (b) The inburgeringstermijn ending within two months (art. 11 Wi2021) --------------


def vastgesteld(clock: FrozenClock) -> Inburgeringstraject:
    """Set on 2025-12-15: the termijn runs from 2025-12-16 to 2028-12-15."""
    traject = concept()
    traject.vaststellen(dagtekening=D(2025, 12, 15), **PIP)
    traject.collect_events()
    return traject


def test_the_termijn_ending_within_two_months_raises_inburgeringstermijn_loopt_bijna_af(
    clock: FrozenClock,
) -> None:
    """art. 11 Wi2021 (three years), DUO README MAP/PVT ("eindigt binnen 2 maanden"): from
    two months before the einddatum the termijn is nearly over; signalled once."""
    traject = vastgesteld(clock)
    assert traject.agenda() == {"InburgeringstermijnLooptBijnaAf": D(2028, 10, 15)}

    traject.signaleer_verstreken_termijnen(op(clock, D(2028, 10, 14)))
    assert signalen(traject) == []
    traject.signaleer_verstreken_termijnen(op(clock, D(2028, 10, 15)))
    [(naam, data)] = signalen(traject)
    assert naam == "InburgeringstermijnLooptBijnaAf"
    assert (data["einddatum"], data["peildatum"]) == (D(2028, 12, 15), D(2028, 10, 15))
    traject.signaleer_verstreken_termijnen(op(clock, D(2028, 11, 1)))
    assert signalen(traject) == [], "not twice"


def test_an_extended_termijn_is_signalled_again_for_its_new_einddatum(clock: FrozenClock) -> None:
    """art. 11 Wi2021: DUO may extend the termijn; the new einddatum gets its own signal."""
    traject = vastgesteld(clock)
    traject.signaleer_verstreken_termijnen(op(clock, D(2028, 10, 15)))
    traject.verleng_termijn(
        reden=VerlengingReden.ZIEKTE, nieuwe_einddatum=D(2029, 6, 15), toelichting=None
    )
    assert traject.agenda() == {"InburgeringstermijnLooptBijnaAf": D(2029, 4, 15)}
    traject.signaleer_verstreken_termijnen(op(clock, D(2029, 4, 15)))
    assert [d["einddatum"] for _, d in signalen(traject)] == [D(2028, 12, 15), D(2029, 6, 15)]


def test_a_termijn_whose_obligation_is_met_is_not_signalled(clock: FrozenClock) -> None:
    """DUO SS107 (gehele vrijstelling): the obligation is met, no termijn runs out."""
    traject = vastgesteld(clock)
    traject.verleen_vrijstelling(
        omvang=rules.Omvang.GEHEEL,
        onderdeel=None,
        niveau=None,
        reden=rules.VrijstellingReden.DIP,
        datum_oordeel=D(2026, 1, 2),
    )
    assert traject.agenda() == {}
    traject.signaleer_verstreken_termijnen(op(clock, D(2028, 11, 1)))
    assert signalen(traject) == []


@pytest.mark.parametrize(
    ("einde", "eerste_dag"),
    [
        (D(2028, 12, 15), D(2028, 10, 15)),
        (D(2027, 4, 30), D(2027, 3, 1)),  # 28 February + 2 months is only 28 April
        (D(2028, 2, 29), D(2027, 12, 29)),
    ],
)
def test_the_signal_day_is_the_first_day_duo_counts_as_within_two_months(
    einde: dt.date, eerste_dag: dt.date
) -> None:
    """DUO README MAP/PVT: 'verwijtbaar: nee' is accepted from the day the termijn ends
    within two months; the signal comes on that same first day, month ends included."""
    assert rules.eerste_dag_binnen_twee_maanden(einde) == eerste_dag
    rules.check_verwijtbaar_nee(einde, Verwijtbaar.NEE, eerste_dag)
    with pytest.raises(rules.VerwijtbaarNeeNietToegestaan):
        rules.check_verwijtbaar_nee(einde, Verwijtbaar.NEE, eerste_dag - dt.timedelta(days=1))


# --- (c) The six months of ontzorging (art. 56a Participatiewet) -----------------------


def ontzorging(**wijziging: Any) -> Ontzorging:
    """Bijstand from 1 January 2026: the six months end on 1 July 2026."""
    args: dict[str, Any] = {
        "gemeente": "GM0222",
        "inburgeraar_id": uuid.uuid4(),
        "pip_id": None,
        "doelgroep": Doelgroep.ASIELSTATUSHOUDER,
        "ontvangt_bijstand": True,
        "verblijfsvergunning_asiel_bepaalde_tijd": True,
        "beschikkingsdatum": D(2026, 1, 5),
        "startdatum_bijstand": D(2026, 1, 1),
        "betaalmachtiging_gegeven": True,
    }
    return Ontzorging.start(**(args | wijziging))


def test_the_end_of_six_months_of_ontzorging_raises_ontzorgingsperiode_afgelopen(
    clock: FrozenClock,
) -> None:
    """art. 56a Participatiewet: the gemeente pays fixed costs directly for the first six
    months of the bijstand; the day after them, the period is over, signalled once."""
    o = ontzorging()
    o.collect_events()
    assert o.agenda() == {"OntzorgingsperiodeAfgelopen": D(2026, 7, 1)}

    o.signaleer_verstreken_termijnen(op(clock, D(2026, 6, 30)))
    assert signalen(o) == []
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 7, 1)))
    [(naam, data)] = signalen(o)
    assert naam == "OntzorgingsperiodeAfgelopen"
    assert (data["einde_ontzorgingsperiode"], data["peildatum"]) == (D(2026, 7, 1), D(2026, 7, 1))
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 8, 1)))
    assert signalen(o) == [], "not twice"
    assert o.agenda() == {}


def test_an_ontzorging_ended_before_its_six_months_raises_nothing(clock: FrozenClock) -> None:
    """art. 56a Participatiewet: bijstand ended, nothing is paid any more; nothing runs out."""
    o = ontzorging()
    o.beeindig(D(2026, 1, 5), RedenBeeindiging.BIJSTAND_BEEINDIGD)
    o.collect_events()
    assert o.agenda() == {}
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 7, 1)))
    assert signalen(o) == []


# --- The deadline index and the Klok, on both backends -----------------------------------


@pytest.fixture
def pip(settings: PlatformSettings, clock: FrozenClock) -> Iterator[PipApplication]:
    application = PipApplication(env=settings.event_store_env(PipApplication.name))
    yield application
    application.close()


def nieuw_traject(pip: PipApplication, gemeente: str = "GM0222", start: dt.date = START) -> UUID:
    gemeenten = [gemeente]
    view = pip.stel_concept_op(
        gemeente=gemeente,
        gemeenten=gemeenten,
        inburgeraar_id=uuid.uuid4(),
        doelgroep=rules.Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=start,
    )
    return UUID(str(view["id"]))


def klok(application: PipApplication | OntzorgingApplication) -> Klok:
    return Klok([functools.partial(application.signaleer_verstreken_termijnen, gemeenten=G)])


def test_the_timer_loads_only_what_the_deadline_index_names_as_due(
    pip: PipApplication, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The use case finds due trajecten without loading every traject: the index, kept from
    the service's own log, names them; each signals once, and trajecten of gemeenten this
    deployment does not serve are left to theirs."""
    laat = nieuw_traject(pip)
    later = nieuw_traject(pip, start=D(2025, 12, 1))
    op_tijd = nieuw_traject(pip)
    pip.vaststellen(op_tijd, gemeenten=G, dagtekening=D(2026, 1, 5), **PIP)
    elders = nieuw_traject(pip, gemeente="GM0197")
    projectie = DeadlineProjection(pip, pip.deadlines)
    projectie.run_until_idle()
    assert pip.deadlines.rows(laat) == {"PIPTermijnVerstreken": D(2026, 1, 13)}
    assert pip.deadlines.rows(later) == {"PIPTermijnVerstreken": D(2026, 2, 10)}
    assert pip.deadlines.rows(op_tijd) == {"InburgeringstermijnLooptBijnaAf": D(2028, 11, 5)}
    assert pip.deadlines.rows(elders) == {"PIPTermijnVerstreken": D(2026, 1, 13)}

    geladen: list[UUID] = []
    get = pip.repository.get

    def tellend(aggregate_id: UUID, *args: Any, **kwargs: Any) -> Any:
        geladen.append(aggregate_id)
        return get(aggregate_id, *args, **kwargs)

    monkeypatch.setattr(pip.repository, "get", tellend)
    timer = klok(pip)
    assert timer.run_once() == 0, "nothing is due on 2026-01-05"
    assert geladen == []

    op(clock, D(2026, 1, 13))
    assert timer.run_once() == 1
    assert geladen == [laat], "only the due traject is loaded"
    projectie.run_until_idle()
    assert pip.deadlines.rows(laat) == {}
    assert timer.run_once() == 0

    op(clock, D(2026, 2, 10))
    assert pip.signaleer_verstreken_termijnen(D(2026, 2, 10), gemeenten=G) == [later]
    assert pip.get_voor(Inburgeringstraject, elders, ["GM0197"]).pip_termijn_gesignaleerd is None


def test_the_deadline_projection_resumes_from_its_tracking(
    pip: PipApplication, clock: FrozenClock
) -> None:
    """The index rows and the projection's position are stored in one transaction; a new
    projection (after a restart) reads on from there."""
    eerste = nieuw_traject(pip)
    assert DeadlineProjection(pip, pip.deadlines).run_until_idle() == 1
    herstart = DeadlineProjection(pip, pip.deadlines)
    assert herstart.position() == pip.recorder.max_notification_id()
    assert herstart.run_once() == 0
    tweede = nieuw_traject(pip)
    assert herstart.run_until_idle() == 1
    assert set(pip.deadlines.due(D(2026, 1, 13), G)) == {eerste, tweede}


def test_the_ontzorging_timer_signals_the_end_of_the_six_months_once(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """art. 56a Participatiewet through the application: index, Klok, one event."""
    application = OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name))
    try:
        gestart = application.start_ontzorging(
            gemeente="GM0222",
            inburgeraar_id=uuid.uuid4(),
            pip_id=None,
            doelgroep=Doelgroep.ASIELSTATUSHOUDER,
            ontvangt_bijstand=True,
            verblijfsvergunning_asiel_bepaalde_tijd=True,
            beschikkingsdatum=D(2026, 1, 5),
            startdatum_bijstand=D(2026, 1, 1),
            betaalmachtiging_gegeven=False,
            gemeenten=G,
        )
        projectie = DeadlineProjection(application, application.deadlines)
        timer = klok(application)
        projectie.run_until_idle()
        op(clock, D(2026, 6, 30))
        assert timer.run_once() == 0
        op(clock, D(2026, 7, 1))
        assert timer.run_once() == 1
        projectie.run_until_idle()
        assert timer.run_once() == 0
        o = application.get_voor(Ontzorging, gestart.id, G)
        assert o.periode_afgelopen_gesignaleerd and o.version == gestart.versie + 1
    finally:
        application.close()
