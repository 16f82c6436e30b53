"""Fines as beschikkingen on the inburgeraar (art. 29 Wi2021; titel 5.4 Awb): a proposal,
the zienswijze, the judgement of verwijtbaarheid, the beschikking with its dates, bezwaar.

The clock fixture stands on 2026-01-05; each test moves it as the case goes on."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import uuid4

import pytest

from services.intake.domainmodel import Inburgeraar
from services.intake.rules import (
    AfwijzingReden,
    AfwijzingZonderMotivering,
    BesluitVoorVoorstel,
    BoetebedragOngeldig,
    BoetevoorstelAfgehandeld,
    BoetevoorstelOnbekend,
    DatumInToekomst,
    DatumVoorStartInburgeringsplicht,
    Doelgroep,
    Gevolg,
    IntakeAfgesloten,
    NietVerwijtbaarBeboet,
    PipVerplichting,
    PipVerplichtingZonderPip,
    ReactietermijnLooptNog,
    ReactietermijnOngeldig,
    Verwijtbaarheid,
    VoorstelStatus,
    ZienswijzeNietAfgewacht,
    ZienswijzeNietGevraagd,
    zienswijze_verplicht,
)
from shared import awb
from shared.clock import FrozenClock

D = dt.date


def zet_klok(clock: FrozenClock, dag: dt.date) -> None:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, tzinfo=dt.UTC))


def registreer() -> Inburgeraar:
    return Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn="111222333",
        naam="Amal Haddad",
        geboortedatum=D(1994, 3, 2),
        adres=None,
        datum_start_inburgeringsplicht=D(2025, 12, 1),
        datum_kennisgeving=D(2025, 12, 1),
    )


def met_voorstel(clock: FrozenClock) -> Inburgeraar:
    """Two no-shows by 2 March 2026: proposal 1 made that day."""
    zet_klok(clock, D(2026, 3, 2))
    inburgeraar = registreer()
    inburgeraar.registreer_niet_verschenen(D(2026, 2, 16), D(2026, 2, 23))
    assert inburgeraar.registreer_niet_verschenen(D(2026, 2, 23), None) is Gevolg.BOETEVOORSTEL
    return inburgeraar


def gehoord(clock: FrozenClock) -> Inburgeraar:
    inburgeraar = met_voorstel(clock)
    inburgeraar.vraag_zienswijze(1, D(2026, 3, 2), D(2026, 3, 9))
    zet_klok(clock, D(2026, 3, 6))
    inburgeraar.ontvang_zienswijze(1, D(2026, 3, 5), "Was de brief kwijt")
    return inburgeraar


def beboet(clock: FrozenClock, **wijziging: Any) -> Inburgeraar:
    inburgeraar = gehoord(clock)
    zet_klok(clock, D(2026, 3, 16))
    velden: dict[str, Any] = {
        "bedrag_euro": 250,
        "verwijtbaarheid": Verwijtbaarheid.VERWIJTBAAR,
        "dagtekening": D(2026, 3, 13),
        "verzenddatum": D(2026, 3, 16),
    } | wijziging
    inburgeraar.leg_boete_op(1, **velden)
    return inburgeraar


def test_a_fine_above_340_euro_can_be_imposed_so_the_person_must_be_heard() -> None:
    """art. 5:53 lid 1 Awb: the hearing procedure applies when a fine of more than EUR 340
    can be imposed; the college's maximum (art. 29 Wi2021) is EUR 800."""
    assert zienswijze_verplicht(800)
    assert not zienswijze_verplicht(340)


def test_a_proposal_states_the_proposed_amount_and_the_legal_maximum(clock: FrozenClock) -> None:
    """art. 29 Wi2021 (maximum EUR 800, secondary source); art. 5:53 Awb."""
    [voorstel] = met_voorstel(clock).boetevoorstellen
    assert (voorstel.voorgesteld_bedrag_euro, voorstel.maximum_bedrag_euro) == (250, 800)
    assert voorstel.status is VoorstelStatus.OPEN
    assert voorstel.zienswijze_verplicht
    assert voorstel.datum_voorstel == D(2026, 3, 2)


def test_a_proposed_amount_above_the_legal_maximum_is_refused(clock: FrozenClock) -> None:
    """art. 29 Wi2021 jo. art. 5:46 lid 1 Awb."""
    zet_klok(clock, D(2026, 3, 2))
    inburgeraar = registreer()
    inburgeraar.registreer_niet_verschenen(D(2026, 2, 16), D(2026, 2, 23))
    with pytest.raises(BoetebedragOngeldig) as exc:
        inburgeraar.registreer_niet_verschenen(D(2026, 2, 23), None, 801)
    assert exc.value.veld == "voorgesteldBedragEuro"
    assert len(inburgeraar.niet_verschenen) == 1, "nothing recorded half"


