# ruff: noqa: F811  (the keten fixture is imported from test_keten)
"""A move DUO tells (Gebeurtenissen SS121, gevestigd met PIP vorige gemeente): the DUO
service fetches the gemeente of DUO's current PIP (PIP API, GET /personen/{bsn}/PIP:
gemeentecode, "ook een PIP van een voorgaande gemeente"), publishes VorigeGemeenteOntvangen,
and intake records the previous gemeente as a klantregisseur would by hand (so the previous
gemeente closes its file). A gemeentecode that is this gemeente, unknown, or absent records
nothing, and the notificatie says why. pip does not dead-letter DUO's termijn after SS121
while the traject is still on its way (art. 11 lid 3 Wi2021: the termijn runs on)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from uuid import UUID

import pytest

from contracts import duo as duo_contract
from contracts import intake as intake_contract
from contracts import pip as pip_contract
from services.duo import rules as duo_rules
from services.duo.client import DuoClient
from services.duo.simulator import DuoSimulator, Persoon
from services.pip.consumers import DuoExamenPolicy
from services.pip.domainmodel import traject_id
from shared.domain import NotFound
from shared.eventlog import ServiceLog
from tests.chain.keten import G
from tests.duo.conftest import GEMEENTE, GEMEENTE_OIN
from tests.duo.test_keten import (
    BSN,
    START,
    Keten,
    ingeschreven,
    keten,  # noqa: F401  (the fixture)
    tot_vastgestelde_pip,
)
from tests.duo.test_notificaties import notificatie

D = dt.date
APELDOORN = "GM0200"


def pip_van(keten: Keten, gemeentecode: str) -> None:
    """DUO holds a PIP for the person, registered by `gemeentecode` (4 digits)."""
    keten.simulator.pips[BSN] = [
        {
            "dagtekeningPip": "2025-12-15",
            "leerroute": "B",
            "niveau": "B1",
            "gemeentecode": gemeentecode,
        }
    ]


def met_termijn(keten: Keten) -> None:
    persoon = keten.simulator.personen[BSN]
    persoon.termijn_start, persoon.termijn_einde = D(2025, 12, 16), D(2028, 12, 16)


def meld(keten: Keten, code: str, moment: str = "2026-01-05T10:00:00+01:00") -> None:
    assert keten.bron.stuur(notificatie(code, registratieDatumTijd=moment)).status_code == 201
    keten.draai()


def gepubliceerd(keten: Keten, ce_type: str) -> list[dict[str, Any]]:
    return [
        ce["data"]
        for _, ce in ServiceLog(keten.duo).read(0, 10_000)
        if ce and ce["type"] == ce_type
    ]


def mislukt(keten: Keten) -> dict[str, str]:
    return {
        n["gebeurtenis_id"]: n["toelichting"]
        for n in keten.duo.te_verwerken(gemeenten=G)
        if n["status"] == "ophalen_mislukt"
    }


def test_de_client_leest_de_gemeente_van_duos_actuele_pip(
    client: DuoClient, duo: DuoSimulator
) -> None:
    """DUO PIP API, GET /personen/{bsn}/PIP: `gemeentecode` (4 digits) of the gemeente that
    registered the current PIP; the simulator remembers the sender by its OIN (bron)."""
    assert client.actuele_pip(GEMEENTE, BSN) is None
    duo.oin_register[GEMEENTE_OIN] = "0222"
    duo.ken_persoon(BSN, Persoon(start_inburgeringsplicht=START, asielmigrant=True))
    duo.registreer_pip(BSN, "0200", {"dagtekeningPip": "2025-12-01", "leerroute": "B"})
    actueel = client.actuele_pip(GEMEENTE, BSN)
    assert actueel is not None
    assert (actueel.gemeentecode, actueel.cbs_code) == ("0200", APELDOORN)
    assert actueel.pip == {"dagtekeningPip": "2025-12-01", "leerroute": "B", "niveau": "B1"}


@pytest.mark.parametrize(
    ("code", "verwacht"),
    [("0200", APELDOORN), ("0363", "GM0363")],
)
def test_duos_gemeentecode_wordt_de_cbs_code_van_de_vorige_gemeente(
    code: str, verwacht: str
) -> None:
    """DUO PIP API (Gemeente.gemeentecode: 4 digits) -> CBS code GMxxxx."""
    assert duo_rules.check_vorige_gemeente_van_duo(code, GEMEENTE) == verwacht


@pytest.mark.parametrize(
    ("code", "fout"),
    [
        ("0222", duo_rules.VorigeGemeenteIsDezeGemeente),
        ("0000", duo_rules.VorigeGemeenteOnbekend),
        ("9999", duo_rules.VorigeGemeenteOnbekend),
    ],
)
def test_een_gemeentecode_die_deze_of_geen_gemeente_is_wordt_geweigerd(
    code: str, fout: type[duo_rules.VorigeGemeenteNietBruikbaar]
) -> None:
    """DUO Gebeurtenissen SS121 ('met PIP vorige gemeente'): the PIP must be another, known
    gemeente's (CBS gemeentecodes 2024)."""
    with pytest.raises(fout) as exc:
        duo_rules.check_vorige_gemeente_van_duo(code, GEMEENTE)
    assert exc.value.bron == duo_rules.VORIGE_GEMEENTE


