"""What the werkvoorraad shows of fines and objections: the facts the events state and the
signals that follow, as pure reducers (no store). The dates are the services': the read
model never computes an Awb period itself."""

from __future__ import annotations

from typing import Any

from contracts import intake as intake_contract
from contracts import ontzorging as ontzorging_contract
from contracts import pip as pip_contract
from services.projections.gemeente.afgeleid import OntzorgingStatus, ontzorging_status
from services.projections.gemeente.afgeleid import handhavingskandidaten as kandidaten
from services.projections.gemeente.feiten import Feiten, werk_bij


def signalen(f: Feiten) -> dict[str, tuple[str, str | None]]:
    return {k.soort.value: (k.datum, k.vanaf) for k in kandidaten(f)}


def apply(f: Feiten, ce_type: str, **data: Any) -> None:
    werk_bij(f, ce_type, data)


def test_a_proposal_then_a_fine_then_an_objection_then_herroepen() -> None:
    """art. 29 Wi2021; art. 6:7, 6:8, 7:10 lid 1 en 7:11 lid 2 Awb, as the intake states them."""
    f: Feiten = {}
    apply(
        f,
        intake_contract.BOETEVOORSTEL_GEDAAN,
        volgnummer=1,
        aanleiding="niet_verschenen_brede_intake",
        datumVoorstel="2026-03-02",
        voorgesteldBedragEuro=250,
    )
    assert signalen(f) == {"boetevoorstel_open": ("2026-03-02", "2026-03-02")}
    apply(f, intake_contract.ZIENSWIJZE_GEVRAAGD, volgnummer=1, reactieUiterlijk="2026-03-09")
    apply(f, intake_contract.ZIENSWIJZE_ONTVANGEN, volgnummer=1, datum="2026-03-05")
    apply(
        f,
        intake_contract.BOETE_OPGELEGD,
        volgnummer=1,
        voorstel=1,
        bedragEuro=200,
        dagtekening="2026-03-13",
        bezwaartermijnEinde="2026-04-28",
    )
    assert signalen(f) == {"boete_opgelegd": ("2026-04-28", "2026-03-13")}
    apply(
        f,
        intake_contract.BEZWAAR_INGEDIEND,
        volgnummer=1,
        ontvangenOp="2026-04-28",
        beslistermijnEinde="2026-06-09",
    )
    assert signalen(f)["bezwaar_open"] == ("2026-06-09", "2026-04-28")
    apply(
        f,
        intake_contract.BEZWAAR_BESLIST,
        volgnummer=1,
        datum="2026-05-20",
        beslissing="gegrond",
        boeteHerroepen=True,
    )
    assert signalen(f) == {}
    assert f["boetevoorstellen"]["1"]["status"] == "herroepen"


def test_a_v1_fine_imposed_by_a_no_show_only_says_the_intake_began() -> None:
    """Contract versioning: a v1 BoeteOpgelegd has no proposal and no dates to watch."""
    f: Feiten = {}
    apply(
        f,
        intake_contract.BOETE_OPGELEGD_V1,
        volgnummer=1,
        bedragEuro=250,
        datumNietVerschenen="2025-12-17",
    )
    assert f == {"intake_gestart": True}
    assert signalen(f) == {}


def test_a_rejected_proposal_closes_its_signal() -> None:
    """art. 5:41 Awb."""
    f: Feiten = {}
    apply(f, intake_contract.BOETEVOORSTEL_GEDAAN, volgnummer=1, datumVoorstel="2026-05-20")
    apply(f, intake_contract.BOETEVOORSTEL_AFGEWEZEN, volgnummer=1, datum="2026-05-20")
    assert signalen(f) == {}


def test_the_earliest_beslistermijn_of_all_open_objections_is_the_signal() -> None:
    """art. 7:10 lid 1 Awb, across the fine, the PIP and the ontzorging."""
    f: Feiten = {}
    apply(
        f,
        pip_contract.BEZWAAR_INGEDIEND,
        pipVersie=1,
        ontvangenOp="2026-02-10",
        beslistermijnEinde="2026-03-30",
    )
    apply(
        f,
        ontzorging_contract.BEZWAAR_INGEDIEND,
        ontvangenOp="2026-02-02",
        beslistermijnEinde="2026-03-16",
    )
    assert signalen(f) == {"bezwaar_open": ("2026-03-16", "2026-02-02")}
    apply(
        f,
        ontzorging_contract.BEZWAAR_BESLIST,
        datum="2026-02-20",
        beslissing="gegrond",
        ontzorgingHerroepen=True,
    )
    assert signalen(f) == {"bezwaar_open": ("2026-03-30", "2026-02-10")}
    assert f["beeindigd_op"] == "2026-02-20"


def test_an_upheld_objection_against_the_pip_asks_for_a_new_pip_until_one_is_set() -> None:
    """art. 7:11 lid 2 Awb."""
    f: Feiten = {"pip_versie": 1}
    apply(
        f,
        pip_contract.BEZWAAR_BESLIST,
        pipVersie=1,
        datum="2026-03-02",
        beslissing="gegrond",
        herzieningNodig=True,
    )
    assert signalen(f) == {"nieuw_pip_nodig": ("2026-03-02", "2026-03-02")}
    f["pip_versie"] = 2
    assert signalen(f) == {}


def test_an_ontzorging_herroepen_after_objection_is_ended() -> None:
    """art. 7:11 lid 2 Awb; art. 56a Pw."""
    f: Feiten = {"ontzorging_gestart": "2026-01-05"}
    apply(
        f,
        ontzorging_contract.BEZWAAR_BESLIST,
        datum="2026-02-20",
        beslissing="gegrond",
        ontzorgingHerroepen=True,
    )
    assert ontzorging_status(f) is OntzorgingStatus.BEEINDIGD
