"""The rules of the PIP service at aggregate and application level.

Each test cites its source: an article of the Wet inburgering 2021 (Wi2021) or the Besluit
inburgering 2021 as summarised in domain.md, or DUO's validation rules in its README.
The clock fixture stands on 2026-01-05; the obligation of the standard inburgeraar started
on 2025-11-03, so the ten weeks end on 2026-01-12.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.pip import rules
from services.pip.application import PipApplication
from services.pip.domainmodel import Inburgeringstraject
from services.pip.rules import (
    Doelgroep,
    Examenonderdeel,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    Status,
    UrenSoort,
    VerlengingReden,
    Verwijtbaar,
    VoldaanGrond,
)
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.domain import ConcurrencyConflict, GeenToegang, NotFound

D = dt.date
START = D(2025, 11, 3)
DAGTEKENING = D(2025, 12, 15)
TERMIJN_START = D(2025, 12, 16)
TERMIJN_EINDE = D(2028, 12, 15)
EXAMENDATUM = D(2026, 1, 2)


def concept(
    doelgroep: Doelgroep = Doelgroep.ASIELSTATUSHOUDER,
    start: dt.date = START,
    vestigingsdatum: dt.date | None = None,
) -> Inburgeringstraject:
    return Inburgeringstraject.stel_concept_op(
        gemeente="GM0222",
        inburgeraar_id=uuid.uuid4(),
        doelgroep=doelgroep,
        datum_start_inburgeringsplicht=start,
        vestigingsdatum=vestigingsdatum,
        geadviseerde_leerroute=Leerroute.B1,
    )


def pip(**overrides: Any) -> dict[str, Any]:
    velden: dict[str, Any] = {
        "dagtekening": DAGTEKENING,
        "leerroute": Leerroute.B1,
        "niveau": None,
        "map": True,
        "map_intensiteit_uren": 40,
        "pvt_intensiteit_uren": 12,
        "knm": True,
        "begeleiding": "Taalmaatje via VluchtelingenWerk",
        "ontzorging": False,
        "geschatte_intensiteit": None,
    }
    return velden | overrides


def vastgesteld(
    doelgroep: Doelgroep = Doelgroep.ASIELSTATUSHOUDER, **overrides: Any
) -> Inburgeringstraject:
    traject = concept(doelgroep)
    traject.vaststellen(**pip(**overrides))
    return traject


def gebeurtenissen(traject: Inburgeringstraject) -> list[str]:
    return [type(e).__name__ for e in traject.collect_events()]


def codes(exc: pytest.ExceptionInfo[rules.RuleViolation]) -> set[str]:
    if isinstance(exc.value, rules.RegelsOvertreden):
        return {o.code for o in exc.value.overtredingen}
    return {exc.value.code}


def refused(
    regel: type[rules.Regel], command: Any, *args: Any, **kwargs: Any
) -> rules.RuleViolation:
    """The command is refused, naming `regel` (alone or among others)."""
    with pytest.raises(rules.RuleViolation) as exc:
        command(*args, **kwargs)
    assert regel.__name__ in codes(exc), codes(exc)
    return exc.value


def uren(
    traject: Inburgeringstraject, soort: UrenSoort, aantal: int, keurmerk: bool = True
) -> None:
    traject.registreer_uren(
        soort=soort,
        aanbieder="Taalschool Oost",
        keurmerk=keurmerk,
        uren=aantal,
        peildatum=D(2026, 1, 2),
    )


def uitslag(
    traject: Inburgeringstraject,
    onderdeel: Examenonderdeel,
    niveau: Niveau | None = Niveau.B1,
    datum: dt.date = EXAMENDATUM,
    behaald: bool = True,
) -> None:
    traject.ontvang_examenuitslag(
        onderdeel=onderdeel, examendatum=datum, behaald=behaald, niveau=niveau
    )


@pytest.fixture(autouse=True)
def _frozen(clock: FrozenClock) -> FrozenClock:
    return clock


# --- Concept --------------------------------------------------------------------------


def test_a_draft_pip_carries_the_advice_and_can_be_edited_until_it_is_set() -> None:
    """art. 15 Wi2021: the concept precedes the beschikking; afterwards only a new PIP."""
    traject = concept()
    traject.wijzig_concept(
        doelgroep=Doelgroep.GEZINSMIGRANT,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=D(2025, 11, 10),
        geadviseerde_leerroute=Leerroute.ONDERWIJS,
    )
    assert gebeurtenissen(traject) == ["PIPOpgesteld", "ConceptPIPGewijzigd"]
    assert traject.status is Status.CONCEPT
    assert traject.doelgroep is Doelgroep.GEZINSMIGRANT
    assert traject.geadviseerde_leerroute is Leerroute.ONDERWIJS

    traject.vaststellen(**pip())
    refused(
        rules.ConceptNietMeerWijzigbaar,
        traject.wijzig_concept,
        doelgroep=Doelgroep.GEZINSMIGRANT,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=None,
        geadviseerde_leerroute=None,
    )


# --- Vaststellen: DUO README "Het aanleveren van een PIP" -----------------------------


def test_a_set_pip_is_a_beschikking_with_all_its_content_and_starts_the_termijn() -> None:
    """art. 15 and art. 11 Wi2021: PIPVastgesteld, then the termijn from the next day."""
    traject = concept()
    traject.vaststellen(
        **pip(
            geschatte_intensiteit=600,
            ontzorging=True,
            startdatum_bijstand=D(2025, 12, 1),
            verblijfsvergunning_asiel_bepaalde_tijd=True,
        )
    )
    events = traject.collect_events()
    assert [type(e).__name__ for e in events] == [
        "PIPOpgesteld",
        "PIPVastgesteld",
        "InburgeringstermijnGestart",
    ]
    actueel = traject.actuele_pip
    assert actueel is not None
    assert (actueel.versie, actueel.leerroute, actueel.niveau) == (1, Leerroute.B1, Niveau.B1)
    assert actueel.is_eerste_pip and actueel.binnen_tien_weken and actueel.ontzorging
    assert actueel.geschatte_intensiteit == 600
    assert actueel.startdatum_bijstand == D(2025, 12, 1)
    assert (traject.termijn_start, traject.termijn_einde) == (TERMIJN_START, TERMIJN_EINDE)
    vastgesteld = vars(events[1])
    assert (vastgesteld["inburgeraar_id"], vastgesteld["doelgroep"]) == (
        traject.inburgeraar_id,
        "asielstatushouder",
    ), "the beschikking says whom it is for: what the ontzorging service starts from"
    assert vastgesteld["startdatum_bijstand"] == D(2025, 12, 1)
    assert vastgesteld["verblijfsvergunning_asiel_bepaalde_tijd"] is True


@pytest.mark.parametrize("leerroute", [Leerroute.B1, Leerroute.ONDERWIJS])
def test_an_omitted_level_becomes_b1_on_the_b1_and_onderwijs_routes(leerroute: Leerroute) -> None:
    """DUO README: Niveau - without a level DUO sets B1 for the B1-route and onderwijsroute."""
    traject = vastgesteld(leerroute=leerroute, map=leerroute is Leerroute.B1)
    assert traject.actuele_pip is not None and traject.actuele_pip.niveau is Niveau.B1


def test_an_omitted_level_stays_empty_on_the_z_route() -> None:
    """DUO README: Niveau - the B1 default applies only to the B1-route and onderwijsroute."""
    traject = vastgesteld(leerroute=Leerroute.Z)
    assert traject.actuele_pip is not None and traject.actuele_pip.niveau is None


def test_the_dagtekening_may_not_lie_before_the_start_of_the_obligation() -> None:
    """DUO README: Datum dagtekening - not before the start of the inburgeringsplicht."""
    refused(
        rules.DagtekeningVoorStartInburgeringsplicht,
        concept().vaststellen,
        **pip(dagtekening=D(2025, 11, 2)),
    )


def test_the_dagtekening_may_not_lie_before_settling_in_the_gemeente() -> None:
    """DUO README: Datum dagtekening - not before the vestiging in the gemeente."""
    traject = concept(vestigingsdatum=D(2025, 12, 20))
    refused(rules.DagtekeningVoorVestiging, traject.vaststellen, **pip())


def test_a_changed_pip_may_not_be_dated_before_the_current_pip() -> None:
    """DUO README: Datum dagtekening - a changed PIP not before the initial or current PIP."""
    traject = vastgesteld()
    traject.vaststellen(**pip(dagtekening=D(2025, 12, 20)))
    exc = refused(
        rules.DagtekeningVoorEerderePIP, traject.vaststellen, **pip(dagtekening=D(2025, 12, 18))
    )
    assert "2025-12-20" in exc.detail


def test_a_beschikking_cannot_be_dated_in_the_future() -> None:
    """art. 15 Wi2021: the PIP is a beschikking; it carries the day it was taken."""
    refused(rules.DagtekeningInDeToekomst, concept().vaststellen, **pip(dagtekening=D(2026, 1, 6)))


def test_a2_is_never_combined_with_the_onderwijsroute() -> None:
    """DUO README: Niveau - A2 not with the onderwijsroute."""
    refused(
        rules.NiveauA2BijOnderwijsroute,
        concept().vaststellen,
        **pip(leerroute=Leerroute.ONDERWIJS, niveau=Niveau.A2, map=False),
    )


@pytest.mark.parametrize("niveau", [Niveau.B1, Niveau.B2])
def test_b1_or_higher_is_never_combined_with_the_z_route(niveau: Niveau) -> None:
    """DUO README: Niveau - B1 not with the Z-route (B2 lies above it)."""
    refused(
        rules.NiveauB1BijZRoute,
        concept().vaststellen,
        **pip(leerroute=Leerroute.Z, niveau=niveau),
    )


def test_a2_on_the_b1_route_is_refused_on_the_first_pip_only() -> None:
    """DUO README: Niveau - A2 with the B1-route not on the person's first PIP."""
    refused(
        rules.NiveauA2BijEerstePIPInB1Route,
        concept().vaststellen,
        **pip(niveau=Niveau.A2),
    )
    traject = vastgesteld(leerroute=Leerroute.Z, niveau=Niveau.A2)
    traject.vaststellen(**pip(dagtekening=D(2026, 1, 2), niveau=Niveau.A2))
    assert traject.actuele_pip is not None
    assert (traject.actuele_pip.versie, traject.actuele_pip.niveau) == (2, Niveau.A2)
    assert not traject.actuele_pip.is_eerste_pip


