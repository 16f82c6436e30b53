"""Duale trajecten, the gemeente's aanbod to asielstatushouders and the maatschappelijke
begeleiding, as parts of the PIP: the guards at aggregate level, the upcast of a stored v1
voortgangsgesprek, and the HTTP edges (4xx naming the field, nothing stored half-written).

Each test cites its source. The clock fixture stands on 2026-01-05; the PIP of the standard
traject is dated 2025-12-15.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.pip import rules
from services.pip.config import PipSettings
from services.pip.domainmodel import Inburgeringstraject
from services.pip.main import create_app
from services.pip.rules import (
    Doelgroep,
    DuaalOordeel,
    DuaalSoort,
    DuaalUitkomst,
    Leerroute,
    VoldaanGrond,
)
from shared.auth import Rol
from shared.clock import FrozenClock
from shared.config import PlatformSettings

D = dt.date
DAGTEKENING = D(2025, 12, 15)


@pytest.fixture(autouse=True)
def _frozen(clock: FrozenClock) -> FrozenClock:
    return clock


def concept(doelgroep: Doelgroep = Doelgroep.ASIELSTATUSHOUDER) -> Inburgeringstraject:
    return Inburgeringstraject.stel_concept_op(
        gemeente="GM0222",
        inburgeraar_id=uuid.uuid4(),
        doelgroep=doelgroep,
        datum_start_inburgeringsplicht=D(2025, 11, 3),
        vestigingsdatum=None,
        geadviseerde_leerroute=Leerroute.B1,
    )


def vastgesteld(
    doelgroep: Doelgroep = Doelgroep.ASIELSTATUSHOUDER, leerroute: Leerroute = Leerroute.B1
) -> Inburgeringstraject:
    traject = concept(doelgroep)
    traject.vaststellen(
        dagtekening=DAGTEKENING,
        leerroute=leerroute,
        niveau=None,
        map=leerroute is not Leerroute.ONDERWIJS,
        map_intensiteit_uren=None,
        pvt_intensiteit_uren=12,
        knm=True,
        begeleiding="",
        ontzorging=False,
        geschatte_intensiteit=None,
    )
    return traject


def duaal(**overrides: Any) -> dict[str, Any]:
    velden: dict[str, Any] = {
        "duaal_traject_id": uuid.uuid4(),
        "soort": DuaalSoort.WERK,
        "werkgever": "Bakkerij De Korenschoof",
        "startdatum": D(2026, 1, 2),
        "einddatum": D(2026, 6, 30),
        "uren_per_week": 16,
        "jobhunter": "J. Jansen",
        "jobcoach": "M. de Vries",
        "taalcoaching": True,
        "taalcoach": "Taalschool Oost",
    }
    return velden | overrides


def aanbod(**overrides: Any) -> dict[str, Any]:
    velden: dict[str, Any] = {
        "aanbieder": "Taalschool Oost",
        "instellingsnummer": None,
        "keurmerk_blik_op_werk": True,
        "erkende_taalschakelinstelling": False,
        "leerroute": Leerroute.B1,
        "startdatum": D(2026, 1, 5),
        "einddatum": D(2027, 1, 5),
    }
    return velden | overrides


def codes(exc: pytest.ExceptionInfo[rules.RuleViolation]) -> set[str]:
    if isinstance(exc.value, rules.RegelsOvertreden):
        return {o.code for o in exc.value.overtredingen}
    return {exc.value.code}


def refused(regel: type[rules.RuleViolation], command: Any, **kwargs: Any) -> None:
    with pytest.raises(rules.RuleViolation) as exc:
        command(**kwargs)
    assert regel.__name__ in codes(exc), codes(exc)


def gebeurtenissen(traject: Inburgeringstraject) -> list[str]:
    return [type(e).__name__ for e in traject.collect_events()]


# --- Duale trajecten ---------------------------------------------------------------------------


def test_a_duaal_traject_with_taalcoaching_is_recorded_as_part_of_the_pip() -> None:
    """art. 15 Wi2021 (the PIP describes the leerroute and participation; MvT 35483 nr. 3
    §1.3.5, dualiteit): a placement with employer, dates, hours, coaches and taalcoaching."""
    traject = vastgesteld()
    velden = duaal()
    traject.leg_duaal_traject_vast(**velden)
    assert gebeurtenissen(traject)[-1] == "DuaalTrajectVastgelegd"
    opgeslagen = traject.duale_trajecten[velden["duaal_traject_id"]]
    assert opgeslagen.werkgever == "Bakkerij De Korenschoof"
    assert opgeslagen.taalcoach == "Taalschool Oost" and opgeslagen.uitkomst is None


def test_a_duaal_traject_needs_a_vastgesteld_pip() -> None:
    """art. 15 Wi2021: the duaal traject is a part of the PIP, so there must be one
    (PIPNietVastgesteld)."""
    refused(rules.PIPNietVastgesteld, concept().leg_duaal_traject_vast, **duaal())


def test_a_placement_that_ends_before_it_starts_is_refused() -> None:
    """A period ends on or after its start (DUO Inburgeringsaanbod API's periods; secondary
    for placements): EindeVoorStart names einddatum."""
    traject = vastgesteld()
    with pytest.raises(rules.EindeVoorStart) as exc:
        traject.leg_duaal_traject_vast(**duaal(einddatum=D(2026, 1, 1)))
    assert exc.value.veld == "einddatum"


def test_taalcoaching_on_the_workplace_names_who_gives_it() -> None:
    """Issue 13 (secondary): taalcoaching op de werkplek yes/no and by whom."""
    refused(rules.TaalcoachOntbreekt, vastgesteld().leg_duaal_traject_vast, **duaal(taalcoach=None))


def test_no_duaal_traject_once_the_obligation_is_met() -> None:
    """domain.md: Progress (plicht voldaan): a met obligation changes no more."""
    traject = vastgesteld()
    traject._voldaan(grond=VoldaanGrond.DIPLOMA.value, datum=D(2026, 1, 3))
    refused(rules.InburgeringsplichtAlVoldaan, traject.leg_duaal_traject_vast, **duaal())


def test_a_voortgangsgesprek_reviews_an_existing_duaal_traject() -> None:
    """art. 15 Wi2021 (the PIP says how progress is followed, in voortgangsgesprekken): the
    review names the duaal traject and an oordeel."""
    traject = vastgesteld()
    velden = duaal()
    traject.leg_duaal_traject_vast(**velden)
    traject.voer_gesprek(
        datum=D(2026, 1, 5),
        inspanning_voldoende=True,
        eindgesprek_z_route=False,
        verslag=None,
        duaal_traject_id=velden["duaal_traject_id"],
        duaal_oordeel=DuaalOordeel.OP_KOERS,
    )
    gesprek = traject.gesprekken[-1]
    assert gesprek.duaal_traject_id == velden["duaal_traject_id"]
    assert gesprek.duaal_oordeel is DuaalOordeel.OP_KOERS


@pytest.mark.parametrize(
    ("traject_id", "oordeel", "regel"),
    [
        ("onbekend", DuaalOordeel.OP_KOERS, rules.DuaalTrajectOnbekend),
        ("bekend", None, rules.DuaalOordeelZonderTraject),
        (None, DuaalOordeel.BIJSTUREN, rules.DuaalOordeelZonderTraject),
    ],
)
def test_a_review_names_an_existing_duaal_traject_and_its_oordeel(
    traject_id: str | None, oordeel: DuaalOordeel | None, regel: type[rules.Regel]
) -> None:
    """art. 15 Wi2021 (progress as the PIP has it): a review of an unknown traject, or a
    traject without an oordeel (or the reverse), is refused."""
    traject = vastgesteld()
    velden = duaal()
    traject.leg_duaal_traject_vast(**velden)
    ids = {"onbekend": uuid.uuid4(), "bekend": velden["duaal_traject_id"], None: None}
    refused(
        regel,
        traject.voer_gesprek,
        datum=D(2026, 1, 5),
        inspanning_voldoende=None,
        eindgesprek_z_route=False,
        verslag=None,
        duaal_traject_id=ids[traject_id],
        duaal_oordeel=oordeel,
    )


def test_the_outcome_ends_the_duaal_traject_and_no_review_or_second_outcome_follows() -> None:
    """art. 15 Wi2021 (MvT §1.3.5): after the outcome the placement is over
    (DuaalTrajectAfgerond)."""
    traject = vastgesteld()
    velden = duaal()
    traject.leg_duaal_traject_vast(**velden)
    traject_id = velden["duaal_traject_id"]
    traject.rond_duaal_traject_af(
        duaal_traject_id=traject_id, uitkomst=DuaalUitkomst.CONTRACT, datum=D(2026, 1, 5)
    )
    assert traject.duale_trajecten[traject_id].uitkomst is DuaalUitkomst.CONTRACT
    refused(
        rules.DuaalTrajectAfgerond,
        traject.rond_duaal_traject_af,
        duaal_traject_id=traject_id,
        uitkomst=DuaalUitkomst.BEEINDIGD,
        datum=D(2026, 1, 5),
    )
    refused(
        rules.DuaalTrajectAfgerond,
        traject.voer_gesprek,
        datum=D(2026, 1, 5),
        inspanning_voldoende=None,
        eindgesprek_z_route=False,
        verslag=None,
        duaal_traject_id=traject_id,
        duaal_oordeel=DuaalOordeel.OP_KOERS,
    )


def test_an_outcome_before_the_start_or_in_the_future_or_of_an_unknown_traject_is_refused() -> None:
    """Periods in order (EindeVoorStart on datum); DUO README MAP/PVT: no dates in the
    future; art. 15 Wi2021: the outcome names an existing traject."""
    traject = vastgesteld()
    velden = duaal(startdatum=D(2026, 1, 2))
    traject.leg_duaal_traject_vast(**velden)
    afronden = traject.rond_duaal_traject_af
    tid = velden["duaal_traject_id"]
    refused(rules.EindeVoorStart, afronden, duaal_traject_id=tid,
            uitkomst=DuaalUitkomst.BEEINDIGD, datum=D(2026, 1, 1))  # fmt: skip
    refused(rules.DatumInDeToekomst, afronden, duaal_traject_id=tid,
            uitkomst=DuaalUitkomst.BEEINDIGD, datum=D(2026, 1, 6))  # fmt: skip
    refused(rules.DuaalTrajectOnbekend, afronden, duaal_traject_id=uuid.uuid4(),
            uitkomst=DuaalUitkomst.BEEINDIGD, datum=D(2026, 1, 5))  # fmt: skip


def test_a_voortgangsgesprek_stored_as_v1_reads_as_no_review() -> None:
    """Contract versioning: a v1 VoortgangsgesprekGevoerd stored before duale trajecten
    upcasts to one that reviewed none."""
    state: dict[str, Any] = {"datum": "2026-01-05", "inspanning_voldoende": True}
    Inburgeringstraject.VoortgangsgesprekGevoerd.upcast_v1_v2(state)
    assert state["duaal_traject_id"] is None and state["duaal_oordeel"] is None


# --- The aanbod (art. 16 Wi2021; DUO README: Inburgeringsaanbod) ------------------------------


def test_the_aanbod_to_an_asielstatushouder_is_recorded_and_a_second_one_changes_it() -> None:
    """art. 16 Wi2021; DUO README Inburgeringsaanbod: one aanbod per aanbieder, a new one of
    the same aanbieder replaces it (InburgeringsaanbodGewijzigd)."""
    traject = vastgesteld()
    traject.leg_aanbod_vast(**aanbod())
    traject.leg_aanbod_vast(**aanbod(einddatum=D(2027, 6, 30)))
    traject.leg_aanbod_vast(**aanbod(aanbieder="Taalhuis West"))
    assert gebeurtenissen(traject)[-3:] == [
        "InburgeringsaanbodVastgelegd",
        "InburgeringsaanbodGewijzigd",
        "InburgeringsaanbodVastgelegd",
    ]
    assert traject.aanbod["Taalschool Oost"].einddatum == D(2027, 6, 30)


@pytest.mark.parametrize("doelgroep", [Doelgroep.GEZINSMIGRANT, Doelgroep.OVERIGE_MIGRANT])
def test_the_aanbod_is_only_for_asielstatushouders(doelgroep: Doelgroep) -> None:
    """art. 16 Wi2021 (the college offers the leerroute to asielstatushouders); DUO README
    Inburgeringsaanbod: 'Het inburgeringsaanbod is voor een asielmigrant'."""
    refused(
        rules.AanbodAlleenVoorAsielstatushouders, vastgesteld(doelgroep).leg_aanbod_vast, **aanbod()
    )


def test_the_aanbod_needs_a_pip() -> None:
    """DUO README Inburgeringsaanbod: 'De persoon heeft een PIP'."""
    refused(rules.PIPNietVastgesteld, concept().leg_aanbod_vast, **aanbod())


@pytest.mark.parametrize("leerroute", [Leerroute.B1, Leerroute.Z])
def test_the_b1_and_z_route_need_a_provider_with_blik_op_werk_keurmerk(
    leerroute: Leerroute,
) -> None:
    """DUO README Inburgeringsaanbod: the instelling is known to DUO with Blik op Werk's
    quality mark (secondary: blikopwerk.nl, gemeenten buy only from keurmerkhouders)."""
    traject = vastgesteld(leerroute=leerroute)
    refused(
        rules.AanbiederZonderKeurmerk,
        traject.leg_aanbod_vast,
        **aanbod(leerroute=leerroute, keurmerk_blik_op_werk=False),
    )


def test_the_onderwijsroute_needs_a_recognised_taalschakelinstelling_not_the_keurmerk() -> None:
    """DUO README Inburgeringsaanbod: 'een erkende Taalschakelinstelling (TST) als de persoon
    de onderwijsroute volgt'; Blik op Werk's mark does not cover the onderwijsroute."""
    traject = vastgesteld(leerroute=Leerroute.ONDERWIJS)
    onderwijs = aanbod(leerroute=Leerroute.ONDERWIJS, keurmerk_blik_op_werk=False)
    refused(rules.AanbiederGeenTaalschakelinstelling, traject.leg_aanbod_vast, **onderwijs)
    traject.leg_aanbod_vast(**(onderwijs | {"erkende_taalschakelinstelling": True}))
    assert traject.aanbod["Taalschool Oost"].leerroute is Leerroute.ONDERWIJS


def test_the_aanbod_serves_the_leerroute_of_the_pip() -> None:
    """art. 16 Wi2021 with art. 15 (the PIP names the leerroute the aanbod serves)."""
    refused(
        rules.AanbodLeerrouteWijktAf, vastgesteld().leg_aanbod_vast, **aanbod(leerroute=Leerroute.Z)
    )


def test_the_aanbod_does_not_start_before_the_pip_nor_end_before_it_starts() -> None:
    """DUO README Inburgeringsaanbod: 'De data van het inburgeringsaanbod ligt niet voor de
    dagtekening van de actuele PIP'; a period ends after it starts."""
    traject = vastgesteld()
    refused(rules.AanbodVoorDagtekeningPIP, traject.leg_aanbod_vast,
            **aanbod(startdatum=D(2025, 12, 14)))  # fmt: skip
    refused(rules.EindeVoorStart, traject.leg_aanbod_vast, **aanbod(einddatum=D(2026, 1, 4)))


