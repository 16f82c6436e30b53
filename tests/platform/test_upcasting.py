"""Stored events of an older shape are upcast when read (eventsourcing `class_version`):
an IntakeAfgerond stored as v1, before it carried the hoofddoel and the uiterste datum of
the PIP, is read as the current version."""

from __future__ import annotations

from dataclasses import replace

from eventsourcing.persistence import StoredEvent

from contracts import intake as intake_contract
from services.intake.application import IntakeApplication
from services.intake.domainmodel import Inburgeraar
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.contracts import validate_cloudevent
from shared.eventlog import ServiceLog
from tests.platform.test_contracts import intake_story


def as_v1(stored: StoredEvent, application: IntakeApplication) -> StoredEvent:
    state = application.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 3
    del state["hoofddoel"], state["uiterste_datum_pip"]
    return replace(stored, state=application.mapper.transcoder.encode(state))


def test_an_intake_afgerond_stored_as_v1_is_read_as_v2(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    reader = IntakeApplication(env=settings.event_store_env("Intake"), bsn_sleutel="k")
    events = list(intake_story())
    inburgeraar_id = events[0].originator_id
    stored = [reader.mapper.to_stored_event(e) for e in events]
    old = [as_v1(s, reader) if s.topic.endswith("IntakeAfgerond") else s for s in stored]
    reader.recorder.insert_events(old)

    [afgerond_record] = [s for s in old if s.topic.endswith("IntakeAfgerond")]
    assert "hoofddoel" not in reader.mapper.transcoder.decode(afgerond_record.state)
    afgerond = reader.mapper.to_domain_event(afgerond_record)
    assert type(afgerond) is Inburgeraar.IntakeAfgerond
    assert afgerond.hoofddoel is None  # type: ignore[attr-defined]
    assert afgerond.leerroute == "b1"  # type: ignore[attr-defined]

    inburgeraar = reader.get_voor(Inburgeraar, inburgeraar_id, ["GM0222"])
    assert inburgeraar.afrondingsdatum is not None

    published = [ce for _, ce in ServiceLog(reader).read(0, 100) if ce]
    [cloudevent] = [ce for ce in published if ce["type"] == intake_contract.INTAKE_AFGEROND]
    assert cloudevent["data"]["hoofddoel"] is None
    # Upcast with the rule of its day: ten weeks from the start of the obligation.
    assert cloudevent["data"]["uitersteDatumPip"] == "2026-02-09"
    validate_cloudevent(cloudevent)


def test_a_new_intake_afgerond_carries_the_hoofddoel(clock: FrozenClock) -> None:
    [afgerond] = [e for e in intake_story() if type(e) is Inburgeraar.IntakeAfgerond]
    assert afgerond.hoofddoel == "werk"  # type: ignore[attr-defined]