def test_a1_is_only_the_target_of_the_z_route() -> None:
    """domain.md Leerroutes: B1 (or B2) for the B1-route and onderwijsroute, A1 for Z."""
    refused(rules.NiveauA1AlleenInZRoute, concept().vaststellen, **pip(niveau=Niveau.A1))
    vastgesteld(leerroute=Leerroute.Z, niveau=Niveau.A1)


@pytest.mark.parametrize(
    ("doelgroep", "leerroute"),
    [(Doelgroep.GEZINSMIGRANT, Leerroute.B1), (Doelgroep.ASIELSTATUSHOUDER, Leerroute.Z)],
)
def test_an_estimated_intensity_belongs_only_to_asylum_migrants_on_the_b1_route(
    doelgroep: Doelgroep, leerroute: Leerroute
) -> None:
    """DUO README: Geschatte intensiteit B1 route - only B1-route and asielmigranten."""
    refused(
        rules.GeschatteIntensiteitNietToegestaan,
        concept(doelgroep).vaststellen,
        **pip(leerroute=leerroute, niveau=Niveau.A2, geschatte_intensiteit=400),
    )


def test_the_onderwijsroute_has_no_map() -> None:
    """art. 8 lid 3 Wi2021 (domain.md): no MAP in the onderwijsroute."""
    refused(
        rules.MAPNietInOnderwijsroute,
        concept().vaststellen,
        **pip(leerroute=Leerroute.ONDERWIJS, map=True),
    )


def test_the_b1_and_z_routes_include_the_map() -> None:
    """domain.md Leerroutes: MAP yes for the B1-route and the Z-route."""
    refused(rules.MAPOntbreektInPIP, concept().vaststellen, **pip(map=False))


def test_the_pvt_in_the_pip_lasts_at_least_twelve_hours() -> None:
    """domain.md Leerroutes: the PVT is at least 12 hours."""
    refused(rules.PVTIntensiteitTeLaag, concept().vaststellen, **pip(pvt_intensiteit_uren=8))


@pytest.mark.parametrize("doelgroep", list(Doelgroep))
def test_a_nareiziger_with_an_asylum_permit_is_ontzorgd_whatever_the_doelgroep(
    doelgroep: Doelgroep,
) -> None:
    """art. 56a lid 1 Participatiewet: the temporary asylum permit and bijstand decide, not
    the Wi2021 doelgroep; a gezinsmigrant joining a statushouder on an afhankelijke
    asielvergunning is ontzorgd too (secundair: Schulinck, 'Het nieuwe inburgeringsstelsel')."""
    traject = concept(doelgroep)
    traject.vaststellen(
        **pip(
            ontzorging=True,
            startdatum_bijstand=D(2025, 12, 1),
            verblijfsvergunning_asiel_bepaalde_tijd=True,
        )
    )
    assert "PIPVastgesteld" in gebeurtenissen(traject)


