# ruff: noqa: F811  (the keten fixture is imported from test_keten)
"""The whole life of an obligation as DUO notifies it (Gebeurtenissen.md: SS109-SS111,
SS121, SS124/SS125, SS129/SS130): the notificatie names a person only; the DUO service
fetches what DUO's Inburgeringsplicht and Vrijstelling APIs hold (every exchange checked
against DUO's OpenAPI files by the `contract` fixture), publishes one event, and intake
carries out the one command it maps to. A repeat changes nothing; a DUO answer that lacks
what the command needs is a visible failure and nothing is half-done."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import pytest

from contracts import duo as duo_contract
from contracts import intake as intake_contract
from services.duo.simulator import Persoon
from services.pip.domainmodel import traject_id
from shared.eventlog import ServiceLog
from tests.chain.keten import G
from tests.duo.test_keten import (
    BSN,
    Keten,
    ingeschreven,
    keten,  # noqa: F401  (the fixture)
    tot_vastgestelde_pip,
)
from tests.duo.test_notificaties import notificatie

D = dt.date


def persoon(keten: Keten) -> Persoon:
    return keten.simulator.personen[BSN]


def geregistreerd(keten: Keten) -> UUID:
    assert keten.bron.stuur(notificatie("SS139")).status_code == 201
    keten.draai()
    return ingeschreven(keten)


def meld(keten: Keten, code: str, moment: str = "2026-01-05T10:00:00+01:00") -> None:
    assert keten.bron.stuur(notificatie(code, registratieDatumTijd=moment)).status_code == 201
    keten.draai()


def inburgeraar(keten: Keten, inburgeraar_id: UUID) -> dict[str, Any]:
    return dict(keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G))


def mislukt(keten: Keten) -> dict[str, str]:
    """The notificaties waiting for a person: gebeurtenis -> why."""
    return {
        n["gebeurtenis_id"]: n["toelichting"]
        for n in keten.duo.te_verwerken(gemeenten=G)
        if n["status"] == "ophalen_mislukt"
    }


@pytest.mark.parametrize(
    ("reden_duo", "beeindigd"),
    [
        ("Overig", "ingetrokken: overig"),
        ("Verblijfsdoel gewijzigd", "ingetrokken: verblijfsrecht_ingetrokken"),
        ("Vertrek uit Nederland langer dan een jaar", "ingetrokken: vertrek_uit_nederland"),
    ],
)
def test_ss110_trekt_de_plicht_in_met_duos_reden_en_een_herhaling_verandert_niets(
    keten: Keten, reden_duo: str, beeindigd: str
) -> None:
    """DUO Gebeurtenissen SS110 (Inburgeringsplicht ingetrokken); Inburgeringsplicht API
    (indicatorInburgeringsplicht, einddatum, redenGeenInburgeringsplicht) -> intake's
    trek_plicht_in; DUO has no value for naturalisation or AOW age (Overig)."""
    inburgeraar_id = geregistreerd(keten)
    keten.simulator.trek_plicht_in(BSN, reden_duo, D(2025, 12, 20))
    meld(keten, "SS110")
    assert duo_contract.INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN in keten.typen(keten.duo)
    na = inburgeraar(keten, inburgeraar_id)
    assert (na["beeindigd"], na["beeindigd_op"]) == (beeindigd, D(2025, 12, 20))

    meld(keten, "SS110", "2026-01-05T11:00:00+01:00")
    assert keten.typen(keten.duo).count(duo_contract.INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN) == 2
    typen = keten.typen(keten.apps.intake)
    assert typen.count(intake_contract.INBURGERINGSPLICHT_INGETROKKEN) == 1
    assert mislukt(keten) == {}


def test_ss111_registreert_het_overlijden(keten: Keten) -> None:
    """DUO Gebeurtenissen SS111 (Persoon is overleden); Inburgeringsplicht API
    redenGeenInburgeringsplicht Overlijden -> intake's registreer_overlijden, once."""
    inburgeraar_id = geregistreerd(keten)
    keten.simulator.trek_plicht_in(BSN, "Overlijden", D(2025, 12, 28))
    meld(keten, "SS111")
    meld(keten, "SS111", "2026-01-05T12:00:00+01:00")
    na = inburgeraar(keten, inburgeraar_id)
    assert (na["beeindigd"], na["beeindigd_op"]) == ("overleden", D(2025, 12, 28))
    assert keten.typen(keten.apps.intake).count(intake_contract.INBURGERAAR_OVERLEDEN) == 1


def test_een_ss110_terwijl_duo_nog_een_plicht_kent_mislukt_zichtbaar(keten: Keten) -> None:
    """Never half-done: without DUO's redenGeenInburgeringsplicht (Inburgeringsplicht API)
    the withdrawal cannot be carried out; the notificatie waits for a person."""
    inburgeraar_id = geregistreerd(keten)
    meld(keten, "SS110")
    assert "redenGeenInburgeringsplicht" in mislukt(keten)["SS110"]
    assert duo_contract.INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN not in keten.typen(keten.duo)
    assert inburgeraar(keten, inburgeraar_id)["beeindigd"] is None


