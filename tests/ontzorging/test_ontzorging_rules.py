"""Financieel ontzorgen (art. 56a Participatiewet) as rules on the aggregate and use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.ontzorging.application import OntzorgingApplication
from services.ontzorging.domainmodel import Ontzorging
from services.ontzorging.rules import (
    AfbouwOngeldig,
    BedragWijktAf,
    BetaalmachtigingOntbreekt,
    BetalingAlGedaan,
    BetalingBuitenOntzorgingsperiode,
    BetalingTeVroeg,
    BetalingVoorStart,
    BudgetbeheerNietGestart,
    DatumInToekomst,
    Doelgroep,
    OngeldigBedrag,
    OngeldigeIban,
    OntzorgingAfgesloten,
    OntzorgingBestaatAl,
    OntzorgingNietToegestaan,
    OntzorgingsperiodeNietVerstreken,
    Post,
    RedenBeeindiging,
    Status,
    ToelichtingOntbreekt,
    check_ontzorging_toegestaan,
    einde_periode,
)
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.domain import ConcurrencyConflict, NotFound

IBAN_WONINGCORPORATIE = "NL91ABNA0417164300"
IBAN_ENERGIE = "NL20INGB0001234567"
IBAN_ZORGVERZEKERAAR = "NL39RABO0300065264"
HUUR, ENERGIE, ZORG = 65_000, 12_000, 14_500


def zet_klok(clock: FrozenClock, dag: dt.date) -> None:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, 0, tzinfo=dt.UTC))


def start(**wijziging: Any) -> Ontzorging:
    """Bijstand from 1 January 2026, beschikking on 5 January (the clock's today)."""
    args: dict[str, Any] = {
        "gemeente": "GM0222",
        "inburgeraar_id": uuid4(),
        "pip_id": None,
        "doelgroep": Doelgroep.ASIELSTATUSHOUDER,
        "ontvangt_bijstand": True,
        "verblijfsvergunning_asiel_bepaalde_tijd": True,
        "beschikkingsdatum": dt.date(2026, 1, 5),
        "startdatum_bijstand": dt.date(2026, 1, 1),
        "betaalmachtiging_gegeven": True,
    }
    return Ontzorging.start(**(args | wijziging))


def met_verplichte_posten(o: Ontzorging) -> Ontzorging:
    o.leg_vaste_last_vast(Post.HUUR, "Woonstichting De Liemers", IBAN_WONINGCORPORATIE, HUUR)
    o.leg_vaste_last_vast(Post.ENERGIE, "Energieleverancier", IBAN_ENERGIE, ENERGIE)
    o.leg_vaste_last_vast(Post.ZORGVERZEKERING, "Zorgverzekeraar", IBAN_ZORGVERZEKERAAR, ZORG)
    return o


def na_zes_maanden(clock: FrozenClock) -> Ontzorging:
    o = met_verplichte_posten(start())
    zet_klok(clock, dt.date(2026, 7, 1))
    o.start_budgetbeheer(dt.date(2026, 7, 1))
    return o


# --- Who is ontzorgd ----------------------------------------------------------------------


@pytest.mark.parametrize("doelgroep", [Doelgroep.GEZINSMIGRANT, Doelgroep.OVERIGE_MIGRANT])
def test_a_nareiziger_with_an_asylum_permit_is_ontzorgd_whatever_the_doelgroep(
    clock: FrozenClock, doelgroep: Doelgroep
) -> None:
    """art. 56a lid 1 Participatiewet: bijstand and a temporary asylum permit, no doelgroep
    condition; a gezinsmigrant joining a statushouder on an afhankelijke asielvergunning is
    ontzorgd (secundair: Schulinck, 'Het nieuwe inburgeringsstelsel')."""
    assert start(doelgroep=doelgroep).status is Status.ONTZORGD


def test_a_statushouder_without_bijstand_is_not_ontzorgd() -> None:
    """art. 56a lid 1 Participatiewet: the fixed costs are paid from the bijstand."""
    with pytest.raises(OntzorgingNietToegestaan) as e:
        check_ontzorging_toegestaan(False, True)
    assert e.value.ontbrekend == ["bijstand"]
    assert e.value.bron and e.value.bron.startswith("art. 56a lid 1 Participatiewet")


def test_a_nareiziger_with_a_regular_permit_is_not_ontzorgd() -> None:
    """art. 56a lid 1 Participatiewet: the temporary asylum permit decides, not the doelgroep."""
    with pytest.raises(OntzorgingNietToegestaan) as e:
        check_ontzorging_toegestaan(True, False)
    assert e.value.ontbrekend == ["verblijfsvergunning asiel voor bepaalde tijd"]


def test_every_missing_condition_is_named_at_once() -> None:
    """art. 56a lid 1 Participatiewet: bijstand and the permit, both named."""
    with pytest.raises(OntzorgingNietToegestaan) as e:
        check_ontzorging_toegestaan(False, False)
    assert len(e.value.ontbrekend) == 2


# --- The six months -----------------------------------------------------------------------


def test_the_six_months_run_from_the_start_of_bijstand(clock: FrozenClock) -> None:
    """art. 56a Participatiewet: six calendar months from the start of bijstand."""
    o = start(startdatum_bijstand=dt.date(2025, 12, 15))
    assert o.einde_ontzorgingsperiode == dt.date(2026, 6, 15)
    assert o.ontzorgingsmaanden == [
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    assert einde_periode(dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)


def test_a_beschikking_after_the_six_months_finds_none_of_them_left(clock: FrozenClock) -> None:
    """art. 56a lid 1 Participatiewet: the six months run from the start of the bijstand,
    whatever the date of the PIP; a later beschikking does not move them, it only reaches the
    months still left (after them: none, only a voluntary continuation, art. 57 Pw)."""
    laat = start(startdatum_bijstand=dt.date(2025, 8, 1))
    assert laat.einde_ontzorgingsperiode == dt.date(2026, 2, 1)
    assert laat.resterende_ontzorgingsmaanden == ["2026-01"]
    te_laat = start(startdatum_bijstand=dt.date(2025, 6, 1))
    assert te_laat.einde_ontzorgingsperiode == dt.date(2025, 12, 1)
    assert te_laat.resterende_ontzorgingsmaanden == []
    assert start().resterende_ontzorgingsmaanden == start().ontzorgingsmaanden


def test_a_beschikking_dated_tomorrow_is_refused(clock: FrozenClock) -> None:
    with pytest.raises(DatumInToekomst):
        start(beschikkingsdatum=dt.date(2026, 1, 6))


# --- Fixed costs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban", ["NL91ABNA0417164301", "NL91ABNA041716430", "1234567890", "NL91 ABNA 0417 1643 0O"]
)
def test_an_invalid_iban_is_refused(clock: FrozenClock, iban: str) -> None:
    """ISO 13616: country code, length and mod-97 check digits."""
    o = start()
    with pytest.raises(OngeldigeIban):
        o.leg_vaste_last_vast(Post.HUUR, "Woonstichting", iban, HUUR)
    assert o.vaste_lasten == []


def test_an_iban_with_spaces_is_stored_normalised(clock: FrozenClock) -> None:
    o = start()
    o.leg_vaste_last_vast(Post.WATER, "Waterbedrijf", "nl91 abna 0417 1643 00", 2_000)
    assert o.vaste_lasten[0].iban == IBAN_WONINGCORPORATIE


def test_iban_and_crediteur_are_marked_as_personal_data() -> None:
    """A private landlord's name and IBAN identify a person (AVG)."""
    assert {"crediteur", "iban"} <= Ontzorging.VasteLastVastgelegd.persoonsgegevens
    assert "toelichting" in Ontzorging.OntzorgingBeeindigd.persoonsgegevens
    assert "vaste_lasten" in Ontzorging.persoonsgegevens


@pytest.mark.parametrize("bedrag", [0, -100])
def test_a_monthly_amount_is_positive_cents(clock: FrozenClock, bedrag: int) -> None:
    with pytest.raises(OngeldigBedrag):
        start().leg_vaste_last_vast(Post.HUUR, "Woonstichting", IBAN_WONINGCORPORATIE, bedrag)


def test_registering_the_same_post_again_changes_nothing(clock: FrozenClock) -> None:
    o = met_verplichte_posten(start())
    versie = o.version
    o.leg_vaste_last_vast(Post.HUUR, "Woonstichting De Liemers", IBAN_WONINGCORPORATIE, HUUR)
    assert o.version == versie


# --- Payments -----------------------------------------------------------------------------


def test_rent_is_paid_before_the_other_usual_posts_are_registered(clock: FrozenClock) -> None:
    """secundair: Verzamelbrief inburgering april 2023 (the minister's wider reading of art.
    56a Pw): rent, gas, water, electricity and health insurance are the usual posts, a
    recommendation the read model shows, not a precondition of any payment."""
    o = start()
    o.leg_vaste_last_vast(Post.HUUR, "Woonstichting", IBAN_WONINGCORPORATIE, HUUR)
    o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    assert len(o.betalingen) == 1
    assert o.ontbrekende_vaste_lasten == ["gas", "elektriciteit", "water", "zorgverzekering"]


def test_no_payment_without_a_betaalmachtiging(clock: FrozenClock) -> None:
    """art. 56a Pw: the gemeente pays on the inburgeraar's behalf only with his machtiging."""
    o = met_verplichte_posten(start(betaalmachtiging_gegeven=False))
    with pytest.raises(BetaalmachtigingOntbreekt):
        o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    o.geef_betaalmachtiging(dt.date(2026, 1, 5))
    o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    assert len(o.betalingen) == 1


@pytest.mark.parametrize("maand", ["2025-12", "2026-07"])
def test_only_the_six_months_are_paid(clock: FrozenClock, maand: str) -> None:
    """art. 56a Pw: not before the month bijstand starts, not after the sixth month."""
    o = met_verplichte_posten(start())
    zet_klok(clock, dt.date(2026, 7, 1))
    with pytest.raises(BetalingBuitenOntzorgingsperiode):
        o.betaal(maand, Post.HUUR, HUUR, dt.date(2026, 7, 1))


def test_payments_run_from_the_start_of_bijstand_not_from_the_beschikking(
    clock: FrozenClock,
) -> None:
    """art. 56a lid 1 Participatiewet: the six months are the bijstand's first; a payment
    made in them before the PIP's beschikking is recorded, one before the bijstand is not."""
    o = met_verplichte_posten(start())
    o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 4))
    with pytest.raises(BetalingVoorStart):
        o.betaal("2026-01", Post.ENERGIE, ENERGIE, dt.date(2025, 12, 31))


