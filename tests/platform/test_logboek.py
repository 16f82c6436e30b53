"""The Logboek Dataverwerkingen through the APIs: one record per processing of a person's data,
with the fields of the standard, an encrypted data subject, and nothing for routes that touch
nobody. Source: Logboek Dataverwerkingen (Logius/VNG 1.0), standards.md §3; art. 5 lid 2 and
art. 30 AVG (accountability, register of processing activities)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.intake.config import IntakeSettings
from services.intake.main import create_app as create_intake
from services.pip.config import PipSettings
from services.pip.main import create_app as create_pip
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.logboek import REGISTER, TABEL, BetrokkeneSleutel, LogboekRecord
from shared.sqlstore import SQLStore

Headers = Callable[..., dict[str, str]]
API = "/api/v1"
BSN = "111222333"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
HEX16 = 16


def registratie(**overrides: Any) -> dict[str, Any]:
    return {
        "gemeente": "GM0222",
        "doelgroep": "asielstatushouder",
        "bsn": BSN,
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
    } | overrides


@pytest.fixture
def intake(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_intake(IntakeSettings(**settings.model_dump()))) as client:
        yield client


def records(client: TestClient) -> list[LogboekRecord]:
    app: FastAPI = client.app  # type: ignore[assignment]
    return list(app.state.logboek.records())


def sleutel(settings: PlatformSettings) -> BetrokkeneSleutel:
    assert settings.logboek_sleutel is not None
    return BetrokkeneSleutel(settings.logboek_sleutel.get_secret_value())


def raw_cells(settings: PlatformSettings) -> list[str]:
    store = SQLStore(settings, "logboek")
    try:
        return [str(cell) for row in store.query(f"SELECT * FROM {TABEL}") for cell in row]
    finally:
        store.close()


def test_every_read_and_write_of_a_person_writes_one_record_with_the_standard_fields(
    intake: TestClient, settings: PlatformSettings, auth_headers: Headers
) -> None:
    """A klantregisseur registers Amal, reads her case and records her vestiging: three
    processings, three records, each with trace id, span id, the registered activity, the
    encrypted data subject (her inburgeraar id), status, times and the gemeente."""
    headers = auth_headers()
    created = intake.post(f"{API}/inburgeraars", json=registratie(), headers=headers)
    assert created.status_code == 201, created.text
    inburgeraar_id = created.json()["id"]
    url = f"{API}/inburgeraars/{inburgeraar_id}"
    assert intake.get(url, headers=headers).status_code == 200
    vestiging = {"vestigingsdatum": "2025-12-15"}
    assert intake.put(f"{url}/vestiging", json=vestiging, headers=headers).status_code == 200

    logged = records(intake)
    assert [r.processing_activity_id.rsplit("/", 2)[-2:] for r in logged] == [
        ["intake", "registreer-inburgeraar"],
        ["intake", "inburgeraar"],
        ["intake", "leg-vestiging-vast"],
    ]
    for record in logged:
        assert record.processing_activity_id in {a.id for a in REGISTER.values()}
        assert len(record.trace_id) == 32 and len(record.span_id) == HEX16
        assert record.status == "ok" and record.status_code < 400
        assert record.start_time <= record.end_time
        assert record.gemeente == "GM0222" and record.system == "Intake"
        assert record.data_subject_id_type == "inburgeraar"
        assert record.data_subject_id is not None
        assert record.data_subject_id != inburgeraar_id
        assert sleutel(settings).ontsleutel(record.data_subject_id) == inburgeraar_id
    assert len({r.span_id for r in logged}) == 3, "each request is its own span"
    assert len({r.data_subject_id for r in logged}) == 3, "a fresh nonce per record"


def test_the_log_holds_no_plaintext_person_id_nor_bsn(
    intake: TestClient, settings: PlatformSettings, auth_headers: Headers
) -> None:
    """What is written to the table itself: no inburgeraar id, no BSN, no name."""
    headers = auth_headers()
    created = intake.post(f"{API}/inburgeraars", json=registratie(), headers=headers)
    inburgeraar_id = created.json()["id"]
    zoek = intake.post(f"{API}/inburgeraar-zoekvragen", json={"bsn": BSN}, headers=headers)
    assert zoek.status_code == 200 and zoek.json()["resultaten"]
    cells = raw_cells(settings)
    assert cells, "the records are in the table"
    for cell in cells:
        assert inburgeraar_id not in cell and BSN not in cell and "Amal" not in cell


def test_a_refused_or_failed_processing_is_logged_as_an_error(
    intake: TestClient, settings: PlatformSettings, auth_headers: Headers
) -> None:
    """The outcome counts, not only success: another gemeente's token (404), a
    beleidsmedewerker (403), no token (401) and invalid input (400) each write one record
    with status error; where the path names the person, the subject is that id."""
    created = intake.post(f"{API}/inburgeraars", json=registratie(), headers=auth_headers())
    inburgeraar_id = created.json()["id"]
    url = f"{API}/inburgeraars/{inburgeraar_id}"
    voor = len(records(intake))

    assert intake.get(url, headers=auth_headers(gemeenten=["GM0197"])).status_code == 404
    assert intake.get(url, headers=auth_headers(Rol.BELEIDSMEDEWERKER)).status_code == 403
    assert intake.get(url).status_code == 401
    ongeldig = registratie(bsn="123456789")
    assert (
        intake.post(f"{API}/inburgeraars", json=ongeldig, headers=auth_headers()).status_code == 400
    )

    nieuw = records(intake)[voor:]
    assert [(r.status, r.status_code) for r in nieuw] == [
        ("error", 404),
        ("error", 403),
        ("error", 401),
        ("error", 400),
    ]
    for record in nieuw[:3]:
        assert record.data_subject_id is not None
        assert sleutel(settings).ontsleutel(record.data_subject_id) == inburgeraar_id
    assert nieuw[3].data_subject_id is None, "an invalid registration names nobody yet"


def test_routes_that_touch_no_person_write_nothing(
    intake: TestClient, auth_headers: Headers
) -> None:
    """OpenAPI, the docs and an unknown path process nobody's data."""
    assert intake.get(f"{API}/openapi.json").status_code == 200
    assert intake.get(f"{API}/docs").status_code == 200
    assert intake.get(f"{API}/nergens", headers=auth_headers()).status_code == 404
    assert records(intake) == []


