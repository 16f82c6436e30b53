"""The DUO client: a vastgestelde PIP reaches DUO as DUO's spec says, a PIP that breaks
DUO's rules never leaves the platform, and DUO's hiccups are retried, then signalled."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import httpx
import pytest
from starlette.testclient import TestClient

from services.duo.client import DuoClient, DuoClientSettings, DuoFout, DuoOnbereikbaar, PIPMelding
from services.duo.rules import DuoContext, DuoRegelsOvertreden
from services.duo.simulator import DuoSimulator, Persoon
from tests.duo.conftest import GEMEENTE, GEMEENTE_OIN, DuoContract, Storing

BSN = "999993653"


def melding(**wijziging: object) -> PIPMelding:
    velden: dict[str, object] = {
        "gemeente": GEMEENTE,
        "bsn": BSN,
        "dagtekening": dt.date(2026, 3, 2),
        "leerroute": "b1",
        "niveau": "B1",
        "geschatte_intensiteit": 600,
        "context": DuoContext(asielmigrant=True),
    }
    velden.update(wijziging)
    return PIPMelding(**velden)  # type: ignore[arg-type]


def test_een_vastgestelde_pip_wordt_bij_duo_geregistreerd(
    client: DuoClient, duo: DuoSimulator, contract: DuoContract
) -> None:
    """DUO PIP API: POST /personen/{bsn}/PIP with bron, doel, berichtId -> 201."""
    duo.ken_persoon(BSN, Persoon(dt.date(2026, 1, 5), dt.date(2026, 1, 5), asielmigrant=True))
    data = {
        "dagtekening": "2026-03-02",
        "leerroute": "b1",
        "niveau": "B1",
        "geschatteIntensiteit": 600,
        "isEerstePip": True,
        "doelgroep": "asielstatushouder",
    }

    client.meld_pip(
        PIPMelding.uit_pip_vastgesteld(
            data, gemeente=GEMEENTE, bsn=BSN, context=DuoContext(asielmigrant=True)
        )
    )

    assert duo.pips[BSN] == [
        {
            "dagtekeningPip": "2026-03-02",
            "leerroute": "B",
            "niveau": "B1",
            "geschatteIntensiteitB1Route": 600,
            "gemeentecode": "0000",
        }
    ]
    assert duo.ontvangen[0]["bron"] == GEMEENTE_OIN
    assert (contract.verzoeken, contract.antwoorden) == (1, 1)


def test_a2_met_onderwijsroute_verlaat_het_platform_niet(
    client: DuoClient, duo: DuoSimulator, contract: DuoContract
) -> None:
    """DUO README, Niveau: A2 never with the onderwijsroute; refused before sending."""
    with pytest.raises(DuoRegelsOvertreden) as fout:
        client.meld_pip(melding(leerroute="onderwijs", niveau="A2", geschatte_intensiteit=None))

    assert "Niveau A2 mag niet in combinatie met de onderwijsroute" in str(fout.value)
    assert fout.value.ontbrekend == ["niveau.onderwijsroute"]
    assert fout.value.bron == "DUO README: Het aanleveren van een PIP"
    assert duo.ontvangen == [] and contract.verzoeken == 0


BREUKEN = [
    ("B1 with the Z-route", {"leerroute": "z", "geschatte_intensiteit": None}, "niveau.z-route"),
    ("A2 in the B1-route on a first PIP", {"niveau": "A2"}, "niveau.eerste-pip"),
    (
        "geschatte intensiteit outside the asylum group",
        {"context": DuoContext(asielmigrant=False)},
        "geschatte-intensiteit",
    ),
    (
        "geschatte intensiteit in the onderwijsroute",
        {"leerroute": "onderwijs"},
        "geschatte-intensiteit",
    ),
    (
        "dagtekening before the start of the obligation",
        {"context": DuoContext(start_inburgeringsplicht=dt.date(2026, 4, 1))},
        "dagtekening.start",
    ),
    (
        "dagtekening before the vestiging",
        {"context": DuoContext(vestigingsdatum=dt.date(2026, 3, 3))},
        "dagtekening.vestiging",
    ),
    (
        "dagtekening before the initial PIP's",
        {"context": DuoContext(eerdere_dagtekeningen=(dt.date(2026, 3, 5),))},
        "dagtekening.eerdere-pip",
    ),
    ("a level DUO does not know", {"niveau": "C1"}, "niveau.waarde"),
]


@pytest.mark.parametrize(("geval", "wijziging", "regel"), BREUKEN, ids=[b[0] for b in BREUKEN])
def test_elke_duo_regel_houdt_de_pip_binnen(
    client: DuoClient,
    duo: DuoSimulator,
    contract: DuoContract,
    geval: str,
    wijziging: dict[str, object],
    regel: str,
) -> None:
    """DUO README, "Het aanleveren van een PIP" (Datum dagtekening, Niveau, Geschatte
    intensiteit B1 route): each rule refuses the PIP before it leaves; DUO sees nothing."""
    with pytest.raises(DuoRegelsOvertreden) as fout:
        client.meld_pip(melding(**wijziging))
    assert regel in fout.value.ontbrekend
    assert duo.ontvangen == [] and contract.verzoeken == 0


def test_alle_overtredingen_tegelijk(client: DuoClient, duo: DuoSimulator) -> None:
    """Every broken rule is named at once, so the klantregisseur fixes them in one go."""
    with pytest.raises(DuoRegelsOvertreden) as fout:
        client.meld_pip(
            melding(
                leerroute="z",
                context=DuoContext(
                    start_inburgeringsplicht=dt.date(2026, 4, 1), asielmigrant=False
                ),
            )
        )
    assert fout.value.ontbrekend == [
        "dagtekening.start",
        "niveau.z-route",
        "geschatte-intensiteit",
    ]
    assert duo.ontvangen == []


def test_duo_weigert_met_zijn_foutmelding(client: DuoClient, duo: DuoSimulator) -> None:
    """A rule only DUO can check (dagtekening before vestiging) comes back as DuoFout."""
    duo.ken_persoon(BSN, Persoon(vestigingsdatum=dt.date(2026, 4, 1), asielmigrant=True))
    with pytest.raises(DuoFout) as fout:
        client.meld_pip(melding())
    assert fout.value.status_code == 403
    assert any("vestiging" in t for t in fout.value.foutteksten)
    assert BSN not in duo.pips


def test_storingen_worden_met_backoff_opnieuw_geprobeerd(
    client: DuoClient, duo: DuoSimulator, wachttijden: list[float], contract: DuoContract
) -> None:
    """Two 503s, then DUO registers; waits double each time."""
    duo.storing(2)
    client.meld_pip(melding())
    assert len(duo.pips[BSN]) == 1
    assert wachttijden == [0.1, 0.2]
    assert contract.antwoorden == 3


def test_verbindingsfouten_worden_opnieuw_geprobeerd(
    settings_duo: DuoClientSettings, duo_http: TestClient, duo: DuoSimulator
) -> None:
    storing = Storing(duo_http._transport, aantal=2)
    duo_http._transport = storing
    client = DuoClient(settings_duo, http=duo_http, sleep=lambda _: None)
    client.meld_pip(melding())
    assert storing.gezien == 3 and len(duo.pips[BSN]) == 1


def test_aanhoudende_storing_wordt_duo_onbereikbaar(
    client: DuoClient, duo: DuoSimulator, wachttijden: list[float]
) -> None:
    """Bounded: after max_pogingen the distinct error, never silence."""
    duo.storing(100)
    with pytest.raises(DuoOnbereikbaar) as fout:
        client.meld_pip(melding())
    assert fout.value.pogingen == 4 and "503" in fout.value.laatste
    assert wachttijden == [0.1, 0.2, 0.4]
    assert BSN not in duo.pips


def test_onbereikbaar_zonder_verbinding(settings_duo: DuoClientSettings) -> None:
    def weiger(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("geen route", request=request)

    http = httpx.Client(transport=httpx.MockTransport(weiger), base_url="http://duo/v1")
    client = DuoClient(settings_duo, http=http, sleep=lambda _: None)
    with pytest.raises(DuoOnbereikbaar, match="ConnectError"):
        client.examenresultaten(GEMEENTE, BSN)


def test_examenresultaten_worden_opgehaald(
    client: DuoClient, duo: DuoSimulator, contract: DuoContract
) -> None:
    """DUO Examen API: GET /personen/{bsn}/examens/resultaten."""
    duo.zet_examenresultaten(
        BSN,
        [
            {
                "examendatum": "2026-09-01",
                "resultaat": "Geslaagd",
                "onderdeel": "LE",
                "niveau": "B1",
            },
            {"examendatum": "2026-09-02", "resultaat": "Geslaagd", "onderdeel": "KNM"},
            {
                "examendatum": "2026-09-03",
                "resultaat": "Geen",
                "onderdeel": "SP",
                "niveau": "B1",
                "redenGeenResultaat": "Absent",
            },
        ],
    )
    resultaten = client.examenresultaten(GEMEENTE, BSN)
    assert [(r.onderdeel, r.niveau, r.geslaagd) for r in resultaten] == [
        ("lezen", "B1", True),
        ("knm", None, True),
        ("spreken", "B1", False),
    ]
    assert resultaten[2].reden_geen_resultaat == "Absent"
    assert contract.antwoorden == 1


def test_geen_examenresultaten_is_een_lege_lijst(client: DuoClient) -> None:
    assert client.examenresultaten(GEMEENTE, BSN) == []


def test_de_simulator_draait_als_eigen_proces(settings_duo: DuoClientSettings) -> None:
    """`python -m services.duo.simulator --port N`: the client's retries bridge its start-up."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        poort = s.getsockname()[1]
    proces = subprocess.Popen(
        [sys.executable, "-m", "services.duo.simulator", "--port", str(poort)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        instellingen = settings_duo.model_copy(
            update={"base_url": f"http://127.0.0.1:{poort}", "max_pogingen": 12}
        )
        client = DuoClient(instellingen)
        client.meld_pip(melding())
        assert client.examenresultaten(GEMEENTE, BSN) == []
        client.close()
    finally:
        proces.terminate()
        proces.wait(timeout=10)


def test_the_client_reads_the_same_gemeente_oins_as_the_notification_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One variable, DUO_GEMEENTE_OINS=OIN=GMxxxx, configures both directions."""
    from services.duo.client import DuoClientSettings
    from services.duo.config import DuoSettings

    monkeypatch.setenv("DUO_GEMEENTE_OINS", "00000001001589623000=GM0222")
    assert DuoClientSettings().gemeente_oins == {"GM0222": "00000001001589623000"}
    assert DuoSettings(environment="test").duo_gemeente_oins == {"00000001001589623000": "GM0222"}
