"""The whole life of the traject: closed, paused and resumed, handed over and taken over.
The clock fixture stands on 2026-01-05."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.pip import rules
from services.pip.domainmodel import Inburgeringstraject
from services.pip.rules import (
    Doelgroep,
    Examenonderdeel,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    RedenBeeindiging,
    UrenSoort,
    VrijstellingReden,
)
from shared.clock import FrozenClock

D = dt.date


@pytest.fixture(autouse=True)
def _frozen(clock: FrozenClock) -> FrozenClock:
    return clock


def concept(gemeente: str = "GM0222") -> Inburgeringstraject:
    return Inburgeringstraject.stel_concept_op(
        gemeente=gemeente,
        inburgeraar_id=uuid.uuid4(),
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=D(2025, 12, 1),
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.B1,
    )


def stel_vast(traject: Inburgeringstraject, dagtekening: dt.date, **velden: Any) -> None:
    traject.vaststellen(
        **{
            "dagtekening": dagtekening,
            "leerroute": Leerroute.B1,
            "niveau": None,
            "map": True,
            "map_intensiteit_uren": None,
            "pvt_intensiteit_uren": 12,
            "knm": True,
            "begeleiding": "",
            "ontzorging": False,
            "geschatte_intensiteit": None,
            **velden,
        }
    )


def namen(traject: Inburgeringstraject) -> list[str]:
    return [type(e).__name__ for e in traject.collect_events()]


def test_a_closed_traject_takes_no_step_and_raises_no_signal() -> None:
    """DUO Gebeurtenissen SS110/SS111: withdrawn or died, the traject closes."""
    traject = concept()
    stel_vast(traject, D(2026, 1, 5))
    traject.beeindig(reden=RedenBeeindiging.INGETROKKEN, datum=D(2026, 1, 5),
                     toelichting="naturalisatie")  # fmt: skip
    assert traject.agenda() == {}
    with pytest.raises(rules.TrajectBeeindigd):
        traject.registreer_uren(soort=UrenSoort.CURSUS, aanbieder="X", keurmerk=True, uren=5,
                                peildatum=D(2026, 1, 5))  # fmt: skip
    with pytest.raises(rules.TrajectBeeindigd):
        traject.beeindig(reden=RedenBeeindiging.OVERLEDEN, datum=D(2026, 1, 5))


def test_a_paused_traject_has_no_deadlines_and_sets_no_pip() -> None:
    """art. 4 lid 1 onder b Wi2021; DUO SS109: the clocks stand still while it lasts."""
    traject = concept()
    assert "PIPTermijnVerstreken" in traject.agenda()
    traject.pauzeer(reden=VrijstellingReden.OPL, datum=D(2025, 12, 20))
    assert traject.agenda() == {}
    with pytest.raises(rules.TrajectGepauzeerd):
        stel_vast(traject, D(2026, 1, 5))
    with pytest.raises(rules.TrajectGepauzeerd):
        traject.pauzeer(reden=VrijstellingReden.INS, datum=D(2025, 12, 21))


def test_resuming_without_a_pip_starts_the_ten_weeks_again() -> None:
    """DUO SS129: no PIP yet, the ten weeks start again (art. 5.3 lid 1 Besluit)."""
    traject = concept()
    with pytest.raises(rules.TrajectNietGepauzeerd):
        traject.hervat(datum=D(2026, 1, 5), uiterste_datum_pip=D(2026, 3, 16))
    traject.pauzeer(reden=VrijstellingReden.OPL, datum=D(2025, 12, 20))
    traject.hervat(datum=D(2026, 1, 5), uiterste_datum_pip=D(2026, 3, 16))
    assert traject.uiterste_datum_pip == D(2026, 3, 16)
    assert traject.agenda()["PIPTermijnVerstreken"] == D(2026, 3, 17)


def test_resuming_after_a_pip_runs_the_termijn_on_by_the_pause() -> None:
    """DUO SS130 and 'Termijn gewijzigd' (secundair): the termijn resumes, later by the pause."""
    traject = concept()
    stel_vast(traject, D(2025, 12, 10))
    assert traject.termijn_einde == D(2028, 12, 10)
    traject.pauzeer(reden=VrijstellingReden.INS, datum=D(2025, 12, 20))
    traject.hervat(datum=D(2026, 1, 4), uiterste_datum_pip=D(2026, 3, 15))
    assert traject.termijn_einde == D(2028, 12, 25)
    assert traject.termijn_start == D(2025, 12, 11)


def test_a_temporary_vrijstelling_never_meets_the_obligation() -> None:
    """DUO Vrijstelling API: INS and OPL are a TijdelijkeVrijstelling, not a GeheleVrijstelling."""
    traject = concept()
    for reden in (VrijstellingReden.INS, VrijstellingReden.OPL):
        with pytest.raises(rules.TijdelijkeVrijstellingIsGeenVrijstelling) as exc:
            traject.verleen_vrijstelling(omvang=Omvang.GEHEEL, onderdeel=None, niveau=None,
                                         reden=reden, datum_oordeel=D(2026, 1, 2))  # fmt: skip
        assert exc.value.veld == "reden"
    assert traject.voldaan is None


def test_a_handover_carries_the_facts_and_the_new_gemeente_continues() -> None:
    """art. 11 lid 3 onder b Wi2021; DUO README Niveau (eerste PIP ongeacht gemeente)."""
    oud = concept()
    stel_vast(oud, D(2025, 12, 10))
    oud.registreer_uren(soort=UrenSoort.CURSUS, aanbieder="X", keurmerk=True, uren=620,
                        peildatum=D(2026, 1, 2))  # fmt: skip
    nieuw_id = uuid.uuid4()
    oud.draag_over(naar_gemeente="GM0200", nieuw_inburgeraar_id=nieuw_id, datum=D(2026, 1, 3))
    assert namen(oud)[-2:] == ["TrajectOvergedragen", "TrajectBeeindigd"]
    assert oud.agenda() == {}
    feiten = oud.overdrachtsfeiten()
    assert "gesprekken" not in feiten and feiten["uren"]["cursus_keurmerk"] == 620

    nieuw = concept("GM0200")
    nieuw.neem_over(van_gemeente="GM0222", vorig_inburgeraar_id=oud.inburgeraar_id,
                    datum=D(2026, 1, 3), feiten=feiten)  # fmt: skip
    assert (nieuw.termijn_start, nieuw.termijn_einde) == (D(2025, 12, 11), D(2028, 12, 10))
    assert nieuw.uren_totaal(UrenSoort.CURSUS, alleen_keurmerk=True) == 620
    assert "PIPTermijnVerstreken" not in nieuw.agenda()
    with pytest.raises(rules.TrajectAlOvergenomen):
        nieuw.neem_over(van_gemeente="GM0222", vorig_inburgeraar_id=oud.inburgeraar_id,
                        datum=D(2026, 1, 3), feiten=feiten)  # fmt: skip
    # Not a first PIP: a PIP dated before the previous one is refused, A1 route rules hold.
    with pytest.raises(rules.RuleViolation):
        stel_vast(nieuw, D(2025, 12, 5))
    stel_vast(nieuw, D(2026, 1, 5))
    assert nieuw.pips[-1].is_eerste_pip is False
    assert nieuw.termijn_einde == D(2028, 12, 10)


def test_the_handover_file_is_open_for_a_month(clock: FrozenClock) -> None:
    """secundair: DUO README Scope (previous gemeente sees the person for a month)."""
    oud = concept()
    with pytest.raises(rules.GeenOverdracht):
        oud.overdrachtsdossier(D(2026, 1, 5))
    oud.draag_over(naar_gemeente="GM0200", nieuw_inburgeraar_id=uuid.uuid4(),
                   datum=D(2026, 1, 3))  # fmt: skip
    assert oud.overdrachtsdossier(D(2026, 2, 3))["naar_gemeente"] == "GM0200"
    with pytest.raises(rules.OverdrachtsdossierVerlopen):
        oud.overdrachtsdossier(D(2026, 2, 4))


def test_a_change_of_doelgroep_follows_intake() -> None:
    """DUO Gebeurtenissen SS124/SS125."""
    traject = concept()
    traject.wijzig_doelgroep(naar=Doelgroep.GEZINSMIGRANT, datum=D(2026, 1, 2))
    assert traject.doelgroep is Doelgroep.GEZINSMIGRANT
    assert namen(traject)[-1] == "DoelgroepGewijzigd"
    traject.wijzig_doelgroep(naar=Doelgroep.GEZINSMIGRANT, datum=D(2026, 1, 3))
    assert namen(traject) == []


def test_a2_after_an_afschaling_elsewhere_is_no_first_pip() -> None:
    """DUO README Niveau: A2 not with the B1-route on the first PIP 'ongeacht welke gemeente'."""
    eerste = concept()
    with pytest.raises(rules.NiveauA2BijEerstePIPInB1Route):
        stel_vast(eerste, D(2026, 1, 5), niveau=Niveau.A2)
    nieuw = concept("GM0200")
    feiten = {"termijn_start": D(2025, 12, 11), "termijn_einde": D(2028, 12, 10),
              "verlengingen": [], "eerste_dagtekening": D(2025, 12, 10),
              "laatste_dagtekening": D(2025, 12, 20), "binnen_tien_weken": True,
              "leerroute": "b1", "niveau": "A2", "uren": {}, "inspanning_voldoende": True,
              "uitslagen": [], "vrijstellingen": [], "knm_behaald_op": None,
              "pvt_datum": None, "map_datum": None}  # fmt: skip
    nieuw.neem_over(van_gemeente="GM0222", vorig_inburgeraar_id=uuid.uuid4(),
                    datum=D(2026, 1, 2), feiten=feiten)  # fmt: skip
    stel_vast(nieuw, D(2026, 1, 5), niveau=Niveau.A2)
    assert nieuw.pips[-1].niveau is Niveau.A2


def test_a_handover_carries_intake_hours_partial_afschaling_and_the_hours_cap() -> None:
    """art. 3.14 Besluit inburgering 2021 (intake hours count for the Z-route), art. 5.5
    Besluit (afschalen geheel of gedeeltelijk) and the cap of a partial medical ontheffing
    hold for the obligation, not for one gemeente: art. 11 lid 3 onder b Wi2021 (the plan is
    set again, the traject continues)."""
    oud = concept()
    oud.neem_intakeuren_over(uren=120, peildatum=D(2025, 12, 5))
    stel_vast(oud, D(2025, 12, 10))
    oud.registreer_uren(soort=UrenSoort.CURSUS, aanbieder="X", keurmerk=True, uren=620,
                        peildatum=D(2026, 1, 2))  # fmt: skip
    oud.voer_gesprek(datum=D(2026, 1, 2), inspanning_voldoende=True, eindgesprek_z_route=False,
                     verslag=None)  # fmt: skip
    oud.schaal_af(dagtekening=D(2026, 1, 3), onderdelen=[Examenonderdeel.SCHRIJVEN])
    oud.verleen_ontheffing(omvang=Omvang.GEDEELTELIJK, onderdeel=None, grond=OntheffingGrond.MED,
                           datum_oordeel=D(2026, 1, 3), maximum_participatie_uren=300)  # fmt: skip
    oud.draag_over(naar_gemeente="GM0200", nieuw_inburgeraar_id=uuid.uuid4(), datum=D(2026, 1, 4))
    feiten = oud.overdrachtsfeiten()
    assert feiten["intake_participatie_uren"] == 120
    assert feiten["afgeschaalde_onderdelen"] == ["schrijven"]
    [ontheffing] = feiten["ontheffingen"]
    assert ontheffing["maximum_participatie_uren"] == 300
    assert oud.overdrachtsdossier(D(2026, 1, 5))["ontheffingen"] == feiten["ontheffingen"]

    nieuw = concept("GM0200")
    nieuw.neem_over(van_gemeente="GM0222", vorig_inburgeraar_id=oud.inburgeraar_id,
                    datum=D(2026, 1, 4), feiten=feiten)  # fmt: skip
    assert nieuw.intake_participatie_uren == 120 and nieuw.participatie_uren == 120
    assert nieuw.overgenomen is not None
    assert nieuw.overgenomen.afgeschaalde_onderdelen == (Examenonderdeel.SCHRIJVEN,)
    vorige = nieuw._pip_vorige_gemeente()
    assert vorige is not None
    assert vorige.vereist_niveau(Examenonderdeel.SCHRIJVEN) is Niveau.A2
    assert vorige.vereist_niveau(Examenonderdeel.LEZEN) is Niveau.B1
    [o] = nieuw.ontheffingen
    assert (o.omvang, o.maximum_participatie_uren) == (Omvang.GEDEELTELIJK, 300)
    # Passed on again after a second move: nothing is lost on the way.
    nieuw.draag_over(naar_gemeente="GM0197", nieuw_inburgeraar_id=uuid.uuid4(),
                     datum=D(2026, 1, 5))  # fmt: skip
    verder = nieuw.overdrachtsfeiten()
    assert verder["intake_participatie_uren"] == 120
    assert verder["afgeschaalde_onderdelen"] == ["schrijven"]
    assert [x["maximum_participatie_uren"] for x in verder["ontheffingen"]] == [300]


def test_a_v1_handover_is_read_with_nothing_of_the_v2_facts() -> None:
    """Stored v1 events upcast: no intake hours, no components, no ontheffingen."""
    state: dict[str, Any] = {}
    Inburgeringstraject.TrajectOvergedragen.upcast_v1_v2(state)
    Inburgeringstraject.TrajectOvergenomen.upcast_v1_v2(state)
    assert state == {"intake_participatie_uren": 0, "afgeschaalde_onderdelen": [],
                     "ontheffingen": []}  # fmt: skip