def test_a_pip_route_logs_the_inburgeraar_not_the_pip(
    settings: PlatformSettings, clock: FrozenClock, auth_headers: Headers
) -> None:
    """The data subject is the person (the inburgeraar id), also where the path names the
    PIP; the search by inburgeraarId logs the person searched for."""
    inburgeraar_id = "0b0c5c1e-5f5e-4a39-9a57-0d6a3c0d8e11"
    with TestClient(create_pip(PipSettings(**settings.model_dump()))) as pip:
        body = {
            "gemeente": "GM0222",
            "inburgeraarId": inburgeraar_id,
            "doelgroep": "asielstatushouder",
            "datumStartInburgeringsplicht": "2025-12-01",
            "uitersteDatumPip": "2026-02-09",
        }
        created = pip.post(f"{API}/pips", json=body, headers=auth_headers())
        assert created.status_code == 201, created.text
        assert pip.get(f"{API}/pips/{created.json()['id']}", headers=auth_headers()).is_success
        gezocht = pip.get(
            f"{API}/pips", params={"inburgeraarId": inburgeraar_id}, headers=auth_headers()
        )
        assert gezocht.is_success
        logged = records(pip)
    assert len(logged) == 3
    for record in logged:
        assert record.data_subject_id is not None
        assert sleutel(settings).ontsleutel(record.data_subject_id) == inburgeraar_id


def test_an_incoming_traceparent_is_continued_and_an_invalid_one_starts_a_new_trace(
    intake: TestClient, auth_headers: Headers
) -> None:
    """W3C Trace Context: the caller's trace id is kept, the request is a child span of the
    caller's; the response carries the request's traceparent. An invalid header is not an
    error: the request starts a new trace."""
    headers = auth_headers()
    caller = f"00-{TRACE}-{CALLER_SPAN}-01"
    response = intake.post(
        f"{API}/inburgeraars", json=registratie(), headers=headers | {"traceparent": caller}
    )
    assert response.status_code == 201
    _, trace_id, span_id, _ = response.headers["traceparent"].split("-")
    assert trace_id == TRACE and span_id != CALLER_SPAN
    [record] = records(intake)
    assert (record.trace_id, record.span_id, record.parent_span_id) == (
        TRACE,
        span_id,
        CALLER_SPAN,
    )

    url = f"{API}/inburgeraars/{response.json()['id']}"
    for invalid in ("garbage", f"00-{'0' * 32}-{CALLER_SPAN}-01", f"00-{TRACE}-xyz-01"):
        read = intake.get(url, headers=headers | {"traceparent": invalid})
        assert read.status_code == 200
        assert read.headers["traceparent"].split("-")[1] != TRACE
    fresh = intake.get(url, headers=headers)
    assert fresh.headers["traceparent"].split("-")[1] not in (TRACE, "0" * 32)
    assert records(intake)[-1].parent_span_id is None


def test_events_saved_in_a_request_carry_its_traceparent_and_still_reload(
    intake: TestClient, auth_headers: Headers
) -> None:
    """The events a request saves are stamped with its traceparent (stored with the event,
    published as the CloudEvents `traceparent` extension attribute, not in `data`); the
    aggregate reloads from them unchanged."""
    from shared.eventlog import ServiceLog

    caller = f"00-{TRACE}-{CALLER_SPAN}-01"
    response = intake.post(
        f"{API}/inburgeraars",
        json=registratie(),
        headers=auth_headers() | {"traceparent": caller},
    )
    request_traceparent = response.headers["traceparent"]
    app: FastAPI = intake.app  # type: ignore[assignment]
    application = app.state.application
    aggregate = application.repository.get(UUID(response.json()["id"]))
    assert aggregate.version == 1 and aggregate.gemeente == "GM0222"
    published = [ce for _, ce in ServiceLog(application).read(0, 100) if ce]
    assert published and all(ce["traceparent"] == request_traceparent for ce in published)
    assert all("traceparent" not in ce["data"] for ce in published)
    reread = intake.get(f"{API}/inburgeraars/{aggregate.id}", headers=auth_headers())
    assert reread.json()["versie"] == 1


def test_the_register_names_every_activity_with_a_grondslag() -> None:
    """art. 30 AVG: purpose and legal basis live in the register, once per activity."""
    assert REGISTER
    for code, activiteit in REGISTER.items():
        assert activiteit.naam and activiteit.grondslag and activiteit.id.endswith(code)
    assert "art. 9" in REGISTER["intake/leg-persoonlijke-omstandigheden-vast"].grondslag


def test_records_are_timed_in_utc(intake: TestClient, auth_headers: Headers) -> None:
    intake.post(f"{API}/inburgeraars", json=registratie(), headers=auth_headers())
    [record] = records(intake)
    assert record.start_time.tzinfo is not None
    assert record.start_time.utcoffset() == dt.timedelta(0)