def test_a_broken_pip_duty_is_a_proposal_naming_the_pip_and_the_duty(clock: FrozenClock) -> None:
    """art. 29 Wi2021 jo. art. 15 Wi2021: the duty is in a PIP; the proposal names it."""
    zet_klok(clock, D(2026, 3, 2))
    inburgeraar = registreer()
    pip_id = uuid4()
    with pytest.raises(PipVerplichtingZonderPip):
        inburgeraar.registreer_pip_verplichting_niet_nagekomen(
            pip_id=None,
            verplichting=PipVerplichting.PVT,
            datum=D(2026, 2, 26),
            voorgesteld_bedrag_euro=300,
        )
    with pytest.raises(DatumVoorStartInburgeringsplicht):
        inburgeraar.registreer_pip_verplichting_niet_nagekomen(
            pip_id=pip_id,
            verplichting=PipVerplichting.PVT,
            datum=D(2025, 11, 1),
            voorgesteld_bedrag_euro=300,
        )
    with pytest.raises(DatumInToekomst):
        inburgeraar.registreer_pip_verplichting_niet_nagekomen(
            pip_id=pip_id,
            verplichting=PipVerplichting.PVT,
            datum=D(2026, 3, 3),
            voorgesteld_bedrag_euro=300,
        )
    with pytest.raises(BoetebedragOngeldig):
        inburgeraar.registreer_pip_verplichting_niet_nagekomen(
            pip_id=pip_id,
            verplichting=PipVerplichting.PVT,
            datum=D(2026, 2, 26),
            voorgesteld_bedrag_euro=0,
        )
    nummer = inburgeraar.registreer_pip_verplichting_niet_nagekomen(
        pip_id=pip_id,
        verplichting=PipVerplichting.PVT,
        datum=D(2026, 2, 26),
        voorgesteld_bedrag_euro=300,
    )
    voorstel = inburgeraar.boetevoorstel(nummer)
    assert (voorstel.pip_id, voorstel.verplichting) == (pip_id, PipVerplichting.PVT)


def test_a_broken_pip_duty_is_recorded_after_the_intake_closed(clock: FrozenClock) -> None:
    """art. 29 Wi2021: PIP duties follow the intake; a no-show at the intake does not."""
    inburgeraar = met_voorstel(clock)
    inburgeraar.afrondingsdatum = D(2026, 3, 1)
    with pytest.raises(IntakeAfgesloten):
        inburgeraar.registreer_niet_verschenen(D(2026, 3, 2), None)
    inburgeraar.registreer_pip_verplichting_niet_nagekomen(
        pip_id=uuid4(),
        verplichting=PipVerplichting.DEELNAME_LEERROUTE,
        datum=D(2026, 3, 2),
        voorgesteld_bedrag_euro=100,
    )
    assert len(inburgeraar.boetevoorstellen) == 2


def test_no_fine_before_the_person_was_heard_or_the_period_for_it_passed(
    clock: FrozenClock,
) -> None:
    """art. 5:53 lid 1 en lid 3 Awb."""
    inburgeraar = met_voorstel(clock)
    opleggen: dict[str, Any] = {
        "bedrag_euro": 250,
        "verwijtbaarheid": Verwijtbaarheid.VERWIJTBAAR,
        "dagtekening": D(2026, 3, 2),
        "verzenddatum": D(2026, 3, 2),
    }
    with pytest.raises(ZienswijzeNietAfgewacht):
        inburgeraar.leg_boete_op(1, **opleggen)
    with pytest.raises(ZienswijzeNietGevraagd):
        inburgeraar.zie_af_van_zienswijze(1, D(2026, 3, 2), uitdrukkelijk=True)
    with pytest.raises(ZienswijzeNietGevraagd):
        inburgeraar.ontvang_zienswijze(1, D(2026, 3, 2), "te vroeg")
    with pytest.raises(ReactietermijnOngeldig):
        inburgeraar.vraag_zienswijze(1, D(2026, 3, 2), D(2026, 3, 2))
    inburgeraar.vraag_zienswijze(1, D(2026, 3, 2), D(2026, 3, 9))
    zet_klok(clock, D(2026, 3, 9))
    with pytest.raises(ReactietermijnLooptNog):
        inburgeraar.zie_af_van_zienswijze(1, D(2026, 3, 9), uitdrukkelijk=False)
    with pytest.raises(ZienswijzeNietAfgewacht):
        inburgeraar.leg_boete_op(1, **opleggen)
    inburgeraar.zie_af_van_zienswijze(1, D(2026, 3, 9), uitdrukkelijk=True)
    inburgeraar.leg_boete_op(
        1, **opleggen | {"dagtekening": D(2026, 3, 9), "verzenddatum": D(2026, 3, 9)}
    )
    assert inburgeraar.boetevoorstel(1).status is VoorstelStatus.OPGELEGD


