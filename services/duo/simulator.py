"""A DUO simulator, built from DUO's published specs (contracts/duo): the PIP API and the
Examen API. Every request is checked against DUO's OpenAPI file (400 "Fout verzoek" without
a body when it does not conform, as DUO's PIP API since v1.1.2) and a PIP is registered only
when DUO's rules in contracts/duo/README.md ("Het aanleveren van een PIP") hold; otherwise
DUO answers 403 with a list of `Foutmelding` (PIP API v1.2.0: "Foutmeldingen worden nu
teruggeven als een HTTP403"). Received PIPs and seeded exam results live in memory.

Run: python -m services.duo.simulator --port 8099
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from services.duo.application import BrpPersoon
from services.duo.client import DUO_OIN

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "duo" / "API"
PIP_SPEC = CONTRACTS / "PIP" / "openapi.yml"
EXAMEN_SPEC = CONTRACTS / "Examen" / "openapi.yml"
INBURGERINGSPLICHT_SPEC = CONTRACTS / "Inburgeringsplicht" / "openapi.yml"
INBURGERINGSTERMIJN_SPEC = CONTRACTS / "Inburgeringstermijn" / "openapi.yml"
LEERBAARHEIDSTOETS_SPEC = CONTRACTS / "Leerbaarheidstoets" / "openapi.yml"
MAP_PVT_SPEC = CONTRACTS / "MAP-PVT-Zroute" / "openapi.yml"
VRIJSTELLING_SPEC = CONTRACTS / "Vrijstelling" / "openapi.yml"
ONTHEFFING_SPEC = CONTRACTS / "Ontheffing" / "openapi.yml"
BASISPAD = "/v1"  # DUO README: Basis pad URI (major version), not in the specs

# DUO's leerroute codes (PIP API, Leerroute): B1-route, onderwijsroute, Z-route.
B1_ROUTE, ONDERWIJSROUTE, Z_ROUTE = "B", "O", "Z"


@cache
def spec(path: Path) -> OpenAPI:
    return OpenAPI.from_file_path(str(path))


def valideer_verzoek(
    spec_path: Path,
    *,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    content_type: str,
    path_pattern: str,
    path_params: dict[str, str],
) -> None:
    """Raise openapi-core's error when the request does not conform to DUO's spec."""
    spec(spec_path).validate_request(
        MockRequest(
            "http://duo",
            method,
            path,
            path_pattern=path_pattern,
            view_args=path_params,
            headers=headers,
            data=body or None,
            content_type=content_type,
        )
    )


@dataclass
class Persoon:
    """What DUO knows of a person that its PIP rules need (seeded by a test)."""

    start_inburgeringsplicht: dt.date | None = None
    vestigingsdatum: dt.date | None = None
    asielmigrant: bool | None = None
    # DUO's kennisgeving of the obligation (Inburgeringsplicht API), e.g. on leaving the COA.
    datum_kennisgeving: dt.date | None = None
    gedetailleerde_doelgroep: str | None = None  # DUO's GedetailleerdeDoelgroep
    # DUO's termijn (Inburgeringstermijn API): start inclusive, einde exclusive, and its
    # changes (Inburgeringstermijnhistorie: einddatum, wijzigingsdatum, verlengingsgrond...).
    termijn_start: dt.date | None = None
    termijn_einde: dt.date | None = None
    termijn_historie: list[dict[str, Any]] = field(default_factory=list)
    # An obligation that ended or paused (Inburgeringsplicht API): its last day (inclusive)
    # and DUO's RedenGeenInburgeringsplicht; the doelgroep's begindatum and its history.
    einddatum_plicht: dt.date | None = None
    reden_geen_plicht: str | None = None
    doelgroep_begindatum: dt.date | None = None
    doelgroep_historie: list[dict[str, Any]] = field(default_factory=list)
    # Vrijstelling API: DUO's Vrijstelling objects (TijdelijkeVrijstelling INS/OPL, ...).
    vrijstellingen: list[dict[str, Any]] = field(default_factory=list)
    ontheffingen: list[dict[str, Any]] = field(default_factory=list)
    # Not DUO's: the BRP's (naam, geboortedatum), served by `SimulatorBrp` for the demo.
    naam: str | None = None
    geboortedatum: dt.date | None = None


@dataclass
class DuoSimulator:
    """DUO's state: persons, registered PIPs per BSN (oldest first), exam results."""

    api_version: str = "1.2.0"
    personen: dict[str, Persoon] = field(default_factory=dict)
    pips: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    examenresultaten: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lbt_resultaten: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # PUT replaces the whole resource (DUO README, MAP/PVT): per onderdeel (map, pvt) per BSN.
    afrondingen: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # A refusal only DUO can know (e.g. the termijn's start lies after the date): 403.
    afronding_weigering: str | None = None
    ontvangen: list[dict[str, Any]] = field(default_factory=list)
    storingen: int = 0
    # OIN -> gemeentecode (4 digits); an OIN not listed is registered as "0000".
    oin_register: dict[str, str] = field(default_factory=dict)

    def ken_persoon(self, bsn: str, persoon: Persoon) -> None:
        self.personen[bsn] = persoon

    def verleng_termijn(
        self, bsn: str, einddatum: dt.date, grondcode: str, omschrijving: str, op: dt.date
    ) -> None:
        """DUO extends the termijn (SS103/SS104): the new exclusive einddatum and its ground."""
        persoon = self.personen[bsn]
        persoon.termijn_einde = einddatum
        persoon.termijn_historie.append(
            {
                "einddatum": einddatum.isoformat(),
                "wijzigingsdatum": op.isoformat(),
                "verlengingsgrondcode": grondcode,
                "verlengingsgrondomschrijving": omschrijving,
            }
        )

    # --- The whole life, as DUO records it before it notifies (SS109-SS111, SS124/SS125,
    # SS129/SS130): tests change a person's state here, then send the notificatie.

    def trek_plicht_in(self, bsn: str, reden: str, einddatum: dt.date) -> None:
        """The obligation ended (SS110, SS111): indicator false, its last day, DUO's reden."""
        persoon = self.personen[bsn]
        persoon.einddatum_plicht, persoon.reden_geen_plicht = einddatum, reden

    def voldoe_plicht(
        self, bsn: str, reden: str, einddatum: dt.date, ontheffingsgrond: str | None = None
    ) -> None:
        """SS106/SS107/SS108: the obligation met (Inburgeringsplicht voldaan, Volledige
        vrijstelling, Volledige ontheffing); a gehele ontheffing also in the Ontheffing API."""
        self.trek_plicht_in(bsn, reden, einddatum)
        if ontheffingsgrond is not None:
            self.personen[bsn].ontheffingen.append(
                {
                    "GeheleOntheffing": {
                        "oordeel": "Toekenning",
                        "datumOordeel": einddatum.isoformat(),
                        "grond": ontheffingsgrond,
                    }
                }
            )

    def verleen_tijdelijke_vrijstelling(
        self, bsn: str, reden: str, startdatum: dt.date, op: dt.date
    ) -> None:
        """SS109: a TijdelijkeVrijstelling (INS, OPL) granted; the obligation pauses."""
        persoon = self.personen[bsn]
        persoon.vrijstellingen.append(
            {
                "TijdelijkeVrijstelling": {
                    "oordeel": "Toekenning",
                    "reden": reden,
                    "datumOordeel": op.isoformat(),
                    "startdatum": startdatum.isoformat(),
                }
            }
        )
        persoon.einddatum_plicht = startdatum - dt.timedelta(days=1)
        persoon.reden_geen_plicht = "Tijdelijke vrijstelling"

    def beeindig_tijdelijke_vrijstelling(
        self, bsn: str, einddatum: dt.date, kennisgeving: dt.date | None = None
    ) -> None:
        """SS129/SS130: the latest TijdelijkeVrijstelling ends on `einddatum` (inclusive); the
        obligation resumes, with a new kennisgeving when no PIP was known (SS129)."""
        persoon = self.personen[bsn]
        [*_, laatste] = [v for v in persoon.vrijstellingen if "TijdelijkeVrijstelling" in v]
        laatste["TijdelijkeVrijstelling"]["einddatum"] = einddatum.isoformat()
        persoon.einddatum_plicht = persoon.reden_geen_plicht = None
        if kennisgeving is not None:
            persoon.datum_kennisgeving = kennisgeving

    def wijzig_doelgroep(
        self, bsn: str, asielmigrant: bool, gedetailleerd: str | None, begindatum: dt.date
    ) -> None:
        """SS124/SS125: the doelgroep changes on `begindatum`; the old one goes to history."""
        persoon = self.personen[bsn]
        if persoon.asielmigrant is not None:
            persoon.doelgroep_historie.append(
                {
                    "indeling": _indeling(persoon.asielmigrant),
                    **(
                        {"begindatum": persoon.doelgroep_begindatum.isoformat()}
                        if persoon.doelgroep_begindatum
                        else {}
                    ),
                    "einddatum": (begindatum - dt.timedelta(days=1)).isoformat(),
                }
            )
        persoon.asielmigrant, persoon.gedetailleerde_doelgroep = asielmigrant, gedetailleerd
        persoon.doelgroep_begindatum = begindatum

    def zet_examenresultaten(self, bsn: str, resultaten: list[dict[str, Any]]) -> None:
        self.examenresultaten[bsn] = resultaten

    def brp(self) -> SimulatorBrp:
        return SimulatorBrp(self)

    def storing(self, aantal: int) -> None:
        """The next `aantal` requests get 503 Service niet beschikbaar."""
        self.storingen = aantal

    def pip_fouten(self, bsn: str, pip: dict[str, Any]) -> list[str]:
        """DUO README, "Het aanleveren van een PIP": every rule the PIP breaks."""
        fouten: list[str] = []
        persoon = self.personen.get(bsn, Persoon())
        eerdere = self.pips.get(bsn, [])
        dagtekening = dt.date.fromisoformat(pip["dagtekeningPip"])
        leerroute, niveau = pip["leerroute"], pip.get("niveau")
        if persoon.start_inburgeringsplicht and dagtekening < persoon.start_inburgeringsplicht:
            fouten.append("De datum dagtekening ligt voor de start van de inburgeringsplicht")
        if eerdere and any(
            dagtekening < dt.date.fromisoformat(p["dagtekeningPip"])
            for p in (eerdere[0], eerdere[-1])
        ):
            fouten.append(
                "De datum dagtekening ligt voor de datum dagtekening van de initiele of actuele PIP"
            )
        if persoon.vestigingsdatum and dagtekening < persoon.vestigingsdatum:
            fouten.append("De datum dagtekening ligt voor de vestiging bij de gemeente")
        if niveau == "A2" and leerroute == ONDERWIJSROUTE:
            fouten.append("Niveau A2 mag niet in combinatie met de onderwijsroute")
        if niveau == "B1" and leerroute == Z_ROUTE:
            fouten.append("Niveau B1 mag niet in combinatie met de Z-route")
        if niveau == "A2" and leerroute == B1_ROUTE and not eerdere:
            fouten.append("Niveau A2 mag niet in combinatie met de B1-route bij de eerste PIP")
        if "geschatteIntensiteitB1Route" in pip and (
            leerroute != B1_ROUTE or persoon.asielmigrant is False
        ):
            fouten.append(
                "Geschatte intensiteit B1 route mag alleen bij de B1-route en bij asielmigranten"
            )
        return fouten

    def registreer_pip(self, bsn: str, gemeentecode: str, pip: dict[str, Any]) -> None:
        if "niveau" not in pip and pip["leerroute"] in (B1_ROUTE, ONDERWIJSROUTE):
            pip = {**pip, "niveau": "B1"}  # DUO README: Niveau (B1 when omitted)
        self.pips.setdefault(bsn, []).append({**pip, "gemeentecode": gemeentecode})


