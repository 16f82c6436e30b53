"""The rules of registration and brede intake, at the aggregate and application level.

The clock fixture stands on 2026-01-05; the obligation in these scenarios started on
2025-12-01.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from services.intake.application import IntakeApplication
from services.intake.domainmodel import (
    BsnVerwijzing,
    COAProfiel,
    Hoofddoel,
    HoofddoelKeuze,
    Huisgenoot,
    Inburgeraar,
    Leerbaarheidstoets,
    LeerrouteAdvies,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    Relatie,
    Toetsuitslag,
    ToetsVrijstelling,
    VrijstellingReden,
)
from services.intake.rules import (
    AfrondingVoorLaatsteGesprek,
    AfwijkingZonderMotivatie,
    AlGeregistreerd,
    BsnOngeldig,
    COAProfielNietVoorDoelgroep,
    DatumInToekomst,
    DatumVoorStartInburgeringsplicht,
    Doelgroep,
    Gevolg,
    IntakeAfgesloten,
    IntakeOnvolledig,
    LeerbaarheidstoetsOngeldig,
    Leerroute,
    LeerrouteAdviesZonderToets,
    NietVerschenenAlVastgelegd,
    NieuweUitnodigingOngeldig,
    TeJongVoorInburgeringsplicht,
    ToetsResultaat,
)
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.domain import ConcurrencyConflict, NotFound

START = dt.date(2025, 12, 1)
BSN = "111222333"
HAALBAAR = Leerbaarheidstoets(
    uitslag=Toetsuitslag(ToetsResultaat.B1_ROUTE_HAALBAAR, "71,20", "60,00", dt.date(2025, 12, 8))
)
NIET_HAALBAAR = Leerbaarheidstoets(
    uitslag=Toetsuitslag(
        ToetsResultaat.B1_ROUTE_NIET_HAALBAAR, "41,00", "60,00", dt.date(2025, 12, 8)
    )
)
GEZOND = PersoonlijkeOmstandigheden("geen bijzonderheden", "slaapt slecht sinds de vlucht")


def registreer(
    doelgroep: Doelgroep = Doelgroep.ASIELSTATUSHOUDER,
    bsn: str = BSN,
    geboortedatum: dt.date = dt.date(1994, 3, 2),
    start: dt.date = START,
) -> Inburgeraar:
    return Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=doelgroep,
        bsn=bsn,
        naam="Amal Haddad",
        geboortedatum=geboortedatum,
        adres=None,
        datum_start_inburgeringsplicht=start,
        vestigingsdatum=None,
    )


def volledig(inburgeraar: Inburgeraar, advies: Leerroute = Leerroute.B1) -> Inburgeraar:
    inburgeraar.voer_intakegesprek(dt.date(2025, 12, 10), "kr-1")
    inburgeraar.leg_leerbaarheidstoets_vast(HAALBAAR)
    inburgeraar.leg_opleiding_en_werkervaring_vast(OpleidingEnWerkervaring([], []))
    inburgeraar.leg_persoonlijke_omstandigheden_vast(GEZOND)
    inburgeraar.leg_hoofddoel_vast(HoofddoelKeuze(Hoofddoel.WERK))
    inburgeraar.adviseer_leerroute(LeerrouteAdvies(advies))
    return inburgeraar


# --- registration ---


def test_a_bsn_that_fails_the_11_proef_is_refused(clock: FrozenClock) -> None:
    """11-proef of the BSN."""
    with pytest.raises(BsnOngeldig):
        registreer(bsn="111222334")


def test_someone_not_yet_16_when_the_obligation_starts_is_refused(clock: FrozenClock) -> None:
    """art. 3 Wi2021: inburgeringsplichtig from 16 (under 18 only on request, see
    tests/intake/test_leeftijd.py)."""
    with pytest.raises(TeJongVoorInburgeringsplicht):
        registreer(geboortedatum=dt.date(2010, 1, 1))
    zestien = Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn=BSN,
        naam="Amal Haddad",
        geboortedatum=dt.date(2009, 12, 1),
        adres=None,
        datum_start_inburgeringsplicht=START,
        op_verzoek=True,
    )
    assert zestien.geboortedatum == dt.date(2009, 12, 1)


def test_an_obligation_that_has_not_started_yet_cannot_be_registered(clock: FrozenClock) -> None:
    with pytest.raises(DatumInToekomst):
        registreer(start=dt.date(2026, 1, 6))


def test_the_pip_must_be_set_within_ten_weeks_of_the_start(clock: FrozenClock) -> None:
    """art. 15 Wi2021: the PIP within 10 weeks (70 days) after the start."""
    assert registreer().uiterste_datum_pip == dt.date(2026, 2, 9)


def test_only_an_asielstatushouder_comes_with_a_coa_profile(clock: FrozenClock) -> None:
    """domain.md, group differences: COA koppeling and handover only for asielstatushouders."""
    profiel = COAProfiel([], "Syrië", ["Arabisch"], zichtbare_beperkingen="loopt met kruk")
    with pytest.raises(COAProfielNietVoorDoelgroep):
        registreer(doelgroep=Doelgroep.GEZINSMIGRANT).ontvang_coa_profiel(profiel)
    statushouder = registreer()
    statushouder.ontvang_coa_profiel(profiel)
    assert statushouder.coa_profiel == profiel


# --- conversations and parts ---


def test_an_intake_conversation_lies_between_the_start_and_today(clock: FrozenClock) -> None:
    """art. 14 Wi2021: the brede intake follows the start of the obligation."""
    inburgeraar = registreer()
    with pytest.raises(DatumVoorStartInburgeringsplicht):
        inburgeraar.voer_intakegesprek(dt.date(2025, 11, 30), "kr-1")
    with pytest.raises(DatumInToekomst):
        inburgeraar.voer_intakegesprek(dt.date(2026, 1, 6), "kr-1")
    assert inburgeraar.voer_intakegesprek(dt.date(2025, 12, 1), "kr-1") == 1
    assert inburgeraar.voer_intakegesprek(dt.date(2026, 1, 5), "kr-2") == 2


def test_the_leerbaarheidstoets_is_a_result_or_an_exemption_not_both(clock: FrozenClock) -> None:
    """art. 14 lid 3 Wi2021; exemption for a visual or auditory impairment."""
    inburgeraar = registreer()
    vrijstelling = ToetsVrijstelling(VrijstellingReden.VISUELE_BEPERKING, "blind sinds 2019")
    with pytest.raises(LeerbaarheidstoetsOngeldig):
        inburgeraar.leg_leerbaarheidstoets_vast(Leerbaarheidstoets())
    with pytest.raises(LeerbaarheidstoetsOngeldig):
        inburgeraar.leg_leerbaarheidstoets_vast(
            Leerbaarheidstoets(uitslag=HAALBAAR.uitslag, vrijstelling=vrijstelling)
        )
    with pytest.raises(LeerbaarheidstoetsOngeldig):
        inburgeraar.leg_leerbaarheidstoets_vast(
            Leerbaarheidstoets(vrijstelling=ToetsVrijstelling(vrijstelling.reden, " "))
        )
    inburgeraar.leg_leerbaarheidstoets_vast(Leerbaarheidstoets(vrijstelling=vrijstelling))
    assert inburgeraar.leerbaarheidstoets == Leerbaarheidstoets(vrijstelling=vrijstelling)


def test_a_leerroute_is_advised_only_once_the_toets_is_known(clock: FrozenClock) -> None:
    """art. 14 lid 3 Wi2021: the advice weighs the outcome of the leerbaarheidstoets."""
    with pytest.raises(LeerrouteAdviesZonderToets):
        registreer().adviseer_leerroute(LeerrouteAdvies(Leerroute.B1))


@pytest.mark.parametrize(
    ("toets", "leerroute"),
    [(HAALBAAR, Leerroute.Z), (NIET_HAALBAAR, Leerroute.B1), (NIET_HAALBAAR, Leerroute.ONDERWIJS)],
)
def test_deviating_from_the_toets_outcome_needs_a_motivation(
    clock: FrozenClock, toets: Leerbaarheidstoets, leerroute: Leerroute
) -> None:
    """art. 14 Wi2021 / Divosa: the gemeente may deviate from the toets, with reasons."""
    inburgeraar = registreer()
    inburgeraar.leg_leerbaarheidstoets_vast(toets)
    with pytest.raises(AfwijkingZonderMotivatie):
        inburgeraar.adviseer_leerroute(LeerrouteAdvies(leerroute, "  "))
    inburgeraar.adviseer_leerroute(LeerrouteAdvies(leerroute, "werkt al op B1-niveau"))
    assert inburgeraar.leerroute_advies == LeerrouteAdvies(leerroute, "werkt al op B1-niveau")
    assert inburgeraar.pending_events[-1].wijkt_af_van_toets is True  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("toets", "leerroute"),
    [
        (HAALBAAR, Leerroute.B1),
        (HAALBAAR, Leerroute.ONDERWIJS),
        (NIET_HAALBAAR, Leerroute.Z),
        (
            Leerbaarheidstoets(
                vrijstelling=ToetsVrijstelling(VrijstellingReden.AUDITIEVE_BEPERKING, "doof")
            ),
            Leerroute.Z,
        ),
    ],
)
def test_following_the_toets_or_an_exemption_needs_no_motivation(
    clock: FrozenClock, toets: Leerbaarheidstoets, leerroute: Leerroute
) -> None:
    inburgeraar = registreer()
    inburgeraar.leg_leerbaarheidstoets_vast(toets)
    inburgeraar.adviseer_leerroute(LeerrouteAdvies(leerroute))
    assert inburgeraar.pending_events[-1].wijkt_af_van_toets is False  # type: ignore[attr-defined]


def test_a_toets_recorded_again_after_the_advice_asks_for_a_motivation(
    clock: FrozenClock,
) -> None:
    """art. 14 Wi2021 / Divosa: a deviation needs reasons, also when the toets came later."""
    inburgeraar = volledig(registreer(), advies=Leerroute.B1)
    inburgeraar.leg_leerbaarheidstoets_vast(NIET_HAALBAAR)
    with pytest.raises(IntakeOnvolledig) as refused:
        inburgeraar.rond_af(dt.date(2026, 1, 5))
    assert refused.value.ontbrekend == ["leerroute-advies.motivatie"]


# --- afronding ---


def test_ending_an_empty_intake_names_every_missing_part(clock: FrozenClock) -> None:
    """art. 14 Wi2021: minimum content of the brede intake."""
    with pytest.raises(IntakeOnvolledig) as refused:
        registreer().rond_af(dt.date(2026, 1, 5))
    assert refused.value.ontbrekend == [
        "intakegesprek",
        "leerbaarheidstoets",
        "opleiding-en-werkervaring",
        "persoonlijke-omstandigheden",
        "leerroute-advies",
    ]
    assert "leerroute-advies" in refused.value.detail


def test_a_parent_of_a_toddler_hears_about_vve_before_the_intake_ends(clock: FrozenClock) -> None:
    """domain.md step 2: parents are told about pre-school education (VVE)."""
    inburgeraar = volledig(registreer())
    inburgeraar.leg_persoonlijke_omstandigheden_vast(
        dataclasses.replace(GEZOND, geboortedata_kinderen=[dt.date(2022, 1, 6)])
    )
    with pytest.raises(IntakeOnvolledig) as refused:
        inburgeraar.rond_af(dt.date(2026, 1, 5))
    assert refused.value.ontbrekend == ["vve-informatie"]
    inburgeraar.geef_vve_informatie(dt.date(2026, 1, 5))
    inburgeraar.rond_af(dt.date(2026, 1, 5))
    assert inburgeraar.afgerond


def test_a_toddler_known_only_from_the_coa_household_also_calls_for_vve(
    clock: FrozenClock,
) -> None:
    """domain.md step 2 (VVE); the COA profile names the household."""
    inburgeraar = registreer()
    inburgeraar.ontvang_coa_profiel(
        COAProfiel([Huisgenoot(Relatie.KIND, dt.date(2024, 2, 1))], "Eritrea", ["Tigrinya"])
    )
    volledig(inburgeraar)
    with pytest.raises(IntakeOnvolledig) as refused:
        inburgeraar.rond_af(dt.date(2026, 1, 5))
    assert refused.value.ontbrekend == ["vve-informatie"]


def test_children_of_four_and_older_do_not_call_for_vve(clock: FrozenClock) -> None:
    inburgeraar = registreer()
    inburgeraar.ontvang_coa_profiel(
        COAProfiel(
            [
                Huisgenoot(Relatie.KIND, dt.date(2022, 1, 5)),
                Huisgenoot(Relatie.PARTNER, dt.date(1993, 1, 1)),
            ],
            "Eritrea",
            ["Tigrinya"],
        )
    )
    volledig(inburgeraar).rond_af(dt.date(2026, 1, 5))
    assert inburgeraar.afgerond


def test_a_complete_intake_ends_with_intake_afgerond_without_personal_data(
    clock: FrozenClock,
) -> None:
    """art. 14 Wi2021; the PIP service gets what it needs, and no personal data."""
    inburgeraar = volledig(registreer(), advies=Leerroute.ONDERWIJS)
    inburgeraar.leg_vestigingsdatum_vast(dt.date(2025, 12, 20))
    inburgeraar.rond_af(dt.date(2026, 1, 2))
    afgerond = inburgeraar.pending_events[-1]
    assert type(afgerond).__name__ == "IntakeAfgerond"
    assert afgerond.persoonsgegevens == frozenset()
    velden = {k: v for k, v in vars(afgerond).items() if k not in ("timestamp",)}
    assert velden == {
        "originator_id": inburgeraar.id,
        "originator_version": inburgeraar.version,
        "inburgeraar_id": inburgeraar.id,
        "gemeente": "GM0222",
        "doelgroep": "asielstatushouder",
        "datum_start_inburgeringsplicht": dt.date(2025, 12, 1),
        "vestigingsdatum": dt.date(2025, 12, 20),
        "leerroute": "onderwijs",
        "afrondingsdatum": dt.date(2026, 1, 2),
        "hoofddoel": "werk",
        # Ten weeks after the BRP registration, later than the kennisgeving (art. 5.3 Besluit).
        "uiterste_datum_pip": dt.date(2026, 2, 28),
    }
    assert not {BSN, "Amal Haddad", "1994-03-02"} & {str(v) for v in velden.values()}


def test_the_intake_cannot_end_before_its_last_conversation(clock: FrozenClock) -> None:
    inburgeraar = volledig(registreer())
    with pytest.raises(AfrondingVoorLaatsteGesprek):
        inburgeraar.rond_af(dt.date(2025, 12, 9))
    with pytest.raises(DatumInToekomst):
        inburgeraar.rond_af(dt.date(2026, 1, 6))


def test_after_the_afronding_every_part_is_closed(clock: FrozenClock) -> None:
    """art. 14 Wi2021: a finished brede intake is not edited afterwards."""
    inburgeraar = volledig(registreer())
    inburgeraar.rond_af(dt.date(2026, 1, 5))
    wijzigingen = [
        lambda: inburgeraar.voer_intakegesprek(dt.date(2026, 1, 5), "kr-1"),
        lambda: inburgeraar.leg_leerbaarheidstoets_vast(NIET_HAALBAAR),
        lambda: inburgeraar.leg_hoofddoel_vast(HoofddoelKeuze(Hoofddoel.ONDERWIJS)),
        lambda: inburgeraar.adviseer_leerroute(LeerrouteAdvies(Leerroute.ONDERWIJS)),
        lambda: inburgeraar.leg_persoonlijke_omstandigheden_vast(GEZOND),
        lambda: inburgeraar.geef_vve_informatie(dt.date(2026, 1, 5)),
        lambda: inburgeraar.registreer_niet_verschenen(dt.date(2026, 1, 5), None),
        lambda: inburgeraar.rond_af(dt.date(2026, 1, 5)),
    ]
    for wijziging in wijzigingen:
        with pytest.raises(IntakeAfgesloten):
            wijziging()
    assert inburgeraar.hoofddoel == HoofddoelKeuze(Hoofddoel.WERK)


# --- no-show ---


def test_no_show_first_warns_then_proposes_a_fine_each_time_never_fines_by_itself(
    clock: FrozenClock,
) -> None:
    """art. 29 Wi2021 and titel 5.4 Awb: a fine is a beschikking the college takes after
    hearing the person (5:53) and judging verwijtbaarheid (5:41); a no-show gives a warning
    with a new invitation (practice, domain.md step 2), then a proposal. The law caps the
    amount of a fine, not how many there are: every later no-show is a proposal."""
    inburgeraar = registreer()
    with pytest.raises(NieuweUitnodigingOngeldig):
        inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 10), None)
    with pytest.raises(NieuweUitnodigingOngeldig):
        inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 10), dt.date(2025, 12, 10))
    gevolgen = [
        inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 10), dt.date(2025, 12, 17)),
        inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 17), None),
        inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 24), dt.date(2026, 1, 7)),
        inburgeraar.registreer_niet_verschenen(dt.date(2026, 1, 5), None),
    ]
    assert gevolgen == [Gevolg.WAARSCHUWING] + [Gevolg.BOETEVOORSTEL] * 3
    assert inburgeraar.boetes == []
    assert [(v.volgnummer, v.voorgesteld_bedrag_euro) for v in inburgeraar.boetevoorstellen] == [
        (1, 250),
        (2, 250),
        (3, 250),
    ]
    assert [type(e).__name__ for e in inburgeraar.pending_events[1:]] == [
        "NietVerschenen",
        "WaarschuwingGegeven",
        "NietVerschenen",
        "BoetevoorstelGedaan",
        "NietVerschenen",
        "BoetevoorstelGedaan",
        "NietVerschenen",
        "BoetevoorstelGedaan",
    ]


def test_the_same_missed_appointment_is_not_sanctioned_twice(clock: FrozenClock) -> None:
    inburgeraar = registreer()
    inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 10), dt.date(2025, 12, 17))
    with pytest.raises(NietVerschenenAlVastgelegd):
        inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 10), None)
    assert inburgeraar.boetes == []


# --- personal data ---


def test_events_mark_the_personal_data_they_carry(clock: FrozenClock) -> None:
    """AVG art. 9: health is special-category data; BSN, name, birth date, address personal."""
    inburgeraar = registreer()
    inburgeraar.ontvang_coa_profiel(COAProfiel([], "Syrië", ["Arabisch"], None, None, "kruk"))
    volledig(inburgeraar)
    events = {type(e).__name__: e for e in inburgeraar.pending_events}
    assert {"bsn", "naam", "geboortedatum", "adres"} <= events[
        "InburgeraarGeregistreerd"
    ].persoonsgegevens
    assert "zichtbare_beperkingen" in events["COAProfielOntvangen"].persoonsgegevens
    assert {"fysieke_gezondheid", "mentale_gezondheid"} <= events[
        "PersoonlijkeOmstandighedenVastgelegd"
    ].persoonsgegevens
    for name, e in events.items():
        assert e.persoonsgegevens <= set(vars(e)), f"{name} marks fields it does not have"


# --- application: storage, uniqueness, search ---


def _application(settings: PlatformSettings, sleutel: str = "test-sleutel") -> IntakeApplication:
    return IntakeApplication(
        env=settings.event_store_env(IntakeApplication.name), bsn_sleutel=sleutel
    )


def _registreer(app: IntakeApplication, gemeente: str = "GM0222") -> dict[str, Any]:
    return app.registreer_inburgeraar(
        gemeente=gemeente,
        doelgroep=Doelgroep.GEZINSMIGRANT,
        bsn=BSN,
        naam="Amal Haddad",
        geboortedatum=dt.date(1994, 3, 2),
        adres=None,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=dt.date(2025, 11, 1),
        gemeenten=["GM0222", "GM0197"],
    )


def test_a_stored_intake_reads_back_the_same_after_a_restart(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    app = _application(settings)
    inburgeraar_id = _registreer(app)["id"]
    app.voer_intakegesprek(inburgeraar_id, dt.date(2025, 12, 10), "kr-1", gemeenten=["GM0222"])
    app.leg_leerbaarheidstoets_vast(inburgeraar_id, NIET_HAALBAAR, gemeenten=["GM0222"])
    voor = app.inburgeraar(inburgeraar_id, gemeenten=["GM0222"])
    app.close()

    herstart = _application(settings)
    na = herstart.inburgeraar(inburgeraar_id, gemeenten=["GM0222"])
    herstart.close()
    assert na == voor
    assert na["ontbrekend"] == [
        "opleiding-en-werkervaring",
        "persoonlijke-omstandigheden",
        "leerroute-advies",
    ]
    assert na["aanbevelingen"] == ["hoofddoel"]


def test_one_person_is_registered_once_per_gemeente(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """One Inburgeraar per inburgeringsplichtige per gemeente; another gemeente may have one."""
    app = _application(settings)
    eerste = _registreer(app)
    with pytest.raises(AlGeregistreerd) as refused:
        _registreer(app)
    assert refused.value.bestaand_id == eerste["id"]
    tweede = _registreer(app, gemeente="GM0197")
    assert tweede["id"] != eerste["id"]
    app.close()


def test_search_by_bsn_finds_only_the_callers_gemeenten(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    app = _application(settings)
    in_doetinchem = _registreer(app)["id"]
    assert [g["id"] for g in app.zoek_op_bsn(BSN, gemeenten=["GM0222"])] == [in_doetinchem]
    assert app.zoek_op_bsn(BSN, gemeenten=["GM0197"]) == []
    assert app.zoek_op_bsn("123456782", gemeenten=["GM0222"]) == []
    with pytest.raises(BsnOngeldig):
        app.zoek_op_bsn("123456789", gemeenten=["GM0222"])
    with pytest.raises(NotFound):
        app.inburgeraar(in_doetinchem, gemeenten=["GM0197"])
    app.close()


def test_the_search_index_stores_no_bsn(settings: PlatformSettings, clock: FrozenClock) -> None:
    """Nothing in the index entry reveals the BSN; its id is keyed, not a plain hash."""
    app = _application(settings)
    _registreer(app)
    [_, verwijzing] = app.notification_log.select(start=1, limit=10)
    assert verwijzing.topic.endswith("BsnVerwijzing.BsnVerwijzingVastgelegd")
    assert BSN.encode() not in verwijzing.state
    assert BSN not in verwijzing.originator_id.hex
    app.close()
    zonder_sleutel = _application(settings, sleutel="andere-sleutel")
    assert zonder_sleutel.zoek_op_bsn(BSN, gemeenten=["GM0222"]) == []
    zonder_sleutel.close()


def test_two_clerks_saving_the_same_version_at_once_lose_nothing(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """Optimistic concurrency without If-Match: the store refuses the second write."""
    eerste, tweede = _application(settings), _application(settings)
    inburgeraar_id = _registreer(eerste)["id"]
    a = eerste.get_voor(Inburgeraar, inburgeraar_id, ["GM0222"])
    b = tweede.get_voor(Inburgeraar, inburgeraar_id, ["GM0222"])
    a.leg_hoofddoel_vast(HoofddoelKeuze(Hoofddoel.WERK))
    b.leg_hoofddoel_vast(HoofddoelKeuze(Hoofddoel.PARTICIPATIE))
    eerste.save(a)
    with pytest.raises(ConcurrencyConflict):
        tweede.save(b)
    assert tweede.inburgeraar(inburgeraar_id, gemeenten=["GM0222"])["hoofddoel"] == {
        "hoofddoel": Hoofddoel.WERK,
        "toelichting": None,
    }
    eerste.close()
    tweede.close()


def test_registering_one_person_twice_at_the_same_moment_stores_one(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """The index entry and the inburgeraar are saved together, so a race leaves no orphan."""
    eerste, tweede = _application(settings), _application(settings)
    inburgeraars = [
        Inburgeraar.registreer(
            gemeente="GM0222",
            doelgroep=Doelgroep.GEZINSMIGRANT,
            bsn=BSN,
            naam="Amal Haddad",
            geboortedatum=dt.date(1994, 3, 2),
            adres=None,
            datum_start_inburgeringsplicht=START,
        )
        for _ in range(2)
    ]
    verwijzingen = [
        BsnVerwijzing(id=app._verwijzing_id("GM0222", BSN), gemeente="GM0222", inburgeraar_id=i.id)
        for app, i in zip((eerste, tweede), inburgeraars, strict=True)
    ]
    eerste.save(inburgeraars[0], verwijzingen[0])
    with pytest.raises(ConcurrencyConflict):
        tweede.save(inburgeraars[1], verwijzingen[1])
    with pytest.raises(NotFound):
        tweede.inburgeraar(inburgeraars[1].id, gemeenten=["GM0222"])
    assert [g["id"] for g in tweede.zoek_op_bsn(BSN, gemeenten=["GM0222"])] == [inburgeraars[0].id]
    eerste.close()
    tweede.close()


def test_a_person_is_forgotten_once() -> None:
    """art. 17 AVG: once forgotten, there is nothing left to forget."""
    from uuid import uuid4

    from services.intake import rules

    with pytest.raises(rules.AlVergeten):
        rules.check_niet_vergeten(uuid4(), dt.date(2026, 1, 5))
    rules.check_niet_vergeten(uuid4(), None)
