"""The PIP's events stored before their deadlines travelled in them (and before their dates
were typed) are read as the current shape: each upcaster fills the new field with the PIP
service's own rule, dates come back as dates, and what the relay publishes from them fits
the v2 contract."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from typing import Any

from eventsourcing.persistence import StoredEvent

from contracts import pip as pip_contract
from services.pip import rules
from services.pip.application import PipApplication
from services.pip.domainmodel import Inburgeringstraject
from services.pip.rules import Doelgroep, Leerroute, VerlengingReden
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.contracts import validate_cloudevent
from shared.eventlog import ServiceLog

D = dt.date
START = D(2025, 11, 3)
# What v2 added to each stored shape (class_version 1 had none of it).
NIEUW_IN_V2 = {
    "PIPOpgesteld": "uiterste_datum_pip",
    "ConceptPIPGewijzigd": "uiterste_datum_pip",
    "PIPTermijnOpgeschort": "uiterste_datum_pip",
    "InburgeringstermijnGestart": "loopt_bijna_af_vanaf",
    "InburgeringstermijnVerlengd": "loopt_bijna_af_vanaf",
}


def traject() -> Inburgeringstraject:
    t = Inburgeringstraject.stel_concept_op(
        gemeente="GM0222",
        inburgeraar_id=uuid.uuid4(),
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.B1,
    )
    t.wijzig_concept(
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=D(2025, 11, 10),
        geadviseerde_leerroute=Leerroute.B1,
    )
    t.wacht_op_derden(
        derde="GGD", opgevraagd_op=D(2025, 12, 1), informatie_ontvangen_op=D(2026, 1, 2)
    )
    t.vaststellen(
        dagtekening=D(2026, 1, 5),
        leerroute=Leerroute.B1,
        niveau=None,
        map=True,
        map_intensiteit_uren=40,
        pvt_intensiteit_uren=12,
        knm=True,
        begeleiding="",
        ontzorging=False,
        geschatte_intensiteit=None,
    )
    t.verleng_termijn(
        reden=VerlengingReden.ZIEKTE, nieuwe_einddatum=D(2029, 6, 15), toelichting=None
    )
    return t


def as_v1(stored: StoredEvent, application: PipApplication) -> StoredEvent:
    """The stored shape before v2: no new field, dates as ISO strings."""
    state: dict[str, Any] = application.mapper.transcoder.decode(stored.state)
    naam = stored.topic.rsplit(".", 1)[-1]
    if naam in NIEUW_IN_V2:
        assert state.pop("class_version") == 2
        del state[NIEUW_IN_V2[naam]]
    for veld, waarde in state.items():
        if type(waarde) is dt.date:
            state[veld] = waarde.isoformat()
    return replace(stored, state=application.mapper.transcoder.encode(state))


def test_pip_events_stored_before_v2_are_read_with_their_deadlines(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    application = PipApplication(env=settings.event_store_env(PipApplication.name))
    nieuw = traject()
    events = nieuw.collect_events()
    application.recorder.insert_events(
        [as_v1(application.mapper.to_stored_event(e), application) for e in events]
    )

    gelezen = application.get_voor(Inburgeringstraject, nieuw.id, ["GM0222"])
    assert gelezen.uiterste_datum_pip == nieuw.uiterste_datum_pip == D(2026, 1, 16)
    assert (gelezen.termijn_start, gelezen.termijn_einde) == (D(2026, 1, 6), D(2029, 6, 15))
    assert gelezen.vestigingsdatum == D(2025, 11, 10)
    assert gelezen.agenda() == nieuw.agenda()

    published = {ce["type"]: ce for _, ce in ServiceLog(application).read(0, 100) if ce}
    for cloudevent in published.values():
        validate_cloudevent(cloudevent)
    data = {t: published[t]["data"] for t in published}
    assert data[pip_contract.PIP_OPGESTELD]["uitersteDatumPip"] == "2026-01-12"
    assert data[pip_contract.CONCEPT_PIP_GEWIJZIGD]["uitersteDatumPip"] == "2026-01-12"
    # Alone, the stored wait knows how far it extends the ten weeks, not the start.
    assert data[pip_contract.PIP_TERMIJN_OPGESCHORT]["uitersteDatumPip"] == "2026-01-16"
    gestart = data[pip_contract.INBURGERINGSTERMIJN_GESTART]
    assert (gestart["startdatum"], gestart["looptBijnaAfVanaf"]) == ("2026-01-06", "2028-11-05")
    verlengd = data[pip_contract.INBURGERINGSTERMIJN_VERLENGD]
    assert verlengd["looptBijnaAfVanaf"] == "2029-04-15"
    assert D.fromisoformat(verlengd["looptBijnaAfVanaf"]) == (
        rules.eerste_dag_binnen_twee_maanden(D(2029, 6, 15))
    )
    application.close()


def test_new_pip_events_carry_their_deadlines(clock: FrozenClock) -> None:
    """What the PIP service computes, it publishes: readers compute no deadline."""
    events = {type(e).__name__: vars(e) for e in traject().collect_events()}
    assert events["PIPOpgesteld"]["uiterste_datum_pip"] == D(2026, 1, 12)
    assert events["ConceptPIPGewijzigd"]["uiterste_datum_pip"] == D(2026, 1, 12)
    assert events["PIPTermijnOpgeschort"]["uiterste_datum_pip"] == D(2026, 1, 16)
    assert events["PIPVastgesteld"]["uiterste_datum_pip"] == D(2026, 1, 16)
    gestart = events["InburgeringstermijnGestart"]
    assert (gestart["einddatum"], gestart["loopt_bijna_af_vanaf"]) == (
        D(2029, 1, 5),
        D(2028, 11, 5),
    )
    assert events["InburgeringstermijnVerlengd"]["loopt_bijna_af_vanaf"] == D(2029, 4, 15)
