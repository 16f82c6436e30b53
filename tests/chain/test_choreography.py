"""Choreography between the services: IntakeAfgerond opens a draft PIP with the advised
leerroute, and a PIP beschikking that decides to ontzorg starts the ontzorging. One consumer
code path with two sources: the embedded platform reads the upstream services' logs
directly (LogSource), the Kafka workers read the gemeente topics (KafkaSource).

The clock fixture stands on 2026-01-05 (see tests/chain/keten.py for the dates).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking
from fastapi import FastAPI
from fastapi.testclient import TestClient
from kafka import TopicPartition

from services.embedded import create_platform
from services.ontzorging import worker as ontzorging_worker
from services.pip import bootstrap as pip_bootstrap
from services.pip.application import PipApplication
from services.pip.domainmodel import Inburgeringstraject
from services.pip.rules import Doelgroep, Leerroute, Status
from shared.application import GemeenteApplication
from shared.auth import Rol
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.clock import FrozenClock
from shared.cloudevents import from_kafka, to_kafka
from shared.config import PlatformSettings
from shared.consumer import (
    Consumer,
    KafkaDeadLetters,
    KafkaSource,
    LoggedDeadLetters,
    LogSource,
)
from shared.domain import Ontvangst
from shared.eventlog import ServiceLog
from shared.positions import position_store
from shared.relay import Relay
from shared.topics import dead_letter_topic, gemeente_topic
from tests.chain import keten
from tests.chain.keten import BSNS, GEMEENTE, Apps, G, ListSource

Headers = Callable[..., dict[str, str]]
INTAKE_AFGEROND = "nl.inburgering.intake.intake-afgerond.v2"
PIP_VASTGESTELD = "nl.inburgering.pip.pip-vastgesteld.v1"


@pytest.fixture
def apps(settings: PlatformSettings, clock: FrozenClock) -> Iterator[Apps]:
    with keten.apps(settings) as made:
        yield made


def pip_consumer(apps: Apps, settings: PlatformSettings) -> Consumer:
    [consumer] = pip_bootstrap.build_consumers(settings, apps.pip, intake=apps.intake)
    return consumer


def ontzorging_consumer(apps: Apps, settings: PlatformSettings) -> Consumer:
    [consumer] = ontzorging_worker.build_consumers(settings, apps.ontzorging, pip=apps.pip)
    return consumer


def letters(consumer: Consumer) -> list[tuple[str, dict[str, Any] | None]]:
    assert isinstance(consumer.dead_letters, LoggedDeadLetters)
    return consumer.dead_letters.letters


def published(application: GemeenteApplication, ce_type: str) -> list[dict[str, Any]]:
    """The CloudEvents of this type in the application's log, as consumers receive them."""
    return [ce for _, ce in ServiceLog(application).read(0, 1000) if ce and ce["type"] == ce_type]


def head(application: GemeenteApplication) -> int:
    return application.recorder.max_notification_id() or 0


def log_position(consumer: Consumer) -> int:
    assert isinstance(consumer.source, LogSource)
    return consumer.position(consumer.source.name)


# --- Embedded: the platform in one process ------------------------------------------------


@pytest.fixture
def platform(settings: PlatformSettings, clock: FrozenClock) -> Iterator[FastAPI]:
    """The embedded platform without its lifespan: the test drives the backbone itself."""
    made = create_platform(settings)
    yield made
    for app in made.state.services.values():
        app.state.application.close()


