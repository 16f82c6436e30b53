"""The DUO simulator enforces DUO's README rules for "Het aanleveren van een PIP" and
answers as DUO's spec defines: 201, 400 (Fout verzoek, no body), 403 with Foutmelding."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from starlette.testclient import TestClient

from services.duo.client import DUO_OIN
from services.duo.simulator import DuoSimulator, Persoon
from tests.duo.conftest import GEMEENTE_OIN, DuoContract

BSN = "999993653"
PAD = f"/personen/{BSN}/PIP"


def headers() -> dict[str, str]:
    return {"bron": GEMEENTE_OIN, "doel": DUO_OIN, "berichtId": str(uuid.uuid4())}


def meld(http: TestClient, pip: dict[str, Any]) -> Any:
    return http.post(PAD, json=pip, headers=headers())


def foutteksten(response: Any) -> list[str]:
    assert response.status_code == 403
    return [f["fouttekst"] for f in response.json()]


def test_a2_met_onderwijsroute_weigert_duo_met_foutmelding(
    duo_http: TestClient, duo: DuoSimulator, contract: DuoContract
) -> None:
    """DUO README, Niveau: A2 mag niet met de onderwijsroute (PIP API v1.2.0: 403)."""
    response = meld(duo_http, {"dagtekeningPip": "2026-03-02", "leerroute": "O", "niveau": "A2"})
    assert foutteksten(response) == ["Niveau A2 mag niet in combinatie met de onderwijsroute"]
    assert BSN not in duo.pips
    assert contract.antwoorden == 1


def test_b1_met_z_route_weigert_duo(duo_http: TestClient) -> None:
    """DUO README, Niveau: B1 mag niet met de Z-route."""
    response = meld(duo_http, {"dagtekeningPip": "2026-03-02", "leerroute": "Z", "niveau": "B1"})
    assert foutteksten(response) == ["Niveau B1 mag niet in combinatie met de Z-route"]


def test_a2_in_b1_route_alleen_na_een_eerste_pip(duo_http: TestClient, duo: DuoSimulator) -> None:
    """DUO README, Niveau: A2 with the B1-route is refused on the first PIP only."""
    a2 = {"dagtekeningPip": "2026-06-01", "leerroute": "B", "niveau": "A2"}
    assert "eerste PIP" in foutteksten(meld(duo_http, a2))[0]
    assert meld(duo_http, {"dagtekeningPip": "2026-03-02", "leerroute": "B"}).status_code == 201
    assert meld(duo_http, a2).status_code == 201
    assert [p["niveau"] for p in duo.pips[BSN]] == ["B1", "A2"]  # B1 when omitted


def test_geschatte_intensiteit_alleen_b1_route_en_asiel(
    duo_http: TestClient, duo: DuoSimulator
) -> None:
    """DUO README, Geschatte intensiteit B1 route."""
    duo.ken_persoon(BSN, Persoon(asielmigrant=False))
    b1 = {"dagtekeningPip": "2026-03-02", "leerroute": "B", "geschatteIntensiteitB1Route": 500}
    z = {"dagtekeningPip": "2026-03-02", "leerroute": "Z", "geschatteIntensiteitB1Route": 500}
    assert "asielmigranten" in foutteksten(meld(duo_http, b1))[0]
    duo.ken_persoon(BSN, Persoon(asielmigrant=True))
    assert "asielmigranten" in foutteksten(meld(duo_http, z))[0]
    assert meld(duo_http, b1).status_code == 201


def test_dagtekening_regels(duo_http: TestClient, duo: DuoSimulator) -> None:
    """DUO README, Datum dagtekening: not before the obligation, the vestiging, or an
    earlier PIP (initial or actual)."""
    duo.ken_persoon(BSN, Persoon(dt.date(2026, 2, 1), dt.date(2026, 2, 10)))
    fouten = foutteksten(meld(duo_http, {"dagtekeningPip": "2026-01-15", "leerroute": "Z"}))
    assert len(fouten) == 2
    assert meld(duo_http, {"dagtekeningPip": "2026-03-01", "leerroute": "Z"}).status_code == 201
    later = foutteksten(meld(duo_http, {"dagtekeningPip": "2026-02-20", "leerroute": "Z"}))
    assert later == [
        "De datum dagtekening ligt voor de datum dagtekening van de initiele of actuele PIP"
    ]


def test_een_verzoek_buiten_de_spec_is_fout_verzoek(
    duo_http: TestClient, duo: DuoSimulator, contract: DuoContract
) -> None:
    """Missing bron header and an unknown leerroute: 400 without a body (PIP API v1.1.2).
    These requests break the spec on purpose: only the answers are validated."""
    duo_http.event_hooks = {"request": [], "response": [contract.antwoord]}
    zonder_bron = {k: v for k, v in headers().items() if k != "bron"}
    r1 = duo_http.post(
        PAD, json={"dagtekeningPip": "2026-03-02", "leerroute": "B"}, headers=zonder_bron
    )
    r2 = meld(duo_http, {"dagtekeningPip": "2026-03-02", "leerroute": "X"})
    assert (r1.status_code, r2.status_code) == (400, 400)
    assert r1.content == b"" and r1.headers["API-Version"] == "1.2.0"
    assert duo.ontvangen == [] and contract.antwoorden == 2


def test_de_geregistreerde_pip_is_op_te_vragen(duo_http: TestClient, duo: DuoSimulator) -> None:
    duo.oin_register[GEMEENTE_OIN] = "0222"
    meld(duo_http, {"dagtekeningPip": "2026-03-02", "leerroute": "O"})
    response = duo_http.get(PAD, headers=headers())
    assert response.json() == {
        "gemeentecode": "0222",
        "pip": {"dagtekeningPip": "2026-03-02", "leerroute": "O", "niveau": "B1"},
    }