def test_all_violations_of_an_aanbod_come_back_at_once() -> None:
    """Every rule of one command is reported (RegelsOvertreden), each with its source."""
    traject = vastgesteld(Doelgroep.GEZINSMIGRANT)
    with pytest.raises(rules.RegelsOvertreden) as exc:
        traject.leg_aanbod_vast(**aanbod(keurmerk_blik_op_werk=False, leerroute=Leerroute.Z))
    assert {o.code for o in exc.value.overtredingen} == {
        "AanbodAlleenVoorAsielstatushouders",
        "AanbiederZonderKeurmerk",
        "AanbodLeerrouteWijktAf",
    }


# --- Maatschappelijke begeleiding (art. 13 Wi2021) ---------------------------------------------


def test_maatschappelijke_begeleiding_may_start_before_the_pip_and_a_new_one_replaces_it() -> None:
    """art. 13 Wi2021 (the college provides maatschappelijke begeleiding; MvT 35483 nr. 3
    §2.5.1): it starts on arrival, so a concept traject suffices."""
    traject = concept()
    traject.leg_maatschappelijke_begeleiding_vast(
        organisatie="VluchtelingenWerk", startdatum=D(2025, 11, 10), einddatum=None
    )
    traject.leg_maatschappelijke_begeleiding_vast(
        organisatie="VluchtelingenWerk Midden-Nederland",
        startdatum=D(2025, 11, 10),
        einddatum=D(2026, 11, 10),
    )
    assert traject.maatschappelijke_begeleiding is not None
    assert traject.maatschappelijke_begeleiding.organisatie.endswith("Midden-Nederland")


