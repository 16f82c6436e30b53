"""Health data (the brede intake's persoonlijke omstandigheden: fysieke en mentale gezondheid;
the COA profile's zichtbare beperkingen) is read only by who needs it and never leaves the
gemeente: not to the region, not to DUO.

Decision: the klantregisseur conducts the brede intake and draws up the PIP with these facts,
so only the klantregisseur reads and writes them. A teamleider supervises caseloads and
deadlines: the case comes without the health fields (null), and writing them is refused
(403), since who may not read them should not write them either.

Sources: art. 9 lid 1 and lid 2 sub g AVG, art. 30 UAVG (health data, special category);
art. 5 lid 1 sub c and art. 25 AVG (minimisation, privacy by design); art. 14 Wi2021 (brede
intake); issue 7 "Access"."""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, DomainEvent
from fastapi.testclient import TestClient
from pydantic.alias_generators import to_camel

from services.duo.client import PIPMelding
from services.duo.rules import DuoContext
from services.intake.config import IntakeSettings
from services.intake.main import create_app as create_intake
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.cloudevents import event_type, service_of, source_of
from shared.config import PlatformSettings
from shared.regional import ALLOW_LIST, ALLOWED, to_regional

Headers = Callable[..., dict[str, str]]
API = "/api/v1"
FYSIEK = "Diabetes type 2, insuline"
MENTAAL = "PTSS, in behandeling bij GGZ"
BEPERKING = "Slechtziend links"
GEZONDHEIDSVELDEN = ("fysieke_gezondheid", "mentale_gezondheid", "zichtbare_beperkingen")
DOMAIN_MODULES = (
    "services.intake.domainmodel",
    "services.pip.domainmodel",
    "services.ontzorging.domainmodel",
)


@pytest.fixture
def intake(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_intake(IntakeSettings(**settings.model_dump()))) as client:
        yield client


def casus_met_gezondheid(client: TestClient, headers: dict[str, str]) -> str:
    registratie = {
        "gemeente": "GM0222",
        "doelgroep": "asielstatushouder",
        "bsn": "111222333",
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
    }
    created = client.post(f"{API}/inburgeraars", json=registratie, headers=headers)
    assert created.status_code == 201, created.text
    url = f"{API}/inburgeraars/{created.json()['id']}"
    coa = {"herkomstland": "Syrië", "zichtbareBeperkingen": BEPERKING}
    assert client.post(f"{url}/coa-profiel", json=coa, headers=headers).status_code == 201
    omstandigheden = {
        "fysiekeGezondheid": FYSIEK,
        "mentaleGezondheid": MENTAAL,
        "geboortedataKinderen": ["2023-05-01"],
    }
    put = client.put(
        f"{url}/brede-intake/persoonlijke-omstandigheden", json=omstandigheden, headers=headers
    )
    assert put.status_code == 200, put.text
    return url


def test_the_klantregisseur_reads_the_health_data_of_the_intake(
    intake: TestClient, auth_headers: Headers
) -> None:
    kr = auth_headers(Rol.KLANTREGISSEUR)
    casus = intake.get(casus_met_gezondheid(intake, kr), headers=kr).json()
    assert casus["persoonlijkeOmstandigheden"]["fysiekeGezondheid"] == FYSIEK
    assert casus["persoonlijkeOmstandigheden"]["mentaleGezondheid"] == MENTAAL
    assert casus["coaProfiel"]["zichtbareBeperkingen"] == BEPERKING