def intake_via_http(client: TestClient, headers: dict[str, str]) -> str:
    """Registration and the whole brede intake through the intake API; the inburgeraar id."""
    api = "/intake/api/v1"
    registratie = {
        "gemeente": GEMEENTE,
        "doelgroep": "asielstatushouder",
        "bsn": BSNS[0],
        "naam": "Amal Haddad",
        "geboortedatum": "1994-03-02",
        "datumStartInburgeringsplicht": "2025-12-01",
        "datumKennisgeving": "2025-12-01",
        "vestigingsdatum": "2025-12-08",
    }
    created = client.post(f"{api}/inburgeraars", json=registratie, headers=headers)
    assert created.status_code == 201, created.text
    url = f"{api}/inburgeraars/{created.json()['id']}"
    gesprek = {"gespreksdatum": "2025-12-10", "klantregisseur": "kr-1"}
    assert client.post(f"{url}/intakegesprekken", json=gesprek, headers=headers).is_success
    toets = {
        "resultaat": "b1_route_haalbaar",
        "behaaldeScore": "71,20",
        "benodigdeScore": "60,00",
        "datumAfname": "2025-12-09",
    }
    onderdelen: list[tuple[str, dict[str, Any]]] = [
        ("leerbaarheidstoets", {"uitslag": toets}),
        ("opleiding-en-werkervaring", {"opleidingen": [], "werkervaring": []}),
        ("persoonlijke-omstandigheden", {"fysiekeGezondheid": "-", "mentaleGezondheid": "-"}),
        ("hoofddoel", {"hoofddoel": "werk"}),
        ("leerroute-advies", {"leerroute": "b1"}),
    ]
    for pad, body in onderdelen:
        response = client.put(f"{url}/brede-intake/{pad}", json=body, headers=headers)
        assert response.status_code == 200, response.text
    afronding = {"afrondingsdatum": "2026-01-05"}
    afgerond = client.post(f"{url}/brede-intake/afronding", json=afronding, headers=headers)
    assert afgerond.status_code == 201, afgerond.text
    return str(created.json()["id"])


def test_the_embedded_platform_carries_an_intake_to_a_started_ontzorging(
    platform: FastAPI, auth_headers: Headers, clock: FrozenClock
) -> None:
    """domain.md steps 2, 3 and 8 as choreography: IntakeAfgerond opens a draft PIP with the
    advised route; the PIP beschikking deciding to ontzorg (art. 56a Participatiewet) starts
    the ontzorging, dated on the dagtekening and still without a betaalmachtiging; and six
    months after the start of the bijstand the timer signals that the period is over."""
    client = TestClient(platform)
    kr = auth_headers(Rol.KLANTREGISSEUR, G)
    backbone = platform.state.backbone
    inburgeraar_id = intake_via_http(client, kr)

    assert backbone.run_until_idle() > 0
    pips = client.get(f"/pip/api/v1/pips?inburgeraarId={inburgeraar_id}", headers=kr)
    [pip] = pips.json()["pips"]
    assert (pip["status"], pip["geadviseerdeLeerroute"]) == ("concept", "b1")
    assert (pip["doelgroep"], pip["datumStartInburgeringsplicht"]) == (
        "asielstatushouder",
        "2025-12-01",
    )
    ontzorgingen = f"/ontzorging/api/v1/ontzorgingen?inburgeraarId={inburgeraar_id}"
    assert client.get(ontzorgingen, headers=kr).json() == []

    vaststelling = {
        "dagtekening": "2026-01-05",
        "leerroute": "b1",
        "map": True,
        "pvtIntensiteitUren": 12,
        "ontzorging": True,
        "startdatumBijstand": "2025-12-15",
        "verblijfsvergunningAsielBepaaldeTijd": True,
    }
    vastgesteld = client.post(
        f"/pip/api/v1/pips/{pip['id']}/vaststellingen",
        json=vaststelling,
        headers={**kr, "If-Match": f'"{pip["versie"]}"'},
    )
    assert vastgesteld.status_code == 200, vastgesteld.text
    backbone.run_until_idle()

    [ontzorging] = client.get(ontzorgingen, headers=kr).json()
    assert ontzorging["pipId"] == pip["id"]
    assert (ontzorging["beschikkingsdatum"], ontzorging["startdatumBijstand"]) == (
        "2026-01-05",
        "2025-12-15",
    )
    assert ontzorging["betaalmachtigingGegeven"] is False
    assert (ontzorging["status"], ontzorging["eindeOntzorgingsperiode"]) == (
        "ontzorgd",
        "2026-06-15",
    )
    for consumer in backbone.tasks:
        if isinstance(consumer, Consumer):
            assert letters(consumer) == []

    clock.set(dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC))
    backbone.run_until_idle()
    application = platform.state.services["ontzorging"].state.application
    signalen = published(application, "nl.inburgering.ontzorging.ontzorgingsperiode-afgelopen.v1")
    assert [s["data"]["eindeOntzorgingsperiode"] for s in signalen] == ["2026-06-15"]
    assert backbone.run_until_idle() == 0, "nothing left to do: no busy work"


