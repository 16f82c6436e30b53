"""The ontzorging as the law has it since issue 13: the gemeente's choice of posts (the
minister's wider reading of art. 56a Pw since 2023), a voluntary continuation after the six
months (art. 57 Pw), a refused payment authorisation, and the end of the traject."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from contracts import pip as pip_contract
from services.ontzorging.application import OntzorgingApplication
from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.consumers import REDEN_BEEINDIGING, OntzorgingPolicy
from services.ontzorging.domainmodel import Ontzorging
from services.ontzorging.main import create_app
from services.ontzorging.rules import (
    AfwijkingNietGemotiveerd,
    AlVrijwilligVoortgezet,
    BetaalmachtigingOntbreekt,
    BetalingBuitenOntzorgingsperiode,
    BetalingVoorInstemming,
    BudgetbeheerNietGestart,
    DatumVoorEerdereStap,
    Doelgroep,
    InstemmingOntbreekt,
    Post,
    PostNietGekozen,
    PostZelfBetaald,
    RedenBeeindiging,
    Status,
    VrijwilligeVoortzettingNietMogelijk,
)
from shared.berichten import OnleesbaarBericht
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from tests.conftest import TokenFactory

IBAN = "NL91ABNA0417164300"
GEBRUIKELIJK = [Post.HUUR, Post.GAS, Post.ELEKTRICITEIT, Post.WATER, Post.ZORGVERZEKERING]
HUUR, ZORG = 65_000, 14_500
BASE = "/api/v1/ontzorgingen"


def zet_klok(clock: FrozenClock, dag: dt.date) -> None:
    clock.set(dt.datetime(dag.year, dag.month, dag.day, 9, 0, tzinfo=dt.UTC))


def start(**wijziging: Any) -> Ontzorging:
    """Bijstand from 1 January 2026, beschikking on 5 January (the clock's today)."""
    args: dict[str, Any] = {
        "gemeente": "GM0222",
        "inburgeraar_id": uuid4(),
        "pip_id": None,
        "doelgroep": Doelgroep.ASIELSTATUSHOUDER,
        "ontvangt_bijstand": True,
        "verblijfsvergunning_asiel_bepaalde_tijd": True,
        "beschikkingsdatum": dt.date(2026, 1, 5),
        "startdatum_bijstand": dt.date(2026, 1, 1),
        "betaalmachtiging_gegeven": True,
    }
    o = Ontzorging.start(**(args | wijziging))
    o.leg_vaste_last_vast(Post.HUUR, "Woonstichting", IBAN, HUUR)
    o.leg_vaste_last_vast(Post.ZORGVERZEKERING, "Zorgverzekeraar", IBAN, ZORG)
    return o


def voortgezet(clock: FrozenClock, einddatum: dt.date | None = None) -> Ontzorging:
    o = start()
    zet_klok(clock, dt.date(2026, 7, 1))
    o.zet_vrijwillig_voort(True, dt.date(2026, 7, 1), einddatum)
    return o


# --- The gemeente's choice of posts -------------------------------------------------------


def test_the_usual_posts_need_no_reason_and_energie_covers_gas_and_electricity(
    clock: FrozenClock,
) -> None:
    """secundair: Verzamelbrief inburgering april 2023 (rijksoverheid.nl, gemeente.nu): rent,
    gas, water, electricity and health insurance are the usual posts; choosing them needs no
    reason, and one energy contract covers gas and electricity."""
    o = start()
    o.leg_te_betalen_posten_vast(
        [Post.HUUR, Post.GAS, Post.ELEKTRICITEIT, Post.WATER, Post.ZORGVERZEKERING], None
    )
    assert o.afwijkingsreden is None
    o.leg_te_betalen_posten_vast([Post.HUUR, Post.ENERGIE, Post.WATER, Post.ZORGVERZEKERING], None)
    assert o.te_betalen_posten == ["energie", "huur", "water", "zorgverzekering"]


@pytest.mark.parametrize(
    "posten",
    [
        [Post.HUUR, Post.ZORGVERZEKERING],
        [],
        [*GEBRUIKELIJK, Post.GEMEENTELIJKE_BELASTINGEN],
    ],
)
def test_a_choice_other_than_the_usual_posts_states_its_reason(
    clock: FrozenClock, posten: list[Post]
) -> None:
    """art. 3:46 Awb (a besluit rests on a deugdelijke motivering), with the 2023 maatwerk
    reading of art. 56a Pw (secundair: Verzamelbrief inburgering april 2023): fewer, more
    or other posts than the usual ones are a maatwerk choice with its reason."""
    o = start()
    with pytest.raises(AfwijkingNietGemotiveerd) as e:
        o.leg_te_betalen_posten_vast(posten, "  ")
    assert e.value.ontbrekend == ["afwijkingsreden"]
    o.leg_te_betalen_posten_vast(posten, "Financieel vaardig; budgetcoaching volstaat")
    assert o.afwijkingsreden == "Financieel vaardig; budgetcoaching volstaat"


def test_repeating_the_same_choice_changes_nothing(clock: FrozenClock) -> None:
    o = start()
    o.leg_te_betalen_posten_vast([Post.HUUR], "Alleen de huur")
    versie = o.version
    o.leg_te_betalen_posten_vast([Post.HUUR], "Alleen de huur")
    assert o.version == versie


def test_a_post_the_gemeente_did_not_choose_is_not_paid(clock: FrozenClock) -> None:
    """secundair: Verzamelbrief inburgering april 2023: the gemeente pays the posts it chose."""
    o = start()
    o.leg_te_betalen_posten_vast([Post.HUUR], "Zorgpremie via de werkgever van de partner")
    with pytest.raises(PostNietGekozen):
        o.betaal("2026-01", Post.ZORGVERZEKERING, ZORG, dt.date(2026, 1, 5))
    o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    assert o.ontbrekende_vaste_lasten == []


# --- Voluntary continuation (art. 57 Pw) --------------------------------------------------


def test_a_continuation_needs_the_inburgeraars_consent(clock: FrozenClock) -> None:
    """art. 57 Pw (secundair: Schulinck, langer ontzorgen): after the six months only with
    the inburgeraar's consent."""
    o = start()
    zet_klok(clock, dt.date(2026, 7, 1))
    with pytest.raises(InstemmingOntbreekt) as e:
        o.zet_vrijwillig_voort(False, dt.date(2026, 7, 1), None)
    assert e.value.ontbrekend == ["instemmingGegeven"]
    assert o.status is Status.ONTZORGD


def test_a_continuation_runs_from_the_end_of_the_six_months_or_the_later_consent(
    clock: FrozenClock,
) -> None:
    """art. 56a lid 1 and art. 57 Pw: the six months stay the bijstand's first; what
    follows starts at their end, or at the consent when that comes later."""
    vooraf = start()
    zet_klok(clock, dt.date(2026, 6, 20))
    vooraf.zet_vrijwillig_voort(True, dt.date(2026, 6, 20), None)
    assert vooraf.vrijwillig is not None
    assert vooraf.vrijwillig.ingangsdatum == dt.date(2026, 7, 1)
    later = start()
    zet_klok(clock, dt.date(2026, 7, 10))
    later.zet_vrijwillig_voort(True, dt.date(2026, 7, 10), None)
    assert later.vrijwillig is not None and later.vrijwillig.ingangsdatum == dt.date(2026, 7, 10)
    with pytest.raises(BetalingVoorInstemming):
        later.betaal("2026-07", Post.HUUR, HUUR, dt.date(2026, 7, 5))
    later.betaal("2026-07", Post.HUUR, HUUR, dt.date(2026, 7, 10))


def test_payments_under_a_continuation_stop_at_its_end(clock: FrozenClock) -> None:
    """art. 57 Pw: the agreed end of the continuation bounds what is paid."""
    o = voortgezet(clock, dt.date(2026, 8, 31))
    zet_klok(clock, dt.date(2026, 7, 31))
    o.betaal("2026-08", Post.HUUR, HUUR, dt.date(2026, 7, 31))
    zet_klok(clock, dt.date(2026, 9, 1))
    with pytest.raises(BetalingBuitenOntzorgingsperiode):
        o.betaal("2026-09", Post.HUUR, HUUR, dt.date(2026, 9, 1))


def test_a_continuation_ends_after_its_start(clock: FrozenClock) -> None:
    o = start()
    zet_klok(clock, dt.date(2026, 7, 1))
    with pytest.raises(DatumVoorEerdereStap):
        o.zet_vrijwillig_voort(True, dt.date(2026, 7, 1), dt.date(2026, 6, 30))


def test_a_continuation_is_agreed_once(clock: FrozenClock) -> None:
    """art. 57 Pw: one continuation with its end; a change is a new beschikking."""
    o = voortgezet(clock)
    with pytest.raises(AlVrijwilligVoortgezet) as e:
        o.zet_vrijwillig_voort(True, dt.date(2026, 7, 1), None)
    assert e.value.status == 409


def test_a_continuation_follows_the_ontzorging_not_budgetbeheer(clock: FrozenClock) -> None:
    """domain.md stap 8 with art. 57 Pw: ontzorgd -> (voluntary continuation) -> afbouw."""
    o = start()
    zet_klok(clock, dt.date(2026, 7, 1))
    o.start_budgetbeheer(dt.date(2026, 7, 1))
    with pytest.raises(VrijwilligeVoortzettingNietMogelijk):
        o.zet_vrijwillig_voort(True, dt.date(2026, 7, 1), None)


def test_a_continuation_needs_the_payment_authorisation(clock: FrozenClock) -> None:
    """art. 56a Pw: paying on his behalf needs his machtiging, also when continued."""
    o = start(betaalmachtiging_gegeven=False)
    zet_klok(clock, dt.date(2026, 7, 1))
    with pytest.raises(BetaalmachtigingOntbreekt):
        o.zet_vrijwillig_voort(True, dt.date(2026, 7, 1), None)


def test_afbouw_and_self_reliance_follow_a_continuation(clock: FrozenClock) -> None:
    """domain.md stap 8 and art. 57 Pw: ontzorgd -> voluntary continuation -> afbouw ->
    financieel zelfredzaam, lawful without budgetbeheer; a handed-over post is not paid."""
    o = start()
    zet_klok(clock, dt.date(2026, 7, 1))
    with pytest.raises(BudgetbeheerNietGestart):
        o.start_afbouw(dt.date(2026, 7, 1), [Post.HUUR])
    o.zet_vrijwillig_voort(True, dt.date(2026, 7, 1), None)
    assert o.status is Status.VRIJWILLIG_VOORTGEZET
    o.betaal("2026-07", Post.HUUR, HUUR, dt.date(2026, 7, 1))
    zet_klok(clock, dt.date(2026, 8, 1))
    o.start_afbouw(dt.date(2026, 8, 1), [Post.HUUR])
    assert o.status is Status.AFBOUW
    with pytest.raises(PostZelfBetaald):
        o.betaal("2026-08", Post.HUUR, HUUR, dt.date(2026, 8, 1))
    o.betaal("2026-08", Post.ZORGVERZEKERING, ZORG, dt.date(2026, 8, 1))
    o.stel_financieel_zelfredzaam_vast(dt.date(2026, 8, 1))
    assert o.status is Status.FINANCIEEL_ZELFREDZAAM


def test_no_continuation_means_no_payment_after_the_six_months(clock: FrozenClock) -> None:
    """art. 56a lid 1 Pw: the first six months of the bijstand; after them only under art. 57."""
    o = start()
    zet_klok(clock, dt.date(2026, 7, 1))
    with pytest.raises(BetalingBuitenOntzorgingsperiode):
        o.betaal("2026-07", Post.HUUR, HUUR, dt.date(2026, 7, 1))


# --- A refused payment authorisation ------------------------------------------------------


def test_a_refused_authorisation_is_recorded_once_and_stops_payment(clock: FrozenClock) -> None:
    """art. 56a Pw (machtiging); its refusal may lower the bijstand (art. 18 lid 2 Pw,
    secundair: Schulinck) but never makes the gemeente pay without it."""
    o = start()
    o.weiger_betaalmachtiging(dt.date(2026, 1, 5))
    versie = o.version
    o.weiger_betaalmachtiging(dt.date(2026, 1, 5))
    assert o.version == versie
    assert o.status is Status.BETAALMACHTIGING_GEWEIGERD
    with pytest.raises(BetaalmachtigingOntbreekt) as e:
        o.betaal("2026-01", Post.HUUR, HUUR, dt.date(2026, 1, 5))
    assert "geweigerd" in str(e.value)
    o.geef_betaalmachtiging(dt.date(2026, 1, 5))
    assert o.status is Status.ONTZORGD and o.betaalmachtiging_geweigerd_op is None


def test_a_refusal_is_not_dated_before_the_bijstand(clock: FrozenClock) -> None:
    o = start()
    with pytest.raises(DatumVoorEerdereStap):
        o.weiger_betaalmachtiging(dt.date(2025, 12, 31))


# --- The end of the traject (pip's TrajectBeeindigd) -------------------------------------


@pytest.fixture
def app(settings: PlatformSettings, clock: FrozenClock) -> Iterator[OntzorgingApplication]:
    application = OntzorgingApplication(env=settings.event_store_env(OntzorgingApplication.name))
    yield application
    application.close()


def gestart(app: OntzorgingApplication) -> UUID:
    inburgeraar_id = uuid4()
    app.start_ontzorging(
        gemeente="GM0222",
        inburgeraar_id=inburgeraar_id,
        pip_id=None,
        doelgroep=Doelgroep.ASIELSTATUSHOUDER,
        ontvangt_bijstand=True,
        verblijfsvergunning_asiel_bepaalde_tijd=True,
        beschikkingsdatum=dt.date(2026, 1, 5),
        startdatum_bijstand=dt.date(2026, 1, 1),
        betaalmachtiging_gegeven=True,
        gemeenten=["GM0222"],
    )
    return inburgeraar_id


def traject_beeindigd(inburgeraar_id: UUID, **data: Any) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "type": pip_contract.TRAJECT_BEEINDIGD,
        "subject": str(uuid4()),
        "gemeente": "GM0222",
        "data": {
            "inburgeraarId": str(inburgeraar_id),
            "gemeente": "GM0222",
            "reden": "verhuisd",
            "datum": "2026-01-05",
        }
        | data,
    }