def test_a_teamleider_gets_the_case_without_the_health_fields(
    intake: TestClient, auth_headers: Headers
) -> None:
    """The rest of the case stays (children's birth dates matter for VVE, the teamleider
    needs status and deadlines); the health fields are null, in reads and in the answer to
    any change the teamleider makes."""
    url = casus_met_gezondheid(intake, auth_headers(Rol.KLANTREGISSEUR))
    tl = auth_headers(Rol.TEAMLEIDER)
    gelezen = intake.get(url, headers=tl)
    gewijzigd = intake.put(f"{url}/brede-intake/hoofddoel", json={"hoofddoel": "werk"}, headers=tl)
    assert gelezen.status_code == 200 and gewijzigd.status_code == 200, gewijzigd.text
    for response in (gelezen, gewijzigd):
        casus = response.json()
        omstandigheden = casus["persoonlijkeOmstandigheden"]
        assert omstandigheden["fysiekeGezondheid"] is None
        assert omstandigheden["mentaleGezondheid"] is None
        assert omstandigheden["geboortedataKinderen"] == ["2023-05-01"]
        assert casus["coaProfiel"]["zichtbareBeperkingen"] is None
        assert casus["coaProfiel"]["herkomstland"] == "Syrië"
        for tekst in (FYSIEK, MENTAAL, BEPERKING):
            assert tekst not in response.text


def test_a_teamleider_may_not_write_health_data(intake: TestClient, auth_headers: Headers) -> None:
    url = casus_met_gezondheid(intake, auth_headers(Rol.KLANTREGISSEUR))
    body = {"fysiekeGezondheid": "-", "mentaleGezondheid": "-"}
    response = intake.put(
        f"{url}/brede-intake/persoonlijke-omstandigheden",
        json=body,
        headers=auth_headers(Rol.TEAMLEIDER),
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def event_classes() -> list[type[DomainEvent]]:
    found: list[type[DomainEvent]] = []
    for name in DOMAIN_MODULES:
        module = importlib.import_module(name)
        for aggregate in vars(module).values():
            if isinstance(aggregate, type) and issubclass(aggregate, Aggregate):
                found += [
                    v
                    for v in vars(aggregate).values()
                    if isinstance(v, type)
                    and issubclass(v, DomainEvent)
                    and v.__module__ == name
                    and v not in found
                ]
    return found


def velden(event_class: type) -> set[str]:
    annotations: dict[str, Any] = {}
    for klass in reversed(event_class.__mro__):
        annotations.update(vars(klass).get("__annotations__", {}))
    return set(annotations)


def test_no_event_type_takes_health_data_to_the_region() -> None:
    """Every event type of the services, each carrying the health fields and the person,
    through the regional translator: what comes out never holds them. The health facts
    are in the event that records them, so the walk must include that one."""
    classes = event_classes()
    assert any("fysieke_gezondheid" in velden(c) for c in classes)
    persoon = str(uuid.uuid4())
    naar_regio = 0
    for event_class in classes:
        ce_type = event_type(event_class)
        data: dict[str, Any] = {to_camel(f): f"MARKER {f}" for f in GEZONDHEIDSVELDEN}
        data["inburgeraarId"] = persoon
        cloudevent = {
            "id": str(uuid.uuid4()),
            "type": ce_type,
            "source": source_of("GM0222", service_of(event_class)),
            "gemeente": "GM0222",
            "time": "2026-01-05T09:00:00Z",
            "data": data,
        }
        regional = to_regional(cloudevent, "achterhoek", b"k" * 32, persoon_id=persoon)
        if regional is None:
            continue
        naar_regio += 1
        assert "MARKER" not in json.dumps(regional), ce_type
    assert naar_regio == len(ALLOWED), "every allow-listed type was translated"
    for fields in ALLOW_LIST.values():
        assert not set(fields) & set(GEZONDHEIDSVELDEN)


def test_the_duo_pip_payload_has_no_health_field() -> None:
    """What the DUO client sends for a vastgestelde PIP (DUO's `PIP` schema), built from PIP
    data that also carries health fields: none of them goes out."""
    data = {
        "dagtekening": "2026-01-05",
        "leerroute": "b1",
        "niveau": "B1",
        "geschatteIntensiteit": 600,
        **{to_camel(f): f"MARKER {f}" for f in GEZONDHEIDSVELDEN},
    }
    melding = PIPMelding.uit_pip_vastgesteld(
        data, gemeente="GM0222", bsn="111222333", context=DuoContext()
    )
    payload = melding.als_duo_pip()
    assert set(payload) <= {"dagtekeningPip", "leerroute", "niveau", "geschatteIntensiteitB1Route"}
    assert payload["dagtekeningPip"] == "2026-01-05"
    assert "MARKER" not in json.dumps(payload)