def test_ss121_legt_de_gemeente_van_duos_pip_vast_als_vorige_gemeente(keten: Keten) -> None:
    """DUO Gebeurtenissen SS121; DUO PIP API (gemeentecode); art. 11 lid 3 Wi2021: the new
    gemeente registers the person, takes DUO's termijn and records where the PIP was set,
    once, also when DUO tells it again."""
    met_termijn(keten)
    pip_van(keten, "0200")
    meld(keten, "SS121")
    inburgeraar_id = ingeschreven(keten)

    [vorige] = gepubliceerd(keten, duo_contract.VORIGE_GEMEENTE_ONTVANGEN)
    assert vorige["inburgeraarId"] == str(inburgeraar_id)
    assert (vorige["vorigeGemeente"], vorige["datum"]) == (APELDOORN, "2026-01-05")
    assert vorige["gebeurtenisId"] == "SS121"
    assert "bsn" not in vorige
    assert len(gepubliceerd(keten, duo_contract.INBURGERINGSTERMIJN_ONTVANGEN)) == 1
    assert mislukt(keten) == {}
    assert keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)["vorige_gemeente"] == (
        APELDOORN
    )
    intake_typen = keten.typen(keten.apps.intake)
    assert intake_typen.count(intake_contract.VORIGE_GEMEENTE_VASTGELEGD) == 1

    # The same notificatie resent: nothing new. A new SS121 for the same move: DUO's PIP
    # is fetched again, intake already knows the move and changes nothing.
    meld(keten, "SS121")
    assert len(gepubliceerd(keten, duo_contract.VORIGE_GEMEENTE_ONTVANGEN)) == 1
    meld(keten, "SS121", "2026-01-05T11:00:00+01:00")
    assert len(gepubliceerd(keten, duo_contract.VORIGE_GEMEENTE_ONTVANGEN)) == 2
    intake_typen = keten.typen(keten.apps.intake)
    assert intake_typen.count(intake_contract.VORIGE_GEMEENTE_VASTGELEGD) == 1
    assert intake_typen.count(intake_contract.INBURGERAAR_GEREGISTREERD) == 1
    assert mislukt(keten) == {}


@pytest.mark.parametrize(
    ("gemeentecode", "reden"),
    [
        ("0222", "VorigeGemeenteIsDezeGemeente"),
        ("0000", "VorigeGemeenteOnbekend"),
        (None, "DUO kent geen PIP van een vorige gemeente"),
    ],
)
def test_ss121_zonder_bruikbare_vorige_gemeente_legt_niets_vast_en_zegt_waarom(
    keten: Keten, gemeentecode: str | None, reden: str
) -> None:
    """DUO Gebeurtenissen SS121; DUO PIP API: a PIP of this gemeente, an unknown code or no
    PIP at all records no previous gemeente; the notificatie waits, visible, with why; the
    registration and DUO's termijn stand."""
    met_termijn(keten)
    if gemeentecode is not None:
        pip_van(keten, gemeentecode)
    meld(keten, "SS121")
    inburgeraar_id = ingeschreven(keten)

    assert gepubliceerd(keten, duo_contract.VORIGE_GEMEENTE_ONTVANGEN) == []
    assert len(gepubliceerd(keten, duo_contract.INBURGERINGSTERMIJN_ONTVANGEN)) == 1
    toelichting = mislukt(keten)["SS121"]
    assert "vorige gemeente" in toelichting and reden in toelichting
    assert keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)["vorige_gemeente"] is None
    assert intake_contract.VORIGE_GEMEENTE_VASTGELEGD not in keten.typen(keten.apps.intake)


