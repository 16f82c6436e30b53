"""Routes, levels and hours (issue 13, part 3): the change of leerroute, afschalen geheel or
gedeeltelijk, the obligation's level (A2/B1, a B2 ambition counts as B1) and the Z-route's
participation hours (those of the brede intake counted, a partial medical ontheffing's cap).

Each test cites its source. The clock fixture stands on 2026-01-05; tests that need later
days move it with `zet`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.pip import rules
from services.pip.domainmodel import Inburgeringstraject
from services.pip.rules import (
    AfschalenAlleenVanuitB1Route,
    AfschalingOnderdeelOngeldig,
    Doelgroep,
    Examenonderdeel,
    InspanningNietVastgesteld,
    IntakeurenOngeldig,
    Leerroute,
    LeerrouteWijzigingNaAchttienMaanden,
    MaximumParticipatieurenOngeldig,
    Niveau,
    Omvang,
    OntheffingGrond,
    OntheffingOngeldig,
    OnvoldoendeCursusurenVoorAfschalen,
    RegelsOvertreden,
    UrenSoort,
    VoldaanGrond,
    ZRouteNietAfgerond,
)
from shared.clock import FrozenClock

D = dt.date
START = D(2025, 11, 3)
DAGTEKENING = D(2025, 12, 15)  # the termijn starts 2025-12-16; 18 months end 2027-06-16
LEZEN, LUISTEREN, SCHRIJVEN, SPREKEN, KNM = (
    Examenonderdeel.LEZEN,
    Examenonderdeel.LUISTEREN,
    Examenonderdeel.SCHRIJVEN,
    Examenonderdeel.SPREKEN,
    Examenonderdeel.KNM,
)


def zet(clock: FrozenClock, dag: dt.date) -> None:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, tzinfo=dt.UTC))


def pip(**overrides: Any) -> dict[str, Any]:
    velden: dict[str, Any] = {
        "dagtekening": DAGTEKENING,
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
    return velden | overrides


def traject(doelgroep: Doelgroep = Doelgroep.ASIELSTATUSHOUDER, **overrides: Any) -> Any:
    t = Inburgeringstraject.stel_concept_op(
        gemeente="GM0222",
        inburgeraar_id=uuid.uuid4(),
        doelgroep=doelgroep,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.B1,
    )
    t.vaststellen(**pip(**overrides))
    return t


def onderwijsroute() -> Any:
    return traject(leerroute=Leerroute.ONDERWIJS, map=False, map_intensiteit_uren=None)


def inspanning_en_uren(t: Any, uren: int = 600) -> None:
    t.registreer_uren(
        soort=UrenSoort.CURSUS,
        aanbieder="Taalschool",
        keurmerk=True,
        uren=uren,
        peildatum=D(2026, 1, 5),
    )
    t.voer_gesprek(
        datum=D(2026, 1, 5), inspanning_voldoende=True, eindgesprek_z_route=False, verslag=None
    )


def examens(t: Any, niveaus: dict[Examenonderdeel, Niveau], datum: dt.date) -> None:
    for onderdeel, niveau in niveaus.items():
        t.ontvang_examenuitslag(onderdeel=onderdeel, examendatum=datum, behaald=True, niveau=niveau)


# --- Change of leerroute ---------------------------------------------------------------


def test_from_the_onderwijsroute_to_the_b1_route_is_allowed_after_18_months(
    clock: FrozenClock,
) -> None:
    """Wissel onderwijsroute -> B1-route op elk moment (art. 17 Wi2021 jo. Besluit
    inburgering 2021, wijziging leerroute; secundair: issue 13, Schulinck); the termijn
    does not restart (art. 11 lid 1 Wi2021)."""
    t = onderwijsroute()
    zet(clock, D(2027, 9, 1))
    t.vaststellen(**pip(dagtekening=D(2027, 9, 1)))
    assert t.actuele_pip.leerroute is Leerroute.B1
    assert (t.termijn_start, t.termijn_einde) == (D(2025, 12, 16), D(2028, 12, 15))


@pytest.mark.parametrize(
    ("van", "naar"),
    [(Leerroute.B1, Leerroute.Z), (Leerroute.ONDERWIJS, Leerroute.Z), (Leerroute.Z, Leerroute.B1)],
)
def test_other_changes_of_leerroute_stop_after_18_months(
    clock: FrozenClock, van: Leerroute, naar: Leerroute
) -> None:
    """Wijziging leerroute alleen binnen 18 maanden na de start van de termijn, behalve
    onderwijsroute -> B1-route (art. 17 Wi2021 jo. Besluit; secundair: Schulinck)."""
    map_ = van is not Leerroute.ONDERWIJS
    niveau = Niveau.A1 if van is Leerroute.Z else None
    t = traject(leerroute=van, map=map_, map_intensiteit_uren=40 if map_ else None, niveau=niveau)
    zet(clock, D(2027, 6, 16))
    with pytest.raises(LeerrouteWijzigingNaAchttienMaanden) as refused:
        t.vaststellen(
            **pip(
                dagtekening=D(2027, 6, 16),
                leerroute=naar,
                map=True,
                niveau=Niveau.A1 if naar is Leerroute.Z else None,
            )
        )
    assert "art. 17 Wi2021" in refused.value.bron
    t.vaststellen(
        **pip(
            dagtekening=D(2027, 6, 15),
            leerroute=naar,
            map=True,
            niveau=Niveau.A1 if naar is Leerroute.Z else None,
        )
    )
    assert t.actuele_pip.leerroute is naar


# --- Afschalen ------------------------------------------------------------------------


def test_afschalen_from_the_onderwijsroute_straight_to_b1_route_a2_asks_600_hours_and_effort(
    clock: FrozenClock,
) -> None:
    """art. 5.5 Besluit inburgering 2021: afschalen vraagt 600 uur bij een cursusinstelling
    met keurmerk en voldoende inspanning, whatever route the person comes from."""
    t = onderwijsroute()
    with pytest.raises(RegelsOvertreden) as refused:
        t.vaststellen(**pip(dagtekening=D(2026, 1, 5), niveau=Niveau.A2))
    assert {type(o) for o in refused.value.overtredingen} == {
        OnvoldoendeCursusurenVoorAfschalen,
        InspanningNietVastgesteld,
    }
    inspanning_en_uren(t)
    t.vaststellen(**pip(dagtekening=D(2026, 1, 5), niveau=Niveau.A2))
    assert (t.actuele_pip.leerroute, t.actuele_pip.niveau) == (Leerroute.B1, Niveau.A2)


def test_afschalen_is_recognised_from_any_route_whose_target_was_b1() -> None:
    """art. 5.5 Besluit: the target B1 (or a B2 ambition) lowered to A2 in the B1-route."""
    assert rules.is_afschaling(Leerroute.ONDERWIJS, Niveau.B1, Leerroute.B1, Niveau.A2)
    assert rules.is_afschaling(Leerroute.B1, Niveau.B2, Leerroute.B1, Niveau.A2)
    assert not rules.is_afschaling(Leerroute.Z, Niveau.A1, Leerroute.B1, Niveau.A2)
    assert not rules.is_afschaling(Leerroute.B1, Niveau.A2, Leerroute.B1, Niveau.A2)
    assert not rules.is_afschaling(Leerroute.ONDERWIJS, Niveau.B1, Leerroute.B1, Niveau.B1)


def test_schaal_af_from_the_onderwijsroute_says_to_move_to_the_b1_route_first(
    clock: FrozenClock,
) -> None:
    """Afschalen gebeurt in de B1-route (art. 5.5 Besluit; secundair: Schulinck 'Het
    aanpassen van de leerroute'); the move onderwijsroute -> B1-route is always allowed."""
    t = onderwijsroute()
    inspanning_en_uren(t)
    with pytest.raises(AfschalenAlleenVanuitB1Route) as refused:
        t.schaal_af(dagtekening=D(2026, 1, 5))
    assert "B1-route" in refused.value.detail and "altijd" in refused.value.detail


def test_afschalen_gedeeltelijk_lowers_some_components_and_duo_gets_a2(
    clock: FrozenClock,
) -> None:
    """art. 5.5 Besluit: afschalen geheel of gedeeltelijk (secundair: Schulinck); DUO's
    PIP level is the lowest level to reach (DUO PIP API, NiveauPip)."""
    t = traject()
    inspanning_en_uren(t)
    t.schaal_af(dagtekening=D(2026, 1, 5), onderdelen=[SCHRIJVEN, SPREKEN])
    actuele = t.actuele_pip
    assert actuele.niveau is Niveau.A2
    assert actuele.afgeschaalde_onderdelen == (SCHRIJVEN, SPREKEN)
    assert [actuele.vereist_niveau(o) for o in rules.TAALONDERDELEN] == [
        Niveau.B1,
        Niveau.B1,
        Niveau.A2,
        Niveau.A2,
    ]
    afgeschaald = t.collect_events()[-1]
    assert type(afgeschaald).__name__ == "NiveauAfgeschaald"
    assert afgeschaald.onderdelen == ["schrijven", "spreken"]
    assert afgeschaald.naar_niveau == "A2"


def test_after_a_partial_afschaling_a2_in_a_b1_component_does_not_reach_the_level(
    clock: FrozenClock,
) -> None:
    """art. 5.5 Besluit (gedeeltelijk afschalen): the components kept at B1 still need B1."""
    t = traject()
    inspanning_en_uren(t)
    t.schaal_af(dagtekening=D(2026, 1, 5), onderdelen=[SCHRIJVEN, SPREKEN])
    examens(t, dict.fromkeys(rules.TAALONDERDELEN, Niveau.A2), D(2026, 1, 5))
    assert t.taalniveau_behaald is None
    examens(t, {LEZEN: Niveau.B1, LUISTEREN: Niveau.B2}, D(2026, 1, 5))
    assert t.taalniveau_behaald == (Niveau.A2, D(2026, 1, 5))


def test_the_rest_can_be_afgeschaald_later_and_then_it_is_geheel(clock: FrozenClock) -> None:
    """art. 5.5 Besluit: afschalen geheel of gedeeltelijk, also in steps."""
    t = traject()
    inspanning_en_uren(t)
    t.schaal_af(dagtekening=D(2026, 1, 5), onderdelen=[SCHRIJVEN])
    t.schaal_af(dagtekening=D(2026, 1, 5))
    assert t.actuele_pip.niveau is Niveau.A2
    assert t.actuele_pip.afgeschaalde_onderdelen == ()
    assert t.collect_events()[-1].onderdelen == ["lezen", "luisteren", "schrijven", "spreken"]
    with pytest.raises(RegelsOvertreden) as refused:
        t.schaal_af(dagtekening=D(2026, 1, 5))
    assert AfschalenAlleenVanuitB1Route in {type(o) for o in refused.value.overtredingen}


@pytest.mark.parametrize(
    ("onderdelen", "melding"),
    [
        ([], "ten minste één"),
        ([KNM], "knm"),
        ([LEZEN, LEZEN], "dubbel"),
    ],
)
def test_an_afschaling_names_language_components_once(
    clock: FrozenClock, onderdelen: list[Examenonderdeel], melding: str
) -> None:
    """art. 5.5 Besluit: afschalen concerns the language exams (lezen, luisteren, schrijven,
    spreken); KNM has no level (Regeling inburgering 2021, KNM-examen)."""
    t = traject()
    inspanning_en_uren(t)
    with pytest.raises(AfschalingOnderdeelOngeldig) as refused:
        t.schaal_af(dagtekening=D(2026, 1, 5), onderdelen=onderdelen)
    assert melding in refused.value.detail
    assert refused.value.veld == "onderdelen"


def test_a_component_already_at_a2_is_not_afgeschaald_again(clock: FrozenClock) -> None:
    """art. 5.5 Besluit: only a B1 component can be lowered."""
    t = traject()
    inspanning_en_uren(t)
    t.schaal_af(dagtekening=D(2026, 1, 5), onderdelen=[SCHRIJVEN])
    with pytest.raises(AfschalingOnderdeelOngeldig, match="Al afgeschaald"):
        t.schaal_af(dagtekening=D(2026, 1, 5), onderdelen=[SCHRIJVEN, LEZEN])


def test_a_niveau_afgeschaald_v1_reads_as_all_four_components() -> None:
    """Stored before v2 (one level for all): afschalen geheel (art. 5.5 Besluit)."""
    state: dict[str, Any] = {}
    Inburgeringstraject.NiveauAfgeschaald.upcast_v1_v2(state)
    assert state["onderdelen"] == ["lezen", "luisteren", "schrijven", "spreken"]


# --- Levels as DUO knows them -----------------------------------------------------------


def test_a_b2_ambition_is_met_by_b1_exams(clock: FrozenClock) -> None:
    """DUO PIP API NiveauPip: A2 of B1 (the obligation); inburgeren.nl 'U gaat inburgeren':
    B1 (or B2) in the onderwijsroute. A B2 in the PIP is an ambition; B1 meets it."""
    t = traject(
        leerroute=Leerroute.ONDERWIJS, map=False, map_intensiteit_uren=None, niveau=Niveau.B2
    )
    assert rules.plichtniveau(t.actuele_pip.niveau) is Niveau.B1
    examens(t, dict.fromkeys(rules.TAALONDERDELEN, Niveau.B1), D(2026, 1, 5))
    assert t.taalniveau_behaald == (Niveau.B1, D(2026, 1, 5))


def test_a_b1_or_b2_exam_meets_a_b1_obligation_but_a2_does_not(clock: FrozenClock) -> None:
    """DUO PIP API NiveauPip 'het minimaal te behalen niveau': higher is fine."""
    t = traject()
    examens(t, {LEZEN: Niveau.B2, LUISTEREN: Niveau.B1, SCHRIJVEN: Niveau.B1}, D(2026, 1, 5))
    examens(t, {SPREKEN: Niveau.A2}, D(2026, 1, 5))
    assert t.taalniveau_behaald is None
    examens(t, {SPREKEN: Niveau.B1}, D(2026, 1, 5))
    assert t.taalniveau_behaald == (Niveau.B1, D(2026, 1, 5))


# --- Z-route hours ----------------------------------------------------------------------


def z_route(doelgroep: Doelgroep = Doelgroep.ASIELSTATUSHOUDER) -> Any:
    return traject(doelgroep, leerroute=Leerroute.Z, niveau=Niveau.A1)


def afgerond_op_participatie_na(t: Any, participatie: int) -> list[str]:
    for soort, uren in ((UrenSoort.CURSUS, 800), (UrenSoort.PVT, 12)):
        t.registreer_uren(
            soort=soort, aanbieder="Z", keurmerk=True, uren=uren, peildatum=D(2026, 1, 5)
        )
    if participatie:
        t.registreer_uren(
            soort=UrenSoort.PARTICIPATIE,
            aanbieder="Z",
            keurmerk=False,
            uren=participatie,
            peildatum=D(2026, 1, 5),
        )
    t.voer_gesprek(
        datum=D(2026, 1, 5), inspanning_voldoende=None, eindgesprek_z_route=True, verslag=None
    )
    t.onderteken_pvt(datum=D(2026, 1, 5), verwijtbaar=None)
    t.rond_map_af(datum_eindgesprek=D(2026, 1, 5), verwijtbaar=None)
    return list(t.ontbrekend_voor_afronding())


def test_participation_hours_of_the_brede_intake_count_for_the_z_route(
    clock: FrozenClock,
) -> None:
    """art. 3.14 Besluit inburgering 2021: 800 uur participatie voor asielstatushouders,
    waaronder die tijdens de brede intake (issue 13; secundair)."""
    t = Inburgeringstraject.stel_concept_op(
        gemeente="GM0222",
        inburgeraar_id=uuid.uuid4(),
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.Z,
    )
    t.neem_intakeuren_over(uren=120, peildatum=D(2025, 12, 1))
    t.vaststellen(**pip(leerroute=Leerroute.Z, niveau=Niveau.A1))
    assert afgerond_op_participatie_na(t, 679) == ["participatie-uren"]
    t.registreer_uren(
        soort=UrenSoort.PARTICIPATIE, aanbieder="Z", keurmerk=False, uren=1, peildatum=D(2026, 1, 5)
    )
    assert t.participatie_uren == 800
    t.voldoe(grond=VoldaanGrond.Z_ROUTE_AFGEROND, datum=D(2026, 1, 5))
    assert t.voldaan == (VoldaanGrond.Z_ROUTE_AFGEROND, D(2026, 1, 5))


def test_intake_hours_are_positive() -> None:
    """art. 3.14 Besluit: hours are counted, never negative."""
    with pytest.raises(IntakeurenOngeldig):
        rules.check_intakeuren(0)


def test_a_partial_medical_ontheffing_caps_the_participation_hours(clock: FrozenClock) -> None:
    """art. 3.14 Besluit (800 uur participatie); DUO Ontheffing API (gedeeltelijke
    ontheffing, MED): the cap lowers what is required."""
    t = z_route()
    t.verleen_ontheffing(
        omvang=Omvang.GEDEELTELIJK,
        onderdeel=None,
        grond=OntheffingGrond.MED,
        datum_oordeel=D(2026, 1, 5),
        maximum_participatie_uren=300,
    )
    assert afgerond_op_participatie_na(t, 300) == []
    assert t.ontheffingen[-1].maximum_participatie_uren == 300


@pytest.mark.parametrize(
    ("omvang", "grond", "maximum"),
    [
        (Omvang.GEHEEL, OntheffingGrond.MED, 300),
        (Omvang.GEDEELTELIJK, OntheffingGrond.BIO, 300),
        (Omvang.GEDEELTELIJK, OntheffingGrond.MED, 800),
        (Omvang.GEDEELTELIJK, OntheffingGrond.MED, -1),
    ],
)
def test_a_cap_on_participation_hours_belongs_to_a_partial_medical_ontheffing(
    clock: FrozenClock, omvang: Omvang, grond: OntheffingGrond, maximum: int
) -> None:
    """DUO Ontheffing API (GedeeltelijkeOntheffing, MED); art. 3.14 Besluit (below 800)."""
    t = z_route()
    with pytest.raises((MaximumParticipatieurenOngeldig, RegelsOvertreden)) as refused:
        t.verleen_ontheffing(
            omvang=omvang,
            onderdeel=None,
            grond=grond,
            datum_oordeel=D(2026, 1, 5),
            maximum_participatie_uren=maximum,
        )
    gevonden = getattr(refused.value, "overtredingen", [refused.value])
    assert any(isinstance(o, MaximumParticipatieurenOngeldig) for o in gevonden)
    assert t.ontheffingen == []


def test_a_partial_ontheffing_without_a_cap_still_names_one_component(
    clock: FrozenClock,
) -> None:
    """DUO Ontheffing API: een gedeeltelijke ontheffing noemt een onderdeel."""
    with pytest.raises(OntheffingOngeldig):
        z_route().verleen_ontheffing(
            omvang=Omvang.GEDEELTELIJK,
            onderdeel=None,
            grond=OntheffingGrond.MED,
            datum_oordeel=D(2026, 1, 5),
        )


def test_the_gezinsmigrant_z_route_needs_no_participation_hours(clock: FrozenClock) -> None:
    """art. 3.14 Besluit: the 800 participation hours are for asielstatushouders only."""
    assert afgerond_op_participatie_na(z_route(Doelgroep.GEZINSMIGRANT), 0) == []


def test_the_z_route_is_not_done_without_the_hours(clock: FrozenClock) -> None:
    """art. 3.14 Besluit."""
    t = z_route()
    afgerond_op_participatie_na(t, 10)
    with pytest.raises(ZRouteNietAfgerond) as refused:
        t.voldoe(grond=VoldaanGrond.Z_ROUTE_AFGEROND, datum=D(2026, 1, 5))
    assert refused.value.ontbrekend == ["participatie-uren"]
    assert "art. 3.14" in refused.value.bron
