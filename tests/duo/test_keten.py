"""The chain with DUO end to end, as the DUO worker and the services' consumers run it (the
embedded sources, on SQLite and on PostgreSQL): DUO notifies SS139 -> the DUO service fetches
the obligation -> intake registers the inburgeraar -> a klantregisseur completes the intake
and sets the PIP -> the PIP reaches DUO; DUO notifies SS199 -> the results are fetched ->
pip registers them and the language level is reached. Every request to DUO and every answer
is validated against DUO's OpenAPI files (the `contract` fixture); a failing check fails
the run. Sources: issue 6; DUO README; Gebeurtenissen.md (SS139, SS199)."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import TestClient as StarletteClient

from contracts import duo as duo_contract
from contracts import pip as pip_contract
from services.duo import bootstrap as duo_bootstrap
from services.duo.application import DuoApplication
from services.duo.client import DuoClient, DuoClientSettings
from services.duo.config import DuoSettings
from services.duo.main import create_app
from services.duo.simulator import DuoSimulator, Persoon
from services.intake import bootstrap as intake_bootstrap
from services.intake.domainmodel import (
    Hoofddoel,
    HoofddoelKeuze,
    Leerbaarheidstoets,
    LeerrouteAdvies,
    OpleidingEnWerkervaring,
    PersoonlijkeOmstandigheden,
    Toetsuitslag,
)
from services.intake.rules import Leerroute, ToetsResultaat
from services.pip import bootstrap as pip_bootstrap
from services.pip import rules as pip_rules
from services.pip.domainmodel import traject_id
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from shared.consumer import Consumer, KafkaSource
from shared.eventlog import ServiceLog
from shared.gemeenten import gemeenten
from shared.runtime import BackgroundLoop, RelayTask, Task, ensure_service_topics, relay_task
from tests.chain.keten import GEMEENTE, VANDAAG, Apps, G, apps
from tests.duo.conftest import GEMEENTE_OIN, DuoContract
from tests.duo.test_notificaties import DOEL_OIN, DUO_OIN, Duo, notificatie

BSN = "999993653"
START = dt.date(2025, 12, 1)
EXAMENDATUM = "2026-01-02"


@dataclass
class Keten:
    gemeente: str
    apps: Apps
    duo: DuoApplication
    http: TestClient
    bron: Duo
    loop: BackgroundLoop
    simulator: DuoSimulator

    def draai(self) -> None:
        """Every consumer until none has anything left (what the workers do, in rounds)."""
        self.loop.run_until_idle()

    def typen(self, application: Any) -> list[str]:
        return [ce["type"] for _, ce in ServiceLog(application).read(0, 10_000) if ce is not None]


@contextmanager
def bouw_keten(
    settings: PlatformSettings,
    duo: DuoSimulator,
    duo_http: StarletteClient,
    gemeente: str = GEMEENTE,
) -> Iterator[Keten]:
    """The applications and the workers' tasks: in Kafka mode (settings.platform_mode) with
    the relays and Kafka sources, otherwise with the embedded log sources."""
    duo.ken_persoon(
        BSN,
        Persoon(
            start_inburgeringsplicht=START,
            asielmigrant=True,
            naam="Amal Haddad",
            geboortedatum=dt.date(1994, 3, 2),
        ),
    )
    duo_settings = DuoSettings(
        **settings.model_dump(), duo_oin=DUO_OIN, duo_gemeente_oins={DOEL_OIN: gemeente}
    )
    client = DuoClient(
        DuoClientSettings(gemeente_oins={gemeente: GEMEENTE_OIN}),
        http=duo_http,
        sleep=lambda _: None,
    )
    kafka = settings.platform_mode == "kafka"
    with apps(settings) as made:
        application = DuoApplication(
            env=duo_settings.event_store_env(DuoApplication.name),
            duo_oin=DUO_OIN,
            gemeente_oins={DOEL_OIN: gemeente},
            client=client,
            brp=duo.brp(),
        )
        relays: list[Task] = (
            [relay_task(settings, a) for a in (made.intake, made.pip, application)] if kafka else []
        )
        loop = BackgroundLoop(
            [
                *relays,
                *duo_bootstrap.build_consumers(
                    settings, application, intake=made.intake, pip=made.pip
                ),
                *intake_bootstrap.build_consumers(settings, made.intake, duo=application),
                *pip_bootstrap.build_consumers(settings, made.pip, intake=made.intake),
                *pip_bootstrap.build_duo_consumers(settings, made.pip, duo=application),
            ]
        )
        try:
            with TestClient(create_app(duo_settings, application)) as http:
                yield Keten(gemeente, made, application, http, Duo(http), loop, duo)
        finally:
            for task in loop.tasks:
                for kafka_client in kafka_clients(task):
                    kafka_client.close()


def kafka_clients(task: Any) -> list[Any]:
    if isinstance(task, RelayTask):
        return [task.relay.producer]
    if isinstance(task, Consumer) and isinstance(task.source, KafkaSource):
        return [task.source.consumer, getattr(task.dead_letters, "producer", None)]
    return []


@pytest.fixture
def keten(
    settings: PlatformSettings,
    clock: FrozenClock,
    duo: DuoSimulator,
    duo_http: StarletteClient,
    contract: DuoContract,
) -> Iterator[Keten]:
    with bouw_keten(settings, duo, duo_http) as made:
        yield made
    assert contract.verzoeken == contract.antwoorden


def ingeschreven(keten: Keten) -> UUID:
    [inburgeraar] = keten.apps.intake.zoek_op_bsn(BSN, gemeenten=[keten.gemeente])
    return UUID(str(inburgeraar["id"]))


def pip_id(keten: Keten, inburgeraar_id: UUID) -> UUID:
    return traject_id(keten.gemeente, inburgeraar_id)


def rond_intake_af(keten: Keten, inburgeraar_id: UUID) -> None:
    """The klantregisseur's brede intake (tests/chain/keten.py), after DUO's registration."""
    intake, G = keten.apps.intake, [keten.gemeente]
    toets = Toetsuitslag(ToetsResultaat.B1_ROUTE_HAALBAAR, "71,20", "60,00", dt.date(2025, 12, 9))
    intake.voer_intakegesprek(inburgeraar_id, dt.date(2025, 12, 10), "kr-1", gemeenten=G)
    intake.leg_leerbaarheidstoets_vast(inburgeraar_id, Leerbaarheidstoets(toets), gemeenten=G)
    intake.leg_opleiding_en_werkervaring_vast(
        inburgeraar_id, OpleidingEnWerkervaring([], []), gemeenten=G
    )
    intake.leg_persoonlijke_omstandigheden_vast(
        inburgeraar_id, PersoonlijkeOmstandigheden("goed", "goed"), gemeenten=G
    )
    intake.leg_hoofddoel_vast(inburgeraar_id, HoofddoelKeuze(Hoofddoel.WERK), gemeenten=G)
    intake.adviseer_leerroute(inburgeraar_id, LeerrouteAdvies(Leerroute.B1), gemeenten=G)
    intake.rond_intake_af(inburgeraar_id, VANDAAG, gemeenten=G)


def stel_pip_vast(keten: Keten, inburgeraar_id: UUID) -> None:
    keten.apps.pip.vaststellen(
        pip_id(keten, inburgeraar_id),
        gemeenten=[keten.gemeente],
        dagtekening=VANDAAG,
        leerroute=pip_rules.Leerroute.B1,
        map=True,
        map_intensiteit_uren=40,
        pvt_intensiteit_uren=12,
        begeleiding="Klantregisseur belt maandelijks",
        geschatte_intensiteit=600,
    )


def tot_vastgestelde_pip(keten: Keten) -> UUID:
    assert keten.bron.stuur(notificatie("SS139")).status_code == 201
    keten.draai()
    inburgeraar_id = ingeschreven(keten)
    rond_intake_af(keten, inburgeraar_id)
    keten.draai()  # IntakeAfgerond -> concept-PIP
    stel_pip_vast(keten, inburgeraar_id)
    keten.draai()  # PIPVastgesteld -> DUO
    return inburgeraar_id


EXAMENS = [
    {"examendatum": EXAMENDATUM, "resultaat": "Geslaagd", "onderdeel": o, "niveau": "B1"}
    for o in ("LE", "LU", "SC", "SP")
] + [{"examendatum": EXAMENDATUM, "resultaat": "Geslaagd", "onderdeel": "KNM"}]


def test_van_ss139_tot_taalniveau_behaald(keten: Keten, contract: DuoContract) -> None:
    """SS139 registers the inburgeraar once (a second SS139 changes nothing); the set PIP is
    registered at DUO (PIP API); SS199 brings the exam results (Examen API) and with the four
    language components at B1 pip emits TaalniveauBehaald."""
    inburgeraar_id = tot_vastgestelde_pip(keten)

    inburgeraar = keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)
    assert inburgeraar["naam"] == "Amal Haddad"
    assert inburgeraar["doelgroep"] == "asielstatushouder"
    assert str(inburgeraar["datum_start_inburgeringsplicht"]) == START.isoformat()
    assert keten.simulator.pips[BSN] == [
        {
            "dagtekeningPip": VANDAAG.isoformat(),
            "leerroute": "B",
            "niveau": "B1",
            "geschatteIntensiteitB1Route": 600,
            "gemeentecode": "0000",
        }
    ]
    assert keten.simulator.ontvangen[0]["bron"] == GEMEENTE_OIN
    assert duo_contract.PIP_GEMELD_BIJ_DUO in keten.typen(keten.duo)

    # DUO says it again (another moment): still one inburgeraar.
    opnieuw = notificatie("SS139", registratieDatumTijd="2026-01-05T12:00:00+01:00")
    assert keten.bron.stuur(opnieuw).status_code == 201
    keten.draai()
    assert len(keten.apps.intake.zoek_op_bsn(BSN, gemeenten=G)) == 1

    keten.simulator.zet_examenresultaten(BSN, EXAMENS)
    assert keten.bron.stuur(notificatie("SS199")).status_code == 201
    keten.draai()

    traject = keten.apps.pip.pip(pip_id(keten, inburgeraar_id), gemeenten=G)
    assert traject["taalniveau_behaald"]["niveau"] == "B1"
    assert str(traject["taalniveau_behaald"]["datum"]) == EXAMENDATUM
    assert pip_contract.TAALNIVEAU_BEHAALD in keten.typen(keten.apps.pip)
    # A later SS199 fetches the same results again: nothing is registered twice.
    uitslagen = keten.typen(keten.apps.pip).count(pip_contract.EXAMENUITSLAG_ONTVANGEN)
    later = notificatie("SS199", registratieDatumTijd="2026-01-06T09:00:00+01:00")
    assert keten.bron.stuur(later).status_code == 201
    keten.draai()
    assert uitslagen == 5
    assert keten.typen(keten.apps.pip).count(pip_contract.EXAMENUITSLAG_ONTVANGEN) == uitslagen
    # inburgeringsplicht + doelgroep (twice), PIP, examens (twice): every one validated.
    assert contract.verzoeken == contract.antwoorden == 7


def test_duo_onbereikbaar_wordt_een_zichtbaar_signaal_en_een_herhaling_meldt_alsnog(
    keten: Keten, auth_headers: Any
) -> None:
    """Issue 6: a failure that persists becomes a visible signal, never silence; the position
    moves on with the outcome recorded; DUO back, a retry sends the PIP."""
    assert keten.bron.stuur(notificatie("SS139")).status_code == 201
    keten.draai()
    inburgeraar_id = ingeschreven(keten)
    rond_intake_af(keten, inburgeraar_id)
    keten.draai()
    keten.simulator.storing(1000)
    stel_pip_vast(keten, inburgeraar_id)
    keten.draai()

    assert BSN not in keten.simulator.pips
    assert duo_contract.PIP_MELDING_MISLUKT in keten.typen(keten.duo)
    for consumer in keten.loop.tasks:
        assert consumer.source.backlog(consumer.position) == 0  # type: ignore[attr-defined]
    headers = auth_headers(gemeenten=[GEMEENTE])
    [mislukt] = keten.http.get(
        "/api/v1/pip-meldingen", params={"status": "mislukt"}, headers=headers
    ).json()
    assert mislukt["inburgeraarId"] == str(inburgeraar_id)
    assert mislukt["reden"].startswith("DuoOnbereikbaar")
    assert mislukt["pogingen"] == 1

    keten.simulator.storing(0)
    herhaling = keten.http.post(
        f"/api/v1/pip-meldingen/{mislukt['id']}/herhalingen", headers=headers
    )
    assert herhaling.status_code == 202
    assert BSN not in keten.simulator.pips  # the request handler sends nothing itself
    keten.draai()

    assert len(keten.simulator.pips[BSN]) == 1
    [gemeld] = keten.http.get("/api/v1/pip-meldingen", headers=headers).json()
    assert (gemeld["status"], gemeld["pogingen"], gemeld["reden"]) == ("gemeld", 2, None)
    assert (
        keten.http.get(
            "/api/v1/pip-meldingen", params={"status": "mislukt"}, headers=headers
        ).json()
        == []
    )
    again = keten.http.post(f"/api/v1/pip-meldingen/{mislukt['id']}/herhalingen", headers=headers)
    assert again.status_code == 409


def test_map_en_pvt_gaan_naar_duo_en_een_mislukte_melding_wordt_herhaald(
    keten: Keten, contract: DuoContract, auth_headers: Any, clock: FrozenClock
) -> None:
    """Issue 6 (report MAP and PVT results); DUO README, MAP and PVT: pip's MAPAfgerond and
    ParticipatieverklaringOndertekend reach DUO's MAP-PVT-Zroute API (PUT .../map, .../pvt).
    A MAP DUO refuses is a visible failed melding, sent again on request."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    traject = pip_id(keten, inburgeraar_id)
    clock.advance(dt.timedelta(days=28))  # after the termijn's start (day after dagtekening)
    later = VANDAAG + dt.timedelta(days=28)
    keten.apps.pip.registreer_uren(
        traject,
        gemeenten=G,
        soort=pip_rules.UrenSoort.PVT,
        aanbieder="Taalhuis",
        keurmerk=True,
        uren=12,
        peildatum=later,
    )
    keten.apps.pip.onderteken_pvt(traject, gemeenten=G, datum=later)
    keten.draai()
    assert keten.simulator.afrondingen["pvt"][BSN] == {"datumOndertekeningPvt": "2026-02-02"}

    weigering = "De datum eindgesprek MAP mag niet voor de startdatum van de termijn liggen"
    keten.simulator.afronding_weigering = weigering
    keten.apps.pip.rond_map_af(traject, gemeenten=G, datum_eindgesprek=later)
    keten.draai()
    headers = auth_headers(gemeenten=[GEMEENTE])
    [mislukt] = keten.http.get(
        "/api/v1/afronding-meldingen", params={"status": "mislukt"}, headers=headers
    ).json()
    assert (mislukt["onderdeel"], mislukt["pogingen"]) == ("map", 1)
    assert mislukt["reden"].startswith("DuoFout") and weigering in mislukt["reden"]
    assert "map" not in keten.simulator.afrondingen
    assert duo_contract.AFRONDING_MELDING_MISLUKT in keten.typen(keten.duo)

    keten.simulator.afronding_weigering = None
    herhaling = keten.http.post(
        f"/api/v1/afronding-meldingen/{mislukt['id']}/herhalingen", headers=headers
    )
    assert herhaling.status_code == 202
    keten.draai()
    assert keten.simulator.afrondingen["map"][BSN] == {"datumEindgesprekMap": "2026-02-02"}
    meldingen = keten.http.get("/api/v1/afronding-meldingen", headers=headers).json()
    assert sorted((m["onderdeel"], m["status"]) for m in meldingen) == [
        ("map", "gemeld"),
        ("pvt", "gemeld"),
    ]
    # SS139's two reads, the PIP, the PVT, the refused MAP and its resend.
    assert contract.verzoeken == contract.antwoorden == 6