def test_a_month_is_paid_at_most_one_month_ahead(clock: FrozenClock) -> None:
    """Platform rule: a month's fixed costs come from that month's bijstand."""
    o = met_verplichte_posten(start())
    with pytest.raises(BetalingTeVroeg):
        o.betaal("2026-03", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    o.betaal("2026-02", Post.HUUR, HUUR, dt.date(2026, 1, 5))


def test_no_payment_dated_in_the_future(clock: FrozenClock) -> None:
    o = met_verplichte_posten(start())
    with pytest.raises(DatumInToekomst):
        o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 6))


def test_the_same_post_and_month_are_never_paid_twice(clock: FrozenClock) -> None:
    o = met_verplichte_posten(start())
    o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    versie = o.version
    with pytest.raises(BetalingAlGedaan) as e:
        o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    assert "al betaald op 2026-01-05" in e.value.detail
    assert e.value.status == 409
    assert (o.version, len(o.betalingen)) == (versie, 1)


def test_the_amount_paid_is_the_amount_registered_or_a_recorded_change(
    clock: FrozenClock,
) -> None:
    o = met_verplichte_posten(start())
    with pytest.raises(BedragWijktAf):
        o.betaal("2026-01", Post.HUUR, HUUR + 1, dt.date(2026, 1, 5))
    o.leg_vaste_last_vast(
        Post.HUUR, "Woonstichting De Liemers", IBAN_WONINGCORPORATIE, 67_000, "2026-02"
    )
    o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    o.betaal("2026-02", Post.HUUR, 67_000, dt.date(2026, 1, 5))
    assert [b.bedrag_cent for b in o.betalingen] == [HUUR, 67_000]


