"""A BRP simulator built on the committed spec of the BRP API Personen
(contracts/brp/openapi.json): `POST /personen` of type RaadpleegMetBurgerservicenummer.
Every request is checked against the spec (400 Foutbericht when it does not conform) and
the answer holds only the fields asked for. Persons live in memory (tests add them); an
optional `bron` answers for a BSN the simulator does not know itself (the embedded
platform: the persons of the DUO simulator).

Run: python -m services.duo.brp_simulator --port 8098
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest
from openapi_schema_validator import OAS30Validator, validate

SPEC = Path(__file__).resolve().parents[2] / "contracts" / "brp" / "openapi.json"
MEDIA_TYPE = "application/json; charset=utf-8"
PROBLEM = "application/problem+json"
API_KEY_HEADER = "X-API-KEY"
# The spec's server: openapi-core matches a request against it, whatever the base URL.
SERVER_HOST, SERVER_PATH = "https://proefomgeving.haalcentraal.nl", "/haalcentraal/api/brp"


@cache
def spec() -> OpenAPI:
    """The spec; its error answers are application/problem+json, read as JSON."""
    config = Config(extra_media_type_deserializers={PROBLEM: json.loads})
    return OpenAPI.from_file_path(str(SPEC), config=config)


@dataclass
class BrpInschrijving:
    """What the BRP holds of a person, as far as the simulator serves it."""

    geslachtsnaam: str
    geboortedatum: dt.date
    voornamen: str | None = None
    voorvoegsel: str | None = None
    gemeente_van_inschrijving: str | None = None  # CBS code, GM0222
    datum_inschrijving_in_gemeente: dt.date | None = None


@dataclass
class BrpSimulator:
    personen: dict[str, BrpInschrijving] = field(default_factory=dict)
    bron: Callable[[str], BrpInschrijving | None] | None = None
    api_key: str | None = None  # when set, requests without this X-API-KEY get 401
    storingen: int = 0
    verzoeken: list[dict[str, Any]] = field(default_factory=list)

    def ken_persoon(self, bsn: str, persoon: BrpInschrijving) -> None:
        self.personen[bsn] = persoon

    def storing(self, aantal: int) -> None:
        """The next `aantal` requests get 503 (Bronservice BRP niet beschikbaar)."""
        self.storingen = aantal

    def zoek(self, bsn: str) -> BrpInschrijving | None:
        persoon = self.personen.get(bsn)
        if persoon is None and self.bron is not None:
            persoon = self.bron(bsn)
        return persoon


def _datum(datum: dt.date) -> dict[str, Any]:
    maanden = (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    )  # fmt: skip
    return {
        "type": "Datum",
        "datum": datum.isoformat(),
        "langFormaat": f"{datum.day} {maanden[datum.month - 1]} {datum.year}",
    }


def als_persoon(bsn: str, persoon: BrpInschrijving, velden: list[str]) -> dict[str, Any]:
    """The spec's Persoon with the fields asked for (a whole group when its name is)."""
    naam = {
        "voornamen": persoon.voornamen,
        "voorvoegsel": persoon.voorvoegsel,
        "geslachtsnaam": persoon.geslachtsnaam,
    }
    alles: dict[str, Any] = {
        "burgerservicenummer": bsn,
        "naam": {k: v for k, v in naam.items() if v},
        "geboorte": {"datum": _datum(persoon.geboortedatum)},
    }
    if persoon.gemeente_van_inschrijving:
        alles["gemeenteVanInschrijving"] = {
            "code": persoon.gemeente_van_inschrijving.removeprefix("GM")
        }
    if persoon.datum_inschrijving_in_gemeente:
        alles["datumInschrijvingInGemeente"] = _datum(persoon.datum_inschrijving_in_gemeente)
    antwoord: dict[str, Any] = {}
    for veld in velden:
        groep, _, sub = veld.partition(".")
        if groep not in alles:
            continue
        if not sub or not isinstance(alles[groep], dict):
            antwoord[groep] = alles[groep]
        elif sub in alles[groep]:
            antwoord.setdefault(groep, {})[sub] = alles[groep][sub]
    return antwoord


def mock_request(headers: dict[str, str], body: bytes) -> MockRequest:
    """`POST /personen` as openapi-core sees it, at the spec's server."""
    return MockRequest(
        SERVER_HOST,
        "post",
        f"{SERVER_PATH}/personen",
        path_pattern=f"{SERVER_PATH}/personen",
        headers=headers,
        data=body or None,
        content_type=headers.get("content-type", ""),
    )


def valideer_verzoek(headers: dict[str, str], body: bytes) -> None:
    """Raise when the request does not conform to the spec. openapi-core checks the
    PersonenQuery; the subtype the discriminator names (RaadpleegMetBurgerservicenummer)
    it does not follow, so its constraints are checked here."""
    spec().validate_request(mock_request(headers, body))
    vraag = json.loads(body)
    if vraag.get("type") == "RaadpleegMetBurgerservicenummer":
        validate(vraag, _subtype(), cls=OAS30Validator, check_schema=False)


@cache
def _subtype() -> dict[str, Any]:
    componenten = json.loads(SPEC.read_text())["components"]
    return {
        "$ref": "#/components/schemas/RaadpleegMetBurgerservicenummer",
        "components": componenten,
    }


def create_app(simulator: BrpSimulator | None = None) -> FastAPI:
    sim = simulator or BrpSimulator()
    app = FastAPI(title="BRP simulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.simulator = sim

    def fout(status: int, titel: str, code: str) -> Response:
        body = {"title": titel, "status": status, "code": code}
        return Response(json.dumps(body), status_code=status, media_type=PROBLEM)

    @app.post("/personen")
    async def personen(request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        if sim.storingen > 0:
            sim.storingen -= 1
            return fout(503, "Bronservice BRP is tijdelijk niet beschikbaar.", "notAvailable")
        if sim.api_key is not None and headers.get(API_KEY_HEADER.lower()) != sim.api_key:
            return fout(401, "Niet correct geauthenticeerd.", "authentication")
        try:
            valideer_verzoek(headers, body)
            vraag = json.loads(body)
        except Exception:  # openapi-core raises several types; any means a bad request
            return fout(400, "Ten minste een parameter is niet correct.", "paramsValidation")
        if vraag.get("type") != "RaadpleegMetBurgerservicenummer":
            return fout(400, "Alleen RaadpleegMetBurgerservicenummer.", "paramsValidation")
        sim.verzoeken.append(vraag)
        gevonden = []
        for bsn in vraag["burgerservicenummer"]:
            persoon = sim.zoek(bsn)
            if persoon is None:
                continue
            gemeente = vraag.get("gemeenteVanInschrijving")
            if gemeente and persoon.gemeente_van_inschrijving != f"GM{gemeente}":
                continue
            gevonden.append(als_persoon(bsn, persoon, vraag["fields"]))
        antwoord = {"type": "RaadpleegMetBurgerservicenummer", "personen": gevonden}
        return Response(json.dumps(antwoord), status_code=200, media_type=MEDIA_TYPE)

    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8098)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