@pytest.mark.parametrize(("reden", "verwacht"), sorted(REDEN_BEEINDIGING.items()))
def test_the_end_of_the_traject_ends_the_ontzorging_with_its_reason(
    app: OntzorgingApplication, reden: str, verwacht: RedenBeeindiging
) -> None:
    """art. 56a lid 1 Pw: ontzorgen is for an inburgeringsplichtige in this gemeente; a move
    (Wi art. 11 lid 3: the new gemeente continues), a withdrawn obligation or death ends it."""
    inburgeraar_id = gestart(app)
    OntzorgingPolicy(app).handle(traject_beeindigd(inburgeraar_id, reden=reden))
    [o] = app.ontzorgingen_van(inburgeraar_id, ["GM0222"])
    assert o.status == "beeindigd"
    assert o.beeindiging is not None
    assert (o.beeindiging.reden, o.beeindiging.einddatum) == (verwacht.value, dt.date(2026, 1, 5))


def test_another_reason_ends_it_as_overig_and_names_it(app: OntzorgingApplication) -> None:
    inburgeraar_id = gestart(app)
    OntzorgingPolicy(app).handle(traject_beeindigd(inburgeraar_id, reden="ontheffing"))
    [o] = app.ontzorgingen_van(inburgeraar_id, ["GM0222"])
    assert o.beeindiging is not None
    assert o.beeindiging.reden == "overig"
    assert o.beeindiging.toelichting == "Traject beëindigd: ontheffing"