def test_ontzorging_in_the_pip_names_the_start_of_the_bijstand() -> None:
    """art. 56a Participatiewet, domain.md steps 3 and 8: the PIP of someone on bijstand
    carries the ontzorging decision, and the six months run from the start of the bijstand."""
    refused(
        rules.StartdatumBijstandOntbreekt,
        concept().vaststellen,
        **pip(ontzorging=True, verblijfsvergunning_asiel_bepaalde_tijd=True),
    )


@pytest.mark.parametrize("vergunning", [None, False])
def test_ontzorging_needs_a_temporary_asylum_permit(vergunning: bool | None) -> None:
    """art. 56a Participatiewet: ontzorgen is for a verblijfsvergunning asiel voor bepaalde
    tijd; the beschikking states it (unknown or absent: refused)."""
    exc = refused(
        rules.VerblijfsvergunningAsielOntbreekt,
        concept().vaststellen,
        **pip(
            ontzorging=True,
            startdatum_bijstand=D(2025, 12, 1),
            verblijfsvergunning_asiel_bepaalde_tijd=vergunning,
        ),
    )
    assert exc.bron and "56a" in exc.bron


def test_a_pip_without_ontzorging_needs_no_bijstand_details() -> None:
    """art. 56a Participatiewet: the bijstand details belong to the ontzorging decision."""
    traject = vastgesteld(ontzorging=False)
    assert traject.actuele_pip is not None and traject.actuele_pip.startdatum_bijstand is None


def test_every_violation_of_one_vaststelling_is_reported_at_once() -> None:
    """DUO README: Het aanleveren van een PIP - DUO answers with a list of Foutmeldingen."""
    traject = concept(Doelgroep.GEZINSMIGRANT, vestigingsdatum=D(2025, 12, 1))
    with pytest.raises(rules.RegelsOvertreden) as exc:
        traject.vaststellen(
            **pip(
                dagtekening=D(2025, 11, 1),
                leerroute=Leerroute.ONDERWIJS,
                niveau=Niveau.A2,
                map=True,
                geschatte_intensiteit=10,
            )
        )
    assert [o.code for o in exc.value.overtredingen] == [
        "DagtekeningVoorStartInburgeringsplicht",
        "DagtekeningVoorVestiging",
        "NiveauA2BijOnderwijsroute",
        "GeschatteIntensiteitNietToegestaan",
        "MAPNietInOnderwijsroute",
    ]
    assert all(o.bron for o in exc.value.overtredingen)
    assert traject.status is Status.CONCEPT


# --- Ten weeks (art. 15 Wi2021, art. 5.3 Besluit) -------------------------------------


def test_a_pip_on_the_seventieth_day_is_in_time_and_one_a_day_later_is_marked_late(
    clock: FrozenClock,
) -> None:
    """art. 15 Wi2021: within 10 weeks (70 days) after the start; later is allowed but late."""
    clock.set(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC))
    op_tijd = concept()
    assert op_tijd.uiterste_datum_pip == D(2026, 1, 12)
    op_tijd.vaststellen(**pip(dagtekening=D(2026, 1, 12)))
    assert op_tijd.actuele_pip is not None and op_tijd.actuele_pip.binnen_tien_weken

    te_laat = concept()
    te_laat.vaststellen(**pip(dagtekening=D(2026, 1, 13)))
    assert te_laat.actuele_pip is not None and not te_laat.actuele_pip.binnen_tien_weken
    assert te_laat.termijn_start == D(2026, 1, 14)

    te_laat.vaststellen(**pip(dagtekening=D(2026, 1, 20)))
    assert te_laat.actuele_pip is not None and not te_laat.actuele_pip.binnen_tien_weken


def test_waiting_for_third_parties_extends_to_two_weeks_after_the_information_arrives(
    clock: FrozenClock,
) -> None:
    """art. 5.3 Besluit inburgering 2021: at most 2 weeks after third-party information."""
    clock.set(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC))
    traject = concept()
    traject.wacht_op_derden(
        derde="GGD", opgevraagd_op=D(2025, 12, 1), informatie_ontvangen_op=D(2026, 1, 10)
    )
    assert traject.uiterste_datum_pip == D(2026, 1, 24)
    traject.vaststellen(**pip(dagtekening=D(2026, 1, 24)))
    assert gebeurtenissen(traject)[1] == "PIPTermijnOpgeschort"
    assert traject.actuele_pip is not None and traject.actuele_pip.binnen_tien_weken


def test_information_that_arrives_early_does_not_shorten_the_ten_weeks() -> None:
    """art. 15 Wi2021, art. 5.3 Besluit: an extension never shortens the ten weeks."""
    traject = concept()
    traject.wacht_op_derden(
        derde="COA", opgevraagd_op=D(2025, 11, 5), informatie_ontvangen_op=D(2025, 11, 12)
    )
    assert traject.uiterste_datum_pip == D(2026, 1, 12)


def test_a_request_to_third_parties_after_the_ten_weeks_does_not_extend_them(
    clock: FrozenClock,
) -> None:
    """art. 5.3 Besluit: the extension is for information asked within the ten weeks."""
    clock.set(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC))
    refused(
        rules.VerzoekInformatieNaTienWeken,
        concept().wacht_op_derden,
        derde="GGD",
        opgevraagd_op=D(2026, 1, 13),
        informatie_ontvangen_op=D(2026, 1, 20),
    )


def test_information_cannot_arrive_before_it_was_asked_for_nor_in_the_future() -> None:
    """art. 5.3 Besluit: the extension runs from the actual arrival of the information."""
    refused(
        rules.OntvangstVoorVerzoek,
        concept().wacht_op_derden,
        derde="GGD",
        opgevraagd_op=D(2025, 12, 10),
        informatie_ontvangen_op=D(2025, 12, 1),
    )
    refused(
        rules.DatumInDeToekomst,
        concept().wacht_op_derden,
        derde="GGD",
        opgevraagd_op=D(2025, 12, 10),
        informatie_ontvangen_op=D(2026, 1, 6),
    )


def test_waiting_for_third_parties_ends_with_the_first_pip() -> None:
    """art. 15 Wi2021: the ten weeks concern the first PIP only."""
    refused(
        rules.PIPAlVastgesteld,
        vastgesteld().wacht_op_derden,
        derde="GGD",
        opgevraagd_op=D(2025, 12, 1),
        informatie_ontvangen_op=D(2025, 12, 5),
    )


# --- Inburgeringstermijn (art. 11 Wi2021) ---------------------------------------------


