# ruff: noqa: F811  (the keten fixture is imported from test_keten)
"""Every gebeurtenis DUO lists (Gebeurtenissen.md, Attentiesignalen.md) has a defined
effect: fetched and carried out (SS106-SS108: the obligation met in pip) or a signal for
the klantregisseur; none is only stored."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from contracts import duo as duo_contract
from contracts import pip as pip_contract
from services.duo.domainmodel import AFHANDELINGEN, SIGNALEN, Afhandelstatus
from services.pip.domainmodel import traject_id
from tests.chain.keten import GEMEENTE, G
from tests.duo.test_keten import (
    BSN,
    Keten,
    keten,  # noqa: F401  (the fixture)
    tot_vastgestelde_pip,
)
from tests.duo.test_levensgebeurtenissen import meld, mislukt

D = dt.date
GEBEURTENISSEN = Path(__file__).parents[2] / "contracts" / "duo" / "Gebeurtenissen"


def codes_van_duo() -> set[str]:
    return {
        code
        for naam in ("Gebeurtenissen.md", "Attentiesignalen.md")
        for code in re.findall(r"SS\d{3}", (GEBEURTENISSEN / naam).read_text(encoding="utf-8"))
    }


def test_elke_gebeurtenis_van_duo_heeft_een_afhandeling() -> None:
    """DUO Gebeurtenissen.md and Attentiesignalen.md: every SSnnn code has an entry in
    AFHANDELINGEN, and none is 'opgeslagen, niet verwerkt' (stored, nothing happens)."""
    codes = codes_van_duo()
    assert len(codes) >= 40
    ontbreekt = sorted(codes - AFHANDELINGEN.keys())
    assert ontbreekt == []
    niets = sorted(
        c for c in codes if AFHANDELINGEN[c].status is Afhandelstatus.OPGESLAGEN_NIET_VERWERKT
    )
    assert niets == []


def test_elk_signaal_zegt_de_klantregisseur_wat_te_doen() -> None:
    """Attentiesignalen.md and Gebeurtenissen.md 'Verzoeken inburgeraar': a signal carries
    a Dutch description and an action."""
    for code, (omschrijving, actie) in SIGNALEN.items():
        assert AFHANDELINGEN[code].status is Afhandelstatus.SIGNAAL_VOOR_KLANTREGISSEUR
        assert omschrijving and actie, code


def traject(keten: Keten, inburgeraar_id: UUID) -> dict[str, Any]:
    return dict(keten.apps.pip.pip(traject_id(GEMEENTE, inburgeraar_id), gemeenten=G))


def test_ss107_gehele_vrijstelling_voldoet_de_plicht_in_pip_en_een_herhaling_verandert_niets(
    keten: Keten,
) -> None:
    """DUO Gebeurtenissen SS107 (gehele vrijstelling toegekend); Inburgeringsplicht API
    redenGeenInburgeringsplicht 'Volledige vrijstelling' -> pip verleen_vrijstelling geheel
    -> InburgeringsplichtVoldaan."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    keten.simulator.voldoe_plicht(BSN, "Volledige vrijstelling", D(2026, 1, 4))
    meld(keten, "SS107")
    meld(keten, "SS107", "2026-01-05T11:00:00+01:00")
    duo_typen = keten.typen(keten.duo)
    assert duo_typen.count(duo_contract.INBURGERINGSPLICHT_VOLDAAN_ONTVANGEN) == 2
    pip_typen = keten.typen(keten.apps.pip)
    assert pip_typen.count(pip_contract.INBURGERINGSPLICHT_VOLDAAN) == 1
    assert traject(keten, inburgeraar_id)["voldaan"] is not None
    assert mislukt(keten) == {}


