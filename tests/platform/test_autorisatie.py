"""The authorisation matrix: every route of the JWT-protected apps (intake, pip, ontzorging,
projections: gemeente models, regional models, feeds) x every role x own or other gemeente
(for regional roles own or other region; for integrators the gemeenten and region in the
token), with the expected outcome; and a guard that fails when a route is missing here.

Sources: art. 5 lid 1 sub c and art. 25 AVG (data minimisation, privacy by design); art. 32
AVG (access only for who needs it); README "APIs" (who may what); issue 7 "Access".
DUO's Notificatie API is machine-to-machine (OIN headers, no JWT) and is excluded by name."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.intake.config import IntakeSettings
from services.intake.main import create_app as create_intake
from services.ontzorging.config import OntzorgingSettings
from services.ontzorging.main import create_app as create_ontzorging
from services.pip.config import PipSettings
from services.pip.main import create_app as create_pip
from services.projections.config import ProjectionsSettings
from services.projections.main import create_app as create_projections
from shared.auth import Rol, TokenVerifier
from shared.clock import FrozenClock
from shared.config import EXAMPLE_REGIO_CSV, PlatformSettings

REPO = Path(__file__).parents[2]
EIGEN, ANDER = "GM0222", "GM0363"  # Doetinchem (Achterhoek), Amsterdam (Groot Amsterdam)
REGIO, ANDERE_REGIO = "achterhoek", "groot-amsterdam"
BSN = "111222333"

# Apps outside the matrix, by name, and why.
UITGESLOTEN = {"duo": "DUO Notificatie API: machine-to-machine with OIN headers, not JWT"}

OK, NIET_INGELOGD, GEWEIGERD, VERBORGEN = "ok", 401, 403, 404
# A passed check: anything but 401/403/404 (a rule may still refuse the change with 400).


@dataclass(frozen=True)
class Token:
    rol: Rol | None
    gemeenten: tuple[str, ...] = ()
    regios: tuple[str, ...] = ()


KOLOMMEN: dict[str, Token] = {
    "geen token": Token(None),
    "klantregisseur eigen": Token(Rol.KLANTREGISSEUR, (EIGEN,)),
    "klantregisseur ander": Token(Rol.KLANTREGISSEUR, (ANDER,)),
    "teamleider eigen": Token(Rol.TEAMLEIDER, (EIGEN,)),
    "teamleider ander": Token(Rol.TEAMLEIDER, (ANDER,)),
    "beleidsmedewerker eigen": Token(Rol.BELEIDSMEDEWERKER, (EIGEN,)),
    "beleidsmedewerker ander": Token(Rol.BELEIDSMEDEWERKER, (ANDER,)),
    "regionaal_analist eigen": Token(Rol.REGIONAAL_ANALIST, (), (REGIO,)),
    "regionaal_analist ander": Token(Rol.REGIONAAL_ANALIST, (), (ANDERE_REGIO,)),
    "integrator eigen": Token(Rol.INTEGRATOR, (EIGEN,), (REGIO,)),
    "integrator ander": Token(Rol.INTEGRATOR, (ANDER,), (ANDERE_REGIO,)),
}


def regel(**toegestaan: Any) -> dict[str, Any]:
    """Expected outcome per column: 401 without token, 403 unless named here."""
    uitkomst: dict[str, Any] = {k: GEWEIGERD for k in KOLOMMEN} | {"geen token": NIET_INGELOGD}
    for key, value in toegestaan.items():
        uitkomst[key.replace("_eigen", " eigen").replace("_ander", " ander")] = value
    assert set(uitkomst) == set(KOLOMMEN)
    return uitkomst


# A case of the caller's gemeenten; another gemeente's case is not found (no leak).
CASUS = regel(
    klantregisseur_eigen=OK,
    klantregisseur_ander=VERBORGEN,
    teamleider_eigen=OK,
    teamleider_ander=VERBORGEN,
)
# A new case names its gemeente in the body: another gemeente is refused.
NIEUWE_CASUS = regel(klantregisseur_eigen=OK, teamleider_eigen=OK)
# A search within the caller's gemeenten: another gemeente finds nothing, without error.
ZOEKEN = regel(
    klantregisseur_eigen=OK, klantregisseur_ander=OK, teamleider_eigen=OK, teamleider_ander=OK
)
# Health data (art. 9 AVG) is written by the klantregisseur only (see test_gezondheid).
GEZONDHEID = regel(klantregisseur_eigen=OK, klantregisseur_ander=VERBORGEN)
# Forgetting a person (art. 17 AVG) is the teamleider's decision; it runs last here.
VERGETEN = regel(teamleider_eigen=OK, klantregisseur_ander=VERBORGEN, teamleider_ander=VERBORGEN)
GEEN_OVERDRACHT = regel(
    klantregisseur_eigen=VERBORGEN,
    klantregisseur_ander=VERBORGEN,
    teamleider_eigen=VERBORGEN,
    teamleider_ander=VERBORGEN,
)
CASELOAD = regel(klantregisseur_eigen=OK, teamleider_eigen=OK)
CIJFERS = regel(klantregisseur_eigen=OK, teamleider_eigen=OK, beleidsmedewerker_eigen=OK)
# Regional models: the analist of the region, a beleidsmedewerker of one of its gemeenten.
REGIONAAL = regel(regionaal_analist_eigen=OK, beleidsmedewerker_eigen=OK)
FEED_GEMEENTE = regel(integrator_eigen=OK)
FEED_REGIO = regel(integrator_eigen=OK, regionaal_analist_eigen=OK)
PUBLIEK = dict.fromkeys(KOLOMMEN, OK)

TOETS = {
    "resultaat": "b1_route_haalbaar",
    "behaaldeScore": "71,20",
    "benodigdeScore": "60,00",
    "datumAfname": "2025-12-09",
}
REGISTRATIE = {
    "gemeente": EIGEN,
    "doelgroep": "asielstatushouder",
    "bsn": BSN,
    "naam": "Amal Haddad",
    "geboortedatum": "1994-03-02",
    "datumStartInburgeringsplicht": "2025-12-01",
    "datumKennisgeving": "2025-12-01",
}
BREDE_INTAKE = "/api/v1/inburgeraars/{inburgeraar_id}/brede-intake"
PIP = "/api/v1/pips/{pip_id}"
ONTZORGING = "/api/v1/ontzorgingen/{ontzorging_id}"
BOETEVOORSTEL = "/api/v1/inburgeraars/{inburgeraar_id}/boetevoorstellen/{volgnummer}"

Rij = tuple[dict[str, Any], Any]  # (expected per column, JSON body or a name of one)

MATRIX: dict[str, dict[tuple[str, str], Rij]] = {
    "intake": {
        ("POST", "/api/v1/inburgeraars"): (NIEUWE_CASUS, REGISTRATIE),
        ("GET", "/api/v1/inburgeraars/{inburgeraar_id}"): (CASUS, None),
        ("POST", "/api/v1/inburgeraar-zoekvragen"): (ZOEKEN, {"bsn": BSN}),
        ("PUT", "/api/v1/inburgeraars/{inburgeraar_id}/vestiging"): (
            CASUS,
            {"vestigingsdatum": "2025-12-08"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/coa-profiel"): (
            CASUS,
            {"herkomstland": "Syrië"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/intakegesprekken"): (
            CASUS,
            {"gespreksdatum": "2025-12-10", "klantregisseur": "kr-1"},
        ),
        ("PUT", f"{BREDE_INTAKE}/leerbaarheidstoets"): (CASUS, {"uitslag": TOETS}),
        ("PUT", f"{BREDE_INTAKE}/opleiding-en-werkervaring"): (
            CASUS,
            {"opleidingen": [], "werkervaring": []},
        ),
        ("PUT", f"{BREDE_INTAKE}/persoonlijke-omstandigheden"): (
            GEZONDHEID,
            {"fysiekeGezondheid": "-", "mentaleGezondheid": "-"},
        ),
        ("PUT", f"{BREDE_INTAKE}/leefgebieden/{{leefgebied}}"): (CASUS, {"bevindingen": "-"}),
        ("PUT", f"{BREDE_INTAKE}/hoofddoel"): (CASUS, {"hoofddoel": "werk"}),
        ("POST", f"{BREDE_INTAKE}/participatieuren"): (
            CASUS,
            {"uren": 10, "peildatum": "2025-12-20"},
        ),
        ("PUT", f"{BREDE_INTAKE}/leerroute-advies"): (CASUS, {"leerroute": "b1"}),
        ("PUT", f"{BREDE_INTAKE}/vve-informatie"): (CASUS, {"datumGeinformeerd": "2025-12-20"}),
        ("POST", f"{BREDE_INTAKE}/afronding"): (CASUS, {"afrondingsdatum": "2026-01-05"}),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/intrekking"): (
            CASUS,
            {"reden": "naturalisatie", "datum": "2026-01-02"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/overlijden"): (
            CASUS,
            {"datum": "2026-01-02"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/tijdelijke-vrijstelling"): (
            CASUS,
            {"reden": "OPL", "datum": "2026-01-02"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/tijdelijke-vrijstelling/einde"): (
            CASUS,
            {"datum": "2026-01-02"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/doelgroepwijziging"): (
            CASUS,
            {"doelgroep": "gezinsmigrant", "datum": "2026-01-02"},
        ),
        ("PUT", "/api/v1/inburgeraars/{inburgeraar_id}/vorige-gemeente"): (
            CASUS,
            {"vorigeGemeente": "GM0200", "datum": "2025-12-08"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/niet-verschenen"): (
            CASUS,
            {"datum": "2025-12-20", "nieuweUitnodiging": "2026-01-02"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/pip-verplichting-niet-nagekomen"): (
            CASUS,
            {
                "pipId": str(uuid.uuid4()),
                "verplichting": "pvt",
                "datum": "2026-01-02",
                "voorgesteldBedragEuro": 100,
            },
        ),
        ("POST", f"{BOETEVOORSTEL}/zienswijzeverzoek"): (
            CASUS,
            {"datum": "2026-01-05", "reactieUiterlijk": "2026-01-19"},
        ),
        ("POST", f"{BOETEVOORSTEL}/zienswijze"): (
            CASUS,
            {"datum": "2026-01-05", "samenvatting": "-"},
        ),
        ("POST", f"{BOETEVOORSTEL}/zienswijze-afgezien"): (
            CASUS,
            {"datum": "2026-01-05", "uitdrukkelijk": True},
        ),
        ("POST", f"{BOETEVOORSTEL}/beschikking"): (
            CASUS,
            {
                "bedragEuro": 100,
                "verwijtbaarheid": "verwijtbaar",
                "dagtekening": "2026-01-05",
                "verzenddatum": "2026-01-05",
            },
        ),
        ("POST", f"{BOETEVOORSTEL}/afwijzing"): (
            CASUS,
            {"datum": "2026-01-05", "reden": "geen_overtreding", "toelichting": "-"},
        ),
        ("POST", f"{BOETEVOORSTEL}/bezwaar"): (CASUS, {"ontvangenOp": "2026-01-05"}),
        ("POST", f"{BOETEVOORSTEL}/bezwaar/beslissing"): (
            CASUS,
            {"datum": "2026-01-05", "beslissing": "ongegrond"},
        ),
        ("POST", "/api/v1/inburgeraars/{inburgeraar_id}/vergeetverzoeken"): (VERGETEN, None),
        ("PUT", "/api/v1/inburgeraars/{inburgeraar_id}/contactpersonen/{rol}"): (
            CASUS,
            {"naam": "Sanne de Wit", "medewerkerId": "kr-7", "datum": "2026-01-05"},
        ),
    },
    "pip": {
        ("POST", "/api/v1/pips"): (NIEUWE_CASUS, "nieuw-pip"),
        ("GET", "/api/v1/pips"): (ZOEKEN, None),
        ("GET", PIP): (CASUS, None),
        # Only a traject handed over to another gemeente has a dossier: here none (404) for
        # the gemeente's own roles; every other role is refused before that is looked up.
        ("GET", f"{PIP}/overdrachtsdossier"): (GEEN_OVERDRACHT, None),
        ("PUT", f"{PIP}/concept"): (
            CASUS,
            {"doelgroep": "asielstatushouder", "datumStartInburgeringsplicht": "2025-12-01"},
        ),
        ("POST", f"{PIP}/vaststellingen"): (
            CASUS,
            {"dagtekening": "2026-01-05", "leerroute": "b1", "map": True, "pvtIntensiteitUren": 12},
        ),
        ("POST", f"{PIP}/wachten-op-derden"): (
            CASUS,
            {
                "derde": "COA",
                "opgevraagdOp": "2025-12-10",
                "informatieOntvangenOp": "2025-12-20",
            },
        ),
        ("POST", f"{PIP}/termijn-verlengingen"): (
            CASUS,
            {"reden": "ziekte", "nieuweEinddatum": "2029-06-01"},
        ),
        ("POST", f"{PIP}/cursusuren"): (
            CASUS,
            {"aanbieder": "Taalhuis", "keurmerk": True, "uren": 10, "peildatum": "2026-01-05"},
        ),
        ("POST", f"{PIP}/afschalingen"): (CASUS, {"dagtekening": "2026-01-05"}),
        ("POST", f"{PIP}/voortgangsgesprekken"): (CASUS, {"datum": "2026-01-05"}),
        ("POST", f"{PIP}/participatieverklaring"): (CASUS, {"datum": "2026-01-05"}),
        ("POST", f"{PIP}/map-afronding"): (CASUS, {"datumEindgesprek": "2026-01-05"}),
        ("POST", f"{PIP}/examenuitslagen"): (
            CASUS,
            {"onderdeel": "lezen", "examendatum": "2026-01-05", "behaald": True},
        ),
        ("POST", f"{PIP}/vrijstellingen"): (
            CASUS,
            {"omvang": "geheel", "datumOordeel": "2026-01-05"},
        ),
        ("POST", f"{PIP}/ontheffingen"): (
            CASUS,
            {"omvang": "geheel", "grond": "MED", "datumOordeel": "2026-01-05"},
        ),
        ("POST", f"{PIP}/voldaan"): (CASUS, {"grond": "diploma", "datum": "2026-01-05"}),
        ("POST", f"{PIP}/verzending"): (CASUS, {"verzenddatum": "2026-01-05"}),
        ("POST", f"{PIP}/bezwaar"): (CASUS, {"ontvangenOp": "2026-01-05"}),
        ("POST", f"{PIP}/bezwaar/beslissing"): (
            CASUS,
            {"datum": "2026-01-05", "beslissing": "ongegrond"},
        ),
        ("POST", f"{PIP}/duale-trajecten"): (
            CASUS,
            {"soort": "werk", "werkgever": "Bakker", "startdatum": "2026-01-05", "urenPerWeek": 8},
        ),
        ("POST", f"{PIP}/duale-trajecten/{{duaal_traject_id}}/uitkomst"): (
            CASUS,
            {"uitkomst": "contract", "datum": "2026-01-05"},
        ),
        ("POST", f"{PIP}/inburgeringsaanbod"): (
            CASUS,
            {
                "aanbieder": "Taalhuis",
                "keurmerkBlikOpWerk": True,
                "leerroute": "b1",
                "startdatum": "2026-01-05",
            },
        ),
        ("PUT", f"{PIP}/maatschappelijke-begeleiding"): (
            CASUS,
            {"organisatie": "VluchtelingenWerk", "startdatum": "2026-01-05"},
        ),
    },
    "ontzorging": {
        ("POST", "/api/v1/ontzorgingen"): (NIEUWE_CASUS, "nieuwe-ontzorging"),
        ("GET", "/api/v1/ontzorgingen"): (ZOEKEN, None),
        ("GET", ONTZORGING): (CASUS, None),
        ("POST", f"{ONTZORGING}/betaalmachtiging"): (CASUS, {"machtigingsdatum": "2026-01-05"}),
        ("POST", f"{ONTZORGING}/betaalmachtiging-weigering"): (
            CASUS,
            {"weigeringsdatum": "2026-01-05"},
        ),
        ("PUT", f"{ONTZORGING}/te-betalen-posten"): (
            CASUS,
            {"posten": ["huur", "energie", "zorgverzekering"]},
        ),
        ("POST", f"{ONTZORGING}/vrijwillige-voortzetting"): (
            CASUS,
            {"instemmingGegeven": True, "instemmingsdatum": "2026-01-05"},
        ),
        ("PUT", f"{ONTZORGING}/vaste-lasten/{{post}}"): (
            CASUS,
            {"crediteur": "Woonbedrijf", "iban": "NL91ABNA0417164300", "bedragPerMaandCent": 1},
        ),
        ("POST", f"{ONTZORGING}/betalingen"): (
            CASUS,
            {"maand": "2026-01", "post": "huur", "bedragCent": 1, "betaaldatum": "2026-01-05"},
        ),
        ("POST", f"{ONTZORGING}/budgetbeheer"): (CASUS, {"startdatum": "2026-01-05"}),
        ("POST", f"{ONTZORGING}/budgetcoachinggesprekken"): (
            CASUS,
            {"gespreksdatum": "2026-01-05"},
        ),
        ("POST", f"{ONTZORGING}/afbouw"): (CASUS, {"startdatum": "2026-01-05", "posten": ["huur"]}),
        ("POST", f"{ONTZORGING}/financiele-zelfredzaamheid"): (
            CASUS,
            {"vaststellingsdatum": "2026-01-05"},
        ),
        ("POST", f"{ONTZORGING}/beeindiging"): (
            CASUS,
            {"einddatum": "2026-01-05", "reden": "overig"},
        ),
        ("POST", f"{ONTZORGING}/verzending"): (CASUS, {"verzenddatum": "2026-01-05"}),
        ("POST", f"{ONTZORGING}/bezwaar"): (CASUS, {"ontvangenOp": "2026-01-05"}),
        ("POST", f"{ONTZORGING}/bezwaar/beslissing"): (
            CASUS,
            {"datum": "2026-01-05", "beslissing": "ongegrond"},
        ),
    },
    "projections": {
        ("GET", "/api/v1/gemeenten/{gemeentecode}/caseload"): (CASELOAD, None),
        ("GET", "/api/v1/gemeenten/{gemeentecode}/signalen"): (CASELOAD, None),
        ("GET", "/api/v1/gemeenten/{gemeentecode}/monitoring"): (CIJFERS, None),
        ("GET", "/api/v1/regios/{regio}/monitoring"): (REGIONAAL, None),
        ("GET", "/api/v1/regios/{regio}/inkoop"): (REGIONAAL, None),
        ("GET", "/api/v1/feeds/gemeenten/{gemeentecode}/{service}"): (FEED_GEMEENTE, None),
        ("GET", "/api/v1/feeds/regios/{regio}"): (FEED_REGIO, None),
        ("GET", "/api/v1/contracten/asyncapi.json"): (PUBLIEK, None),
        ("GET", "/api/v1/contracten/schemas/{type}.json"): (PUBLIEK, None),
    },
}

FACTORIES: dict[str, Callable[[PlatformSettings], FastAPI]] = {
    "intake": lambda s: create_intake(IntakeSettings(**s.model_dump())),
    "pip": lambda s: create_pip(PipSettings(**s.model_dump())),
    "ontzorging": lambda s: create_ontzorging(OntzorgingSettings(**s.model_dump())),
    "projections": lambda s: create_projections(ProjectionsSettings(**s.model_dump())),
}


def routes_of(app: FastAPI) -> set[tuple[str, str]]:
    """Every operation the app serves, as its OpenAPI document lists them (this FastAPI
    includes routers lazily, so app.routes does not list them)."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }


@pytest.fixture
def regio_settings(settings: PlatformSettings, tmp_path: Path) -> PlatformSettings:
    """Two configured regions, so a token can name the other one."""
    folder = tmp_path / "regios"
    folder.mkdir()
    (folder / "a.csv").write_text(EXAMPLE_REGIO_CSV.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b.csv").write_text(
        "arbeidsmarktregio,gemeentecode\nGroot Amsterdam,GM0363\n", encoding="utf-8"
    )
    return settings.model_copy(update={"regio_csv": folder})


@pytest.fixture
def clients(
    regio_settings: PlatformSettings, clock: FrozenClock
) -> Iterator[dict[str, TestClient]]:
    made = {name: TestClient(factory(regio_settings)) for name, factory in FACTORIES.items()}
    for client in made.values():
        client.__enter__()
    try:
        yield made
    finally:
        for client in made.values():
            client.__exit__(None, None, None)


def headers_voor(verifier: TokenVerifier, token: Token) -> dict[str, str]:
    if token.rol is None:
        return {}
    signed = verifier.issue(
        "matrix", token.rol, list(token.gemeenten), regios=list(token.regios) or None
    )
    return {"Authorization": f"Bearer {signed}"}


def ids(clients: dict[str, TestClient], kr: dict[str, str]) -> dict[str, str]:
    """A case of GM0222 in every service: the ids the paths are filled with."""
    inburgeraar = clients["intake"].post("/api/v1/inburgeraars", json=REGISTRATIE, headers=kr)
    assert inburgeraar.status_code == 201, inburgeraar.text
    inburgeraar_id = inburgeraar.json()["id"]
    pip = clients["pip"].post("/api/v1/pips", json=nieuw_pip(inburgeraar_id), headers=kr)
    assert pip.status_code == 201, pip.text
    ontzorging = clients["ontzorging"].post(
        "/api/v1/ontzorgingen", json=nieuwe_ontzorging(inburgeraar_id), headers=kr
    )
    assert ontzorging.status_code == 201, ontzorging.text
    return {
        "inburgeraar_id": inburgeraar_id,
        "pip_id": pip.json()["id"],
        "ontzorging_id": ontzorging.json()["id"],
        "leefgebied": "taal",
        "post": "huur",
        "rol": "gemeente",
        "volgnummer": "1",
        "duaal_traject_id": str(uuid.uuid4()),
        "gemeentecode": EIGEN,
        "regio": REGIO,
        "service": "intake",
        "type": "nl.inburgering.intake.intake-afgerond.v1",
    }