def test_a_changed_pip_does_not_restart_the_termijn() -> None:
    """art. 11 Wi2021: three years from the day after the FIRST PIP's dagtekening."""
    traject = vastgesteld()
    traject.vaststellen(**pip(dagtekening=D(2026, 1, 5), leerroute=Leerroute.Z, niveau=None))
    assert "InburgeringstermijnGestart" not in gebeurtenissen(traject)[3:]
    assert (traject.termijn_start, traject.termijn_einde) == (TERMIJN_START, TERMIJN_EINDE)
    assert [p.versie for p in traject.pips] == [1, 2]


def test_duo_extends_the_termijn_to_a_later_end_date_with_a_reason() -> None:
    """art. 11 Wi2021: DUO may extend the termijn, e.g. for illness or a birth."""
    traject = vastgesteld()
    traject.verleng_termijn(
        reden=VerlengingReden.BEVALLING, nieuwe_einddatum=D(2029, 6, 15), toelichting=None
    )
    assert gebeurtenissen(traject)[-1] == "InburgeringstermijnVerlengd"
    assert traject.termijn_einde == D(2029, 6, 15)
    assert traject.verlengingen[0].vorige_einddatum == TERMIJN_EINDE
    refused(
        rules.VerlengingNietNaEinddatum,
        traject.verleng_termijn,
        reden=VerlengingReden.ZIEKTE,
        nieuwe_einddatum=D(2029, 6, 15),
        toelichting=None,
    )


def test_a_termijn_that_has_not_started_cannot_be_extended() -> None:
    """art. 11 Wi2021: the termijn starts with the first PIP."""
    refused(
        rules.InburgeringstermijnNietGestart,
        concept().verleng_termijn,
        reden=VerlengingReden.ZIEKTE,
        nieuwe_einddatum=D(2029, 6, 15),
        toelichting=None,
    )


# --- Changing the leerroute (domain.md Leerroutes) ------------------------------------


def test_the_leerroute_changes_only_within_eighteen_months_of_the_termijn(
    clock: FrozenClock,
) -> None:
    """domain.md Leerroutes: a new leerroute within 18 months of the start, via a new PIP."""
    clock.set(dt.datetime(2027, 7, 1, 9, tzinfo=dt.UTC))
    traject = vastgesteld()
    traject.vaststellen(**pip(dagtekening=D(2027, 6, 15), leerroute=Leerroute.Z, niveau=None))
    assert traject.actuele_pip is not None and traject.actuele_pip.leerroute is Leerroute.Z

    laat = vastgesteld()
    refused(
        rules.LeerrouteWijzigingNaAchttienMaanden,
        laat.vaststellen,
        **pip(dagtekening=D(2027, 6, 16), leerroute=Leerroute.Z, niveau=None),
    )
    laat.vaststellen(**pip(dagtekening=D(2027, 6, 16), begeleiding="Nieuwe jobcoach"))
    assert laat.actuele_pip is not None and laat.actuele_pip.versie == 2


# --- Afschalen (art. 32 Wi2021, art. 5.5 Besluit) -------------------------------------


def afschaalbaar() -> Inburgeringstraject:
    traject = vastgesteld()
    uren(traject, UrenSoort.CURSUS, 590)
    uren(traject, UrenSoort.CURSUS, 10)
    traject.voer_gesprek(
        datum=D(2026, 1, 2), inspanning_voldoende=True, eindgesprek_z_route=False, verslag=None
    )
    return traject


def test_after_600_quality_marked_hours_and_sufficient_effort_b1_is_lowered_to_a2() -> None:
    """art. 32 Wi2021, art. 5.5 Besluit: afschalen B1 to A2 is a new PIP version."""
    traject = afschaalbaar()
    traject.schaal_af(dagtekening=D(2026, 1, 5))
    assert gebeurtenissen(traject)[-1] == "NiveauAfgeschaald"
    assert traject.actuele_pip is not None
    assert (traject.actuele_pip.versie, traject.actuele_pip.niveau) == (2, Niveau.A2)
    assert traject.termijn_start == TERMIJN_START


def test_hours_at_a_provider_without_the_quality_mark_do_not_count_for_afschalen() -> None:
    """art. 5.5 Besluit: 600 course hours at a Blik op Werk quality-marked provider."""
    traject = vastgesteld()
    uren(traject, UrenSoort.CURSUS, 599)
    uren(traject, UrenSoort.CURSUS, 200, keurmerk=False)
    traject.voer_gesprek(
        datum=D(2026, 1, 2), inspanning_voldoende=True, eindgesprek_z_route=False, verslag=None
    )
    exc = refused(
        rules.OnvoldoendeCursusurenVoorAfschalen, traject.schaal_af, dagtekening=D(2026, 1, 5)
    )
    assert "599" in exc.detail


def test_afschalen_needs_a_recorded_judgement_of_sufficient_effort() -> None:
    """art. 32 Wi2021: demonstrable sufficient effort; the latest judgement counts."""
    traject = afschaalbaar()
    traject.voer_gesprek(
        datum=D(2026, 1, 3), inspanning_voldoende=False, eindgesprek_z_route=False, verslag=None
    )
    traject.voer_gesprek(
        datum=D(2026, 1, 4), inspanning_voldoende=None, eindgesprek_z_route=False, verslag=None
    )
    refused(rules.InspanningNietVastgesteld, traject.schaal_af, dagtekening=D(2026, 1, 5))


def test_afschalen_is_only_possible_from_the_b1_route() -> None:
    """art. 32 Wi2021: afschalen only from the B1-route."""
    traject = vastgesteld(leerroute=Leerroute.Z, niveau=Niveau.A2)
    refused(rules.AfschalenAlleenVanuitB1Route, traject.schaal_af, dagtekening=D(2026, 1, 5))


def test_a_new_pip_cannot_bypass_the_conditions_for_afschalen() -> None:
    """art. 32 Wi2021: a new B1-route PIP at A2 is afschalen and needs the same conditions."""
    traject = vastgesteld()
    with pytest.raises(rules.RegelsOvertreden) as exc:
        traject.vaststellen(**pip(dagtekening=D(2026, 1, 5), niveau=Niveau.A2))
    assert {o.code for o in exc.value.overtredingen} == {
        "OnvoldoendeCursusurenVoorAfschalen",
        "InspanningNietVastgesteld",
    }
    toegestaan = afschaalbaar()
    toegestaan.vaststellen(**pip(dagtekening=D(2026, 1, 5), niveau=Niveau.A2))


# --- Progress ------------------------------------------------------------------------