def test_a_fine_that_cannot_be_blamed_is_not_imposed_but_the_proposal_rejected(
    clock: FrozenClock,
) -> None:
    """art. 5:41 Awb; art. 3:46 Awb (the rejection is reasoned)."""
    inburgeraar = gehoord(clock)
    with pytest.raises(NietVerwijtbaarBeboet) as exc:
        inburgeraar.leg_boete_op(
            1,
            bedrag_euro=250,
            verwijtbaarheid=Verwijtbaarheid.NIET_VERWIJTBAAR,
            dagtekening=D(2026, 3, 6),
            verzenddatum=D(2026, 3, 6),
        )
    assert exc.value.veld == "verwijtbaarheid"
    with pytest.raises(AfwijzingZonderMotivering):
        inburgeraar.wijs_boetevoorstel_af(
            1, datum=D(2026, 3, 6), reden=AfwijzingReden.NIET_VERWIJTBAAR, toelichting=" "
        )
    inburgeraar.wijs_boetevoorstel_af(
        1, datum=D(2026, 3, 6), reden=AfwijzingReden.NIET_VERWIJTBAAR, toelichting="Ziek"
    )
    voorstel = inburgeraar.boetevoorstel(1)
    assert (voorstel.status, voorstel.afgewezen_op) == (VoorstelStatus.AFGEWEZEN, D(2026, 3, 6))
    assert inburgeraar.boetes == []
    with pytest.raises(BoetevoorstelAfgehandeld):
        inburgeraar.vraag_zienswijze(1, D(2026, 3, 6), D(2026, 3, 20))


def test_the_beschikking_states_amount_verwijtbaarheid_dagtekening_sending_and_objection_period(
    clock: FrozenClock,
) -> None:
    """art. 5:46 lid 2 Awb (amount after verwijtbaarheid); art. 3:41, 6:7, 6:8 Awb; art. 1
    Atw (six weeks from 16 March end on Koningsdag, so on 28 April)."""
    inburgeraar = beboet(
        clock, bedrag_euro=150, verwijtbaarheid=Verwijtbaarheid.VERMINDERD_VERWIJTBAAR
    )
    voorstel = inburgeraar.boetevoorstel(1)
    assert voorstel.bedrag_euro == 150
    assert voorstel.verwijtbaarheid is Verwijtbaarheid.VERMINDERD_VERWIJTBAAR
    assert voorstel.bekendmaking == awb.Bekendmaking(D(2026, 3, 13), D(2026, 3, 16), D(2026, 4, 28))
    assert [(b.volgnummer, b.bedrag_euro) for b in inburgeraar.boetes] == [(1, 150)]
    opgelegd = [e for e in inburgeraar.pending_events if type(e).__name__ == "BoeteOpgelegd"]
    assert opgelegd[0].bezwaartermijn_einde == D(2026, 4, 28)  # type: ignore[attr-defined]


def test_the_beschikking_respects_the_maximum_and_follows_the_hearing(clock: FrozenClock) -> None:
    """art. 29 Wi2021 jo. 5:46 lid 1 Awb; art. 5:53 lid 3 Awb; art. 3:41 Awb."""
    inburgeraar = gehoord(clock)
    zet_klok(clock, D(2026, 3, 16))
    velden: dict[str, Any] = {
        "bedrag_euro": 250,
        "verwijtbaarheid": Verwijtbaarheid.VERWIJTBAAR,
        "dagtekening": D(2026, 3, 13),
        "verzenddatum": D(2026, 3, 16),
    }
    with pytest.raises(BoetebedragOngeldig):
        inburgeraar.leg_boete_op(1, **velden | {"bedrag_euro": 801})
    with pytest.raises(BesluitVoorVoorstel):
        inburgeraar.leg_boete_op(1, **velden | {"dagtekening": D(2026, 3, 4)})
    with pytest.raises(awb.VerzendingVoorDagtekening):
        inburgeraar.leg_boete_op(1, **velden | {"verzenddatum": D(2026, 3, 12)})
    with pytest.raises(DatumInToekomst):
        inburgeraar.leg_boete_op(1, **velden | {"dagtekening": D(2026, 3, 17)})
    with pytest.raises(BoetevoorstelOnbekend):
        inburgeraar.leg_boete_op(2, **velden)
    inburgeraar.leg_boete_op(1, **velden)
    with pytest.raises(BoetevoorstelAfgehandeld):
        inburgeraar.leg_boete_op(1, **velden)