def test_ss131_legt_de_leerbaarheidstoets_vast_in_de_brede_intake(keten: Keten) -> None:
    """Gebeurtenissen.md SS131 (leerbaarheidstoets afgenomen, resultaat bekend): the DUO
    service fetches it from DUO's Leerbaarheidstoets API (the latest afname); intake records
    it in the brede intake (art. 14 Wi2021). A second SS131 adds nothing."""
    assert keten.bron.stuur(notificatie("SS139")).status_code == 201
    keten.draai()
    inburgeraar_id = ingeschreven(keten)
    keten.simulator.lbt_resultaten[BSN] = [
        {
            "resultaat": "B1-route niet haalbaar",
            "behaaldeScore": "40,00",
            "benodigdeScore": "60,00",
            "datumAfname": "2025-12-05",
        },
        {
            "resultaat": "B1-route haalbaar",
            "behaaldeScore": "71,20",
            "benodigdeScore": "60,00",
            "datumAfname": "2025-12-09",
        },
    ]
    assert keten.bron.stuur(notificatie("SS131")).status_code == 201
    keten.draai()

    toets = keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)["leerbaarheidstoets"]
    assert toets["uitslag"]["resultaat"] == "b1_route_haalbaar"
    assert str(toets["uitslag"]["datum_afname"]) == "2025-12-09"
    versie = keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)["versie"]
    opnieuw = notificatie("SS131", registratieDatumTijd="2026-01-05T11:00:00+01:00")
    assert keten.bron.stuur(opnieuw).status_code == 201
    keten.draai()
    assert keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)["versie"] == versie