def test_een_ss111_met_een_andere_reden_dan_overlijden_mislukt_zichtbaar(keten: Keten) -> None:
    """DUO Gebeurtenissen SS111 is a death; DUO's own reden must say so."""
    inburgeraar_id = geregistreerd(keten)
    keten.simulator.trek_plicht_in(BSN, "Overig", D(2025, 12, 20))
    meld(keten, "SS111")
    assert "SS111" in mislukt(keten)
    assert inburgeraar(keten, inburgeraar_id)["beeindigd"] is None


def test_een_reden_die_geen_intrekking_is_wordt_niet_als_intrekking_verwerkt(
    keten: Keten,
) -> None:
    """Inburgeringsplicht API: 'Inburgeringsplicht voldaan' ends the obligation by SS106,
    not by withdrawal (SS110); intake's table has no row for it and changes nothing."""
    inburgeraar_id = geregistreerd(keten)
    keten.simulator.trek_plicht_in(BSN, "Inburgeringsplicht voldaan", D(2025, 12, 20))
    meld(keten, "SS110")
    assert duo_contract.INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN in keten.typen(keten.duo)
    assert inburgeraar(keten, inburgeraar_id)["beeindigd"] is None


def test_een_levensgebeurtenis_voor_een_onbekende_persoon_wacht_zichtbaar(keten: Keten) -> None:
    """Never dropped: without an inburgeraar for the BSN nothing can be carried out."""
    keten.simulator.trek_plicht_in(BSN, "Overig", D(2025, 12, 20))
    meld(keten, "SS110")
    assert "Geen inburgeraar" in mislukt(keten)["SS110"]


def test_ss109_pauzeert_en_ss129_start_de_tien_weken_opnieuw(keten: Keten) -> None:
    """DUO Gebeurtenissen SS109 (tijdelijke vrijstelling toegekend; Vrijstelling API
    TijdelijkeVrijstelling, reden INS/OPL) and SS129 (ingetrokken, nog geen leerroute: a new
    kennisgeving); art. 5.3 lid 1 Besluit inburgering 2021: ten weeks from it."""
    inburgeraar_id = geregistreerd(keten)
    keten.simulator.verleen_tijdelijke_vrijstelling(BSN, "INS", D(2025, 12, 10), D(2025, 12, 9))
    meld(keten, "SS109")
    gepauzeerd = inburgeraar(keten, inburgeraar_id)
    assert gepauzeerd["tijdelijk_vrijgesteld_sinds"] == D(2025, 12, 10)
    assert gepauzeerd["tijdelijke_vrijstelling_reden"] == "INS"
    meld(keten, "SS109", "2026-01-05T11:00:00+01:00")
    typen = keten.typen(keten.apps.intake)
    assert typen.count(intake_contract.TIJDELIJKE_VRIJSTELLING_VERLEEND) == 1

    keten.simulator.beeindig_tijdelijke_vrijstelling(BSN, D(2025, 12, 31), D(2026, 1, 2))
    meld(keten, "SS129")
    hervat = inburgeraar(keten, inburgeraar_id)
    assert hervat["tijdelijk_vrijgesteld_sinds"] is None
    assert hervat["uiterste_datum_pip"] == D(2026, 3, 13)
    meld(keten, "SS129", "2026-01-05T12:00:00+01:00")
    typen = keten.typen(keten.apps.intake)
    assert typen.count(intake_contract.TIJDELIJKE_VRIJSTELLING_BEEINDIGD) == 1
    assert mislukt(keten) == {}


def test_een_ss129_zonder_kennisgeving_bij_duo_mislukt_zichtbaar(keten: Keten) -> None:
    """SS129 is a new kennisgeving (Gebeurtenissen.md, Nieuwe inburgeringsplichtige):
    without DUO's datumKennisgevingInburgeringsplicht the ten weeks cannot be placed."""
    inburgeraar_id = geregistreerd(keten)
    keten.simulator.verleen_tijdelijke_vrijstelling(BSN, "OPL", D(2025, 12, 10), D(2025, 12, 9))
    meld(keten, "SS109")
    keten.simulator.beeindig_tijdelijke_vrijstelling(BSN, D(2025, 12, 31))
    meld(keten, "SS129")
    assert "datumKennisgevingInburgeringsplicht" in mislukt(keten)["SS129"]
    assert inburgeraar(keten, inburgeraar_id)["tijdelijk_vrijgesteld_sinds"] == D(2025, 12, 10)


def test_een_ss109_zonder_vrijstelling_bij_duo_mislukt_zichtbaar(keten: Keten) -> None:
    """DUO Vrijstelling API: no granted TijdelijkeVrijstelling (404), nothing to pause."""
    inburgeraar_id = geregistreerd(keten)
    meld(keten, "SS109")
    assert "tijdelijke vrijstelling" in mislukt(keten)["SS109"]
    assert inburgeraar(keten, inburgeraar_id)["tijdelijk_vrijgesteld_sinds"] is None