# --- After the six months -----------------------------------------------------------------


def test_budgetbeheer_starts_only_when_the_six_months_have_ended(clock: FrozenClock) -> None:
    """art. 56a Pw: six months ontzorgen first; budgetbeheer from einde_ontzorgingsperiode."""
    o = met_verplichte_posten(start())
    zet_klok(clock, dt.date(2026, 7, 1))
    with pytest.raises(OntzorgingsperiodeNietVerstreken):
        o.start_budgetbeheer(dt.date(2026, 6, 30))
    o.start_budgetbeheer(dt.date(2026, 7, 1))
    assert o.status == Status.BUDGETBEHEER


def test_budgetbeheer_cannot_be_dated_in_the_future(clock: FrozenClock) -> None:
    o = met_verplichte_posten(start())
    zet_klok(clock, dt.date(2026, 6, 30))
    with pytest.raises(DatumInToekomst):
        o.start_budgetbeheer(dt.date(2026, 7, 1))


def test_coaching_afbouw_and_self_reliance_need_budgetbeheer(clock: FrozenClock) -> None:
    """domain.md step 8: budgetbeheer, then coaching and afbouw, then self-reliance."""
    o = met_verplichte_posten(start())
    with pytest.raises(BudgetbeheerNietGestart):
        o.voer_budgetcoachinggesprek(dt.date(2026, 1, 5))
    with pytest.raises(BudgetbeheerNietGestart):
        o.start_afbouw(dt.date(2026, 1, 5), [Post.ENERGIE])
    with pytest.raises(BudgetbeheerNietGestart):
        o.stel_financieel_zelfredzaam_vast(dt.date(2026, 1, 5))