def test_progress_is_recorded_only_after_the_pip_and_not_before_its_dagtekening() -> None:
    """art. 15 Wi2021: the PIP states how progress is monitored (voortgangsgesprekken)."""
    refused(
        rules.PIPNietVastgesteld,
        concept().voer_gesprek,
        datum=D(2026, 1, 2),
        inspanning_voldoende=None,
        eindgesprek_z_route=False,
        verslag=None,
    )
    traject = vastgesteld()
    refused(
        rules.DatumVoorPIP,
        traject.voer_gesprek,
        datum=D(2025, 12, 14),
        inspanning_voldoende=None,
        eindgesprek_z_route=False,
        verslag=None,
    )
    refused(
        rules.DatumVoorPIP,
        traject.registreer_uren,
        soort=UrenSoort.CURSUS,
        aanbieder="Taalschool Oost",
        keurmerk=True,
        uren=10,
        peildatum=D(2025, 12, 1),
    )
    refused(
        rules.UrenNietPositief,
        traject.registreer_uren,
        soort=UrenSoort.CURSUS,
        aanbieder="Taalschool Oost",
        keurmerk=True,
        uren=0,
        peildatum=D(2026, 1, 1),
    )


def test_the_final_interview_belongs_to_the_z_route() -> None:
    """domain.md Leerroutes: the Z-route ends with a final interview."""
    refused(
        rules.EindgesprekAlleenInZRoute,
        vastgesteld().voer_gesprek,
        datum=D(2026, 1, 2),
        inspanning_voldoende=None,
        eindgesprek_z_route=True,
        verslag=None,
    )


# --- PVT and MAP (DUO README: MAP / PVT) ----------------------------------------------


def test_the_participatieverklaring_is_signed_after_at_least_twelve_pvt_hours() -> None:
    """domain.md Leerroutes: the PVT takes at least 12 hours and ends with signing."""
    traject = vastgesteld()
    uren(traject, UrenSoort.PVT, 11)
    refused(rules.OnvoldoendePVTUren, traject.onderteken_pvt, datum=D(2026, 1, 2), verwijtbaar=None)
    uren(traject, UrenSoort.PVT, 1)
    traject.onderteken_pvt(datum=D(2026, 1, 2), verwijtbaar=None)
    assert gebeurtenissen(traject)[-1] == "ParticipatieverklaringOndertekend"


def test_map_and_pvt_dates_lie_within_the_termijn_and_not_in_the_future() -> None:
    """DUO README MAP/PVT: not before the start of the termijn, not in the future."""
    traject = vastgesteld()
    uren(traject, UrenSoort.PVT, 12)
    refused(
        rules.DatumVoorStartInburgeringstermijn,
        traject.onderteken_pvt,
        datum=DAGTEKENING,
        verwijtbaar=None,
    )
    refused(
        rules.DatumInDeToekomst,
        traject.rond_map_af,
        datum_eindgesprek=D(2026, 1, 6),
        verwijtbaar=None,
    )


def test_map_and_pvt_need_a_current_pip() -> None:
    """DUO README MAP/PVT: the gemeente must have a current PIP for the inburgeraar."""
    refused(
        rules.PIPNietVastgesteld,
        concept().rond_map_af,
        datum_eindgesprek=D(2026, 1, 2),
        verwijtbaar=None,
    )


def test_the_map_is_not_completed_in_the_onderwijsroute() -> None:
    """art. 8 lid 3 Wi2021: no MAP in the onderwijsroute."""
    traject = vastgesteld(leerroute=Leerroute.ONDERWIJS, map=False)
    refused(
        rules.MAPNietInOnderwijsroute,
        traject.rond_map_af,
        datum_eindgesprek=D(2026, 1, 2),
        verwijtbaar=None,
    )


def test_no_culpability_flag_when_the_date_lies_before_the_end_of_the_termijn() -> None:
    """DUO README MAP/PVT: before the einddatum 'Verwijtbaar' may not be delivered; 'Nee'
    only when the termijn ends within two months, 'Ja' only when it is exceeded."""
    traject = vastgesteld()
    exc = refused(
        rules.VerwijtbaarheidNietToegestaan,
        traject.rond_map_af,
        datum_eindgesprek=D(2026, 1, 2),
        verwijtbaar=Verwijtbaar.NEE,
    )
    assert isinstance(exc, rules.RegelsOvertreden)
    assert {o.code for o in exc.overtredingen} == {
        "VerwijtbaarheidNietToegestaan",
        "VerwijtbaarNeeNietToegestaan",
    }
    exc = refused(
        rules.VerwijtbaarJaNietToegestaan,
        traject.rond_map_af,
        datum_eindgesprek=D(2026, 1, 2),
        verwijtbaar=Verwijtbaar.JA,
    )
    traject.rond_map_af(datum_eindgesprek=D(2026, 1, 2), verwijtbaar=None)
    assert traject.map is not None and traject.map.verwijtbaar is None


def test_a_date_after_the_termijn_needs_a_culpability_flag(clock: FrozenClock) -> None:
    """DUO README MAP/PVT: without 'Verwijtbaar' the termijn may not be exceeded."""
    clock.set(dt.datetime(2029, 1, 20, 9, tzinfo=dt.UTC))
    traject = vastgesteld()
    refused(
        rules.VerwijtbaarheidOntbreekt,
        traject.rond_map_af,
        datum_eindgesprek=D(2029, 1, 10),
        verwijtbaar=None,
    )
    traject.rond_map_af(datum_eindgesprek=D(2029, 1, 10), verwijtbaar=Verwijtbaar.JA)
    assert traject.map is not None and traject.map.verwijtbaar is Verwijtbaar.JA


@pytest.mark.parametrize(
    ("vandaag", "verwacht"),
    [
        (D(2028, 10, 14), {"VerwijtbaarheidNietToegestaan", "VerwijtbaarNeeNietToegestaan"}),
        (D(2028, 10, 15), {"VerwijtbaarheidNietToegestaan"}),
    ],
)
def test_nee_is_refused_while_the_end_of_the_termijn_is_more_than_two_months_away(
    clock: FrozenClock, vandaag: dt.date, verwacht: set[str]
) -> None:
    """DUO README MAP/PVT: 'Nee' only if the einddatum falls within two months."""
    clock.set(dt.datetime(vandaag.year, vandaag.month, vandaag.day, 9, tzinfo=dt.UTC))
    traject = vastgesteld()
    with pytest.raises(rules.RuleViolation) as exc:
        traject.rond_map_af(datum_eindgesprek=vandaag, verwijtbaar=Verwijtbaar.NEE)
    assert codes(exc) == verwacht


def test_nee_is_allowed_when_the_termijn_ends_within_two_months(clock: FrozenClock) -> None:
    """DUO README MAP/PVT: 'Nee' only if the einddatum falls within two months; 'Ja' only
    on an exceeded termijn. DUO's einddatum is exclusive (Inburgeringstermijn API): the
    termijn's last day still lies before it, so there no flag at all; from the day after,
    the termijn is exceeded."""
    clock.set(dt.datetime(2028, 12, 20, 9, tzinfo=dt.UTC))
    traject = vastgesteld()
    for verwijtbaar in Verwijtbaar:
        refused(
            rules.VerwijtbaarheidNietToegestaan,
            traject.rond_map_af,
            datum_eindgesprek=TERMIJN_EINDE,
            verwijtbaar=verwijtbaar,
        )
    traject.rond_map_af(
        datum_eindgesprek=TERMIJN_EINDE + dt.timedelta(days=1), verwijtbaar=Verwijtbaar.NEE
    )
    assert gebeurtenissen(traject)[-1] == "MAPAfgerond"