def test_a_repeated_end_or_one_without_ontzorging_changes_nothing(
    app: OntzorgingApplication,
) -> None:
    inburgeraar_id = gestart(app)
    policy = OntzorgingPolicy(app)
    policy.handle(traject_beeindigd(inburgeraar_id))
    [o] = app.ontzorgingen_van(inburgeraar_id, ["GM0222"])
    policy.handle(traject_beeindigd(inburgeraar_id, reden="overleden"))
    assert app.ontzorgingen_van(inburgeraar_id, ["GM0222"])[0].versie == o.versie
    policy.handle(traject_beeindigd(uuid4()))
    assert policy.handles(pip_contract.TRAJECT_BEEINDIGD)


@pytest.mark.parametrize("data", [{"reden": None}, {"datum": "5 januari"}, {"inburgeraarId": "x"}])
def test_an_unreadable_end_of_traject_is_a_dead_letter(
    app: OntzorgingApplication, data: dict[str, Any]
) -> None:
    with pytest.raises(OnleesbaarBericht):
        OntzorgingPolicy(app).handle(traject_beeindigd(uuid4(), **data))


# --- HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(OntzorgingSettings(**settings.model_dump()))) as test_client:
        yield test_client


def nieuwe(client: TestClient, headers: dict[str, str]) -> str:
    body = {
        "gemeente": "GM0222",
        "inburgeraarId": str(uuid4()),
        "doelgroep": "gezinsmigrant",
        "ontvangtBijstand": True,
        "verblijfsvergunningAsielBepaaldeTijd": True,
        "beschikkingsdatum": "2026-01-05",
        "startdatumBijstand": "2026-01-01",
        "betaalmachtigingGegeven": True,
    }
    response = client.post(BASE, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.mark.parametrize(
    ("pad", "methode", "body", "veld"),
    [
        (
            "vrijwillige-voortzetting",
            "post",
            {"instemmingsdatum": "2026-01-05"},
            "instemmingGegeven",
        ),
        (
            "vrijwillige-voortzetting",
            "post",
            {"instemmingGegeven": "ja", "instemmingsdatum": "2026-01-05"},
            "instemmingGegeven",
        ),
        ("te-betalen-posten", "put", {"posten": ["parkeren"]}, "posten.0"),
        ("betaalmachtiging-weigering", "post", {"weigeringsdatum": "morgen"}, "weigeringsdatum"),
    ],
)
def test_bad_input_on_the_new_commands_names_the_field_and_stores_nothing(
    client: TestClient,
    auth_headers: TokenFactory,
    pad: str,
    methode: str,
    body: dict[str, Any],
    veld: str,
) -> None:
    headers = auth_headers()
    ontzorging_id = nieuwe(client, headers)
    versie = client.get(f"{BASE}/{ontzorging_id}", headers=headers).json()["versie"]
    response = getattr(client, methode)(f"{BASE}/{ontzorging_id}/{pad}", json=body, headers=headers)
    assert response.status_code in (400, 422), response.text
    assert veld in [p["name"] for p in response.json()["invalidParams"]]
    assert client.get(f"{BASE}/{ontzorging_id}", headers=headers).json()["versie"] == versie


def test_a_deviating_choice_without_reason_is_refused_and_named(
    client: TestClient, auth_headers: TokenFactory
) -> None:
    """art. 3:46 Awb; secundair: Verzamelbrief inburgering april 2023."""
    headers = auth_headers()
    ontzorging_id = nieuwe(client, headers)
    response = client.put(
        f"{BASE}/{ontzorging_id}/te-betalen-posten", json={"posten": ["huur"]}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "AfwijkingNietGemotiveerd"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["afwijkingsreden"]
    assert client.get(f"{BASE}/{ontzorging_id}", headers=headers).json()["teBetalenPosten"] is None
