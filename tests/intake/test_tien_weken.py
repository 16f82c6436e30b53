"""The ten weeks for the PIP, in their one home: intake (the obligation in this gemeente).
art. 5.3 lid 1 Besluit inburgering 2021 (with art. 15 Wi2021): the college sets the PIP within
ten weeks after DUO's kennisgeving of the obligation, or after the registration in the BRP of
the gemeente when that is later. A new kennisgeving (DUO's SS139 again, e.g. on leaving the
COA) or a later BRP registration moves the deadline; the deadline travels in the events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient

from contracts import intake as intake_contract
from services.intake.application import IntakeApplication
from services.intake.config import IntakeSettings
from services.intake.domainmodel import Inburgeraar
from services.intake.main import create_app
from services.intake.rules import (
    DatumInToekomst,
    Doelgroep,
    KennisgevingNietNieuwer,
    KennisgevingVoorStartInburgeringsplicht,
    uiterste_datum_pip,
)
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.contracts import validate_cloudevent
from shared.eventlog import ServiceLog
from tests.conftest import TokenFactory

START = dt.date(2025, 9, 1)  # in the AZC
KENNISGEVING = dt.date(2025, 12, 1)  # DUO's kennisgeving: left the COA
API = "/api/v1"


def registreer(
    kennisgeving: dt.date | None = KENNISGEVING, vestiging: dt.date | None = None
) -> Inburgeraar:
    return Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn="111222333",
        naam="Amal Haddad",
        geboortedatum=dt.date(1994, 3, 2),
        adres=None,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=vestiging,
        datum_kennisgeving=kennisgeving,
    )


def namen(inburgeraar: Inburgeraar) -> list[str]:
    return [type(e).__name__ for e in inburgeraar.collect_events()]


# --- The rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kennisgeving", "brp", "uiterste"),
    [
        # "Binnen tien weken na": the same weekday ten weeks on is the last day.
        (dt.date(2025, 12, 1), None, dt.date(2026, 2, 9)),
        (dt.date(2025, 12, 1), dt.date(2025, 11, 3), dt.date(2026, 2, 9)),
        (dt.date(2025, 12, 1), dt.date(2025, 12, 1), dt.date(2026, 2, 9)),
        (dt.date(2025, 12, 1), dt.date(2025, 12, 15), dt.date(2026, 2, 23)),
    ],
)
def test_ten_weeks_after_the_kennisgeving_or_the_later_brp_registration(
    kennisgeving: dt.date, brp: dt.date | None, uiterste: dt.date
) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021: ten weeks after DUO's kennisgeving, or
    after the BRP registration in the gemeente when that is later."""
    assert uiterste_datum_pip(kennisgeving, brp) == uiterste
    assert (uiterste - max(kennisgeving, brp or kennisgeving)).days == 70


def test_an_asielstatushouder_from_the_azc_is_registered_with_the_ten_weeks_of_the_kennisgeving(
    clock: FrozenClock,
) -> None:
    """art. 5.3 lid 1 Besluit: not from the start of the obligation (in the AZC, months
    earlier), but from DUO's kennisgeving; InburgeraarGeregistreerd (v3) carries both."""
    inburgeraar = registreer()
    [geregistreerd] = inburgeraar.pending_events
    assert geregistreerd.datum_kennisgeving == KENNISGEVING  # type: ignore[attr-defined]
    assert geregistreerd.uiterste_datum_pip == dt.date(2026, 2, 9)  # type: ignore[attr-defined]
    assert intake_contract.INBURGERAAR_GEREGISTREERD.endswith(".v3")


def test_without_a_kennisgeving_the_start_stands_in_for_it(clock: FrozenClock) -> None:
    """art. 5.3 Besluit: a registration that knows no other date (a gezinsmigrant who
    already lives in the gemeente) counts from the start, as DUO gives notice at once."""
    inburgeraar = registreer(kennisgeving=None)
    assert inburgeraar.datum_kennisgeving == START
    assert inburgeraar.uiterste_datum_pip == dt.date(2025, 11, 10)


@pytest.mark.parametrize(
    ("kennisgeving", "fout"),
    [
        (dt.date(2025, 8, 31), KennisgevingVoorStartInburgeringsplicht),
        (dt.date(2026, 1, 6), DatumInToekomst),
    ],
)
def test_a_kennisgeving_before_the_obligation_or_in_the_future_is_refused(
    clock: FrozenClock, kennisgeving: dt.date, fout: type[Exception]
) -> None:
    """art. 5.3 Besluit; DUO Inburgeringsplicht API: a kennisgeving of an obligation that
    exists, given before today."""
    with pytest.raises(fout):
        registreer(kennisgeving=kennisgeving)