def test_maatschappelijke_begeleiding_ends_after_it_starts() -> None:
    """A period ends on or after its start (EindeVoorStart)."""
    refused(
        rules.EindeVoorStart,
        concept().leg_maatschappelijke_begeleiding_vast,
        organisatie="VluchtelingenWerk",
        startdatum=D(2025, 11, 10),
        einddatum=D(2025, 11, 9),
    )


# --- Through HTTP ------------------------------------------------------------------------------

Headers = Callable[..., dict[str, str]]
API = "/api/v1"


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    app = create_app(PipSettings(**settings.model_dump()))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def kr(auth_headers: Headers) -> dict[str, str]:
    return auth_headers(Rol.KLANTREGISSEUR, ["GM0222"])


def _pip(client: TestClient, kr: dict[str, str], doelgroep: str = "asielstatushouder") -> str:
    body = {
        "gemeente": "GM0222",
        "inburgeraarId": str(uuid.uuid4()),
        "doelgroep": doelgroep,
        "datumStartInburgeringsplicht": "2025-11-03",
        "uitersteDatumPip": "2026-01-12",
    }
    r = client.post(f"{API}/pips", json=body, headers=kr)
    assert r.status_code == 201, r.text
    pip_id = str(r.json()["id"])
    vaststelling = {"dagtekening": "2025-12-15", "leerroute": "b1", "map": True,
                    "pvtIntensiteitUren": 12}  # fmt: skip
    r = client.post(f"{API}/pips/{pip_id}/vaststellingen", json=vaststelling, headers=kr)
    assert r.status_code == 200, r.text
    return pip_id