def test_ss121_zonder_termijn_en_zonder_pip_noemt_beide_redenen(keten: Keten) -> None:
    """Never dropped: each thing SS121 promises and DUO lacks is named on the notificatie."""
    meld(keten, "SS121")
    ingeschreven(keten)
    toelichting = mislukt(keten)["SS121"]
    assert "inburgeringstermijn" in toelichting and "vorige gemeente" in toelichting


def test_ss121_voor_iemand_die_hier_al_ingeschreven_is_haalt_ook_de_vorige_gemeente(
    keten: Keten,
) -> None:
    """DUO Gebeurtenissen SS121 for a person already registered here (e.g. by hand): the
    termijn and the previous gemeente come with the notificatie itself."""
    meld(keten, "SS139")
    inburgeraar_id = ingeschreven(keten)
    met_termijn(keten)
    pip_van(keten, "0200")
    meld(keten, "SS121")
    [vorige] = gepubliceerd(keten, duo_contract.VORIGE_GEMEENTE_ONTVANGEN)
    assert vorige["inburgeraarId"] == str(inburgeraar_id)
    assert keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)["vorige_gemeente"] == (
        APELDOORN
    )
    assert mislukt(keten) == {}


# --- pip: DUO's termijn after SS121, before or after the traject arrives -------------------


def termijn_event(inburgeraar_id: UUID, gebeurtenis: str, einddatum: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": duo_contract.INBURGERINGSTERMIJN_ONTVANGEN,
        "gemeente": GEMEENTE,
        "subject": str(uuid.uuid4()),
        "data": {
            "inburgeraarId": str(inburgeraar_id),
            "gebeurtenisId": gebeurtenis,
            "startdatum": "2026-01-06",
            "einddatum": einddatum,
            "einddatumDuo": "2029-07-06",
            "verlengingsgrondcode": None,
            "verlengingsgrondomschrijving": None,
            "verlengingen": [],
        },
    }


def test_duos_termijn_na_ss121_zonder_traject_is_geen_dead_letter(keten: Keten) -> None:
    """art. 11 lid 3 Wi2021 (the termijn runs on) with DUO Gebeurtenissen SS121: the traject
    comes later with TrajectOvergenomen, which carries the termijn; pip records nothing and
    does not refuse. Any other termijn for an unknown traject still fails visibly."""
    policy = DuoExamenPolicy(keten.apps.pip)
    onbekend = uuid.uuid4()
    policy.handle(termijn_event(onbekend, "SS121", "2029-07-05"))
    with pytest.raises(NotFound):
        keten.apps.pip.pip(traject_id(GEMEENTE, onbekend), gemeenten=G)
    with pytest.raises(NotFound):
        policy.handle(termijn_event(onbekend, "SS102", "2029-07-05"))


def test_duos_termijn_na_ss121_met_traject_wordt_overgenomen(keten: Keten) -> None:
    """art. 11 and 12 Wi2021 (DUO decides the termijn): when the traject is already here,
    DUO's termijn after SS121 wins as after SS102."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    DuoExamenPolicy(keten.apps.pip).handle(termijn_event(inburgeraar_id, "SS121", "2029-07-05"))
    traject = keten.apps.pip.pip(traject_id(GEMEENTE, inburgeraar_id), gemeenten=G)
    assert traject["inburgeringstermijn"]["einddatum"] == D(2029, 7, 5)
    assert pip_contract.INBURGERINGSTERMIJN_VAN_DUO_OVERGENOMEN in keten.typen(keten.apps.pip)
