"""The gemeente read models' query API: filters, sorting and pages as the services' APIs
have them, how far the model has caught up in every response (so a client can wait for its
own write), and who may read what."""

from __future__ import annotations

import re
from typing import Any

import pytest

from services.intake.domainmodel import Doelgroep
from shared.auth import Rol
from shared.clock import FrozenClock
from tests.projections.conftest import API, DAAR, HIER, Keten, verhaal

CASELOAD = f"/gemeenten/{HIER}/caseload"
SIGNALEN = f"/gemeenten/{HIER}/signalen"
MONITORING = f"/gemeenten/{HIER}/monitoring"


def tot(keten: Keten, clock: FrozenClock, stap: str) -> None:
    """The story up to `stap`, projected at every step."""
    for gezet in verhaal(keten, clock):
        keten.projecteer()
        if gezet == stap:
            return
    raise AssertionError(stap)


def namen(keten: Keten, body: dict[str, Any], key: str = "caseload") -> list[str]:
    naam = {str(i): n for n, i in keten.ids.items()}
    return [naam[r["inburgeraarId"]] for r in body[key]]


@pytest.fixture
def begin(keten: Keten, clock: FrozenClock) -> Keten:
    tot(keten, clock, "begin")
    return keten


def test_the_caseload_filters_on_status_route_doelgroep_klantregisseur_and_ontzorging(
    begin: Keten,
) -> None:
    def gefilterd(**params: Any) -> set[str]:
        return set(namen(begin, begin.get(CASELOAD, **params)))

    assert gefilterd(status="pip_vastgesteld") == {"Gijs", "Farah", "Amal"}
    assert gefilterd(status=["intake", "geregistreerd"]) == {"Bilal", "Hana"}
    assert gefilterd(leerroute="z") == {"Farah"}
    assert gefilterd(doelgroep="gezinsmigrant") == {"Farah", "Chen"}
    assert gefilterd(klantregisseur="kr-2") == {"Gijs", "Bilal"}
    assert gefilterd(ontzorgingStatus="ontzorgd") == {"Amal"}
    assert gefilterd(status="pip_vastgesteld", klantregisseur="kr-1") == {"Farah", "Amal"}
    assert gefilterd(klantregisseur="niemand") == set()


def test_the_caseload_sorts_on_any_listed_field_with_empty_values_last(begin: Keten) -> None:
    assert namen(begin, begin.get(CASELOAD, sorteer="naam")) == sorted(
        ["Gijs", "Farah", "Amal", "Bilal", "Chen", "Hana"]
    )
    assert namen(begin, begin.get(CASELOAD, sorteer="-naam"))[:2] == ["Hana", "Gijs"]
    # Days left to set the PIP: Chen 5, Bilal 35, Hana 67; who has a PIP comes last.
    assert namen(begin, begin.get(CASELOAD, sorteer="dagenTotPip"))[:3] == ["Chen", "Bilal", "Hana"]
    assert namen(begin, begin.get(CASELOAD, sorteer="-dagenTotPip"))[:3] == [
        "Hana",
        "Bilal",
        "Chen",
    ]
    # By default the nearest deadline first.
    assert namen(begin, begin.get(CASELOAD))[:3] == ["Chen", "Bilal", "Hana"]
    assert namen(begin, begin.get(CASELOAD, sorteer="status,-naam")) == [
        "Hana",
        "Bilal",
        "Chen",
        "Gijs",
        "Farah",
        "Amal",
    ]


def test_the_caseload_comes_in_pages_with_links(begin: Keten) -> None:
    pages = [begin.get(CASELOAD, sorteer="naam", paginaGrootte=4, pagina=n) for n in (1, 2, 3)]
    assert [p["totaal"] for p in pages] == [6, 6, 6]
    assert [namen(begin, p) for p in pages] == [
        ["Amal", "Bilal", "Chen", "Farah"],
        ["Gijs", "Hana"],
        [],
    ]
    first, second, _ = (p["_links"] for p in pages)
    assert first["prev"] is None and second["next"] is None
    assert (
        re.search(r"pagina=2\b", first["next"]["href"]) and "sorteer=naam" in first["next"]["href"]
    )
    assert re.search(r"pagina=1\b", second["prev"]["href"])
    assert re.search(r"pagina=2\b", second["self"]["href"])
    assert (pages[0]["pagina"], pages[0]["paginaGrootte"]) == (1, 4)