# --- Exams ---------------------------------------------------------------------------


def test_passing_all_four_language_components_at_the_pip_level_reaches_the_taalniveau() -> None:
    """domain.md Leerroutes/Progress: B1 on lezen, luisteren, schrijven, spreken (SS199)."""
    traject = vastgesteld()
    uitslag(traject, Examenonderdeel.LEZEN, datum=D(2025, 12, 20))
    uitslag(traject, Examenonderdeel.LUISTEREN, niveau=Niveau.B2, datum=D(2025, 12, 21))
    uitslag(traject, Examenonderdeel.SCHRIJVEN, niveau=Niveau.A2, datum=D(2025, 12, 22))
    uitslag(traject, Examenonderdeel.SPREKEN, datum=D(2025, 12, 23), behaald=False)
    uitslag(traject, Examenonderdeel.SPREKEN, datum=D(2025, 12, 30))
    uitslag(traject, Examenonderdeel.LEZEN, niveau=Niveau.B2, datum=D(2026, 1, 4))
    assert traject.taalniveau_behaald is None
    uitslag(traject, Examenonderdeel.SCHRIJVEN, datum=D(2026, 1, 2))
    namen = gebeurtenissen(traject)
    assert namen.count("ExamenuitslagOntvangen") == 7
    assert namen[-1] == "TaalniveauBehaald"
    assert traject.taalniveau_behaald == (Niveau.B1, D(2026, 1, 2))


def test_knm_passed_is_recorded_once() -> None:
    """domain.md Leerroutes: KNM is an exam component of its own, without a level."""
    traject = vastgesteld()
    uitslag(traject, Examenonderdeel.KNM, niveau=None, behaald=False, datum=D(2025, 12, 20))
    uitslag(traject, Examenonderdeel.KNM, niveau=None, datum=D(2025, 12, 28))
    uitslag(traject, Examenonderdeel.KNM, niveau=None, datum=D(2026, 1, 2))
    assert gebeurtenissen(traject).count("KNMBehaald") == 1
    assert traject.knm_behaald_op == D(2025, 12, 28)
    refused(rules.ExamenniveauOngeldig, uitslag, traject, Examenonderdeel.KNM, Niveau.B1)
    refused(rules.ExamenniveauOngeldig, uitslag, traject, Examenonderdeel.LEZEN, None)
    refused(rules.DatumInDeToekomst, uitslag, traject, Examenonderdeel.LEZEN, datum=D(2026, 1, 6))


def test_after_afschalen_the_a2_results_reach_the_taalniveau() -> None:
    """art. 32 Wi2021: after afschalen the PIP's level is A2."""
    traject = afschaalbaar()
    for onderdeel in rules.TAALONDERDELEN:
        uitslag(traject, onderdeel, niveau=Niveau.A2)
    assert traject.taalniveau_behaald is None
    traject.schaal_af(dagtekening=D(2026, 1, 5))
    assert gebeurtenissen(traject)[-2:] == ["NiveauAfgeschaald", "TaalniveauBehaald"]
    assert traject.taalniveau_behaald == (Niveau.A2, D(2026, 1, 2))


# --- Vrijstelling and ontheffing (DUO SS107, SS108) -----------------------------------


def test_a_partial_vrijstelling_counts_for_its_component() -> None:
    """DUO Vrijstelling API: a gedeeltelijke vrijstelling names a component and level."""
    traject = vastgesteld()
    traject.verleen_vrijstelling(
        omvang=Omvang.GEDEELTELIJK,
        onderdeel=Examenonderdeel.SPREKEN,
        niveau=Niveau.B1,
        reden=rules.VrijstellingReden.GED,
        datum_oordeel=D(2025, 12, 20),
    )
    for onderdeel in rules.TAALONDERDELEN[:3]:
        uitslag(traject, onderdeel)
    assert traject.taalniveau_behaald == (Niveau.B1, D(2026, 1, 2))
    refused(
        rules.VrijstellingOngeldig,
        traject.verleen_vrijstelling,
        omvang=Omvang.GEDEELTELIJK,
        onderdeel=Examenonderdeel.KNM,
        niveau=Niveau.B1,
        reden=None,
        datum_oordeel=D(2025, 12, 20),
    )


def test_a_full_vrijstelling_meets_the_obligation_even_before_a_pip() -> None:
    """DUO Gebeurtenissen SS107: gehele vrijstelling means the obligation is met."""
    traject = concept()
    traject.verleen_vrijstelling(
        omvang=Omvang.GEHEEL,
        onderdeel=None,
        niveau=None,
        reden=rules.VrijstellingReden.DIP,
        datum_oordeel=D(2025, 12, 1),
    )
    assert gebeurtenissen(traject)[-2:] == ["VrijstellingVerleend", "InburgeringsplichtVoldaan"]
    assert traject.voldaan == (VoldaanGrond.VRIJSTELLING, D(2025, 12, 1))
    assert traject.status is Status.VOLDAAN


def test_a_full_ontheffing_meets_the_obligation_and_then_nothing_changes() -> None:
    """DUO Gebeurtenissen SS108: gehele ontheffing; after voldaan nothing else changes."""
    traject = vastgesteld()
    traject.verleen_ontheffing(
        omvang=Omvang.GEHEEL, onderdeel=None, grond=OntheffingGrond.MED, datum_oordeel=D(2026, 1, 2)
    )
    assert traject.voldaan == (VoldaanGrond.ONTHEFFING, D(2026, 1, 2))
    refused(rules.InburgeringsplichtAlVoldaan, uitslag, traject, Examenonderdeel.LEZEN)
    refused(rules.InburgeringsplichtAlVoldaan, traject.vaststellen, **pip())
    refused(
        rules.OntheffingOngeldig,
        vastgesteld().verleen_ontheffing,
        omvang=Omvang.GEDEELTELIJK,
        onderdeel=None,
        grond=OntheffingGrond.BIO,
        datum_oordeel=D(2026, 1, 2),
    )


# --- Obligation met ------------------------------------------------------------------