def nieuw_pip(inburgeraar_id: str) -> dict[str, Any]:
    return {
        "gemeente": EIGEN,
        "inburgeraarId": inburgeraar_id,
        "doelgroep": "asielstatushouder",
        "datumStartInburgeringsplicht": "2025-12-01",
        "uitersteDatumPip": "2026-02-09",
    }


def nieuwe_ontzorging(inburgeraar_id: str) -> dict[str, Any]:
    return {
        "gemeente": EIGEN,
        "inburgeraarId": inburgeraar_id,
        "doelgroep": "asielstatushouder",
        "ontvangtBijstand": True,
        "verblijfsvergunningAsielBepaaldeTijd": True,
        "beschikkingsdatum": "2026-01-05",
        "startdatumBijstand": "2025-12-15",
        "betaalmachtigingGegeven": True,
    }


def test_every_route_x_role_x_gemeente_gives_the_expected_outcome(
    clients: dict[str, TestClient], regio_settings: PlatformSettings
) -> None:
    """The matrix, route by route: who gets through, who is refused (403), whose other
    gemeente's case stays hidden (404), and 401 without a token."""
    verifier = TokenVerifier(regio_settings)
    kr = headers_voor(verifier, KOLOMMEN["klantregisseur eigen"])
    gevuld = ids(clients, kr)
    afwijkingen = []
    rijen = [(app, key, rij) for app, rows in MATRIX.items() for key, rij in rows.items()]
    rijen.sort(key=lambda r: r[1][1].endswith("/vergeetverzoeken"))  # forgetting last
    for app_name, (method, template), (verwacht, body) in rijen:
        client = clients[app_name]
        path = re.sub(r"\{(\w+)\}", lambda m: gevuld[m.group(1)], template)
        if body == "nieuw-pip":
            body = nieuw_pip(gevuld["inburgeraar_id"])
        elif body == "nieuwe-ontzorging":
            body = nieuwe_ontzorging(gevuld["inburgeraar_id"])
        params = {"inburgeraarId": gevuld["inburgeraar_id"]} if method == "GET" else None
        for kolom, token in KOLOMMEN.items():
            response = client.request(
                method, path, json=body, params=params, headers=headers_voor(verifier, token)
            )
            status = response.status_code
            assert status < 500, (app_name, method, path, kolom, response.text)
            gekregen = OK if status not in (401, 403, 404) else status
            if gekregen != verwacht[kolom]:
                afwijkingen.append((app_name, method, template, kolom, verwacht[kolom], status))
            if status in (401, 403, 404):
                assert response.headers["content-type"] == "application/problem+json"
    assert afwijkingen == []


def test_every_route_of_the_jwt_apps_is_in_the_matrix(regio_settings: PlatformSettings) -> None:
    """The guard: a new route without a row in the matrix fails here; DUO is excluded by
    name, every other service with a composition root is covered."""
    diensten = {p.parent.name for p in (REPO / "services").glob("*/main.py")}
    assert diensten == set(FACTORIES) | set(UITGESLOTEN), "a service is neither in nor out"
    for name, factory in FACTORIES.items():
        app = factory(regio_settings)
        try:
            routes = routes_of(app)
        finally:
            app.state.application.close()
        missing = routes - set(MATRIX[name])
        gone = set(MATRIX[name]) - routes
        assert not missing, f"{name}: routes without a row in the authorisation matrix: {missing}"
        assert not gone, f"{name}: rows for routes that no longer exist: {gone}"