def problem(keten: Keten, path: str, code: int, **params: Any) -> dict[str, Any]:
    response = keten.client.get(f"{API}{path}", params=params, headers=keten.headers())
    assert response.status_code == code, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


def test_a_bad_sort_field_or_filter_is_a_400_naming_it(begin: Keten) -> None:
    fout = problem(begin, CASELOAD, 400, sorteer="-geboortedatum,naam,bsn")
    [param] = fout["invalidParams"]
    assert param["name"] == "sorteer"
    assert "'geboortedatum'" in param["reason"] and "'bsn'" in param["reason"]
    assert "volgendeDeadline" in param["reason"], "the allowed fields are named"
    [param] = problem(begin, SIGNALEN, 400, sorteer="naam")["invalidParams"]
    assert (param["name"], "'naam'" in param["reason"]) == ("sorteer", True)
    fout = problem(begin, CASELOAD, 400, status="klaar", paginaGrootte=101, pagina=0)
    # A repeatable filter names the value too: status.0 is the first status given.
    assert {p["name"] for p in fout["invalidParams"]} == {"status.0", "paginaGrootte", "pagina"}
    [param] = problem(begin, SIGNALEN, 400, soort=["geen_voortgang", "alles"])["invalidParams"]
    assert param["name"] == "soort.1"
    [param] = problem(begin, MONITORING, 400, cohort="vorig jaar")["invalidParams"]
    assert param["name"] == "cohort"
    assert problem(begin, "/gemeenten/GM9999/caseload", 400)["invalidParams"][0]["name"] == (
        "gemeentecode"
    )


def test_every_response_says_how_far_the_model_has_caught_up(
    begin: Keten, clock: FrozenClock
) -> None:
    """`meta.positie` per source and `meta.achterstand`, and the same in X-Positie and
    X-Achterstand: a client that registered someone waits until the intake log's position
    reaches its event's sequence, and then finds the person."""
    heads = {
        f"log:{app.name}": app.recorder.max_notification_id()
        for app in (begin.intake, begin.pip, begin.ontzorging)
    }
    for path in (CASELOAD, SIGNALEN, MONITORING):
        response = begin.client.get(f"{API}{path}", headers=begin.headers())
        assert response.json()["meta"] == {"positie": heads, "achterstand": 0, "generatie": 1}
        assert response.headers["x-achterstand"] == "0"
        assert response.headers["x-positie"] == ", ".join(
            f"{s}={p}" for s, p in sorted(heads.items())
        )

    begin.registreer("Ivo", HIER, Doelgroep.GEZINSMIGRANT, clock.today())
    sequence = begin.intake.recorder.max_notification_id()
    meta = begin.get(CASELOAD)["meta"]
    assert meta["positie"] == heads
    assert meta["achterstand"] == sequence - heads["log:IntakeApplication"] > 0
    assert "Ivo" not in begin.caseload()

    rondes = 0
    while begin.get(CASELOAD)["meta"]["positie"]["log:IntakeApplication"] < sequence:
        assert rondes < 3
        begin.projecteer()
        rondes += 1
    assert begin.caseload()["Ivo"]["status"] == "geregistreerd"
    assert begin.get(CASELOAD)["meta"]["achterstand"] == 0


