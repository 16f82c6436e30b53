"""Crypto-shredding: "vergeet deze persoon" destroys the person's key, and from then on their
personal data reads as removed in the event store, on Kafka, in the read models and in the
replay feeds, while the non-personal facts (route, dates, levels) still count.

Sources: art. 17 AVG (recht op vergetelheid), art. 9 AVG (gezondheid: bijzondere
persoonsgegevens), art. 25 AVG (privacy by design); issue "Privacy by design", part
Crypto-shredding."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import psycopg
import pytest
from kafka import TopicPartition

from services.intake.application import IntakeApplication
from services.intake.domainmodel import PersoonlijkeOmstandigheden
from services.intake.rules import Doelgroep, Leerroute
from services.pip import rules as pip_rules
from services.pip.application import PipApplication
from services.pip.domainmodel import Inburgeringstraject
from services.projections.leesmodellen import Projections
from services.projections.projector import rebuild
from shared.auth import Rol
from shared.bus import ensure_topics, make_consumer, make_producer
from shared.clock import FrozenClock
from shared.cloudevents import from_kafka, to_kafka
from shared.config import PlatformSettings
from shared.contracts import validate_cloudevent
from shared.crypto import VERWIJDERD, is_versleuteld, ontsleutel_data, transcoder
from shared.eventlog import ServiceLog
from tests.projections.conftest import HIER, Keten, maak_keten, om

NAAM = "Amal Haddad-Vergeetmij"
GEZONDHEID = "Astma; behandeling bij longarts Vergeetmij"
BEGELEIDING = "Belt maandelijks; schuldhulp via Vergeetmij-fonds"
INTAKE = "/intake/api/v1"
FEED = "/projections/api/v1/feeds/gemeenten/GM0222/intake"
MONITORING = "/projections/api/v1/regios/achterhoek/monitoring"


def raw_states(application: IntakeApplication) -> list[bytes]:
    """Every stored event's state as the database holds it, read with plain SQL."""
    recorder: Any = application.recorder
    table = recorder.events_table_name
    env = application.env
    if env.get("PERSISTENCE_MODULE", "").endswith("postgres"):
        conninfo = (
            f"host={env['POSTGRES_HOST']} port={env['POSTGRES_PORT']} "
            f"dbname={env['POSTGRES_DBNAME']} user={env['POSTGRES_USER']} "
            f"password={env['POSTGRES_PASSWORD']}"
        )
        schema = env.get("POSTGRES_SCHEMA") or "public"
        with psycopg.connect(conninfo) as conn:
            rows = conn.execute(f"SELECT state FROM {schema}.{table}").fetchall()
    else:
        with sqlite3.connect(env["SQLITE_DBNAME"]) as lite:
            rows = lite.execute(f"SELECT state FROM {table}").fetchall()
    return [bytes(row[0]) for row in rows]


def assert_no_plaintext(blobs: list[bytes], *secrets: str) -> None:
    """No secret in any blob, while the blobs are readable: the non-personal start date is
    there in plaintext, the personal fields in their encrypted form."""
    assert any(b'"2025-12-01"' in b for b in blobs)
    assert any(b'"versleuteld"' in b for b in blobs)
    for secret in secrets:
        assert not [b for b in blobs if secret.encode() in b], f"{secret!r} stored in plaintext"


def projecteer_alles(projections: Projections) -> None:
    for projector in projections.projectors():
        projector.run_until_idle()


def token(k: Keten, rol: Rol, gemeenten: list[str] | None = None) -> dict[str, str]:
    return k.headers(rol, gemeenten or [HIER])


def caseload(k: Keten) -> dict[str, Any]:
    body = k.get(f"/gemeenten/{HIER}/caseload", paginaGrootte=100)
    [regel] = body["caseload"]
    return dict(regel)


