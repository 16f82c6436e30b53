"""DUO's Notificatie API as the platform serves it: every request sent here and every answer
is checked against DUO's own OpenAPI file (contracts/duo/API/Notificatie/openapi.yml)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from services.duo.application import DuoApplication
from services.duo.config import DuoSettings
from services.duo.domainmodel import AFHANDELINGEN, DUONotificatie
from services.duo.main import create_app
from shared.config import PlatformSettings

SPEC = Path(__file__).parents[2] / "contracts/duo/API/Notificatie/openapi.yml"
DUO_OIN = "00000001800866472000"
DOEL_OIN = "00000001001589623000"
BSN = "999993653"


@cache
def notificatie_spec() -> OpenAPI:
    return OpenAPI.from_file_path(str(SPEC))


def als_mock(headers: dict[str, str], body: bytes, content_type: str) -> MockRequest:
    return MockRequest(
        "http://gemeente",
        "post",
        "/notificaties",
        headers=headers,
        data=body,
        content_type=content_type,
    )


class Duo:
    """Plays DUO against the platform's endpoint, checking both sides against DUO's spec."""

    def __init__(self, http: TestClient) -> None:
        self.http = http

    def stuur(
        self,
        body: Any,
        *,
        bron: str | None = DUO_OIN,
        doel: str | None = DOEL_OIN,
        bericht_id: str | None = None,
        content_type: str = "application/json",
        spec_geldig: bool = True,
    ) -> Any:
        gegeven = {
            "bron": bron,
            "doel": doel,
            "berichtId": str(uuid.uuid4()) if bericht_id is None else (bericht_id or None),
        }
        headers = {k: v for k, v in gegeven.items() if v is not None}
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        mock = als_mock(headers, raw, content_type)
        if spec_geldig:
            notificatie_spec().validate_request(mock)
        else:
            with pytest.raises(Exception):  # noqa: B017 - any of openapi-core's validation errors
                notificatie_spec().validate_request(mock)
        response = self.http.post(
            "/v1/notificaties", content=raw, headers={**headers, "Content-Type": content_type}
        )
        notificatie_spec().validate_response(
            mock,
            MockResponse(
                response.content,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=response.headers.get("content-type", "application/json"),
            ),
        )
        return response


def notificatie(gebeurtenis_id: str = "SS139", **extra: Any) -> dict[str, Any]:
    return {
        "registratieDatumTijd": "2026-01-05T10:00:00+01:00",
        "gebeurtenisId": gebeurtenis_id,
        "bsn": BSN,
        **extra,
    }


@pytest.fixture
def duo_app(settings: PlatformSettings) -> Iterator[TestClient]:
    duo_settings = DuoSettings(
        **settings.model_dump(), duo_oin=DUO_OIN, duo_gemeente_oins={DOEL_OIN: "GM0222"}
    )
    with TestClient(create_app(duo_settings)) as http:
        yield http


@pytest.fixture
def duo_bron(duo_app: TestClient) -> Duo:
    return Duo(duo_app)


def opgeslagen(http: TestClient) -> int:
    application: DuoApplication = http.app.state.application  # type: ignore[attr-defined]
    return application.recorder.max_notification_id() or 0


def lees(http: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    application: DuoApplication = http.app.state.application  # type: ignore[attr-defined]
    notificatie_id = DUONotificatie.create_id(
        doel=DOEL_OIN,
        gebeurtenis_id=body["gebeurtenisId"],
        registratie_datum_tijd="2026-01-05T09:00:00+00:00",
        bsn=body.get("bsn"),
        v_nummer=body.get("vNummer"),
    )
    return application.notificatie(notificatie_id, gemeenten=["GM0222"])


def test_ss139_is_stored_for_the_gemeente_of_the_doel_oin_and_names_what_registration_lacks(
    duo_bron: Duo, duo_app: TestClient
) -> None:
    response = duo_bron.stuur(notificatie("SS139"))

    assert response.status_code == 201
    assert response.headers["API-Version"] == "1.8.0"
    stored = lees(duo_app, notificatie("SS139"))
    assert stored["gemeente"] == "GM0222"
    assert stored["gebeurtenis_id"] == "SS139"
    assert stored["bsn"] == BSN
    assert stored["status"] == "inburgeringsplicht_op_te_halen"
    assert {"naam", "geboortedatum", "doelgroep"} <= set(stored["ontbrekend"])
    assert "Inburgeringsplicht" in stored["op_te_halen_bij"]


def test_the_received_event_marks_bsn_and_v_nummer_as_personal_data() -> None:
    assert {"bsn", "v_nummer"} <= DUONotificatie.DUONotificatieOntvangen.persoonsgegevens
    assert {"bsn", "v_nummer"} <= DUONotificatie.persoonsgegevens


def test_ss199_is_marked_as_an_exam_result_to_fetch(duo_bron: Duo, duo_app: TestClient) -> None:
    assert duo_bron.stuur(notificatie("SS199")).status_code == 201
    stored = lees(duo_app, notificatie("SS199"))
    assert stored["status"] == "examenresultaat_op_te_halen"
    assert stored["op_te_halen_bij"] == ["Examenresultaten"]


@pytest.mark.parametrize(
    "code",
    [
        "SS101",
        "SS128",
        "SS120",
        "SS121",
        "SS131",
        "SS102",
        "SS106",
        "SS107",
        "SS108",
        "SS110",
        "SS111",
        "SS126",
        "SS999",
    ],
)
def test_every_gebeurtenis_known_or_not_is_stored_and_acknowledged(
    duo_bron: Duo, duo_app: TestClient, code: str
) -> None:
    """Gebeurtenissen.md: the obligation codes wait for DUO's Inburgeringsplicht API (the DUO
    worker fetches it); the others have no command in the domain yet, so each is kept, with
    the command it should become, as a visible "te verwerken" item."""
    assert duo_bron.stuur(notificatie(code)).status_code == 201
    stored = lees(duo_app, notificatie(code))
    verwacht = {
        "SS101": "inburgeringsplicht_op_te_halen",
        "SS128": "inburgeringsplicht_op_te_halen",
        "SS120": "inburgeringsplicht_op_te_halen",
        "SS121": "inburgeringsplicht_op_te_halen",
        "SS131": "leerbaarheidstoets_op_te_halen",
        # DUO decides the termijn: fetched from its Inburgeringstermijn API.
        "SS102": "inburgeringstermijn_op_te_halen",
        "SS103": "inburgeringstermijn_op_te_halen",
        "SS104": "inburgeringstermijn_op_te_halen",
        # The life of the obligation: fetched from the Inburgeringsplicht/Vrijstelling APIs.
        "SS110": "levensgebeurtenis_op_te_halen",
        "SS111": "levensgebeurtenis_op_te_halen",
        # Obligation met: fetched from the Inburgeringsplicht (and Ontheffing) API.
        "SS106": "plicht_voldaan_op_te_halen",
        "SS107": "plicht_voldaan_op_te_halen",
        "SS108": "plicht_voldaan_op_te_halen",
        # An attentiesignaal: a signal for the inburgeraar's klantregisseur.
        "SS126": "signaal_voor_klantregisseur",
    }
    assert stored["status"] == verwacht.get(code, "opgeslagen_niet_verwerkt")
    assert stored["opdracht"]
    assert (code in AFHANDELINGEN) == bool(stored["ontbrekend"])


def test_the_same_notificatie_twice_is_acknowledged_twice_and_stored_once(
    duo_bron: Duo, duo_app: TestClient
) -> None:
    bericht_id = str(uuid.uuid4())
    assert duo_bron.stuur(notificatie(), bericht_id=bericht_id).status_code == 201
    na_eerste = opgeslagen(duo_app)

    assert duo_bron.stuur(notificatie(), bericht_id=bericht_id).status_code == 201
    # DUO resending the same fact under a new berichtId, in another notation of the moment.
    zelfde = notificatie(registratieDatumTijd="2026-01-05T09:00:00Z")
    assert duo_bron.stuur(zelfde).status_code == 201

    assert na_eerste == 1
    assert opgeslagen(duo_app) == na_eerste


def test_a_notificatie_with_only_a_v_nummer_is_stored_too(
    duo_bron: Duo, duo_app: TestClient
) -> None:
    body = {"registratieDatumTijd": "2026-01-05T09:00:00Z", "gebeurtenisId": "SS101"}
    assert duo_bron.stuur({**body, "vNummer": 1234567890}).status_code == 201
    assert duo_bron.stuur(body).status_code == 201
    assert opgeslagen(duo_app) == 2


def test_a_processed_notificatie_says_so(duo_bron: Duo, duo_app: TestClient) -> None:
    duo_bron.stuur(notificatie("SS199"))
    application: DuoApplication = duo_app.app.state.application  # type: ignore[attr-defined]
    stored = lees(duo_app, notificatie("SS199"))

    verwerkt = application.markeer_verwerkt(
        stored["id"], "examenresultaat opgehaald", gemeenten=["GM0222"]
    )

    assert verwerkt["status"] == "verwerkt"
    assert verwerkt["versie"] == 2


MALFORMED: list[tuple[str, dict[str, Any]]] = [
    ("no bron header", {"bron": None}),
    ("no doel header", {"doel": None}),
    ("bron is not an OIN of 20", {"bron": "123"}),
    ("berichtId is not a uuid", {"bericht_id": "bericht-1"}),
    ("not JSON", {"body": b"{registratieDatumTijd"}),
    ("not application/json", {"content_type": "text/plain"}),
    ("gebeurtenisId missing", {"body": {"registratieDatumTijd": "2026-01-05T09:00:00Z"}}),
    ("registratieDatumTijd missing", {"body": {"gebeurtenisId": "SS101"}}),
    ("gebeurtenisId in lower case", {"body": notificatie("ss101")}),
    ("gebeurtenisId too long", {"body": notificatie("SS1010X")}),
    ("bsn of 8 digits", {"body": notificatie(bsn="12345678")}),
    ("bsn as a number", {"body": notificatie(bsn=999993653)}),
    ("vNummer too large", {"body": notificatie(vNummer=10000000000)}),
    ("moment without offset", {"body": notificatie(registratieDatumTijd="2026-01-05T09:00:00")}),
    ("a date is no moment", {"body": notificatie(registratieDatumTijd="2026-01-05")}),
    ("no berichtId header", {"bericht_id": ""}),
    ("doel of 19 characters", {"doel": DOEL_OIN[:-1]}),
    ("bron of 21 characters", {"bron": DUO_OIN + "0"}),
    ("empty body", {"body": b""}),
    ("body is a JSON array", {"body": [notificatie()]}),
    ("body is JSON null", {"body": b"null"}),
    ("gebeurtenisId empty", {"body": notificatie("")}),
    ("gebeurtenisId a number", {"body": notificatie(gebeurtenisId=139)}),
    ("bsn with letters", {"body": notificatie(bsn="99999365a")}),
    ("vNummer negative", {"body": notificatie(vNummer=-1)}),
    ("vNummer as a string", {"body": notificatie(vNummer="1234567890")}),
    ("registratieDatumTijd not a moment", {"body": notificatie(registratieDatumTijd="gisteren")}),
    ("registratieDatumTijd a number", {"body": notificatie(registratieDatumTijd=1767600000)}),
]


@pytest.mark.parametrize(("case", "fout"), MALFORMED, ids=[case for case, _ in MALFORMED])
def test_a_malformed_notificatie_gets_duos_400_and_nothing_is_stored(
    duo_bron: Duo, duo_app: TestClient, case: str, fout: dict[str, Any]
) -> None:
    opties = dict(fout)
    body = opties.pop("body", notificatie())
    response = duo_bron.stuur(body, spec_geldig=False, **opties)

    assert response.status_code == 400
    assert set(response.json()) == {"fouttekst"}
    assert 0 < len(response.json()["fouttekst"]) <= 200
    assert opgeslagen(duo_app) == 0


def test_every_error_of_a_request_is_named_at_once(duo_bron: Duo) -> None:
    response = duo_bron.stuur({"bsn": "1"}, doel=None, spec_geldig=False)

    fouttekst = response.json()["fouttekst"]
    for naam in ("doel", "registratieDatumTijd", "gebeurtenisId", "bsn"):
        assert naam in fouttekst


def test_a_notificatie_for_an_oin_that_is_not_ours_gets_400_and_nothing_is_stored(
    duo_bron: Duo, duo_app: TestClient
) -> None:
    response = duo_bron.stuur(notificatie(), doel="00000001999999999000")

    assert response.status_code == 400
    assert "Doel" in response.json()["fouttekst"]
    assert opgeslagen(duo_app) == 0


def test_only_duo_may_send_notificaties(duo_bron: Duo, duo_app: TestClient) -> None:
    """DUO README, OIN: DUO is the organisation that sends these notificaties."""
    response = duo_bron.stuur(notificatie(), bron=DOEL_OIN)

    assert response.status_code == 403
    assert opgeslagen(duo_app) == 0


def test_gemeente_oins_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUO_GEMEENTE_OINS", f"{DOEL_OIN}=GM0222, 00000001001589623001=GM0202")
    settings = DuoSettings(environment="test", duo_oin=DUO_OIN)
    assert settings.duo_gemeente_oins == {
        DOEL_OIN: "GM0222",
        "00000001001589623001": "GM0202",
    }


@pytest.mark.parametrize("missing", ["duo_oin", "duo_gemeente_oins"])
def test_production_requires_the_oins(missing: str) -> None:
    values: dict[str, Any] = {"duo_oin": DUO_OIN, "duo_gemeente_oins": {DOEL_OIN: "GM0222"}}
    del values[missing]
    with pytest.raises(ValueError, match=missing.upper()):
        DuoSettings(
            environment="production",
            jwt_secret="s",
            pseudonym_key="k",
            logboek_sleutel="l",
            gemeenten=["GM0222"],
            **values,
        )


def test_every_duo_setting_is_documented_in_env_example() -> None:
    documented = (Path(__file__).parents[2] / ".env.example").read_text()
    for name, field in DuoSettings.model_fields.items():
        assert f"{name.upper()}=" in documented, f"{name.upper()} is not in .env.example"
        assert field.description, f"DuoSettings.{name} has no description"