def test_een_pip_die_duos_regels_breekt_gaat_niet_de_deur_uit(keten: Keten) -> None:
    """DUO README, Datum dagtekening: not before the vestiging. The PIP service's own check
    cannot see DUO's vestigingsdatum here; the DUO service refuses before sending, and the
    refusal is the visible signal."""
    keten.duo.koppel(
        gemeente=GEMEENTE,
        inburgeraar_id=UUID(int=7),
        bsn="739142859",
        datum_start_inburgeringsplicht=START,
        vestigingsdatum=dt.date(2026, 2, 1),
        doelgroep="gezinsmigrant",
    )
    status = keten.duo.meld_pip(
        gemeente=GEMEENTE,
        pip_id=UUID(int=8),
        inburgeraar_id=UUID(int=7),
        pip_versie=1,
        dagtekening=VANDAAG,
        leerroute="b1",
        niveau="B1",
        geschatte_intensiteit=600,
        doelgroep=None,
    )
    assert status == "mislukt"
    [melding] = keten.duo.pip_meldingen(gemeenten=G)
    assert melding["reden"].startswith("DuoRegelsOvertreden")
    assert "vestiging" in melding["reden"] and "Geschatte intensiteit" in melding["reden"]
    assert keten.simulator.ontvangen == []


def test_een_ss139_die_duo_niet_kent_wacht_zichtbaar_op_een_mens(
    keten: Keten, auth_headers: Any
) -> None:
    """Never dropped: DUO has no obligation for this BSN; the notificatie is te verwerken,
    nothing is registered, and the klantregisseur sees why."""
    assert keten.bron.stuur(notificatie("SS139", bsn="739142859")).status_code == 201
    assert keten.bron.stuur(notificatie("SS102")).status_code == 201
    keten.draai()

    assert keten.apps.intake.zoek_op_bsn("739142859", gemeenten=G) == []
    items = keten.http.get(
        "/api/v1/te-verwerken-notificaties", headers=auth_headers(gemeenten=[GEMEENTE])
    ).json()
    assert sorted((i["gebeurtenisId"], i["status"]) for i in items) == [
        # SS102 is fetched at DUO's Inburgeringstermijn API: no inburgeraar with this BSN.
        ("SS102", "ophalen_mislukt"),
        ("SS139", "ophalen_mislukt"),
    ]
    [ss139] = [i for i in items if i["gebeurtenisId"] == "SS139"]
    assert "geen lopende inburgeringsplicht" in ss139["toelichting"]
    assert all("bsn" not in i for i in items)