def test_the_b1_route_is_completed_by_taalniveau_knm_pvt_and_map() -> None:
    """domain.md Leerroutes/Progress: B1 exams + KNM + PVT + MAP (leerroute afgerond)."""
    traject = vastgesteld()
    exc = refused(
        rules.LeerrouteNietAfgerond,
        traject.voldoe,
        grond=VoldaanGrond.LEERROUTE_AFGEROND,
        datum=D(2026, 1, 2),
    )
    assert exc.ontbrekend == [
        "lezen",
        "luisteren",
        "schrijven",
        "spreken",
        "knm",
        "participatieverklaring",
        "map",
    ]
    for onderdeel in rules.TAALONDERDELEN:
        uitslag(traject, onderdeel)
    traject.verleen_ontheffing(
        omvang=Omvang.GEDEELTELIJK,
        onderdeel=Examenonderdeel.KNM,
        grond=OntheffingGrond.BIO,
        datum_oordeel=D(2026, 1, 2),
    )
    uren(traject, UrenSoort.PVT, 12)
    traject.onderteken_pvt(datum=D(2026, 1, 2), verwijtbaar=None)
    exc = refused(
        rules.LeerrouteNietAfgerond, traject.voldoe, grond=VoldaanGrond.DIPLOMA, datum=D(2026, 1, 2)
    )
    assert exc.ontbrekend == ["map"]
    traject.rond_map_af(datum_eindgesprek=D(2026, 1, 3), verwijtbaar=None)
    traject.voldoe(grond=VoldaanGrond.DIPLOMA, datum=D(2026, 1, 5))
    assert traject.voldaan == (VoldaanGrond.DIPLOMA, D(2026, 1, 5))


def test_the_onderwijsroute_is_completed_without_map() -> None:
    """art. 8 lid 3 Wi2021: the onderwijsroute has no MAP; taal, KNM and PVT remain."""
    traject = vastgesteld(leerroute=Leerroute.ONDERWIJS, niveau=Niveau.B2, map=False)
    for onderdeel in rules.TAALONDERDELEN:
        uitslag(traject, onderdeel, niveau=Niveau.B2)
    uitslag(traject, Examenonderdeel.KNM, niveau=None)
    uren(traject, UrenSoort.PVT, 12)
    traject.onderteken_pvt(datum=D(2026, 1, 2), verwijtbaar=None)
    # A B2 in the PIP is an ambition; the obligation's level is B1 (DUO PIP API NiveauPip).
    assert traject.taalniveau_behaald == (Niveau.B1, D(2026, 1, 2))
    traject.voldoe(grond=VoldaanGrond.LEERROUTE_AFGEROND, datum=D(2026, 1, 5))


@pytest.mark.parametrize(
    ("doelgroep", "participatie_nodig"),
    [(Doelgroep.ASIELSTATUSHOUDER, True), (Doelgroep.GEZINSMIGRANT, False)],
)
def test_the_z_route_is_completed_by_hours_final_interview_pvt_and_map(
    doelgroep: Doelgroep, participatie_nodig: bool
) -> None:
    """domain.md Leerroutes: Z-route 800 course hours (+ 800 participation hours for
    asielstatushouders) + final interview, and PVT and MAP."""
    traject = vastgesteld(doelgroep, leerroute=Leerroute.Z)
    uren(traject, UrenSoort.CURSUS, 800, keurmerk=False)
    uren(traject, UrenSoort.PVT, 12)
    traject.onderteken_pvt(datum=D(2026, 1, 2), verwijtbaar=None)
    traject.rond_map_af(datum_eindgesprek=D(2026, 1, 2), verwijtbaar=None)
    exc = refused(
        rules.ZRouteNietAfgerond,
        traject.voldoe,
        grond=VoldaanGrond.Z_ROUTE_AFGEROND,
        datum=D(2026, 1, 5),
    )
    assert exc.ontbrekend == (["participatie-uren"] if participatie_nodig else []) + ["eindgesprek"]
    traject.voer_gesprek(
        datum=D(2026, 1, 4), inspanning_voldoende=True, eindgesprek_z_route=True, verslag=None
    )
    if participatie_nodig:
        uren(traject, UrenSoort.PARTICIPATIE, 800)
    refused(
        rules.GrondPastNietBijLeerroute,
        traject.voldoe,
        grond=VoldaanGrond.LEERROUTE_AFGEROND,
        datum=D(2026, 1, 5),
    )
    traject.voldoe(grond=VoldaanGrond.Z_ROUTE_AFGEROND, datum=D(2026, 1, 5))
    assert traject.status is Status.VOLDAAN


def test_vrijstelling_and_ontheffing_are_registered_as_decisions_not_as_a_claim() -> None:
    """DUO Gebeurtenissen SS107/SS108: obligation met follows from DUO's decision itself."""
    refused(
        rules.GrondVereistBeschikking,
        vastgesteld().voldoe,
        grond=VoldaanGrond.ONTHEFFING,
        datum=D(2026, 1, 2),
    )


# --- Events and personal data ---------------------------------------------------------


def test_events_that_carry_personal_data_name_those_fields() -> None:
    """AVG: free text and health-related grounds are personal (special-category) data."""
    assert Inburgeringstraject.PIPVastgesteld.persoonsgegevens == {"begeleiding"}
    assert Inburgeringstraject.VoortgangsgesprekGevoerd.persoonsgegevens == {"verslag"}
    assert "reden" in Inburgeringstraject.InburgeringstermijnVerlengd.persoonsgegevens
    assert Inburgeringstraject.OntheffingVerleend.persoonsgegevens == {
        "grond",
        "maximum_participatie_uren",
    }


# --- Application: storage, gemeenten, concurrency -------------------------------------


def nieuwe_app(settings: PlatformSettings) -> PipApplication:
    return PipApplication(env=settings.event_store_env(PipApplication.name))


def concept_in(app: PipApplication, gemeente: str = "GM0222", **overrides: Any) -> uuid.UUID:
    velden: dict[str, Any] = {
        "gemeente": gemeente,
        "gemeenten": [gemeente],
        "inburgeraar_id": uuid.uuid4(),
        "doelgroep": Doelgroep.ASIELSTATUSHOUDER,
        "datum_start_inburgeringsplicht": START,
    }
    view = app.stel_concept_op(**(velden | overrides))
    return uuid.UUID(str(view["id"]))


