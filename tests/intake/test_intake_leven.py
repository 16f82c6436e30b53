"""The whole life of the obligation at the inburgeraar: it is withdrawn, the person dies,
a temporary vrijstelling pauses it, the doelgroep changes, the person moves. The clock
fixture stands on 2026-01-05; the obligation started on 2025-12-01."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from services.intake.domainmodel import Inburgeraar
from services.intake.rules import (
    DatumInToekomst,
    DatumVoorStartPlicht,
    Doelgroep,
    DoelgroepOngewijzigd,
    EindeVoorBeginVrijstelling,
    GeenTijdelijkeVrijstelling,
    OnbekendeGemeentecode,
    PlichtBeeindigd,
    PlichtGepauzeerd,
    RedenIntrekking,
    TijdelijkeVrijstellingLooptAl,
    TijdelijkeVrijstellingReden,
    VerhuizingAlVastgelegd,
    VorigeGemeenteIsDezeGemeente,
)
from shared.clock import FrozenClock

D = dt.date


@pytest.fixture(autouse=True)
def _frozen(clock: FrozenClock) -> FrozenClock:
    return clock


def registreer() -> Inburgeraar:
    return Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn="111222333",
        naam="Amal Haddad",
        geboortedatum=D(1994, 3, 2),
        adres=None,
        datum_start_inburgeringsplicht=D(2025, 12, 1),
        vestigingsdatum=None,
    )


def gebeurtenissen(inburgeraar: Inburgeraar) -> list[str]:
    return [type(e).__name__ for e in inburgeraar.collect_events()]


def refused(regel: type[Exception], command: Any, *args: Any) -> None:
    with pytest.raises(regel):
        command(*args)


def test_a_withdrawn_obligation_closes_the_file_with_its_reason() -> None:
    """DUO Gebeurtenissen SS110 (genaturaliseerd, AOW, vertrek, verblijfsrecht)."""
    inburgeraar = registreer()
    inburgeraar.trek_plicht_in(RedenIntrekking.NATURALISATIE, D(2026, 1, 2))
    assert gebeurtenissen(inburgeraar)[-1] == "InburgeringsplichtIngetrokken"
    assert inburgeraar.beeindigd == "ingetrokken: naturalisatie"
    refused(PlichtBeeindigd, inburgeraar.voer_intakegesprek, D(2026, 1, 3), "kr-1")
    refused(PlichtBeeindigd, inburgeraar.trek_plicht_in, RedenIntrekking.OVERIG, D(2026, 1, 3))
    refused(PlichtBeeindigd, inburgeraar.registreer_overlijden, D(2026, 1, 3))


def test_an_end_lies_between_the_start_of_the_obligation_and_today() -> None:
    """DUO Gebeurtenissen SS110: an end follows the start; facts are recorded afterwards."""
    inburgeraar = registreer()
    vroeg = D(2025, 11, 1)
    refused(DatumVoorStartPlicht, inburgeraar.trek_plicht_in, RedenIntrekking.OVERIG, vroeg)
    refused(DatumInToekomst, inburgeraar.trek_plicht_in, RedenIntrekking.OVERIG, D(2026, 2, 1))
    refused(DatumInToekomst, inburgeraar.registreer_overlijden, D(2026, 2, 1))


def test_a_death_closes_the_file() -> None:
    """DUO Gebeurtenissen SS111 (persoon is overleden)."""
    inburgeraar = registreer()
    inburgeraar.registreer_overlijden(D(2026, 1, 4))
    assert (inburgeraar.beeindigd, inburgeraar.beeindigd_op) == ("overleden", D(2026, 1, 4))
    refused(PlichtBeeindigd, inburgeraar.verleen_tijdelijke_vrijstelling,
            TijdelijkeVrijstellingReden.INS, D(2026, 1, 4))  # fmt: skip


def test_a_temporary_vrijstelling_pauses_and_its_end_restarts_the_ten_weeks() -> None:
    """art. 4 lid 1 onder b Wi2021; DUO Vrijstelling API (INS, OPL); SS109 and SS129: the
    end counts as a new kennisgeving, ten weeks on (art. 5.3 lid 1 Besluit)."""
    inburgeraar = registreer()
    inburgeraar.verleen_tijdelijke_vrijstelling(TijdelijkeVrijstellingReden.OPL, D(2025, 12, 15))
    refused(TijdelijkeVrijstellingLooptAl, inburgeraar.verleen_tijdelijke_vrijstelling,
            TijdelijkeVrijstellingReden.INS, D(2025, 12, 20))  # fmt: skip
    refused(EindeVoorBeginVrijstelling, inburgeraar.beeindig_tijdelijke_vrijstelling,
            D(2025, 12, 10))  # fmt: skip
    inburgeraar.beeindig_tijdelijke_vrijstelling(D(2026, 1, 5))
    assert inburgeraar.uiterste_datum_pip == D(2026, 3, 16)
    assert gebeurtenissen(inburgeraar)[-1] == "TijdelijkeVrijstellingBeeindigd"
    refused(GeenTijdelijkeVrijstelling, inburgeraar.beeindig_tijdelijke_vrijstelling,
            D(2026, 1, 5))  # fmt: skip


def test_the_intake_does_not_end_while_the_obligation_is_paused() -> None:
    """art. 4 lid 1 onder b Wi2021 (tijdelijke vrijstelling): no PIP route meanwhile."""
    inburgeraar = registreer()
    inburgeraar.verleen_tijdelijke_vrijstelling(TijdelijkeVrijstellingReden.INS, D(2025, 12, 15))
    refused(PlichtGepauzeerd, inburgeraar.rond_af, D(2026, 1, 5))


def test_a_change_of_doelgroep_is_a_change() -> None:
    """DUO Gebeurtenissen SS124/SS125; Inburgeringsplicht API Doelgroephistorie."""
    inburgeraar = registreer()
    refused(DoelgroepOngewijzigd, inburgeraar.wijzig_doelgroep, Doelgroep.ASIELSTATUSHOUDER,
            D(2026, 1, 2))  # fmt: skip
    inburgeraar.wijzig_doelgroep(Doelgroep.GEZINSMIGRANT, D(2026, 1, 2))
    assert inburgeraar.doelgroep is Doelgroep.GEZINSMIGRANT


def test_a_move_names_another_known_gemeente_once() -> None:
    """art. 1 Wi2021 (college of the gemeente where the person lives); SS120/SS121."""
    inburgeraar = registreer()
    refused(VorigeGemeenteIsDezeGemeente, inburgeraar.leg_vorige_gemeente_vast, "GM0222",
            D(2026, 1, 2))  # fmt: skip
    refused(OnbekendeGemeentecode, inburgeraar.leg_vorige_gemeente_vast, "GM9999", D(2026, 1, 2))
    inburgeraar.leg_vorige_gemeente_vast("GM0200", D(2026, 1, 2))
    refused(VerhuizingAlVastgelegd, inburgeraar.leg_vorige_gemeente_vast, "GM0202",
            D(2026, 1, 2))  # fmt: skip


def test_moving_away_closes_the_old_file() -> None:
    """SS120/SS121: the gemeente the person left closes its file (reden verhuisd)."""
    inburgeraar = registreer()
    inburgeraar.verhuis("GM0200", uuid.uuid4(), D(2026, 1, 2))
    assert (inburgeraar.beeindigd, inburgeraar.verhuisd_naar) == ("verhuisd", "GM0200")
    refused(PlichtBeeindigd, inburgeraar.verhuis, "GM0202", uuid.uuid4(), D(2026, 1, 3))
