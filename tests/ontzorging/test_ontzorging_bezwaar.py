"""The ontzorging beschikking (art. 56a Participatiewet) as an Awb besluit: its sending date,
the objection period and the objection; upheld, the ontzorging is herroepen. The clock
fixture stands on 2026-01-05, the beschikking's dagtekening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.domainmodel import HERROEPEN_NA_BEZWAAR
from services.ontzorging.main import create_app
from services.ontzorging.rules import Status
from shared import awb
from shared.clock import FrozenClock
from shared.config import PlatformSettings
from tests.conftest import TokenFactory
from tests.ontzorging.test_ontzorging_rules import start, zet_klok

D = dt.date


def test_the_beschikking_is_sent_once_after_its_dagtekening_and_six_weeks_to_object_follow(
    clock: FrozenClock,
) -> None:
    """art. 3:41 lid 1, 6:7 en 6:8 lid 1 Awb: sent 6 January, objections until 17 February."""
    o = start()
    with pytest.raises(awb.VerzendingVoorDagtekening):
        o.verzend(D(2026, 1, 4))
    with pytest.raises(awb.DatumInToekomst):
        o.verzend(D(2026, 1, 6))
    zet_klok(clock, D(2026, 1, 6))
    o.verzend(D(2026, 1, 6))
    assert o.bekendmaking == awb.Bekendmaking(D(2026, 1, 5), D(2026, 1, 6), D(2026, 2, 17))
    with pytest.raises(awb.AlVerzonden):
        o.verzend(D(2026, 1, 7))


def test_an_upheld_objection_herroept_the_ontzorging_with_that_reason(clock: FrozenClock) -> None:
    """art. 7:10 lid 1 en 7:11 lid 2 Awb."""
    o = start()
    with pytest.raises(awb.NietBekendgemaakt):
        o.dien_bezwaar_in(D(2026, 1, 5))
    o.verzend(D(2026, 1, 5))
    zet_klok(clock, D(2026, 2, 2))
    o.dien_bezwaar_in(D(2026, 2, 2))
    [bezwaar] = o.bezwaren
    assert bezwaar.beslistermijn_einde == D(2026, 3, 30)
    o.beslis_op_bezwaar(D(2026, 2, 2), awb.Beslissing.GEGROND)
    assert o.status is Status.BEEINDIGD
    assert o.beeindiging is not None
    assert (o.beeindiging.einddatum, o.beeindiging.reden) == (D(2026, 2, 2), HERROEPEN_NA_BEZWAAR)


def test_an_objection_ongegrond_or_late_leaves_the_ontzorging_running(clock: FrozenClock) -> None:
    """art. 6:7, 6:8, 6:9 en 7:11 Awb."""
    o = start()
    o.verzend(D(2026, 1, 5))
    zet_klok(clock, D(2026, 2, 17))
    with pytest.raises(awb.BezwaarTeLaat):
        o.dien_bezwaar_in(D(2026, 2, 17))
    o.dien_bezwaar_in(D(2026, 2, 16))
    o.beslis_op_bezwaar(D(2026, 2, 17), awb.Beslissing.ONGEGROND)
    assert o.status is Status.ONTZORGD
    assert o.bezwaren[0].beslissing is awb.Beslissing.ONGEGROND


@pytest.fixture
def client(settings: PlatformSettings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(OntzorgingSettings(**settings.model_dump()))) as test_client:
        yield test_client


def test_sending_and_objecting_through_http_with_refusals_naming_the_field(
    client: TestClient, auth_headers: TokenFactory, clock: FrozenClock
) -> None:
    """art. 3:41, 6:7, 6:8, 7:11 lid 2 Awb through the API; a refusal stores nothing."""
    kr = auth_headers()
    body = {
        "gemeente": "GM0222",
        "inburgeraarId": str(uuid4()),
        "doelgroep": "asielstatushouder",
        "ontvangtBijstand": True,
        "verblijfsvergunningAsielBepaaldeTijd": True,
        "beschikkingsdatum": "2026-01-05",
        "startdatumBijstand": "2026-01-01",
        "betaalmachtigingGegeven": True,
    }
    created = client.post("/api/v1/ontzorgingen", json=body, headers=kr)
    assert created.status_code == 201, created.text
    url = f"/api/v1/ontzorgingen/{created.json()['id']}"
    vroeg = client.post(f"{url}/verzending", json={"verzenddatum": "2026-01-04"}, headers=kr)
    assert vroeg.status_code == 400
    assert vroeg.json()["code"] == "VerzendingVoorDagtekening"
    assert vroeg.json()["invalidParams"][0]["name"] == "verzenddatum"
    verzonden = client.post(f"{url}/verzending", json={"verzenddatum": "2026-01-05"}, headers=kr)
    assert verzonden.status_code == 201
    assert verzonden.json()["bekendmaking"]["bezwaartermijnEinde"] == "2026-02-16"
    zet_klok(clock, D(2026, 2, 2))
    ingediend = client.post(f"{url}/bezwaar", json={"ontvangenOp": "2026-02-02"}, headers=kr)
    assert ingediend.status_code == 201
    assert ingediend.json()["bezwaren"][0]["beslistermijnEinde"] == "2026-03-30"
    beslist = client.post(
        f"{url}/bezwaar/beslissing",
        json={"datum": "2026-02-02", "beslissing": "gegrond"},
        headers=kr,
    )
    assert beslist.status_code == 201
    assert beslist.json()["status"] == "beeindigd"
    assert beslist.json()["beeindiging"]["reden"] == "herroepen_na_bezwaar"