def test_the_signals_filter_sort_and_page(keten: Keten, clock: FrozenClock) -> None:
    tot(keten, clock, "ontzorging voorbij, gemeld")
    alle = keten.get(SIGNALEN, paginaGrootte=100)
    assert alle["totaal"] == 6
    # By default the longest open first.
    assert [s["sinds"] for s in alle["signalen"]] == sorted(s["sinds"] for s in alle["signalen"])
    assert namen(keten, alle, "signalen")[0] == "Bilal"
    voortgang = keten.get(SIGNALEN, soort="geen_voortgang", sorteer="-sinds")
    assert namen(keten, voortgang, "signalen") == ["Chen", "Amal", "Farah"]
    mijn = keten.get(SIGNALEN, klantregisseur="kr-1", sorteer="soort,inburgeraarId")
    assert {s["soort"] for s in mijn["signalen"]} == {
        "geen_voortgang",
        "ontzorgingsperiode_afgelopen",
    }
    assert set(namen(keten, mijn, "signalen")) == {"Amal", "Farah"}
    amal = keten.get(SIGNALEN, inburgeraarId=str(keten.ids["Amal"]), sorteer="soort")
    assert [(s["soort"], s["bron"]) for s in amal["signalen"]] == [
        ("geen_voortgang", "berekend"),
        ("ontzorgingsperiode_afgelopen", "event"),
    ]
    [eerste, tweede] = (keten.get(SIGNALEN, paginaGrootte=4, pagina=n) for n in (1, 2))
    assert len(eerste["signalen"]) == 4 and len(tweede["signalen"]) == 2
    assert eerste["signalen"] + tweede["signalen"] == alle["signalen"]
    assert eerste["_links"]["next"] and tweede["_links"]["next"] is None


def status(keten: Keten, path: str, **headers: str) -> int:
    return keten.client.get(f"{API}{path}", headers=headers).status_code


def test_who_may_read_what(begin: Keten) -> None:
    """A token for the gemeente; the names and the signals are for the klantregisseur and
    the teamleider, the figures also for the beleidsmedewerker; another gemeente is 403."""
    for path in (CASELOAD, SIGNALEN, MONITORING):
        assert status(begin, path) == 401
        assert status(begin, path, Authorization="Bearer nonsense") == 401
        for rol in (Rol.KLANTREGISSEUR, Rol.TEAMLEIDER):
            assert status(begin, path, **begin.headers(rol)) == 200
        elders = begin.headers(Rol.KLANTREGISSEUR, gemeenten=["GM0363"])
        assert status(begin, path, **elders) == 403
        assert status(begin, path, **begin.headers(Rol.INTEGRATOR)) == 403
    beleid = begin.headers(Rol.BELEIDSMEDEWERKER)
    assert status(begin, CASELOAD, **beleid) == 403
    assert status(begin, SIGNALEN, **beleid) == 403
    assert status(begin, MONITORING, **beleid) == 200
    response = begin.client.get(f"{API}{CASELOAD}", headers=begin.headers())
    assert response.headers["cache-control"] == "no-store", "names are personal data"
    daar = begin.headers(Rol.KLANTREGISSEUR, gemeenten=[DAAR])
    assert status(begin, f"/gemeenten/{DAAR}/caseload", **daar) == 200
    assert status(begin, CASELOAD, **daar) == 403


CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
KEBAB = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)*|\{[a-zA-Z_]+\})$")


def test_the_api_follows_the_design_rules(begin: Keten) -> None:
    """NL API Design Rules (standards.md §2) on this module's endpoints: OpenAPI public,
    kebab-case paths under /api/v1, lowerCamelCase query keys and properties (HAL's `_links`
    apart), no trailing-slash redirect, the API-Version header."""
    response = begin.client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    spec = response.json()
    eigen = {
        f"/api/v1/gemeenten/{{gemeentecode}}/{m}" for m in ("caseload", "signalen", "monitoring")
    }
    assert eigen <= set(spec["paths"])
    for path in eigen:
        for segment in path.removeprefix("/api/v1/").split("/"):
            assert KEBAB.match(segment), path
        for operation in spec["paths"][path].values():
            for parameter in operation.get("parameters", []):
                assert parameter["in"] != "query" or CAMEL.match(parameter["name"]), parameter
    for name in ("Caseload", "CaseloadRegel", "Signalen", "SignaalRegel", "Monitoring", "Cohort"):
        for prop in spec["components"]["schemas"][name]["properties"]:
            assert prop == "_links" or CAMEL.match(prop), f"{name}.{prop}"
    assert begin.client.get(f"{API}{CASELOAD}/", headers=begin.headers()).status_code == 404
    assert response.headers["api-version"] == spec["info"]["version"]