def test_a_stored_traject_replays_to_the_same_state(settings: PlatformSettings) -> None:
    """art. 11 and 15 Wi2021: the PIP, its termijn and its events survive a reload."""
    app = nieuwe_app(settings)
    pip_id = concept_in(app)
    app.vaststellen(pip_id, gemeenten=["GM0222"], **pip(geschatte_intensiteit=500))
    app.registreer_uren(
        pip_id,
        gemeenten=["GM0222"],
        aanbieder="Taalschool Oost",
        keurmerk=True,
        uren=20,
        peildatum=D(2026, 1, 2),
    )
    app.close()

    herladen = nieuwe_app(settings)
    view = herladen.pip(pip_id, gemeenten=["GM0222"])
    assert view["versie"] == 4
    assert view["inburgeringstermijn"]["startdatum"] == TERMIJN_START
    assert view["actuele_pip"]["geschatte_intensiteit"] == 500
    assert view["uren"]["cursus_keurmerk"] == 20
    namen = [e.topic.rsplit(".", 1)[-1] for e in herladen.recorder.select_events(pip_id)]
    assert namen == [
        "PIPOpgesteld",
        "PIPVastgesteld",
        "InburgeringstermijnGestart",
        "CursusurenGeregistreerd",
    ]
    herladen.close()


def test_one_traject_per_inburgeraar_per_gemeente(settings: PlatformSettings) -> None:
    """One aggregate per inburgeraar, owned by one gemeente."""
    app = nieuwe_app(settings)
    inburgeraar = uuid.uuid4()
    concept_in(app, inburgeraar_id=inburgeraar)
    with pytest.raises(rules.TrajectBestaatAl):
        concept_in(app, inburgeraar_id=inburgeraar)
    concept_in(app, gemeente="GM0197", inburgeraar_id=inburgeraar)
    assert len(app.zoek_op_inburgeraar(inburgeraar, gemeenten=["GM0222"])) == 1
    assert len(app.zoek_op_inburgeraar(inburgeraar, gemeenten=["GM0222", "GM0197"])) == 2
    assert app.zoek_op_inburgeraar(inburgeraar, gemeenten=["GM0363"]) == []
    with pytest.raises(GeenToegang):
        app.stel_concept_op(
            gemeente="GM0363",
            gemeenten=["GM0222"],
            inburgeraar_id=inburgeraar,
            doelgroep=Doelgroep.GEZINSMIGRANT,
            datum_start_inburgeringsplicht=START,
        )
    app.close()


def test_another_gemeente_does_not_see_the_traject(settings: PlatformSettings) -> None:
    """The gemeente has the regie; another gemeente's PIP is reported as not found."""
    app = nieuwe_app(settings)
    pip_id = concept_in(app)
    with pytest.raises(NotFound):
        app.pip(pip_id, gemeenten=["GM0197"])
    with pytest.raises(NotFound):
        app.vaststellen(pip_id, gemeenten=["GM0197"], **pip())
    app.close()


def test_a_stale_if_match_version_is_refused(settings: PlatformSettings) -> None:
    """Optimistic concurrency: a change based on an old version is a conflict."""
    app = nieuwe_app(settings)
    pip_id = concept_in(app)
    app.vaststellen(pip_id, gemeenten=["GM0222"], verwachte_versie=1, **pip())
    with pytest.raises(ConcurrencyConflict):
        app.vaststellen(
            pip_id, gemeenten=["GM0222"], verwachte_versie=1, **pip(dagtekening=D(2026, 1, 2))
        )
    assert app.pip(pip_id, gemeenten=["GM0222"])["versie"] == 3
    app.close()


def test_two_application_instances_saving_the_same_version_conflict(
    settings: PlatformSettings,
) -> None:
    """Two workers change the same PIP at once: one wins, the other gets a conflict."""
    eerste, tweede = nieuwe_app(settings), nieuwe_app(settings)
    pip_id = concept_in(eerste)
    eerste.vaststellen(pip_id, gemeenten=["GM0222"], **pip())

    a = eerste.get_voor(Inburgeringstraject, pip_id, ["GM0222"])
    b = tweede.get_voor(Inburgeringstraject, pip_id, ["GM0222"])
    uren(a, UrenSoort.CURSUS, 10)
    uren(b, UrenSoort.CURSUS, 20)
    eerste.save(a)
    with pytest.raises(ConcurrencyConflict):
        tweede.save(b)

    view = tweede.pip(pip_id, gemeenten=["GM0222"])
    assert [u["uren"] for u in view["urenregistraties"]] == [10]
    eerste.close()
    tweede.close()


# --- Repeated extensions of the termijn (art. 12 Wi2021, art. 4.5 Besluit) -------------


def test_an_extended_termijn_is_extended_again_only_in_its_last_six_months(
    clock: FrozenClock,
) -> None:
    """art. 12 Wi2021 jo. art. 4.1 and 4.5 Besluit inburgering 2021 (secundair: Schulinck on
    art. 4.5: an extended termijn may be extended again, the request in its last six months;
    inburgeren.nl 'Extra tijd': no period twice)."""
    traject = vastgesteld()
    traject.verleng_termijn(
        reden=VerlengingReden.ZIEKTE, nieuwe_einddatum=D(2029, 6, 15), toelichting=None
    )
    refused(
        rules.HerhaaldeVerlengingTeVroeg,
        traject.verleng_termijn,
        reden=VerlengingReden.ZIEKTE,
        nieuwe_einddatum=D(2029, 12, 15),
        toelichting=None,
    )
    clock.set(dt.datetime(2028, 12, 15, 9, tzinfo=dt.UTC))
    traject.verleng_termijn(
        reden=VerlengingReden.ZIEKTE, nieuwe_einddatum=D(2029, 12, 15), toelichting=None
    )
    assert [v.nieuwe_einddatum for v in traject.verlengingen] == [D(2029, 6, 15), D(2029, 12, 15)]


def test_the_six_months_of_a_repeated_extension_start_on_the_calendar_day() -> None:
    """art. 4.5 Besluit inburgering 2021 (secundair: Schulinck): the last six months of the
    extended termijn, counted in calendar months; a first extension has no such limit."""
    rules.check_herhaalde_verlenging(0, D(2029, 6, 15), D(2026, 1, 5))
    rules.check_herhaalde_verlenging(1, D(2029, 6, 15), D(2028, 12, 15))
    with pytest.raises(rules.HerhaaldeVerlengingTeVroeg) as e:
        rules.check_herhaalde_verlenging(1, D(2029, 6, 15), D(2028, 12, 14))
    assert e.value.veld == "nieuweEinddatum"


def test_duos_own_extension_wins_over_the_repeated_extension_rule() -> None:
    """art. 11 and 12 Wi2021: DUO decides; its termijn (SS103/SS104) is taken over as is."""
    traject = vastgesteld()
    traject.verleng_termijn(
        reden=VerlengingReden.ZIEKTE, nieuwe_einddatum=D(2029, 6, 15), toelichting=None
    )
    assert traject.neem_termijn_van_duo_over(
        startdatum=TERMIJN_START,
        einddatum=D(2029, 12, 15),
        gebeurtenis="SS104",
        verlengingsgrondcode="ZIE",
        verlengingsgrondomschrijving="Ziekte",
    )
    assert traject.termijn_einde == D(2029, 12, 15)
