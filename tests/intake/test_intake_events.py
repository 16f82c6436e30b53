"""The intake's events as stored and published: business dates are dates, the registration
carries the last day to set the PIP (contract v2), and a registration stored before that
(stored shape v1) is read and published as v2 with the date computed from its start.

The clock fixture stands on 2026-01-05."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from eventsourcing.persistence import StoredEvent

from contracts import intake as intake_contract
from services.intake.application import IntakeApplication
from services.intake.domainmodel import Inburgeraar
from services.intake.rules import Doelgroep, uiterste_datum_pip
from shared.clock import FrozenClock
from shared.cloudevents import event_type
from shared.config import PlatformSettings
from shared.contracts import validate_cloudevent
from shared.eventlog import ServiceLog

START = dt.date(2025, 12, 1)


def registreer() -> Inburgeraar:
    return Inburgeraar.registreer(
        gemeente="GM0222",
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        bsn="111222333",
        naam="Amal Haddad",
        geboortedatum=dt.date(1994, 3, 2),
        adres=None,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=None,
    )


def as_v1(stored: StoredEvent, application: IntakeApplication) -> StoredEvent:
    """The registration as stored before v2: no uiterste datum, dates as ISO strings."""
    state = application.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 3
    del state["uiterste_datum_pip"]
    del state["datum_kennisgeving"]
    for name in ("datum_start_inburgeringsplicht", "vestigingsdatum"):
        if isinstance(state[name], dt.date):
            state[name] = state[name].isoformat()
    return replace(stored, state=application.mapper.transcoder.encode(state))


def test_the_registration_carries_the_ten_weeks_of_the_pip(clock: FrozenClock) -> None:
    """art. 15 Wi2021: computed once, by the kernel's one function, and published."""
    inburgeraar = registreer()
    [geregistreerd] = inburgeraar.pending_events
    assert event_type(type(geregistreerd)) == intake_contract.INBURGERAAR_GEREGISTREERD
    assert intake_contract.INBURGERAAR_GEREGISTREERD.endswith(".v3")
    assert geregistreerd.uiterste_datum_pip == uiterste_datum_pip(START, None)  # type: ignore[attr-defined]
    assert geregistreerd.datum_start_inburgeringsplicht == START  # type: ignore[attr-defined]
    assert inburgeraar.uiterste_datum_pip == dt.date(2026, 2, 9)


def test_a_missed_appointment_carries_its_new_invitation_as_a_date(clock: FrozenClock) -> None:
    inburgeraar = registreer()
    inburgeraar.registreer_niet_verschenen(dt.date(2025, 12, 10), dt.date(2025, 12, 17))
    niet_verschenen, waarschuwing = inburgeraar.pending_events[1:]
    assert event_type(type(niet_verschenen)) == intake_contract.NIET_VERSCHENEN
    assert event_type(type(waarschuwing)) == intake_contract.WAARSCHUWING_GEGEVEN
    assert niet_verschenen.nieuwe_uitnodiging == dt.date(2025, 12, 17)  # type: ignore[attr-defined]
    assert waarschuwing.nieuwe_uitnodiging == dt.date(2025, 12, 17)  # type: ignore[attr-defined]


def test_a_registration_stored_as_v1_is_read_and_published_as_v2(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    reader = IntakeApplication(env=settings.event_store_env("Intake"), bsn_sleutel="k")
    inburgeraar = registreer()
    inburgeraar.voer_intakegesprek(dt.date(2025, 12, 10), "kr-1")
    stored = [reader.mapper.to_stored_event(e) for e in inburgeraar.collect_events()]
    old = [as_v1(s, reader) if s.originator_version == 1 else s for s in stored]
    reader.recorder.insert_events(old)
    assert "uiterste_datum_pip" not in reader.mapper.transcoder.decode(old[0].state)

    geregistreerd = reader.mapper.to_domain_event(old[0])
    assert type(geregistreerd) is Inburgeraar.InburgeraarGeregistreerd
    assert geregistreerd.uiterste_datum_pip == dt.date(2026, 2, 9)
    assert geregistreerd.datum_start_inburgeringsplicht == START

    gelezen = reader.get_voor(Inburgeraar, inburgeraar.id, ["GM0222"])
    assert gelezen.uiterste_datum_pip == dt.date(2026, 2, 9)
    assert gelezen.intakegesprekken[0].gespreksdatum == dt.date(2025, 12, 10)

    published = [ce for _, ce in ServiceLog(reader).read(0, 100) if ce]
    [cloudevent] = [
        ce for ce in published if ce["type"] == intake_contract.INBURGERAAR_GEREGISTREERD
    ]
    assert cloudevent["data"]["uitersteDatumPip"] == "2026-02-09"
    assert cloudevent["data"]["datumStartInburgeringsplicht"] == "2025-12-01"
    validate_cloudevent(cloudevent)
    reader.close()