def test_afbouw_hands_over_registered_posts_once(clock: FrozenClock) -> None:
    o = na_zes_maanden(clock)
    with pytest.raises(AfbouwOngeldig):
        o.start_afbouw(dt.date(2026, 7, 1), [Post.WATER])
    o.start_afbouw(dt.date(2026, 7, 1), [Post.ENERGIE])
    assert o.zelf_betaalde_posten == {"energie"}
    assert o.status == Status.AFBOUW
    with pytest.raises(AfbouwOngeldig):
        o.start_afbouw(dt.date(2026, 7, 1), [Post.ENERGIE, Post.HUUR])


def test_after_self_reliance_nothing_changes(clock: FrozenClock) -> None:
    o = na_zes_maanden(clock)
    o.voer_budgetcoachinggesprek(dt.date(2026, 7, 1))
    o.stel_financieel_zelfredzaam_vast(dt.date(2026, 7, 1))
    assert o.status == Status.FINANCIEEL_ZELFREDZAAM
    assert o.zelf_betaalde_posten == {"huur", "energie", "zorgverzekering"}
    with pytest.raises(OntzorgingAfgesloten):
        o.voer_budgetcoachinggesprek(dt.date(2026, 7, 1))
    with pytest.raises(OntzorgingAfgesloten):
        o.beeindig(dt.date(2026, 7, 1), RedenBeeindiging.BIJSTAND_BEEINDIGD)


def test_a_stop_is_possible_during_the_six_months_and_closes_the_case(clock: FrozenClock) -> None:
    """art. 56a Pw: ontzorgen ends early when bijstand ends or the person moves away."""
    o = met_verplichte_posten(start())
    o.beeindig(dt.date(2026, 1, 5), RedenBeeindiging.VERHUISD_NAAR_ANDERE_GEMEENTE)
    assert o.status == Status.BEEINDIGD
    with pytest.raises(OntzorgingAfgesloten):
        o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))


def test_a_stop_for_another_reason_is_explained(clock: FrozenClock) -> None:
    o = start()
    with pytest.raises(ToelichtingOntbreekt):
        o.beeindig(dt.date(2026, 1, 5), RedenBeeindiging.OVERIG, "  ")
    o.beeindig(dt.date(2026, 1, 5), RedenBeeindiging.OVERIG, "Naar het buitenland")
    assert o.beeindiging is not None and o.beeindiging.toelichting == "Naar het buitenland"


# --- Use cases on both event stores -------------------------------------------------------


@pytest.fixture
def app(settings: PlatformSettings, clock: FrozenClock) -> Iterator[OntzorgingApplication]:
    application = OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name))
    yield application
    application.close()


def start_via(app: OntzorgingApplication, inburgeraar_id: UUID, gemeente: str = "GM0222") -> UUID:
    return app.start_ontzorging(
        gemeente=gemeente,
        inburgeraar_id=inburgeraar_id,
        pip_id=None,
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        ontvangt_bijstand=True,
        verblijfsvergunning_asiel_bepaalde_tijd=True,
        beschikkingsdatum=dt.date(2026, 1, 5),
        startdatum_bijstand=dt.date(2026, 1, 1),
        betaalmachtiging_gegeven=True,
        gemeenten=[gemeente],
    ).id


def test_one_ontzorging_per_inburgeraar_per_gemeente(app: OntzorgingApplication) -> None:
    inburgeraar = uuid4()
    ontzorging_id = start_via(app, inburgeraar)
    with pytest.raises(OntzorgingBestaatAl):
        start_via(app, inburgeraar)
    assert [o.id for o in app.ontzorgingen_van(inburgeraar, ["GM0222"])] == [ontzorging_id]
    assert app.ontzorgingen_van(inburgeraar, ["GM0363"]) == []


def test_another_gemeentes_ontzorging_does_not_exist_for_you(app: OntzorgingApplication) -> None:
    ontzorging_id = start_via(app, uuid4())
    with pytest.raises(NotFound):
        app.ontzorging(ontzorging_id, ["GM0363"])
    with pytest.raises(NotFound):
        app.start_budgetbeheer(ontzorging_id, dt.date(2026, 7, 1), gemeenten=["GM0363"])