def test_ss130_hervat_het_traject_na_een_tijdelijke_vrijstelling(keten: Keten) -> None:
    """DUO Gebeurtenissen SS130 (ingetrokken, PIP al bekend: the earlier obligation resumes,
    'Termijn gewijzigd'): intake ends the pause; pip's traject follows."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    keten.simulator.verleen_tijdelijke_vrijstelling(BSN, "OPL", D(2026, 1, 1), D(2026, 1, 1))
    meld(keten, "SS109")
    pip = keten.apps.pip.pip(traject_id(keten.gemeente, inburgeraar_id), gemeenten=G)
    assert pip["gepauzeerd_sinds"] is not None
    keten.simulator.beeindig_tijdelijke_vrijstelling(BSN, D(2026, 1, 4))
    meld(keten, "SS130")
    assert inburgeraar(keten, inburgeraar_id)["tijdelijk_vrijgesteld_sinds"] is None
    pip = keten.apps.pip.pip(traject_id(keten.gemeente, inburgeraar_id), gemeenten=G)
    assert pip["gepauzeerd_sinds"] is None


@pytest.mark.parametrize(
    ("code", "asielmigrant_voor", "asielmigrant_na", "gedetailleerd", "doelgroep"),
    [
        ("SS124", True, False, "Overig", "overige_migrant"),
        ("SS124", True, False, "Gezinsvormer", "gezinsmigrant"),
        ("SS125", False, True, "Asielstatushouder", "asielstatushouder"),
    ],
)
def test_ss124_en_ss125_wijzigen_de_doelgroep_eenmaal(
    keten: Keten,
    code: str,
    asielmigrant_voor: bool,
    asielmigrant_na: bool,
    gedetailleerd: str,
    doelgroep: str,
) -> None:
    """DUO Gebeurtenissen SS124/SS125 (Wijziging doelgroep); Inburgeringsplicht API
    Doelgroep (indeling, gedetailleerdeDoelgroep, begindatum) -> intake's wijzig_doelgroep."""
    persoon(keten).asielmigrant = asielmigrant_voor
    inburgeraar_id = geregistreerd(keten)
    keten.simulator.wijzig_doelgroep(BSN, asielmigrant_na, gedetailleerd, D(2025, 12, 15))
    meld(keten, code)
    assert inburgeraar(keten, inburgeraar_id)["doelgroep"] == doelgroep
    meld(keten, code, "2026-01-05T11:00:00+01:00")
    assert keten.typen(keten.apps.intake).count(intake_contract.DOELGROEP_GEWIJZIGD) == 1
    assert mislukt(keten) == {}


def test_een_ss125_terwijl_duo_de_oude_doelgroep_houdt_mislukt_zichtbaar(keten: Keten) -> None:
    """SS125 says the doelgroep became Asielstatushouder; DUO's Doelgroep must agree."""
    persoon(keten).asielmigrant = False
    inburgeraar_id = geregistreerd(keten)
    meld(keten, "SS125")
    assert "SS125" in mislukt(keten)
    assert inburgeraar(keten, inburgeraar_id)["doelgroep"] == "gezinsmigrant"


def test_ss121_haalt_ook_duos_termijn_op(keten: Keten) -> None:
    """DUO Gebeurtenissen SS121 (gevestigd met PIP vorige gemeente: Inburgeringsplicht and
    Inburgeringstermijn APIs); art. 11 lid 3 Wi2021: the termijn runs on. Once registered
    here, DUO's termijn is fetched as after SS102 and published for pip."""
    persoon(keten).termijn_start = D(2025, 6, 2)
    persoon(keten).termijn_einde = D(2028, 6, 2)
    # DUO's PIP API names the previous gemeente (without it the notificatie says so).
    keten.simulator.registreer_pip(BSN, "0200", {"dagtekeningPip": "2025-06-01", "leerroute": "B"})
    meld(keten, "SS121")
    inburgeraar_id = ingeschreven(keten)
    [termijn] = [
        ce["data"]
        for _, ce in ServiceLog(keten.duo).read(0, 10_000)
        if ce is not None and ce["type"] == duo_contract.INBURGERINGSTERMIJN_ONTVANGEN
    ]
    assert termijn["inburgeraarId"] == str(inburgeraar_id)
    assert (termijn["startdatum"], termijn["einddatum"]) == ("2025-06-02", "2028-06-01")
    assert (termijn["gebeurtenisId"], mislukt(keten)) == ("SS121", {})


def test_ss121_zonder_termijn_bij_duo_wacht_zichtbaar(keten: Keten) -> None:
    """SS121 promises DUO's Inburgeringstermijn; a 404 leaves the notificatie visible while
    the registration itself stands."""
    meld(keten, "SS121")
    ingeschreven(keten)
    assert "inburgeringstermijn" in mislukt(keten)["SS121"]