def bis(keten: Keten, gelukt: Callable[[], bool], seconden: float = 120) -> None:
    """Rounds of the workers' tasks until `gelukt`, within a deadline (Kafka delivers when
    it delivers: poll, never sleep)."""
    deadline = time.monotonic() + seconden
    while not gelukt():
        assert time.monotonic() < deadline, "the chain did not get there in time"
        keten.loop.run_round()


@pytest.mark.kafka
def test_de_keten_over_kafka(
    settings: PlatformSettings,
    kafka_bootstrap_servers: str,
    clock: FrozenClock,
    duo: DuoSimulator,
    duo_http: StarletteClient,
    contract: DuoContract,
) -> None:
    """The same chain in Kafka mode, as the workers run it (relays to the gemeente topics,
    Kafka sources): SS139 -> registration -> PIP at DUO; SS199 -> TaalniveauBehaald. A
    gemeente of its own keeps this test's topics apart from every other test's."""
    gemeente = random.choice(sorted(set(gemeenten()) - {GEMEENTE}))
    kafka = settings.model_copy(
        update={
            "platform_mode": "kafka",
            "kafka_bootstrap_servers": kafka_bootstrap_servers,
            "gemeenten": [gemeente],
        }
    )
    ensure_service_topics(kafka, "intake", "pip", "duo")
    with bouw_keten(kafka, duo, duo_http, gemeente) as keten:
        G = [gemeente]
        assert keten.bron.stuur(notificatie("SS139")).status_code == 201
        bis(keten, lambda: bool(keten.apps.intake.zoek_op_bsn(BSN, gemeenten=G)))
        inburgeraar_id = ingeschreven(keten)
        rond_intake_af(keten, inburgeraar_id)
        traject = pip_id(keten, inburgeraar_id)
        bis(keten, lambda: bool(keten.apps.pip.zoek_op_inburgeraar(inburgeraar_id, gemeenten=G)))
        stel_pip_vast(keten, inburgeraar_id)
        bis(keten, lambda: BSN in duo.pips)

        duo.zet_examenresultaten(BSN, EXAMENS)
        assert keten.bron.stuur(notificatie("SS199")).status_code == 201
        bis(
            keten,
            lambda: keten.apps.pip.pip(traject, gemeenten=G)["taalniveau_behaald"] is not None,
        )

    assert duo.pips[BSN][0]["leerroute"] == "B"
    assert contract.verzoeken == contract.antwoorden == 4  # plicht, doelgroep, PIP, examens
