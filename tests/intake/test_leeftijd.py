"""Who is obliged by age (art. 3 Wi2021: from 16, under 18 only on request, up to the
pensioengerechtigde leeftijd of art. 7a AOW), the hoofddoel as a recommendation (art. 14
lid 3 Wi2021 does not require it), and participation hours during the brede intake (art.
3.14 Besluit inburgering 2021). The clock fixture stands on 2026-01-05."""

from __future__ import annotations

import datetime as dt

import pytest

from services.intake import rules
from services.intake.domainmodel import (
    Hoofddoel,
    HoofddoelKeuze,
    Inburgeraar,
    Leerbaarheidstoets,
    LeerrouteAdvies,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    Toetsuitslag,
)
from services.intake.rules import (
    AOWLeeftijdBereikt,
    DatumInToekomst,
    DatumVoorStartInburgeringsplicht,
    Doelgroep,
    IntakeAfgesloten,
    Leerroute,
    ParticipatieurenOngeldig,
    TeJongVoorInburgeringsplicht,
    ToetsResultaat,
    VerzoekOntbreektOnderAchttien,
)
from shared.clock import FrozenClock

D = dt.date
START = D(2025, 12, 1)


def registreer(geboortedatum: dt.date, *, op_verzoek: bool = False) -> Inburgeraar:
    return Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn="111222333",
        naam="Amal Haddad",
        geboortedatum=geboortedatum,
        adres=None,
        datum_start_inburgeringsplicht=START,
        op_verzoek=op_verzoek,
    )


def test_a_17_year_old_is_obliged_only_on_request(clock: FrozenClock) -> None:
    """art. 3 Wi2021 (vanaf 16 jaar); DUO Gebeurtenissen: 'op verzoek inburgeringsplichtig
    gemaakt voordat degene 18 jaar is' (secundair: Schulinck 'Minderjarige vreemdelingen')."""
    with pytest.raises(VerzoekOntbreektOnderAchttien) as refused:
        registreer(D(2008, 6, 1))
    assert "opVerzoek" in refused.value.detail
    assert "art. 3 Wi2021" in refused.value.bron
    assert registreer(D(2008, 6, 1), op_verzoek=True).geboortedatum == D(2008, 6, 1)


def test_18_on_the_day_the_obligation_starts_needs_no_request(clock: FrozenClock) -> None:
    """art. 3 Wi2021: the default age is 18."""
    assert registreer(D(2007, 12, 1)).geboortedatum == D(2007, 12, 1)
    with pytest.raises(VerzoekOntbreektOnderAchttien):
        registreer(D(2007, 12, 2))


def test_under_16_even_a_request_does_not_oblige(clock: FrozenClock) -> None:
    """art. 3 Wi2021: not before 16."""
    with pytest.raises(TeJongVoorInburgeringsplicht):
        registreer(D(2009, 12, 2), op_verzoek=True)


def test_at_aow_age_no_one_is_obliged(clock: FrozenClock) -> None:
    """art. 3 Wi2021 (tot de pensioengerechtigde leeftijd, art. 7a AOW: 67 in 2024-2027,
    secundair: spin.nl); DUO SS110 (ingetrokken: AOW geworden)."""
    with pytest.raises(AOWLeeftijdBereikt) as refused:
        registreer(D(1958, 12, 1))  # 67 on 2025-12-01
    assert "AOW" in refused.value.bron
    assert registreer(D(1958, 12, 2)).geboortedatum == D(1958, 12, 2)


@pytest.mark.parametrize(
    ("geboren", "aow"),
    [
        (D(1955, 9, 30), D(2022, 4, 30)),  # 66 + 7 months in 2022
        (D(1957, 1, 15), D(2024, 1, 15)),  # 67 in 2024
        (D(1960, 9, 30), D(2027, 9, 30)),  # 67 in 2027
        (D(1960, 10, 1), D(2028, 1, 1)),  # the 2028 range starts here: 67 + 3 months
        (D(1961, 1, 1), D(2028, 4, 1)),  # 67 + 3 months from 2028
        (D(1970, 5, 20), D(2037, 8, 20)),  # beyond the table: the last known age
    ],
)
def test_the_aow_age_follows_the_year_it_is_reached(geboren: dt.date, aow: dt.date) -> None:
    """art. 7a AOW: the pensioengerechtigde leeftijd per range of birth dates (secundair:
    spin.nl 'AOW-leeftijd naar 67 jaar en 3 maanden'; syfers.nl, 2031)."""
    assert rules.aow_datum(geboren) == aow


# --- Hoofddoel: a recommendation ------------------------------------------------------------