def feed(k: Keten) -> list[dict[str, Any]]:
    headers = token(k, Rol.INTEGRATOR)
    response = k.client.get(FEED, params={"vanaf": 0, "limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()
    return events


def regionaal_aantal(k: Keten) -> int:
    headers = k.verifier.issue("ra", Rol.REGIONAAL_ANALIST, [], regios=["achterhoek"])
    response = k.client.get(MONITORING, headers={"Authorization": f"Bearer {headers}"})
    assert response.status_code == 200, response.text
    return sum(int(c["aantalInburgeraars"]) for c in response.json()["perRegio"])


@pytest.fixture
def keten(settings: PlatformSettings, clock: FrozenClock) -> Iterator[Keten]:
    with maak_keten(settings, [HIER]) as made:
        yield made


def intake_met_gezondheid(k: Keten, clock: FrozenClock) -> UUID:
    om(clock, dt.date(2026, 1, 5))
    inburgeraar_id = k.registreer(NAAM, HIER, Doelgroep.ASIELSTATUSHOUDER, dt.date(2025, 12, 1))
    k.intake.leg_persoonlijke_omstandigheden_vast(
        inburgeraar_id, PersoonlijkeOmstandigheden(GEZONDHEID, GEZONDHEID), gemeenten=[HIER]
    )
    k.gesprek(NAAM, dt.date(2025, 12, 10), "kr-1")
    k.rond_intake_af(NAAM, dt.date(2026, 1, 5), Leerroute.B1)
    return inburgeraar_id


def test_forgetting_removes_the_person_everywhere_while_the_facts_still_count(
    keten: Keten, clock: FrozenClock
) -> None:
    """art. 17 AVG: after "vergeet deze persoon" the event store, the read models and the
    feed hold no readable name, BSN or health note; route, dates and the regional count stay."""
    k = keten
    inburgeraar_id = intake_met_gezondheid(k, clock)
    bsn = k.intake.inburgeraar(inburgeraar_id, gemeenten=[HIER])["bsn"]
    k.verwerk()
    # The PIP service encrypts with the same person's key (its traject names the inburgeraar).
    k.stel_vast(NAAM, dt.date(2026, 1, 5), pip_rules.Leerroute.B1, begeleiding=BEGELEIDING)
    k.verwerk()
    projecteer_alles(k.projections)

    # Before: encrypted at rest and in the feed, readable where the gemeente works with it.
    assert_no_plaintext(raw_states(k.intake), NAAM, bsn, GEZONDHEID)
    assert_no_plaintext(raw_states(k.pip), BEGELEIDING)
    assert k.pip.get_voor(Inburgeringstraject, k.pip_id(NAAM), [HIER]).pips[-1].begeleiding == (
        BEGELEIDING
    )
    voor = caseload(k)
    assert voor["naam"] == NAAM and voor["persoonsgegevensVerwijderd"] is False
    geregistreerd = feed(k)[0]
    assert is_versleuteld(geregistreerd["data"]["naam"])
    assert NAAM not in json.dumps(feed(k)) and GEZONDHEID not in json.dumps(feed(k))
    personen = regionaal_aantal(k)
    assert personen == 1

    response = k.client.post(
        f"{INTAKE}/inburgeraars/{inburgeraar_id}/vergeetverzoeken",
        headers=token(k, Rol.TEAMLEIDER),
    )
    assert response.status_code == 202, response.text
    assert response.json()["vergetenOp"] == "2026-01-05"
    k.verwerk()
    projecteer_alles(k.projections)

    # (a) the event store: still no plaintext, and its events now decrypt to "removed".
    assert_no_plaintext(raw_states(k.intake), NAAM, bsn, GEZONDHEID)
    opnieuw = IntakeApplication(env=k.intake.env, bsn_sleutel="x")
    try:
        herladen = opnieuw.inburgeraar(inburgeraar_id, gemeenten=[HIER])
    finally:
        opnieuw.close()
    assert herladen["naam"] == VERWIJDERD and herladen["bsn"] == VERWIJDERD
    assert herladen["geboortedatum"] is None and herladen["persoonlijke_omstandigheden"] is None
    assert herladen["leerroute_advies"]["leerroute"] == Leerroute.B1
    assert herladen["datum_start_inburgeringsplicht"] == dt.date(2025, 12, 1)
    assert herladen["afgerond"] and herladen["vergeten_op"] == dt.date(2026, 1, 5)
    assert k.intake.zoek_op_bsn(bsn, gemeenten=[HIER]) == [], "the BSN leads to no one"
    assert_no_plaintext(raw_states(k.pip), BEGELEIDING)
    pip_opnieuw = PipApplication(env=k.pip.env)
    try:
        traject = pip_opnieuw.get_voor(Inburgeringstraject, k.pip_id(NAAM), [HIER])
    finally:
        pip_opnieuw.close()
    assert traject.pips[-1].begeleiding == VERWIJDERD
    assert traject.pips[-1].leerroute == pip_rules.Leerroute.B1
    # (c) the read models: the name is gone, the facts and the regional count remain.
    na = caseload(k)
    assert na["naam"] is None and na["persoonsgegevensVerwijderd"] is True
    feiten = {
        veld: v for veld, v in voor.items() if veld not in ("naam", "persoonsgegevensVerwijderd")
    }
    assert {veld: na[veld] for veld in feiten} == feiten
    assert na["leerroute"] == "b1" and na["datumStartInburgeringsplicht"] == "2025-12-01"
    assert regionaal_aantal(k) == personen
    # (d) the replay feed: the encrypted fields read as removed.
    events = feed(k)
    assert events[0]["data"]["naam"] is None
    assert events[0]["data"]["verwijderd"] == ["bsn", "geboortedatum", "naam"]
    assert not [e for e in events if any(is_versleuteld(v) for v in e["data"].values())]
    assert events[-1]["type"] == "nl.inburgering.intake.persoonsgegevens-vergeten.v1"

    # 2. A rebuild from the start of history gives the same caseload.
    model = k.projections.models["caseload"]
    rebuild(k.store, model, k.projections.source(model, rebuild=True), show_progress=False)
    assert caseload(k) == na


@pytest.mark.parametrize("rol", [Rol.KLANTREGISSEUR, Rol.BELEIDSMEDEWERKER])
def test_only_a_teamleider_may_have_a_person_forgotten(
    keten: Keten, clock: FrozenClock, rol: Rol
) -> None:
    """art. 17 AVG and art. 25 AVG: forgetting is irreversible, so the role that decides on
    it is named; another role gets a 403 problem and nothing changes."""
    k = keten
    inburgeraar_id = intake_met_gezondheid(k, clock)
    response = k.client.post(
        f"{INTAKE}/inburgeraars/{inburgeraar_id}/vergeetverzoeken", headers=token(k, rol)
    )
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert k.intake.inburgeraar(inburgeraar_id, gemeenten=[HIER])["naam"] == NAAM
    assert not k.intake.sleutelkluis().is_vergeten(HIER, str(inburgeraar_id))


def test_forgetting_twice_an_unknown_or_another_gemeentes_person_is_refused(
    keten: Keten, clock: FrozenClock
) -> None:
    """art. 17 AVG: a second request is a 409 (already forgotten); an unknown person, or one of
    a gemeente the teamleider does not act for, is a 404 that leaks nothing."""
    k = keten
    inburgeraar_id = intake_met_gezondheid(k, clock)
    pad = f"{INTAKE}/inburgeraars/{inburgeraar_id}/vergeetverzoeken"

    elders = k.client.post(pad, headers=token(k, Rol.TEAMLEIDER, ["GM0197"]))
    onbekend = k.client.post(
        f"{INTAKE}/inburgeraars/{uuid.uuid4()}/vergeetverzoeken", headers=token(k, Rol.TEAMLEIDER)
    )
    assert (elders.status_code, onbekend.status_code) == (404, 404)
    assert not k.intake.sleutelkluis().is_vergeten(HIER, str(inburgeraar_id))
    versie = k.intake.inburgeraar(inburgeraar_id, gemeenten=[HIER])["versie"]

    eerste = k.client.post(pad, headers=token(k, Rol.TEAMLEIDER))
    tweede = k.client.post(pad, headers=token(k, Rol.TEAMLEIDER))

    assert eerste.status_code == 202, eerste.text
    assert tweede.status_code == 409, tweede.text
    assert tweede.headers["content-type"] == "application/problem+json"
    assert "al vergeten" in tweede.json()["detail"]
    na = k.intake.inburgeraar(inburgeraar_id, gemeenten=[HIER])
    assert na["versie"] == versie + 1, "one PersoonsgegevensVergeten, not two"


@pytest.mark.kafka
def test_kafka_carries_ciphertext_only_and_it_reads_as_removed_after_forgetting(
    keten: Keten, clock: FrozenClock, kafka_bootstrap_servers: str
) -> None:
    """art. 17 AVG: the Kafka history is immutable, so only ciphertext whose key can be
    destroyed may go there. The records pass the published contracts (personal fields in
    their encrypted form) and decrypt for the gemeente until the key is gone."""
    k = keten
    inburgeraar_id = intake_met_gezondheid(k, clock)
    bsn = k.intake.inburgeraar(inburgeraar_id, gemeenten=[HIER])["bsn"]
    topic = f"privacy.vergeten.{uuid.uuid4().hex[:12]}"
    ensure_topics(kafka_bootstrap_servers, [topic])
    producer = make_producer(kafka_bootstrap_servers)
    # What the relay sends: the service log's CloudEvents in Kafka's binary mode.
    sent = 0
    for _, cloudevent in ServiceLog(k.intake).read(0, 1000):
        if cloudevent is not None and cloudevent["subject"] == str(inburgeraar_id):
            key, value, headers = to_kafka(cloudevent)
            producer.send(topic, key=key, value=value, headers=headers).get(timeout=30)
            sent += 1
    producer.close()

    records = read_topic(kafka_bootstrap_servers, topic, sent)
    raw = b" ".join(r.value + b" ".join(v for _, v in r.headers) for r in records)
    for secret in (NAAM, bsn, GEZONDHEID):
        assert secret.encode() not in raw
    events = [from_kafka(r.key, r.value, r.headers) for r in records]
    for event in events:
        validate_cloudevent(event)
    kluis = k.intake.sleutelkluis()
    assert ontsleutel_data(kluis, events[0], transcoder())["data"]["naam"] == NAAM

    k.intake.vergeet_persoon(inburgeraar_id, gemeenten=[HIER])

    again = read_topic(kafka_bootstrap_servers, topic, sent)
    assert [r.value for r in again] == [r.value for r in records], "Kafka's history is as it was"
    gelezen = ontsleutel_data(kluis, events[0], transcoder())
    assert gelezen["data"]["naam"] is None and "naam" in gelezen["data"]["verwijderd"]
    omstandigheden = next(e for e in events if e["type"].endswith("omstandigheden-vastgelegd.v1"))
    data = ontsleutel_data(kluis, omstandigheden, transcoder())["data"]
    assert data["fysiekeGezondheid"] is None and data["mentaleGezondheid"] is None


def read_topic(servers: str, topic: str, expected: int) -> list[Any]:
    consumer = make_consumer(servers)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        found: list[Any] = []
        deadline = time.monotonic() + 30
        while len(found) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                found += batch
        assert len(found) == expected
        return sorted(found, key=lambda r: int(dict(r.headers)["ce_sequence"]))
    finally:
        consumer.close()