def _indeling(asielmigrant: bool) -> str:
    """DUO's Doelgroepindeling."""
    return "Asielstatushouder" if asielmigrant else "Gezinsmigrant en overige migrant"


@dataclass
class SimulatorBrp:
    """A stand-in for the BRP (naam, geboortedatum), from the simulator's persons."""

    simulator: DuoSimulator

    def persoon(self, bsn: str) -> BrpPersoon | None:
        persoon = self.simulator.personen.get(bsn)
        if persoon is None or persoon.naam is None or persoon.geboortedatum is None:
            return None
        return BrpPersoon(persoon.naam, persoon.geboortedatum)


def create_app(simulator: DuoSimulator | None = None) -> FastAPI:
    sim = simulator or DuoSimulator()
    app = FastAPI(title="DUO simulator", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.simulator = sim
    router = APIRouter(prefix=BASISPAD)

    def antwoord(
        status: int, bericht_id: str | None, body: Any = None, *, content: bool = True
    ) -> Response:
        headers = {"API-Version": sim.api_version}
        if bericht_id:
            headers["berichtId"] = bericht_id
        if body is None or not content:
            return Response(status_code=status, headers=headers)
        return Response(
            json.dumps(body), status_code=status, headers=headers, media_type="application/json"
        )

    async def conform(
        request: Request, spec_path: Path, pattern: str, bsn: str
    ) -> tuple[bool, str | None]:
        body = await request.body()
        bericht_id = request.headers.get("berichtId")
        try:
            valideer_verzoek(
                spec_path,
                method=request.method,
                path=request.url.path.removeprefix(BASISPAD),
                headers=dict(request.headers),
                body=body,
                content_type=request.headers.get("content-type", "application/json"),
                path_pattern=pattern,
                path_params={"bsn": bsn},
            )
        except Exception:  # openapi-core raises several types; any means "Fout verzoek"
            return False, bericht_id
        return True, bericht_id

    @router.post("/personen/{bsn}/PIP")
    async def post_pip(bsn: str, request: Request) -> Response:
        bericht_id, fout = await binnenkomst(request, PIP_SPEC, "/personen/{bsn}/PIP", bsn)
        if fout is not None:
            return fout
        if request.headers["doel"] != DUO_OIN:
            return antwoord(403, bericht_id, [{"fouttekst": "Het doel OIN is niet DUO"}])
        pip = json.loads(await request.body())
        fouten = sim.pip_fouten(bsn, pip)
        sim.ontvangen.append({"bsn": bsn, "pip": pip, "bron": request.headers["bron"]})
        if fouten:
            return antwoord(403, bericht_id, [{"fouttekst": f} for f in fouten])
        sim.registreer_pip(bsn, sim.oin_register.get(request.headers["bron"], "0000"), pip)
        return antwoord(201, bericht_id)

    @router.get("/personen/{bsn}/PIP")
    async def get_pip(bsn: str, request: Request) -> Response:
        ok, bericht_id = await conform(request, PIP_SPEC, "/personen/{bsn}/PIP", bsn)
        if not ok:
            return antwoord(400, bericht_id)
        if not sim.pips.get(bsn):
            return antwoord(404, bericht_id)
        actueel = dict(sim.pips[bsn][-1])
        gemeentecode = actueel.pop("gemeentecode")
        return antwoord(200, bericht_id, {"gemeentecode": gemeentecode, "pip": actueel})

    async def storing() -> bool:
        if sim.storingen > 0:
            sim.storingen -= 1
            return True
        return False

    async def binnenkomst(
        request: Request, spec_path: Path, pattern: str, bsn: str
    ) -> tuple[str | None, Response | None]:
        """DUO's answer before any content: 503 while a storing lasts, 400 for a request
        that breaks DUO's spec; None when the request may be handled."""
        ok, bericht_id = await conform(request, spec_path, pattern, bsn)
        if await storing():
            return bericht_id, antwoord(503, bericht_id)
        if not ok:
            return bericht_id, antwoord(400, bericht_id)
        return bericht_id, None

    @router.get("/personen/{bsn}/inburgeringsplicht")
    async def get_inburgeringsplicht(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/inburgeringsplicht"
        bericht_id, fout = await binnenkomst(request, INBURGERINGSPLICHT_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        persoon = sim.personen.get(bsn)
        if persoon is None or persoon.start_inburgeringsplicht is None:
            return antwoord(404, bericht_id)
        plicht: dict[str, Any] = {
            "indicatorInburgeringsplicht": persoon.reden_geen_plicht is None,
            "begindatum": persoon.start_inburgeringsplicht.isoformat(),
        }
        if persoon.reden_geen_plicht is not None:
            plicht["redenGeenInburgeringsplicht"] = persoon.reden_geen_plicht
        if persoon.einddatum_plicht is not None:
            plicht["einddatum"] = persoon.einddatum_plicht.isoformat()
        if persoon.datum_kennisgeving is not None:
            plicht["datumKennisgevingInburgeringsplicht"] = persoon.datum_kennisgeving.isoformat()
        return antwoord(200, bericht_id, plicht)

    @router.get("/personen/{bsn}/inburgeringstermijn")
    async def get_inburgeringstermijn(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/inburgeringstermijn"
        bericht_id, fout = await binnenkomst(request, INBURGERINGSTERMIJN_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        persoon = sim.personen.get(bsn)
        if persoon is None or persoon.termijn_start is None or persoon.termijn_einde is None:
            return antwoord(404, bericht_id)
        termijn: dict[str, Any] = {
            "startdatum": persoon.termijn_start.isoformat(),
            "einddatum": persoon.termijn_einde.isoformat(),
        }
        if persoon.termijn_historie:
            laatste = persoon.termijn_historie[-1]
            termijn.update({k: v for k, v in laatste.items() if k != "einddatum"})
        return antwoord(200, bericht_id, termijn)

    @router.get("/personen/{bsn}/inburgeringstermijn/historie")
    async def get_inburgeringstermijn_historie(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/inburgeringstermijn/historie"
        bericht_id, fout = await binnenkomst(request, INBURGERINGSTERMIJN_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        persoon = sim.personen.get(bsn)
        if persoon is None or persoon.termijn_start is None:
            return antwoord(404, bericht_id)
        return antwoord(200, bericht_id, persoon.termijn_historie)

    @router.get("/personen/{bsn}/doelgroep")
    async def get_doelgroep(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/doelgroep"
        bericht_id, fout = await binnenkomst(request, INBURGERINGSPLICHT_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        persoon = sim.personen.get(bsn)
        if persoon is None or persoon.asielmigrant is None:
            return antwoord(404, bericht_id)
        doelgroep = {"indeling": _indeling(persoon.asielmigrant)}
        if persoon.gedetailleerde_doelgroep is not None:
            doelgroep["gedetailleerdeDoelgroep"] = persoon.gedetailleerde_doelgroep
        if persoon.doelgroep_begindatum is not None:
            doelgroep["begindatum"] = persoon.doelgroep_begindatum.isoformat()
        return antwoord(200, bericht_id, doelgroep)

    @router.get("/personen/{bsn}/doelgroep/historie")
    async def get_doelgroephistorie(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/doelgroep/historie"
        bericht_id, fout = await binnenkomst(request, INBURGERINGSPLICHT_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        persoon = sim.personen.get(bsn)
        if persoon is None or persoon.asielmigrant is None:
            return antwoord(404, bericht_id)
        return antwoord(200, bericht_id, persoon.doelgroep_historie)

    @router.get("/personen/{bsn}/vrijstellingen")
    async def get_vrijstellingen(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/vrijstellingen"
        bericht_id, fout = await binnenkomst(request, VRIJSTELLING_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        persoon = sim.personen.get(bsn)
        if persoon is None or not persoon.vrijstellingen:
            return antwoord(404, bericht_id)
        return antwoord(200, bericht_id, persoon.vrijstellingen)

    @router.get("/personen/{bsn}/ontheffingen")
    async def get_ontheffingen(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/ontheffingen"
        bericht_id, fout = await binnenkomst(request, ONTHEFFING_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        persoon = sim.personen.get(bsn)
        if persoon is None or not persoon.ontheffingen:
            return antwoord(404, bericht_id)
        return antwoord(200, bericht_id, persoon.ontheffingen)

    async def put_afronding(onderdeel: str, bsn: str, request: Request) -> Response:
        pattern = f"/personen/{{bsn}}/{onderdeel}"
        ok, bericht_id = await conform(request, MAP_PVT_SPEC, pattern, bsn)
        if not ok:
            return antwoord(400, bericht_id)
        bericht = json.loads(await request.body())
        datum = bericht.get("datumEindgesprekMap") or bericht.get("datumOndertekeningPvt")
        if datum and dt.date.fromisoformat(datum) > dt.date.today():
            fout = f"De datum van {onderdeel.upper()} mag niet in de toekomst liggen"
            return antwoord(403, bericht_id, [{"fouttekst": fout}])
        if sim.afronding_weigering:
            return antwoord(403, bericht_id, [{"fouttekst": sim.afronding_weigering}])
        sim.afrondingen.setdefault(onderdeel, {})[bsn] = bericht
        return antwoord(200, bericht_id)

    @router.put("/personen/{bsn}/map")
    async def put_map(bsn: str, request: Request) -> Response:
        return await put_afronding("map", bsn, request)

    @router.put("/personen/{bsn}/pvt")
    async def put_pvt(bsn: str, request: Request) -> Response:
        return await put_afronding("pvt", bsn, request)

    @router.get("/personen/{bsn}/lbt/resultaten")
    async def get_lbt_resultaten(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/lbt/resultaten"
        bericht_id, fout = await binnenkomst(request, LEERBAARHEIDSTOETS_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        if bsn not in sim.lbt_resultaten:
            return antwoord(404, bericht_id)
        return antwoord(200, bericht_id, sim.lbt_resultaten[bsn])

    @router.get("/personen/{bsn}/examens/resultaten")
    async def get_examenresultaten(bsn: str, request: Request) -> Response:
        pattern = "/personen/{bsn}/examens/resultaten"
        bericht_id, fout = await binnenkomst(request, EXAMEN_SPEC, pattern, bsn)
        if fout is not None:
            return fout
        if bsn not in sim.examenresultaten:
            return antwoord(404, bericht_id)
        return antwoord(200, bericht_id, sim.examenresultaten[bsn])

    app.include_router(router)
    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args(argv)
    uvicorn.run(create_app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