def test_a_later_kennisgeving_moves_the_deadline_an_older_one_is_refused(
    clock: FrozenClock,
) -> None:
    """DUO Gebeurtenissen SS139 ("also when the person leaves the COA"); art. 5.3 Besluit:
    the ten weeks run from the new kennisgeving."""
    inburgeraar = registreer()
    inburgeraar.ontvang_kennisgeving(dt.date(2025, 12, 22))
    assert inburgeraar.uiterste_datum_pip == dt.date(2026, 3, 2)
    gewijzigd = inburgeraar.pending_events[-1]
    assert type(gewijzigd).__name__ == "UitersteDatumPipGewijzigd"
    assert gewijzigd.uiterste_datum_pip == dt.date(2026, 3, 2)  # type: ignore[attr-defined]
    assert gewijzigd.inburgeraar_id == inburgeraar.id  # type: ignore[attr-defined]
    for niet_later in (dt.date(2025, 12, 22), dt.date(2025, 12, 10)):
        with pytest.raises(KennisgevingNietNieuwer):
            inburgeraar.ontvang_kennisgeving(niet_later)
    assert namen(inburgeraar) == [
        "InburgeraarGeregistreerd",
        "KennisgevingOntvangen",
        "UitersteDatumPipGewijzigd",
    ]


def test_a_later_brp_registration_moves_the_deadline_an_earlier_one_does_not(
    clock: FrozenClock,
) -> None:
    """art. 5.3 lid 1 Besluit: after the BRP registration when that is later."""
    inburgeraar = registreer()
    inburgeraar.leg_vestigingsdatum_vast(dt.date(2025, 11, 20))
    assert inburgeraar.uiterste_datum_pip == dt.date(2026, 2, 9)
    inburgeraar.leg_vestigingsdatum_vast(dt.date(2025, 12, 8))
    assert inburgeraar.uiterste_datum_pip == dt.date(2026, 2, 16)
    assert namen(inburgeraar) == [
        "InburgeraarGeregistreerd",
        "VestigingsdatumVastgelegd",
        "VestigingsdatumVastgelegd",
        "UitersteDatumPipGewijzigd",
    ]


# --- Stored before v3 --------------------------------------------------------------------


def as_v2(stored: StoredEvent, application: IntakeApplication) -> StoredEvent:
    state = application.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 3
    del state["datum_kennisgeving"]
    state["class_version"] = 2
    return replace(stored, state=application.mapper.transcoder.encode(state))


def test_a_registration_stored_as_v2_reads_its_start_as_the_kennisgeving(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """art. 5.3 Besluit: registrations stored before v3 knew no other date than the start;
    they keep their deadline and publish v3."""
    reader = IntakeApplication(env=settings.event_store_env("Intake"), bsn_sleutel="k")
    inburgeraar = registreer(kennisgeving=None)
    stored = [reader.mapper.to_stored_event(e) for e in inburgeraar.collect_events()]
    reader.recorder.insert_events([as_v2(stored[0], reader)])
    gelezen = reader.get_voor(Inburgeraar, inburgeraar.id, ["GM0222"])
    assert (gelezen.datum_kennisgeving, gelezen.uiterste_datum_pip) == (
        START,
        dt.date(2025, 11, 10),
    )
    [cloudevent] = [ce for _, ce in ServiceLog(reader).read(0, 10) if ce]
    assert cloudevent["type"] == intake_contract.INBURGERAAR_GEREGISTREERD
    assert cloudevent["data"]["datumKennisgeving"] == START.isoformat()
    validate_cloudevent(cloudevent)
    reader.close()


# --- HTTP ------------------------------------------------------------------------------


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(IntakeSettings(**settings.model_dump()))) as test_client:
        yield test_client


def registratie(**overrides: Any) -> dict[str, Any]:
    return {
        "gemeente": "GM0222",
        "doelgroep": "asielstatushouder",
        "bsn": "111222333",
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "datumStartInburgeringsplicht": START.isoformat(),
        "datumKennisgeving": KENNISGEVING.isoformat(),
    } | overrides


def test_a_hand_registration_needs_duos_kennisgeving_and_stores_nothing_without_it(
    client: TestClient, auth_headers: TokenFactory
) -> None:
    """art. 5.3 lid 1 Besluit: the ten weeks run from DUO's kennisgeving, so a hand
    registration states it: missing or wrong is a 4xx naming the field; nothing stored."""
    kr = auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])
    zonder = {k: v for k, v in registratie().items() if k != "datumKennisgeving"}
    response = client.post(f"{API}/inburgeraars", json=zonder, headers=kr)
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["datumKennisgeving"]

    voor_start = client.post(
        f"{API}/inburgeraars", json=registratie(datumKennisgeving="2025-08-01"), headers=kr
    )
    assert voor_start.status_code == 400
    assert voor_start.json()["code"] == "KennisgevingVoorStartInburgeringsplicht"
    zoek = client.post(f"{API}/inburgeraar-zoekvragen", json={"bsn": "111222333"}, headers=kr)
    assert zoek.json()["resultaten"] == []

    created = client.post(f"{API}/inburgeraars", json=registratie(), headers=kr)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["datumKennisgeving"], body["uitersteDatumPip"]) == ("2025-12-01", "2026-02-09")