DUAAL_BODY = {
    "soort": "werk",
    "werkgever": "Bakkerij De Korenschoof",
    "startdatum": "2026-01-02",
    "einddatum": "2026-06-30",
    "urenPerWeek": 16,
    "jobcoach": "M. de Vries",
    "taalcoaching": True,
    "taalcoach": "Taalschool Oost",
}


def test_a_duaal_traject_its_review_and_outcome_through_http(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 15 Wi2021 (MvT §1.3.5): recorded (201), reviewed in a voortgangsgesprek,
    its outcome recorded; the PIP shows each step."""
    pip_id = _pip(client, kr)
    r = client.post(f"{API}/pips/{pip_id}/duale-trajecten", json=DUAAL_BODY, headers=kr)
    assert r.status_code == 201, r.text
    [traject] = r.json()["dualeTrajecten"]
    assert traject["werkgever"] == "Bakkerij De Korenschoof" and traject["uitkomst"] is None
    gesprek = {"datum": "2026-01-05", "duaalTrajectId": traject["id"], "duaalOordeel": "op_koers"}
    r = client.post(f"{API}/pips/{pip_id}/voortgangsgesprekken", json=gesprek, headers=kr)
    assert r.status_code == 200, r.text
    assert r.json()["voortgangsgesprekken"][-1]["duaalOordeel"] == "op_koers"
    uitkomst = {"uitkomst": "contract", "datum": "2026-01-05"}
    url = f"{API}/pips/{pip_id}/duale-trajecten/{traject['id']}/uitkomst"
    r = client.post(url, json=uitkomst, headers=kr)
    assert r.status_code == 200, r.text
    assert r.json()["dualeTrajecten"][0]["uitkomst"] == "contract"


@pytest.mark.parametrize(
    ("wijziging", "veld", "code"),
    [
        ({"einddatum": "2026-01-01"}, "einddatum", "EindeVoorStart"),
        ({"taalcoach": None}, "taalcoach", "TaalcoachOntbreekt"),
        ({"urenPerWeek": 0}, "urenPerWeek", None),
        ({"soort": "detachering"}, "soort", None),
    ],
)
def test_a_wrong_duaal_traject_is_a_400_naming_the_field_and_stores_nothing(
    client: TestClient, kr: dict[str, str], wijziging: dict[str, Any], veld: str, code: str | None
) -> None:
    """RFC 7807 problem naming the field; the PIP is unchanged (same version, no traject)."""
    pip_id = _pip(client, kr)
    versie = client.get(f"{API}/pips/{pip_id}", headers=kr).json()["versie"]
    r = client.post(f"{API}/pips/{pip_id}/duale-trajecten", json=DUAAL_BODY | wijziging, headers=kr)
    assert r.status_code == 400, r.text
    problem = r.json()
    assert veld in {p["name"] for p in problem["invalidParams"]}
    if code:
        assert problem["code"] == code and problem["bron"]
    na = client.get(f"{API}/pips/{pip_id}", headers=kr).json()
    assert na["versie"] == versie and na["dualeTrajecten"] == []


def test_an_outcome_of_an_unknown_duaal_traject_is_a_400_naming_it(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 15 Wi2021: the outcome names an existing duaal traject of this PIP."""
    pip_id = _pip(client, kr)
    url = f"{API}/pips/{pip_id}/duale-trajecten/{uuid.uuid4()}/uitkomst"
    r = client.post(url, json={"uitkomst": "contract", "datum": "2026-01-05"}, headers=kr)
    assert r.status_code == 400
    assert r.json()["code"] == "DuaalTrajectOnbekend"
    assert r.json()["invalidParams"][0]["name"] == "duaalTrajectId"


def test_the_aanbod_and_the_begeleiding_through_http(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 16 Wi2021 and DUO README Inburgeringsaanbod (keurmerk, leerroute of the PIP);
    art. 13 Wi2021 (maatschappelijke begeleiding)."""
    pip_id = _pip(client, kr)
    body = {"aanbieder": "Taalschool Oost", "keurmerkBlikOpWerk": True, "leerroute": "b1",
            "startdatum": "2026-01-05"}  # fmt: skip
    r = client.post(f"{API}/pips/{pip_id}/inburgeringsaanbod", json=body, headers=kr)
    assert r.status_code == 200, r.text
    assert r.json()["inburgeringsaanbod"][0]["keurmerkBlikOpWerk"] is True
    zonder = body | {"aanbieder": "Goedkoop Taal BV", "keurmerkBlikOpWerk": False}
    r = client.post(f"{API}/pips/{pip_id}/inburgeringsaanbod", json=zonder, headers=kr)
    assert r.status_code == 400
    assert r.json()["code"] == "AanbiederZonderKeurmerk"
    assert r.json()["invalidParams"][0]["name"] == "keurmerkBlikOpWerk"
    begeleiding = {"organisatie": "VluchtelingenWerk", "startdatum": "2025-11-10"}
    r = client.put(
        f"{API}/pips/{pip_id}/maatschappelijke-begeleiding", json=begeleiding, headers=kr
    )
    assert r.status_code == 200, r.text
    assert r.json()["maatschappelijkeBegeleiding"]["organisatie"] == "VluchtelingenWerk"
    assert [a["aanbieder"] for a in r.json()["inburgeringsaanbod"]] == ["Taalschool Oost"]


def test_the_aanbod_for_a_gezinsmigrant_is_refused_through_http(
    client: TestClient, kr: dict[str, str]
) -> None:
    """art. 16 Wi2021; DUO README Inburgeringsaanbod: only for an asielmigrant."""
    pip_id = _pip(client, kr, doelgroep="gezinsmigrant")
    body = {"aanbieder": "Taalschool Oost", "keurmerkBlikOpWerk": True, "leerroute": "b1",
            "startdatum": "2026-01-05"}  # fmt: skip
    r = client.post(f"{API}/pips/{pip_id}/inburgeringsaanbod", json=body, headers=kr)
    assert r.status_code == 400
    assert r.json()["code"] == "AanbodAlleenVoorAsielstatushouders"
