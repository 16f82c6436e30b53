"""One contact person at the gemeente and one at the aanbieder per inburgeraar, from the
registration on: assigned and reassigned as events (ContactpersoonToegewezen), the
reassignment naming the previous one.

Sources: DUO README, Contactpersoon (one contact person per inburgeraar for the chain;
linking a new one overwrites the old one) and domain.md (one contact person per inburgeraar
is the ideal). No statutory duty was found: the rules are secondary. The clock fixture
stands on 2026-01-05.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.intake.config import IntakeSettings
from services.intake.domainmodel import Inburgeraar
from services.intake.main import create_app
from services.intake.rules import (
    AanbiederOrganisatieOntbreekt,
    ContactpersoonOngewijzigd,
    ContactpersoonRol,
    DatumInToekomst,
    Doelgroep,
    ToewijzingVoorVorige,
)
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings

D = dt.date
GEMEENTE = ContactpersoonRol.GEMEENTE
AANBIEDER = ContactpersoonRol.AANBIEDER


@pytest.fixture(autouse=True)
def _frozen(clock: FrozenClock) -> FrozenClock:
    return clock


def inburgeraar() -> Inburgeraar:
    return Inburgeraar.registreer(
        gemeente="GM1904",
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn="111222333",
        naam="Amal Haddad",
        geboortedatum=D(1994, 3, 2),
        adres=None,
        datum_start_inburgeringsplicht=D(2025, 12, 1),
    )


def test_a_contact_person_at_the_gemeente_is_assigned_from_the_registration_on() -> None:
    """DUO README Contactpersoon: the person the chain can reach about the inburgeraar;
    assigned before any intake step."""
    persoon = inburgeraar()
    persoon.wijs_contactpersoon_toe(GEMEENTE, "Sanne de Wit", "kr-7", None, D(2025, 12, 2))
    [toegewezen] = [e for e in persoon.collect_events() if type(e).__name__.startswith("Contact")]
    assert toegewezen.rol == "gemeente" and toegewezen.vorige_naam is None  # type: ignore[attr-defined]
    assert persoon.contactpersonen[GEMEENTE].medewerker_id == "kr-7"


def test_reassigning_records_the_previous_contact_person() -> None:
    """DUO README Contactpersoon: linking a new contact person overwrites the old one; the
    event names the previous one so the history stays."""
    persoon = inburgeraar()
    persoon.wijs_contactpersoon_toe(GEMEENTE, "Sanne de Wit", "kr-7", None, D(2025, 12, 2))
    persoon.wijs_contactpersoon_toe(GEMEENTE, "Joost Bakker", "kr-9", None, D(2026, 1, 5))
    laatste: Any = persoon.collect_events()[-1]
    assert (laatste.naam, laatste.vorige_naam, laatste.vorige_medewerker_id) == (
        "Joost Bakker",
        "Sanne de Wit",
        "kr-7",
    )
    assert persoon.contactpersonen[GEMEENTE].naam == "Joost Bakker"


def test_one_contact_person_per_role_the_aanbieder_names_its_organisation() -> None:
    """DUO README Contactpersoon and domain.md (one at the gemeente, one at the aanbieder):
    the aanbieder's contact person names the aanbieder (AanbiederOrganisatieOntbreekt)."""
    persoon = inburgeraar()
    with pytest.raises(AanbiederOrganisatieOntbreekt):
        persoon.wijs_contactpersoon_toe(AANBIEDER, "Els Visser", None, None, D(2026, 1, 5))
    persoon.wijs_contactpersoon_toe(GEMEENTE, "Sanne de Wit", "kr-7", None, D(2026, 1, 5))
    persoon.wijs_contactpersoon_toe(AANBIEDER, "Els Visser", None, "Taalschool Oost", D(2026, 1, 5))
    assert set(persoon.contactpersonen) == {GEMEENTE, AANBIEDER}


@pytest.mark.parametrize(
    ("naam", "medewerker", "datum", "fout"),
    [
        ("Sanne de Wit", "kr-7", D(2026, 1, 5), ContactpersoonOngewijzigd),
        ("Joost Bakker", "kr-9", D(2025, 12, 1), ToewijzingVoorVorige),
        ("Joost Bakker", "kr-9", D(2026, 1, 6), DatumInToekomst),
    ],
)
def test_a_reassignment_changes_the_person_and_follows_the_previous_one(
    naam: str, medewerker: str, datum: dt.date, fout: type[Exception]
) -> None:
    """DUO README Contactpersoon (a new link replaces the current one): the same person again
    changes nothing; a reassignment dated before the current one or in the future is
    refused."""
    persoon = inburgeraar()
    persoon.wijs_contactpersoon_toe(GEMEENTE, "Sanne de Wit", "kr-7", None, D(2025, 12, 2))
    with pytest.raises(fout):
        persoon.wijs_contactpersoon_toe(GEMEENTE, naam, medewerker, None, datum)


# --- Through HTTP ------------------------------------------------------------------------------

Headers = Callable[..., dict[str, str]]
API = "/api/v1"


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(IntakeSettings(**settings.model_dump()))
    with TestClient(app) as test_client:
        yield test_client


def test_contact_persons_through_http_and_a_wrong_one_stores_nothing(
    client: TestClient, auth_headers: Headers
) -> None:
    """DUO README Contactpersoon: assigned and reassigned per role; a refused assignment is
    a 4xx naming the rule and leaves the case unchanged."""
    kr = auth_headers(Rol.KLANTREGISSEUR, ["GM1904"])
    body = {
        "gemeente": "GM1904",
        "doelgroep": "asielstatushouder",
        "bsn": "111222333",
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
    }
    created = client.post(f"{API}/inburgeraars", json=body, headers=kr)
    assert created.status_code == 201, created.text
    url = f"{API}/inburgeraars/{created.json()['id']}/contactpersonen"
    sanne = {"naam": "Sanne de Wit", "medewerkerId": "kr-7", "datum": "2025-12-02"}
    r = client.put(f"{url}/gemeente", json=sanne, headers=kr)
    assert r.status_code == 200, r.text
    assert r.json()["contactpersonen"] == [
        {"rol": "gemeente", "naam": "Sanne de Wit", "medewerkerId": "kr-7",
         "organisatie": None, "datum": "2025-12-02"}
    ]  # fmt: skip
    versie = r.json()["versie"]

    zonder = {"naam": "Els Visser", "datum": "2026-01-05"}
    r = client.put(f"{url}/aanbieder", json=zonder, headers=kr)
    assert r.status_code == 400
    assert r.json()["code"] == "AanbiederOrganisatieOntbreekt" and r.json()["bron"]
    assert "organisatie" in r.json()["detail"]

    r = client.put(f"{url}/begeleider", json=sanne, headers=kr)
    assert r.status_code == 400
    assert r.json()["invalidParams"][0]["name"] == "rol"

    r = client.put(f"{url}/gemeente", json=sanne | {"naam": ""}, headers=kr)
    assert r.status_code == 400
    assert r.json()["invalidParams"][0]["name"] == "naam"

    na = client.get(f"{API}/inburgeraars/{created.json()['id']}", headers=kr).json()
    assert na["versie"] == versie and len(na["contactpersonen"]) == 1

    joost = {"naam": "Joost Bakker", "medewerkerId": "kr-9", "datum": "2026-01-05"}
    r = client.put(f"{url}/gemeente", json=joost, headers={**kr, "If-Match": f'"{versie}"'})
    assert r.status_code == 200, r.text
    assert [c["naam"] for c in r.json()["contactpersonen"]] == ["Joost Bakker"]