def test_ss106_duos_diploma_voldoet_de_plicht_ook_als_de_gemeente_nog_onderdelen_mist(
    keten: Keten,
) -> None:
    """DUO Gebeurtenissen SS106 (diploma behaald); Inburgeringsplicht API
    redenGeenInburgeringsplicht 'Inburgeringsplicht voldaan': DUO decides the exam was
    passed, so the obligation is met with grond diploma although the gemeente's own records
    of this traject lack exams, PVT and MAP; a repeat changes nothing."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    assert traject(keten, inburgeraar_id)["ontbrekend_voor_afronding"]
    keten.simulator.voldoe_plicht(BSN, "Inburgeringsplicht voldaan", D(2026, 1, 4))
    meld(keten, "SS106")
    meld(keten, "SS106", "2026-01-05T11:00:00+01:00")
    assert keten.typen(keten.apps.pip).count(pip_contract.INBURGERINGSPLICHT_VOLDAAN) == 1
    voldaan = traject(keten, inburgeraar_id)["voldaan"]
    assert voldaan["grond"] == "diploma"
    assert mislukt(keten) == {}


def test_ss108_gehele_ontheffing_met_duos_grond_voldoet_de_plicht(keten: Keten) -> None:
    """DUO Gebeurtenissen SS108 (gehele ontheffing toegekend); Ontheffing API
    GeheleOntheffing grond MED -> pip verleen_ontheffing geheel."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    keten.simulator.voldoe_plicht(BSN, "Volledige ontheffing", D(2026, 1, 4), "MED")
    meld(keten, "SS108")
    assert keten.typen(keten.apps.pip).count(pip_contract.INBURGERINGSPLICHT_VOLDAAN) == 1
    assert traject(keten, inburgeraar_id)["voldaan"] is not None


def test_ss108_zonder_ontheffing_bij_duo_is_zichtbaar_mislukt_en_publiceert_niets(
    keten: Keten,
) -> None:
    """DUO Gebeurtenissen SS108: without a GeheleOntheffing at DUO the grond is unknown:
    a visible failure (te verwerken), nothing published, pip unchanged."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    keten.simulator.voldoe_plicht(BSN, "Volledige ontheffing", D(2026, 1, 4))
    meld(keten, "SS108")
    assert "gehele ontheffing" in mislukt(keten)["SS108"]
    assert duo_contract.INBURGERINGSPLICHT_VOLDAAN_ONTVANGEN not in keten.typen(keten.duo)
    assert traject(keten, inburgeraar_id)["voldaan"] is None


@pytest.mark.parametrize("code", ["SS106", "SS107", "SS108"])
def test_voldaan_terwijl_duo_de_plicht_nog_kent_is_zichtbaar_mislukt(
    keten: Keten, code: str
) -> None:
    """DUO Gebeurtenissen 'Inburgeringsplicht voldaan': when DUO's Inburgeringsplicht API
    does not (yet) give the matching redenGeenInburgeringsplicht nothing is published."""
    tot_vastgestelde_pip(keten)
    meld(keten, code)
    assert "redenGeenInburgeringsplicht" in mislukt(keten)[code]
    assert duo_contract.INBURGERINGSPLICHT_VOLDAAN_ONTVANGEN not in keten.typen(keten.duo)


def test_ss106_met_een_andere_reden_bij_duo_is_zichtbaar_mislukt(keten: Keten) -> None:
    """DUO Gebeurtenissen SS106 (diploma behaald) but DUO's reden is another one."""
    tot_vastgestelde_pip(keten)
    keten.simulator.voldoe_plicht(BSN, "Volledige vrijstelling", D(2026, 1, 4))
    meld(keten, "SS106")
    assert "Volledige vrijstelling" in mislukt(keten)["SS106"]


def test_ss126_geeft_een_signaal_met_actie_voor_de_inburgeraar(keten: Keten) -> None:
    """Attentiesignalen.md SS126 (na 10 weken nog geen leerroute; art. 15 lid 1 Wi2021
    jo. art. 5.3 Besluit): a DuoSignaalOntvangen for the inburgeraar, once."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    meld(keten, "SS126")
    meld(keten, "SS126")  # the same notificatie again
    [signaal] = keten.duo.signalen(gemeenten=G)
    assert signaal["inburgeraar_id"] == inburgeraar_id
    assert signaal["gebeurtenis_id"] == "SS126"
    assert signaal["datum"] == D(2026, 1, 5)
    assert "PIP" in signaal["actie"]
    assert mislukt(keten) == {}


def test_signaal_voor_een_onbekende_persoon_blijft_te_verwerken(keten: Keten) -> None:
    """Attentiesignalen.md SS142: DUO names a BSN not registered here: no inburgeraar to
    signal, so it waits in the DUO service's te-verwerken list."""
    meld(keten, "SS142")
    assert "Geen inburgeraar" in mislukt(keten)["SS142"]
    assert keten.duo.signalen(gemeenten=G) == []