def bijna_volledig(inburgeraar: Inburgeraar) -> Inburgeraar:
    toets = Toetsuitslag(ToetsResultaat.B1_ROUTE_NIET_HAALBAAR, "41,00", "60,00", D(2025, 12, 8))
    inburgeraar.voer_intakegesprek(D(2025, 12, 10), "kr-1")
    inburgeraar.leg_leerbaarheidstoets_vast(Leerbaarheidstoets(uitslag=toets))
    inburgeraar.leg_opleiding_en_werkervaring_vast(OpleidingEnWerkervaring([], []))
    inburgeraar.leg_persoonlijke_omstandigheden_vast(PersoonlijkeOmstandigheden("-", "-"))
    inburgeraar.adviseer_leerroute(LeerrouteAdvies(Leerroute.Z))
    return inburgeraar


def test_an_intake_without_hoofddoel_ends_and_recommends_one(clock: FrozenClock) -> None:
    """art. 14 lid 3 Wi2021 names education, work experience and personal circumstances
    as the minimum content, not a main goal: the hoofddoel is recommended, not required."""
    inburgeraar = bijna_volledig(registreer(D(1994, 3, 2)))
    assert inburgeraar.ontbrekende_onderdelen(D(2026, 1, 5)) == []
    assert inburgeraar.aanbevelingen() == [rules.Onderdeel.HOOFDDOEL]
    inburgeraar.rond_af(D(2026, 1, 5))
    afgerond = [e for e in inburgeraar.collect_events() if type(e).__name__ == "IntakeAfgerond"]
    assert afgerond[0].hoofddoel is None  # type: ignore[attr-defined]


def test_a_recorded_hoofddoel_leaves_nothing_to_recommend(clock: FrozenClock) -> None:
    """art. 14 Wi2021 (brede intake); Divosa Handreiking (hoofddoel) - secundair."""
    inburgeraar = bijna_volledig(registreer(D(1994, 3, 2)))
    inburgeraar.leg_hoofddoel_vast(HoofddoelKeuze(Hoofddoel.PARTICIPATIE))
    assert inburgeraar.aanbevelingen() == []


# --- Participation hours during the brede intake ------------------------------------------


def test_participation_hours_of_the_intake_travel_with_its_afronding(clock: FrozenClock) -> None:
    """art. 3.14 Besluit inburgering 2021: participation during the brede intake counts for
    the Z-route; the total travels in ParticipatieurenIntakeVastgesteld."""
    inburgeraar = bijna_volledig(registreer(D(1994, 3, 2)))
    inburgeraar.registreer_participatieuren(40, D(2025, 12, 12))
    inburgeraar.registreer_participatieuren(60, D(2025, 12, 20))
    assert inburgeraar.participatieuren == 100
    inburgeraar.rond_af(D(2026, 1, 5))
    laatste = inburgeraar.collect_events()[-1]
    assert type(laatste).__name__ == "ParticipatieurenIntakeVastgesteld"
    assert (laatste.uren, laatste.peildatum) == (100, D(2025, 12, 20))  # type: ignore[attr-defined]
    with pytest.raises(IntakeAfgesloten):
        inburgeraar.registreer_participatieuren(1, D(2026, 1, 5))


def test_an_intake_without_participation_hours_sends_none(clock: FrozenClock) -> None:
    """art. 3.14 Besluit: nothing to count, nothing sent."""
    inburgeraar = bijna_volledig(registreer(D(1994, 3, 2)))
    inburgeraar.rond_af(D(2026, 1, 5))
    typen = [type(e).__name__ for e in inburgeraar.collect_events()]
    assert "ParticipatieurenIntakeVastgesteld" not in typen


@pytest.mark.parametrize(
    ("uren", "peildatum", "fout"),
    [
        (0, D(2025, 12, 12), ParticipatieurenOngeldig),
        (-5, D(2025, 12, 12), ParticipatieurenOngeldig),
        (10, D(2026, 1, 6), DatumInToekomst),
        (10, D(2025, 11, 30), DatumVoorStartInburgeringsplicht),
    ],
)
def test_participation_hours_are_positive_and_dated_within_the_obligation(
    clock: FrozenClock, uren: int, peildatum: dt.date, fout: type[Exception]
) -> None:
    """art. 3.14 Besluit; facts are recorded after they happened, after the start of the
    obligation (art. 14 Wi2021)."""
    inburgeraar = registreer(D(1994, 3, 2))
    with pytest.raises(fout):
        inburgeraar.registreer_participatieuren(uren, peildatum)
    assert inburgeraar.participatieuren == 0