def test_an_objection_in_time_is_decided_within_six_weeks_and_gegrond_herroept_the_fine(
    clock: FrozenClock,
) -> None:
    """art. 6:7, 6:8, 6:9 en 7:10 lid 1 Awb; art. 7:11 lid 2 Awb (herroepen)."""
    inburgeraar = beboet(clock)
    zet_klok(clock, D(2026, 4, 28))
    inburgeraar.dien_bezwaar_in(1, ontvangen_op=D(2026, 4, 28))
    [bezwaar] = inburgeraar.boetevoorstel(1).bezwaren
    assert (bezwaar.tijdig, bezwaar.beslistermijn_einde) == (True, D(2026, 6, 9))
    with pytest.raises(awb.BezwaarAlOpen):
        inburgeraar.dien_bezwaar_in(1, ontvangen_op=D(2026, 4, 28))
    with pytest.raises(awb.BeslissingVoorBezwaar):
        inburgeraar.beslis_op_bezwaar(1, datum=D(2026, 4, 27), beslissing=awb.Beslissing.GEGROND)
    inburgeraar.beslis_op_bezwaar(1, datum=D(2026, 4, 28), beslissing=awb.Beslissing.GEGROND)
    voorstel = inburgeraar.boetevoorstel(1)
    assert (voorstel.status, voorstel.herroepen_op) == (VoorstelStatus.HERROEPEN, D(2026, 4, 28))
    assert inburgeraar.boetes == []
    with pytest.raises(awb.GeenOpenBezwaar):
        inburgeraar.beslis_op_bezwaar(1, datum=D(2026, 4, 28), beslissing=awb.Beslissing.GEGROND)


def test_an_objection_ongegrond_or_niet_ontvankelijk_leaves_the_fine_owed(
    clock: FrozenClock,
) -> None:
    """art. 7:11 Awb; art. 6:6 and 6:11 Awb (niet-ontvankelijk)."""
    inburgeraar = beboet(clock)
    zet_klok(clock, D(2026, 4, 1))
    inburgeraar.dien_bezwaar_in(1, ontvangen_op=D(2026, 4, 1))
    inburgeraar.beslis_op_bezwaar(1, datum=D(2026, 4, 1), beslissing=awb.Beslissing.ONGEGROND)
    inburgeraar.dien_bezwaar_in(1, ontvangen_op=D(2026, 4, 1))
    inburgeraar.beslis_op_bezwaar(
        1, datum=D(2026, 4, 1), beslissing=awb.Beslissing.NIET_ONTVANKELIJK
    )
    assert inburgeraar.boetevoorstel(1).status is VoorstelStatus.OPGELEGD
    assert [b.bedrag_euro for b in inburgeraar.boetes] == [250]


def test_a_late_objection_is_refused_unless_excusable(clock: FrozenClock) -> None:
    """art. 6:9 and 6:11 Awb; the beslistermijn then runs from receipt (art. 7:10 lid 1)."""
    inburgeraar = beboet(clock)
    zet_klok(clock, D(2026, 5, 12))
    with pytest.raises(awb.BezwaarTeLaat):
        inburgeraar.dien_bezwaar_in(1, ontvangen_op=D(2026, 4, 29))
    assert inburgeraar.boetevoorstel(1).bezwaren == ()
    inburgeraar.dien_bezwaar_in(
        1, ontvangen_op=D(2026, 5, 12), verschoonbaar_toelichting="Opgenomen in het ziekenhuis"
    )
    [bezwaar] = inburgeraar.boetevoorstel(1).bezwaren
    assert (bezwaar.tijdig, bezwaar.beslistermijn_einde) == (False, D(2026, 6, 23))


def test_no_objection_against_a_proposal_that_is_no_fine(clock: FrozenClock) -> None:
    """art. 7:1 Awb: bezwaar is against a besluit; an open proposal is none."""
    inburgeraar = met_voorstel(clock)
    with pytest.raises(awb.GeenOpenBezwaar):
        inburgeraar.dien_bezwaar_in(1, ontvangen_op=D(2026, 3, 2))


def test_a_fine_stored_as_v1_reads_as_a_v2_beschikking_without_proposal() -> None:
    """Contract versioning: v1 fines were imposed by a no-show and keep reading."""
    state: dict[str, Any] = {
        "volgnummer": 1,
        "bedrag_euro": 250,
        "datum_niet_verschenen": D(2025, 12, 17),
    }
    Inburgeraar.BoeteOpgelegd.upcast_v1_v2(state)
    assert state["voorstel"] is None
    assert state["datum_overtreding"] == D(2025, 12, 17)
    assert state["aanleiding"] == "niet_verschenen_brede_intake"
    assert state["dagtekening"] is None and state["bezwaartermijn_einde"] is None
