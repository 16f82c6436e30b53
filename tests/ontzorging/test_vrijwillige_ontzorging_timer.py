"""The end of a voluntary continuation of the ontzorging (art. 57 Participatiewet) becomes an
event: VrijwilligeOntzorgingAfgelopen, on the first day after its einddatum, once, and not
for an ontzorging that was closed before. The caseload shows it as a signal.

Bijstand from 2026-01-01: the six months end on 2026-07-01; the inburgeraar agreed on
2026-07-01 to continue until 2026-09-30 (that month is still paid)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any

from contracts import ontzorging as ontzorging_contract
from services.ontzorging.application import OntzorgingApplication
from services.ontzorging.domainmodel import Ontzorging
from services.ontzorging.rules import (
    Doelgroep,
    RedenBeeindiging,
    einde_vrijwillige_voortzetting,
    is_vrijwillige_voortzetting_afgelopen,
)
from services.projections.gemeente.afgeleid import (
    Deadline,
    Signaalsoort,
    signaalkandidaten,
    volgende_deadline,
)
from services.projections.gemeente.feiten import Feiten, werk_bij
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.deadlines import DeadlineProjection, Klok

D = dt.date
G = ["GM0222"]
EINDE = D(2026, 9, 30)

START: dict[str, Any] = {
    "gemeente": "GM0222",
    "pip_id": None,
    "doelgroep": Doelgroep.ASIELSTATUSHOUDER,
    "ontvangt_bijstand": True,
    "verblijfsvergunning_asiel_bepaalde_tijd": True,
    "beschikkingsdatum": D(2026, 1, 5),
    "startdatum_bijstand": D(2026, 1, 1),
    "betaalmachtiging_gegeven": True,
}


def op(clock: FrozenClock, dag: dt.date) -> dt.date:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, tzinfo=dt.UTC))
    return dag


def voortgezet(clock: FrozenClock, einddatum: dt.date | None = EINDE) -> Ontzorging:
    o = Ontzorging.start(inburgeraar_id=uuid.uuid4(), **START)
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 7, 1)))
    o.zet_vrijwillig_voort(True, D(2026, 7, 1), einddatum)
    o.collect_events()
    return o


def signalen(o: Ontzorging) -> list[tuple[str, dict[str, Any]]]:
    skip = {"originator_id", "originator_version", "timestamp"}
    return [
        (type(e).__name__, {k: v for k, v in vars(e).items() if k not in skip})
        for e in o.collect_events()
        if type(e).__name__ == "VrijwilligeOntzorgingAfgelopen"
    ]


def test_the_continuation_ends_the_day_after_its_einddatum() -> None:
    """art. 57 Participatiewet: the gemeente pays under the continuation through its
    einddatum (its month is still paid); the day after, it is over."""
    assert einde_vrijwillige_voortzetting(EINDE) == D(2026, 10, 1)
    assert not is_vrijwillige_voortzetting_afgelopen(EINDE, D(2026, 9, 30))
    assert is_vrijwillige_voortzetting_afgelopen(EINDE, D(2026, 10, 1))


def test_a_voluntary_continuation_reaching_its_end_raises_the_signal_once(
    clock: FrozenClock,
) -> None:
    """art. 57 Participatiewet: the continuation the inburgeraar agreed to ends on its
    einddatum; the day after, VrijwilligeOntzorgingAfgelopen, with that date, once."""
    o = voortgezet(clock)
    assert o.agenda() == {"VrijwilligeOntzorgingAfgelopen": D(2026, 10, 1)}

    o.signaleer_verstreken_termijnen(op(clock, D(2026, 9, 30)))
    assert signalen(o) == []
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 10, 1)))
    [(naam, data)] = signalen(o)
    assert naam == "VrijwilligeOntzorgingAfgelopen"
    assert (data["einddatum"], data["peildatum"]) == (EINDE, D(2026, 10, 1))
    assert data["inburgeraar_id"] == o.inburgeraar_id
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 11, 1)))
    assert signalen(o) == [], "not twice"
    assert o.agenda() == {}


def test_a_late_timer_still_signals_with_the_einddatum(clock: FrozenClock) -> None:
    """art. 57 Participatiewet: a timer that runs late names the einddatum, not its own day."""
    o = voortgezet(clock)
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 12, 15)))
    [(_, data)] = signalen(o)
    assert (data["einddatum"], data["peildatum"]) == (EINDE, D(2026, 12, 15))


def test_an_open_ended_continuation_has_nothing_to_signal(clock: FrozenClock) -> None:
    """art. 57 Participatiewet: without an einddatum the continuation runs until ended."""
    o = voortgezet(clock, einddatum=None)
    assert o.agenda() == {}
    o.signaleer_verstreken_termijnen(op(clock, D(2027, 1, 1)))
    assert signalen(o) == []


def test_an_ontzorging_ended_before_the_einddatum_raises_nothing(clock: FrozenClock) -> None:
    """art. 57 Participatiewet: bijstand ended, the continuation ends with it; nothing runs
    out afterwards."""
    o = voortgezet(clock)
    o.beeindig(op(clock, D(2026, 8, 15)), RedenBeeindiging.BIJSTAND_BEEINDIGD)
    o.collect_events()
    assert o.agenda() == {}
    o.signaleer_verstreken_termijnen(op(clock, D(2026, 10, 1)))
    assert signalen(o) == []


def test_the_timer_signals_the_end_of_the_continuation_once(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """art. 57 Participatiewet through the application: deadline index, Klok, one event."""
    application = OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name))
    try:
        gestart = application.start_ontzorging(inburgeraar_id=uuid.uuid4(), gemeenten=G, **START)
        projectie = DeadlineProjection(application, application.deadlines)
        klok = Klok([functools.partial(application.signaleer_verstreken_termijnen, gemeenten=G)])
        projectie.run_until_idle()
        op(clock, D(2026, 7, 1))
        assert application.signaleer_verstreken_termijnen(D(2026, 7, 1), gemeenten=G)
        application.zet_vrijwillig_voort(
            gestart.id, instemming_gegeven=True, instemmingsdatum=D(2026, 7, 1),
            einddatum=EINDE, gemeenten=G,
        )  # fmt: skip
        projectie.run_until_idle()
        assert application.deadlines.rows(gestart.id) == {
            "VrijwilligeOntzorgingAfgelopen": D(2026, 10, 1)
        }
        op(clock, D(2026, 9, 30))
        assert klok.run_once() == 0
        op(clock, D(2026, 10, 1))
        assert klok.run_once() == 1
        projectie.run_until_idle()
        assert application.deadlines.rows(gestart.id) == {}
        assert klok.run_once() == 0
        o = application.get_voor(Ontzorging, gestart.id, G)
        assert o.vrijwillig_afgelopen_gesignaleerd
    finally:
        application.close()


# --- The caseload: the read model's facts and signal (pure reducers) ---------------------


def _feiten(*events: tuple[str, dict[str, Any]]) -> Feiten:
    f: Feiten = {}
    for ce_type, data in events:
        werk_bij(f, ce_type, data)
    return f


GESTART = (
    ontzorging_contract.ONTZORGING_GESTART,
    {"beschikkingsdatum": "2026-01-05", "startdatumBijstand": "2026-01-01",
     "eindeOntzorgingsperiode": "2026-07-01"},
)  # fmt: skip
VOORTGEZET = (
    ontzorging_contract.ONTZORGING_VRIJWILLIG_VOORTGEZET,
    {"instemmingsdatum": "2026-07-01", "ingangsdatum": "2026-07-01", "einddatum": "2026-09-30"},
)
AFGELOPEN = (
    ontzorging_contract.VRIJWILLIGE_ONTZORGING_AFGELOPEN,
    {"einddatum": "2026-09-30", "peildatum": "2026-10-01"},
)


def _signaal(f: Feiten) -> tuple[str, str | None, str | None] | None:
    soort = Signaalsoort.VRIJWILLIGE_ONTZORGING_AFGELOPEN
    gevonden = [(k.datum, k.vanaf, k.gemeld_op) for k in signaalkandidaten(f) if k.soort is soort]
    assert len(gevonden) <= 1
    return gevonden[0] if gevonden else None


def test_the_caseload_shows_the_end_of_the_continuation() -> None:
    """art. 57 Participatiewet: the klantregisseur sees the einddatum as the next deadline and,
    from the day after, the signal the ontzorging service raised."""
    f = _feiten(GESTART, VOORTGEZET)
    assert volgende_deadline(f) == (Deadline.VRIJWILLIGE_ONTZORGING, "2026-09-30")
    assert _signaal(f) == ("2026-09-30", "2026-10-01", None)
    werk_bij(f, *AFGELOPEN)
    assert _signaal(f) == ("2026-09-30", "2026-10-01", "2026-10-01")


def test_a_closed_ontzorging_shows_no_end_of_continuation() -> None:
    """art. 57 Participatiewet: once ended, nothing of the continuation is signalled."""
    f = _feiten(
        GESTART,
        VOORTGEZET,
        (ontzorging_contract.ONTZORGING_BEEINDIGD,
         {"einddatum": "2026-08-15", "reden": "bijstand_beeindigd", "toelichting": None}),
    )  # fmt: skip
    assert _signaal(f) is None
    assert volgende_deadline(f) is None
