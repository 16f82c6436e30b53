"""The caseload's facts about who guides a person and how: contact persons, duale trajecten
(reviewed in voortgangsgesprekken of either contract version), the aanbod and the
maatschappelijke begeleiding. Gemeente read model only: none of it reaches the region, and
a forgotten person's names in it are gone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts import intake as intake_contract
from contracts import pip as pip_contract
from services.projections.gemeente.afgeleid import contactpersoon_gemeente, regie
from services.projections.gemeente.feiten import Feiten, werk_bij
from shared.regional.allowlist import ALLOWED

DUAAL_ID = "0b6f3a52-3f7e-4c1e-9a51-8f1d2f6a0c11"


def feiten_van(*events: tuple[str, Mapping[str, Any]]) -> Feiten:
    feiten: Feiten = {}
    for ce_type, data in events:
        werk_bij(feiten, ce_type, data)
    return feiten


DUAAL: tuple[str, Mapping[str, Any]] = (
    pip_contract.DUAAL_TRAJECT_VASTGELEGD,
    {
        "duaalTrajectId": DUAAL_ID,
        "soort": "werk",
        "werkgever": "Bakkerij Maarssen",
        "startdatum": "2026-02-02",
        "einddatum": None,
        "urenPerWeek": 16,
        "jobhunter": None,
        "jobcoach": "Peter Smit",
        "taalcoaching": True,
        "taalcoach": "Taalschool Vecht en Venen",
    },
)
CONTACT: tuple[str, Mapping[str, Any]] = (
    intake_contract.CONTACTPERSOON_TOEGEWEZEN,
    {"rol": "gemeente", "naam": "Sanne de Wit", "medewerkerId": "kr-7", "organisatie": None,
     "datum": "2025-12-02", "vorigeNaam": None, "vorigeMedewerkerId": None},
)  # fmt: skip


def gesprek(ce_type: str, datum: str, **extra: object) -> tuple[str, Mapping[str, Any]]:
    return ce_type, {"datum": datum, "inspanningVoldoende": True, "eindgesprekZRoute": False,
                     "verslag": None, **extra}  # fmt: skip


def test_reviews_of_either_contract_version_and_the_outcome_reach_the_duaal_traject() -> None:
    """art. 15 Wi2021 (progress as the PIP has it): a v2 voortgangsgesprek reviews the
    traject, a v1 one (before duale trajecten) only counts as contact; the outcome ends it."""
    feiten = feiten_van(
        DUAAL,
        gesprek(pip_contract.VOORTGANGSGESPREK_GEVOERD_V1, "2026-02-20"),
        gesprek(
            pip_contract.VOORTGANGSGESPREK_GEVOERD,
            "2026-05-04",
            duaalTrajectId=DUAAL_ID,
            duaalOordeel="op_koers",
        ),
        gesprek(
            pip_contract.VOORTGANGSGESPREK_GEVOERD,
            "2026-03-02",
            duaalTrajectId=DUAAL_ID,
            duaalOordeel="bijsturen",
        ),
    )
    [traject] = regie(feiten)["duale_trajecten"]
    assert (traject["besprekingen"], traject["laatste_bespreking"], traject["laatste_oordeel"]) == (
        2,
        "2026-05-04",
        "op_koers",
    )
    assert traject["actief"] is True and feiten["laatste_gesprek"] == "2026-05-04"
    werk_bij(
        feiten,
        pip_contract.DUAAL_TRAJECT_AFGEROND,
        {"duaalTrajectId": DUAAL_ID, "uitkomst": "contract", "datum": "2026-07-31"},
    )
    [traject] = regie(feiten)["duale_trajecten"]
    assert (traject["uitkomst"], traject["actief"]) == ("contract", False)


def test_the_gemeente_contact_person_filters_the_caseload_by_medewerker() -> None:
    """DUO README Contactpersoon (one per inburgeraar): the klantregisseur's own caseload."""
    assert contactpersoon_gemeente(feiten_van(CONTACT)) == "kr-7"
    assert contactpersoon_gemeente({}) is None


def test_a_forgotten_person_keeps_the_facts_but_not_the_names() -> None:
    """art. 17 AVG: the personal fields (as the events list them) are gone once forgotten."""
    feiten = feiten_van(
        DUAAL,
        CONTACT,
        (intake_contract.PERSOONSGEGEVENS_VERGETEN, {"datum": "2026-08-01"}),
    )
    gezien = regie(feiten)
    [traject] = gezien["duale_trajecten"]
    assert traject["werkgever"] is None and traject["jobcoach"] is None
    assert traject["soort"] == "werk" and traject["uren_per_week"] == 16
    assert gezien["contactpersonen"]["gemeente"]["naam"] is None
    assert gezien["contactpersonen"]["gemeente"]["medewerker_id"] == "kr-7"


def test_none_of_it_goes_to_the_region() -> None:
    """domain.md Personal data: regional bodies get no personal data; duale trajecten,
    aanbod, begeleiding and contact persons are not on the regional allow-list."""
    bronnen = {bron for allowed in ALLOWED for bron in allowed.sources}
    eigen = {
        pip_contract.DUAAL_TRAJECT_VASTGELEGD,
        pip_contract.DUAAL_TRAJECT_AFGEROND,
        pip_contract.INBURGERINGSAANBOD_VASTGELEGD,
        pip_contract.INBURGERINGSAANBOD_GEWIJZIGD,
        pip_contract.MAATSCHAPPELIJKE_BEGELEIDING_VASTGELEGD,
        pip_contract.VOORTGANGSGESPREK_GEVOERD,
        intake_contract.CONTACTPERSOON_TOEGEWEZEN,
    }
    assert not bronnen & eigen