def test_payments_survive_a_reload_from_the_event_store(
    app: OntzorgingApplication, settings: PlatformSettings
) -> None:
    ontzorging_id = start_via(app, uuid4())
    for post, iban, bedrag in [
        (Post.HUUR, IBAN_WONINGCORPORATIE, HUUR),
        (Post.ENERGIE, IBAN_ENERGIE, ENERGIE),
        (Post.ZORGVERZEKERING, IBAN_ZORGVERZEKERAAR, ZORG),
    ]:
        app.leg_vaste_last_vast(
            ontzorging_id,
            post,
            crediteur="Crediteur",
            iban=iban,
            bedrag_per_maand_cent=bedrag,
            gemeenten=["GM0222"],
        )
    app.betaal_vaste_last(
        ontzorging_id,
        maand="2026-01",
        post=Post.HUUR,
        bedrag_cent=HUUR,
        betaaldatum=dt.date(2026, 1, 5),
        gemeenten=["GM0222"],
    )
    opnieuw = OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name))
    try:
        overzicht = opnieuw.ontzorging(ontzorging_id, ["GM0222"])
    finally:
        opnieuw.close()
    assert overzicht.versie == 5
    assert [(b.maand, b.post, b.bedrag_cent) for b in overzicht.betalingen] == [
        ("2026-01", "huur", HUUR)
    ]
    assert overzicht.ontbrekende_vaste_lasten == ["water"]


def test_a_stale_version_is_refused(app: OntzorgingApplication) -> None:
    ontzorging_id = start_via(app, uuid4())
    app.geef_betaalmachtiging(ontzorging_id, dt.date(2026, 1, 5), gemeenten=["GM0222"])
    with pytest.raises(ConcurrencyConflict):
        app.beeindig(
            ontzorging_id,
            einddatum=dt.date(2026, 1, 5),
            reden=RedenBeeindiging.BIJSTAND_BEEINDIGD,
            gemeenten=["GM0222"],
            verwachte_versie=2,
        )


def test_two_simultaneous_changes_one_wins_the_other_conflicts(
    app: OntzorgingApplication,
) -> None:
    ontzorging_id = start_via(app, uuid4())
    eerste = app.repository.get(ontzorging_id)
    tweede = app.repository.get(ontzorging_id)
    eerste.leg_vaste_last_vast(Post.HUUR, "Woonstichting", IBAN_WONINGCORPORATIE, HUUR)
    tweede.leg_vaste_last_vast(Post.ENERGIE, "Energieleverancier", IBAN_ENERGIE, ENERGIE)
    app.save(eerste)
    with pytest.raises(ConcurrencyConflict):
        app.save(tweede)
    assert [v.post for v in app.repository.get(ontzorging_id).vaste_lasten] == ["huur"]


def test_an_ontzorging_gestart_stored_as_v1_is_read_with_the_end_of_the_six_months(
    app: OntzorgingApplication,
) -> None:
    """class_version 2 adds einde_ontzorgingsperiode; a v1 record gets it from the rule."""
    o = start(startdatum_bijstand=dt.date(2025, 8, 31))
    [gestart] = o.collect_events()
    stored = app.mapper.to_stored_event(gestart)
    state = app.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    del state["einde_ontzorgingsperiode"]
    app.recorder.insert_events([replace(stored, state=app.mapper.transcoder.encode(state))])

    gelezen = app.repository.get(o.id)
    assert gelezen.einde_ontzorgingsperiode == dt.date(2026, 2, 28)


def test_a_month_is_written_as_jjjj_mm() -> None:
    """Platform rule (bron of OngeldigeMaand): a month of fixed costs is JJJJ-MM."""
    from services.ontzorging import rules

    with pytest.raises(rules.OngeldigeMaand):
        rules.check_maand("2026-13")
    rules.check_maand("2026-12")


def test_a_fixed_cost_names_its_creditor() -> None:
    """art. 56a lid 1 Participatiewet: the gemeente pays the creditor directly, so the
    creditor is named."""
    from services.ontzorging import rules

    with pytest.raises(rules.CrediteurOntbreekt):
        rules.check_crediteur("   ")
    assert rules.check_crediteur(" Woonstichting ") == "Woonstichting"


def test_budgetbeheer_starts_once() -> None:
    """domain.md stap 8 (secondary): after ontzorgen comes budgetbeheer, once."""
    from services.ontzorging import rules

    with pytest.raises(rules.BudgetbeheerAlGestart):
        rules.check_budgetbeheer_nog_niet_gestart(dt.date(2026, 7, 1))
    rules.check_budgetbeheer_nog_niet_gestart(None)