def test_the_background_thread_runs_the_chain_and_stops_with_the_platform(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """The platform's lifespan starts the backbone thread and stops it on shutdown."""
    platform = create_platform(settings)
    backbone = platform.state.backbone
    intake = platform.state.services["intake"].state.application
    pip = platform.state.services["pip"].state.application
    with TestClient(platform):
        assert backbone.running
        inburgeraar_id = keten.rond_intake_af(intake)
        assert backbone.wait_until_idle(timeout=30)
        assert pip.get_voor(Inburgeringstraject, keten.pip_id(inburgeraar_id), G)
    assert not backbone.running


def test_a_draft_made_by_hand_stands_and_the_intake_event_changes_nothing(
    apps: Apps, settings: PlatformSettings
) -> None:
    """art. 15 Wi2021: the klantregisseur owns the PIP. A draft made by hand before the intake
    ended is kept as it is; the IntakeAfgerond is recorded as received, not dead-lettered."""
    consumer = pip_consumer(apps, settings)
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    apps.pip.stel_concept_op(
        gemeente=GEMEENTE,
        gemeenten=G,
        inburgeraar_id=inburgeraar_id,
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=keten.START,
        geadviseerde_leerroute=Leerroute.Z,
    )
    voor = apps.pip.pip(keten.pip_id(inburgeraar_id), gemeenten=G)

    consumer.run_until_idle()

    na = apps.pip.pip(keten.pip_id(inburgeraar_id), gemeenten=G)
    assert (na["versie"], na["geadviseerde_leerroute"]) == (voor["versie"], Leerroute.Z)
    assert letters(consumer) == []
    assert log_position(consumer) == head(apps.intake)
    [afgerond] = published(apps.intake, INTAKE_AFGEROND)
    ontvangst = Ontvangst.create_id(bron=afgerond["source"], bericht_id=afgerond["id"])
    assert apps.pip.recorder.select_events(ontvangst, limit=1)


def test_an_event_delivered_twice_changes_nothing(apps: Apps, settings: PlatformSettings) -> None:
    """At-least-once delivery: the second IntakeAfgerond (same CloudEvents source and id) and
    the second PIPVastgesteld are recognised and change nothing."""
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    pip = pip_consumer(apps, settings)
    pip.run_until_idle()
    keten.stel_vast_met_ontzorging(apps.pip, inburgeraar_id)
    ontzorging = ontzorging_consumer(apps, settings)
    ontzorging.run_until_idle()
    pip_head, ontzorging_head = head(apps.pip), head(apps.ontzorging)

    pip.source = ListSource("herhaling", published(apps.intake, INTAKE_AFGEROND))
    ontzorging.source = ListSource("herhaling", published(apps.pip, PIP_VASTGESTELD))
    assert pip.run_until_idle() == 1 and ontzorging.run_until_idle() == 1

    assert (head(apps.pip), head(apps.ontzorging)) == (pip_head, ontzorging_head)
    assert pip.position("herhaling") == ontzorging.position("herhaling") == 1
    assert letters(pip) == letters(ontzorging) == []


def test_a_restarted_consumer_resumes_from_its_tracking(
    apps: Apps, settings: PlatformSettings
) -> None:
    """The position is stored with the effect: a new consumer (after a restart) reads on
    from there and handles only what came after."""
    eerste = keten.rond_intake_af(apps.intake, BSNS[0])
    assert pip_consumer(apps, settings).run_until_idle() == head(apps.intake)
    voor = head(apps.intake)
    tweede = keten.rond_intake_af(apps.intake, BSNS[1])

    herstart = pip_consumer(apps, settings)
    assert herstart.run_until_idle() == head(apps.intake) - voor
    for inburgeraar_id in (eerste, tweede):
        traject = apps.pip.get_voor(Inburgeringstraject, keten.pip_id(inburgeraar_id), G)
        assert traject.version == 1, "each draft opened once"


def test_a_later_pip_repeating_the_ontzorging_changes_nothing(
    apps: Apps, settings: PlatformSettings
) -> None:
    """art. 56a Participatiewet: one ontzorging per inburgeraar per gemeente; a new PIP
    version that repeats the decision leaves it as it is, without a dead letter."""
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    pip_consumer(apps, settings).run_until_idle()
    keten.stel_vast_met_ontzorging(apps.pip, inburgeraar_id)
    ontzorging = ontzorging_consumer(apps, settings)
    ontzorging.run_until_idle()
    [voor] = apps.ontzorging.ontzorgingen_van(inburgeraar_id, G)

    keten.stel_vast_met_ontzorging(apps.pip, inburgeraar_id)
    ontzorging.run_until_idle()

    [na] = apps.ontzorging.ontzorgingen_van(inburgeraar_id, G)
    assert na.versie == voor.versie
    assert len(published(apps.pip, PIP_VASTGESTELD)) == 2
    assert letters(ontzorging) == []


def test_a_pip_without_ontzorging_starts_nothing(apps: Apps, settings: PlatformSettings) -> None:
    """art. 56a Participatiewet: only the beschikking that decides to ontzorg starts it."""
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    pip_consumer(apps, settings).run_until_idle()
    keten.stel_vast_met_ontzorging(
        apps.pip,
        inburgeraar_id,
        ontzorging=False,
        startdatum_bijstand=None,
        verblijfsvergunning_asiel_bepaalde_tijd=None,
    )
    ontzorging = ontzorging_consumer(apps, settings)
    ontzorging.run_until_idle()
    assert apps.ontzorging.ontzorgingen_van(inburgeraar_id, G) == []
    assert letters(ontzorging) == []


def test_ontzorging_refusing_the_start_sends_a_dead_letter_with_the_reason(
    apps: Apps, settings: PlatformSettings
) -> None:
    """art. 56a lid 1 Participatiewet, as the ontzorging service applies it: without a
    verblijfsvergunning asiel voor bepaalde tijd nobody is ontzorgd, whatever the doelgroep.
    A PIP stating otherwise (hand-made: pip itself refuses it) is a dead letter naming the
    rule; its second delivery is a duplicate; the position moves on. A PIP dated after the
    six months of bijstand is no refusal: the ontzorging is recorded, with no months left."""
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    pip_consumer(apps, settings).run_until_idle()
    keten.stel_vast_met_ontzorging(
        apps.pip, inburgeraar_id, startdatum_bijstand=dt.date(2025, 6, 1)
    )
    [echt] = published(apps.pip, PIP_VASTGESTELD)
    zonder_vergunning = echt | {
        "id": str(uuid4()),
        "subject": str(uuid4()),
        "data": echt["data"]
        | {"verblijfsvergunningAsielBepaaldeTijd": False, "inburgeraarId": str(uuid4())},
    }
    ontzorging = ontzorging_consumer(apps, settings)
    ontzorging.run_until_idle()
    ontzorging.source = ListSource("handgemaakt", [zonder_vergunning, zonder_vergunning])
    ontzorging.run_until_idle()

    [(reden, ce)] = letters(ontzorging)
    assert reden.startswith("OntzorgingNietToegestaan: ") and "verblijfsvergunning" in reden
    assert ce is not None and ce["id"] == zonder_vergunning["id"]
    [gestart] = apps.ontzorging.ontzorgingen_van(inburgeraar_id, G)
    assert gestart.einde_ontzorgingsperiode == dt.date(2025, 12, 1)
    assert gestart.resterende_ontzorgingsmaanden == []
    assert ontzorging.position("handgemaakt") == 2


def test_a_change_meanwhile_is_handled_again_not_dead_lettered(
    apps: Apps, settings: PlatformSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Optimistic concurrency: when a klantregisseur saves the same draft while the
    consumer handles IntakeAfgerond, the consumer's save conflicts; the event is handled
    again on the new state (the draft exists: nothing to do) and its position and receipt
    are still recorded, in the transaction of that outcome."""
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    consumer = pip_consumer(apps, settings)
    elders = PipApplication(env=settings.event_store_env(PipApplication.name))
    echte_save = apps.pip.save
    botsingen = []

    def klantregisseur() -> None:
        elders.stel_concept_op(
            gemeente=GEMEENTE,
            gemeenten=G,
            inburgeraar_id=inburgeraar_id,
            doelgroep=Doelgroep.ASIELSTATUSHOUDER,
            datum_start_inburgeringsplicht=keten.START,
            geadviseerde_leerroute=Leerroute.Z,
        )

    def save_na_klantregisseur(*objs: Any, **kwargs: Any) -> Any:
        if not botsingen:
            botsingen.append(1)
            # Another request, elsewhere: outside the consumer's delivery context.
            contextvars.Context().run(klantregisseur)
        return echte_save(*objs, **kwargs)

    monkeypatch.setattr(apps.pip, "save", save_na_klantregisseur)
    consumer.run_until_idle()
    elders.close()

    assert botsingen == [1]
    assert letters(consumer) == []
    traject = apps.pip.get_voor(Inburgeringstraject, keten.pip_id(inburgeraar_id), G)
    assert (traject.status, traject.geadviseerde_leerroute) == (Status.CONCEPT, Leerroute.Z)
    assert log_position(consumer) == head(apps.intake)
    [afgerond] = published(apps.intake, INTAKE_AFGEROND)
    ontvangst = Ontvangst.create_id(bron=afgerond["source"], bericht_id=afgerond["id"])
    assert apps.pip.recorder.select_events(ontvangst, limit=1)


def test_a_pip_stored_before_it_named_the_inburgeraar_is_read_but_not_guessed_at(
    settings: PlatformSettings, clock: FrozenClock
) -> None:
    """eventsourcing upcasting (class_version 2): a PIPVastgesteld stored in the v1 shape is
    read with the new fields None. Deciding ontzorging without naming whom for, it cannot
    start one: a dead letter saying so, not a guess."""
    traject = Inburgeringstraject.stel_concept_op(
        gemeente=GEMEENTE,
        inburgeraar_id=uuid4(),
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=keten.START,
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.B1,
    )
    traject.vaststellen(
        dagtekening=keten.VANDAAG,
        leerroute=Leerroute.B1,
        niveau=None,
        map=True,
        map_intensiteit_uren=None,
        pvt_intensiteit_uren=12,
        knm=True,
        begeleiding="",
        ontzorging=True,
        geschatte_intensiteit=None,
        startdatum_bijstand=keten.START_BIJSTAND,
        verblijfsvergunning_asiel_bepaalde_tijd=True,
    )
    with keten.apps(settings) as made:
        transcoder = made.pip.mapper.transcoder
        stored = []
        for event in traject.collect_events():
            record = made.pip.mapper.to_stored_event(event)
            if record.topic.endswith("PIPVastgesteld"):
                state = transcoder.decode(record.state)
                assert state.pop("class_version") == 2
                for veld in ("inburgeraar_id", "doelgroep", "startdatum_bijstand"):
                    del state[veld]
                del state["verblijfsvergunning_asiel_bepaalde_tijd"]
                record = replace(record, state=transcoder.encode(state))
            stored.append(record)
        made.pip.recorder.insert_events(stored)
        assert made.pip.get_voor(Inburgeringstraject, traject.id, G).actuele_pip is not None

        consumer = ontzorging_consumer(made, settings)
        consumer.run_until_idle()

        [(reden, cloudevent)] = letters(consumer)
        assert reden.startswith("OnleesbaarBericht: ") and "inburgeraarId" in reden
        assert cloudevent and cloudevent["data"]["inburgeraarId"] is None


class AltijdBotsend:
    """A policy whose every save meets a change of the same traject made meanwhile."""

    def __init__(self, pip: PipApplication, elders: PipApplication, pip_id: UUID) -> None:
        self.pip, self.elders, self.pip_id = pip, elders, pip_id

    def handles(self, ce_type: str) -> bool:
        return ce_type == INTAKE_AFGEROND

    def wijzig(self, application: PipApplication) -> None:
        application.wijzig_concept(
            self.pip_id,
            gemeenten=G,
            doelgroep=Doelgroep.ASIELSTATUSHOUDER,
            datum_start_inburgeringsplicht=keten.START,
            geadviseerde_leerroute=Leerroute.B1,
        )

    def handle(self, cloudevent: dict[str, Any]) -> None:
        traject = self.pip.get_voor(Inburgeringstraject, self.pip_id, G)
        contextvars.Context().run(self.wijzig, self.elders)
        traject.wijzig_concept(
            doelgroep=Doelgroep.ASIELSTATUSHOUDER,
            datum_start_inburgeringsplicht=keten.START,
            vestigingsdatum=None,
            geadviseerde_leerroute=Leerroute.Z,
        )
        self.pip.save(traject)


def test_a_lasting_conflict_is_one_dead_letter_and_the_position_moves_on(
    apps: Apps, settings: PlatformSettings
) -> None:
    """A conflict on every attempt ends as one dead letter; the event's position and receipt
    are recorded all the same, so it is not handled (and dead-lettered) again and again."""
    inburgeraar_id = keten.rond_intake_af(apps.intake)
    apps.pip.stel_concept_op(
        gemeente=GEMEENTE,
        gemeenten=G,
        inburgeraar_id=inburgeraar_id,
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=keten.START,
    )
    elders = PipApplication(env=settings.event_store_env(PipApplication.name))
    policy = AltijdBotsend(apps.pip, elders, keten.pip_id(inburgeraar_id))
    consumer = Consumer(apps.pip, LogSource(apps.intake), policy, LoggedDeadLetters())

    consumer.run_until_idle(max_rounds=3)
    elders.close()

    [(reden, _)] = letters(consumer)
    assert reden.startswith("ConcurrencyConflict: ")
    assert log_position(consumer) == head(apps.intake)
    traject = apps.pip.get_voor(Inburgeringstraject, keten.pip_id(inburgeraar_id), G)
    assert traject.version == 1 + Consumer.attempts, "each attempt lost to the change meanwhile"


# --- Kafka: the workers' consumers on the gemeente topics --------------------------------


def kafka_settings(settings: PlatformSettings, servers: str) -> PlatformSettings:
    return settings.model_copy(
        update={"platform_mode": "kafka", "kafka_bootstrap_servers": servers, "gemeenten": G}
    )


def end_offsets(servers: str, topic: str) -> dict[TopicPartition, int]:
    consumer = make_consumer(servers)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        offsets: dict[TopicPartition, int] = consumer.end_offsets(partitions)
    finally:
        consumer.close()
    return offsets


def start_at_the_end(application: GemeenteApplication, servers: str, topic: str) -> None:
    """The shared local broker keeps earlier runs' records: this consumer starts after
    them, as a deployment that starts consuming today would be configured."""
    for partition, offset in end_offsets(servers, topic).items():
        if offset:
            name = KafkaSource.tracking_name(partition)
            application.tracking.insert_tracking(Tracking(name, offset))


def run_to_the_end(consumer: Consumer, servers: str, topic: str) -> int:
    """Run the consumer until its position reaches the topic's current end offsets (its
    tracking per partition is the next offset to read); how many records it handled."""
    ends = end_offsets(servers, topic)
    handled = 0
    deadline = time.monotonic() + 60

    def reached() -> bool:
        return all(
            consumer.position(KafkaSource.tracking_name(p)) >= end for p, end in ends.items()
        )

    while not reached():
        assert time.monotonic() < deadline, f"consumer did not reach {ends}"
        handled += consumer.run_once()
    return handled


def relay(
    settings: PlatformSettings, application: GemeenteApplication, clients: list[Any]
) -> Relay:
    producer = make_producer(settings.kafka_bootstrap_servers)
    clients.append(producer)
    return Relay(application, producer, position_store(settings))


Build = Callable[[PlatformSettings, Any], list[Consumer]]


def worker_consumer(
    build: Build, settings: PlatformSettings, application: Any, clients: list[Any]
) -> Consumer:
    """The worker's consumer in Kafka mode, as `python -m services.<service>.worker` has it."""
    [consumer] = build(settings, application)
    assert isinstance(consumer.source, KafkaSource)
    assert isinstance(consumer.dead_letters, KafkaDeadLetters)
    clients += [consumer.source.consumer, consumer.dead_letters.producer]
    return consumer


INTAKE_TOPIC = gemeente_topic(GEMEENTE, "intake")
PIP_TOPIC = gemeente_topic(GEMEENTE, "pip")


@pytest.fixture
def servers(kafka_bootstrap_servers: str) -> str:
    topics = [INTAKE_TOPIC, PIP_TOPIC]
    ensure_topics(kafka_bootstrap_servers, [*topics, *map(dead_letter_topic, topics)])
    return kafka_bootstrap_servers


@pytest.mark.kafka
def test_the_chain_runs_over_kafka_and_a_resent_event_changes_nothing(
    apps: Apps, settings: PlatformSettings, servers: str, clients: list[Any]
) -> None:
    """The same policies in Kafka mode: the relays publish each service's log to the
    gemeente topics, the workers' consumers read them until their positions reach the end
    offsets. A relay that re-sends (its bookkeeping lost) changes nothing downstream."""
    kafka = kafka_settings(settings, servers)
    pip = worker_consumer(pip_bootstrap.build_consumers, kafka, apps.pip, clients)
    ontzorging = worker_consumer(ontzorging_worker.build_consumers, kafka, apps.ontzorging, clients)
    start_at_the_end(apps.pip, servers, INTAKE_TOPIC)
    start_at_the_end(apps.ontzorging, servers, PIP_TOPIC)

    inburgeraar_id = keten.rond_intake_af(apps.intake)
    relay(kafka, apps.intake, clients).publish_all()
    assert run_to_the_end(pip, servers, INTAKE_TOPIC) == len(
        [ce for _, ce in ServiceLog(apps.intake).read(0, 1000) if ce]
    )
    draft = apps.pip.pip(keten.pip_id(inburgeraar_id), gemeenten=G)
    assert (draft["status"], draft["geadviseerde_leerroute"]) == (Status.CONCEPT, Leerroute.B1)

    keten.stel_vast_met_ontzorging(apps.pip, inburgeraar_id)
    pip_relay = relay(kafka, apps.pip, clients)
    pip_relay.publish_all()
    run_to_the_end(ontzorging, servers, PIP_TOPIC)
    [gestart] = apps.ontzorging.ontzorgingen_van(inburgeraar_id, G)
    assert gestart.pip_id == keten.pip_id(inburgeraar_id)
    assert gestart.beschikkingsdatum == keten.VANDAAG
    ontzorging_head = head(apps.ontzorging)

    pip_relay.positions.set(pip_relay.name, 0)
    assert pip_relay.publish_all() > 0
    assert run_to_the_end(ontzorging, servers, PIP_TOPIC) > 0
    assert head(apps.ontzorging) == ontzorging_head, "the re-sent events changed nothing"
    [zelfde] = apps.ontzorging.ontzorgingen_van(inburgeraar_id, G)
    assert zelfde.versie == gestart.versie


@pytest.mark.kafka
def test_a_restarted_kafka_consumer_resumes_from_its_tracking(
    apps: Apps, settings: PlatformSettings, servers: str, clients: list[Any]
) -> None:
    """After a restart the KafkaSource seeks to the consumer's own stored positions, not to
    the start of the topic nor to a consumer-group offset."""
    kafka = kafka_settings(settings, servers)
    start_at_the_end(apps.pip, servers, INTAKE_TOPIC)
    intake_relay = relay(kafka, apps.intake, clients)
    eerste = keten.rond_intake_af(apps.intake, BSNS[0])
    intake_relay.publish_all()
    voor_herstart = worker_consumer(pip_bootstrap.build_consumers, kafka, apps.pip, clients)
    run_to_the_end(voor_herstart, servers, INTAKE_TOPIC)
    assert isinstance(voor_herstart.source, KafkaSource)
    voor_herstart.source.consumer.close()  # the process ends

    gepubliceerd = head(apps.intake)
    tweede = keten.rond_intake_af(apps.intake, BSNS[1])
    intake_relay.publish_all()
    na_herstart = worker_consumer(pip_bootstrap.build_consumers, kafka, apps.pip, clients)
    handled = run_to_the_end(na_herstart, servers, INTAKE_TOPIC)

    nieuw = [ce for p, ce in ServiceLog(apps.intake).read(gepubliceerd, 1000) if ce]
    assert handled == len(nieuw), "only the records after the stored positions"
    for inburgeraar_id in (eerste, tweede):
        traject = apps.pip.get_voor(Inburgeringstraject, keten.pip_id(inburgeraar_id), G)
        assert traject.version == 1


@pytest.mark.kafka
def test_a_refused_ontzorging_lands_on_the_dead_letter_topic_with_its_reason(
    apps: Apps, settings: PlatformSettings, servers: str, clients: list[Any]
) -> None:
    """art. 56a lid 1 Participatiewet: a PIP deciding to ontzorg someone without a
    verblijfsvergunning asiel voor bepaalde tijd is refused; on Kafka the record goes to
    `<topic>.dlq` with `dlq_reason`. pip itself refuses such a PIP, so the record is
    hand-made, as a faulty producer would send it."""
    kafka = kafka_settings(settings, servers)
    dlq = dead_letter_topic(PIP_TOPIC)
    dlq_start = end_offsets(servers, dlq)
    start_at_the_end(apps.ontzorging, servers, PIP_TOPIC)
    ontzorging = worker_consumer(ontzorging_worker.build_consumers, kafka, apps.ontzorging, clients)

    inburgeraar_id = uuid4()
    apps.pip.stel_concept_op(
        gemeente=GEMEENTE,
        gemeenten=G,
        inburgeraar_id=inburgeraar_id,
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        datum_start_inburgeringsplicht=keten.START,
        uiterste_datum_pip=keten.START + dt.timedelta(weeks=10),
    )
    keten.stel_vast_met_ontzorging(apps.pip, inburgeraar_id)
    [echt] = published(apps.pip, PIP_VASTGESTELD)
    zonder_vergunning = echt | {
        "id": str(uuid4()),
        "data": echt["data"] | {"verblijfsvergunningAsielBepaaldeTijd": False},
    }
    producer = make_producer(servers)
    clients.append(producer)
    key, value, headers = to_kafka(zonder_vergunning)
    producer.send(PIP_TOPIC, key=key, value=value, headers=headers).get(timeout=30)
    run_to_the_end(ontzorging, servers, PIP_TOPIC)

    assert apps.ontzorging.ontzorgingen_van(inburgeraar_id, G) == []
    reader = make_consumer(servers)
    reader.assign(list(dlq_start))
    for partition, offset in dlq_start.items():
        reader.seek(partition, offset)
    found: list[Any] = []
    deadline = time.monotonic() + 30
    while not found and time.monotonic() < deadline:
        for batch in reader.poll(timeout_ms=500).values():
            found += [r for r in batch if r.key == str(keten.pip_id(inburgeraar_id)).encode()]
    reader.close()
    [record] = found
    headers_dlq = dict(record.headers)
    assert headers_dlq["dlq_reason"].decode().startswith("OntzorgingNietToegestaan: ")
    assert from_kafka(record.key, record.value, record.headers)["id"] == zonder_vergunning["id"]


@pytest.mark.kafka
@pytest.mark.parametrize("service", ["intake", "pip", "ontzorging"])
def test_a_worker_runs_until_sigterm_and_then_stops_cleanly(
    service: str, servers: str, tmp_path: Path
) -> None:
    """`python -m services.<service>.worker`: relay, consumers and timer in Kafka mode, in
    the foreground until SIGTERM, then a clean stop (exit code 0)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PLATFORM_MODE")}
    env |= {"DATA_DIR": str(tmp_path), "KAFKA_BOOTSTRAP_SERVERS": servers, "GEMEENTEN": GEMEENTE}
    process = subprocess.Popen(
        [sys.executable, "-m", f"services.{service}.worker"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while not any("until SIGTERM" in line for line in output):
            remaining = deadline - time.monotonic()
            assert remaining > 0 and process.poll() is None, "".join(output)
            ready, _, _ = select.select([process.stdout], [], [], remaining)
            if ready:
                output.append(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, "".join(output) + rest
    assert "SIGTERM received: stopping" in rest
    assert "Traceback" not in "".join(output) + rest


@pytest.mark.kafka
def test_kafka_mode_reads_the_served_gemeenten_topics(
    tmp_path: Path, servers: str, clients: list[Any]
) -> None:
    """Kafka mode: the topics of the upstream service for each gemeente the deployment
    serves (GEMEENTEN)."""
    settings = PlatformSettings(
        environment="test",
        data_dir=tmp_path,
        database_url=None,
        platform_mode="kafka",
        kafka_bootstrap_servers=servers,
        gemeenten=["GM0222", "GM0197"],
    )
    with keten.apps(settings) as made:
        pip = worker_consumer(pip_bootstrap.build_consumers, settings, made.pip, clients)
        ontzorging = worker_consumer(
            ontzorging_worker.build_consumers, settings, made.ontzorging, clients
        )
        sources = [c.source for c in (pip, ontzorging)]
        assert [s.topics for s in sources if isinstance(s, KafkaSource)] == [
            ["gm0222.inburgering.intake", "gm0197.inburgering.intake"],
            ["gm0222.inburgering.pip", "gm0197.inburgering.pip"],
        ]
