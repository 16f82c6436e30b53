"""Lives of an ontzorging (art. 56a and 57 Participatiewet), walked through the HTTP APIs:
six months from the start of the bijstand, a maatwerk choice of posts, a voluntary
continuation with consent, afbouw and financial self-reliance; a PIP that comes after the six
months; a refused payment authorisation. Each step asserts the clocks and the caseload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.scenarios.leven import ONTZORGING, PROJECTIES, Platform, ok

D = dt.date
IBAN_HUUR = "NL91ABNA0417164300"
IBAN_ZORG = "NL39RABO0300065264"
HUUR, ZORG = 65_000, 14_500


def ontzorging_van(leven: Platform, inburgeraar_id: str) -> dict[str, Any]:
    [gevonden] = ok(
        leven.client.get(
            f"{ONTZORGING}/ontzorgingen",
            params={"inburgeraarId": inburgeraar_id},
            headers=leven.kr(),
        )
    )
    return dict(gevonden)


def opdracht(
    leven: Platform, o: dict[str, Any], pad: str, body: dict[str, Any], methode: str = "post"
) -> Any:
    """A command on the ontzorging with If-Match on the version just read."""
    headers = {**leven.kr(), "If-Match": f'"{o["versie"]}"'}
    url = f"{ONTZORGING}/ontzorgingen/{o['id']}/{pad}"
    return getattr(leven.client, methode)(url, json=body, headers=headers)


def betaal(leven: Platform, o: dict[str, Any], maand: str, post: str, bedrag: int, op: D) -> Any:
    body = {"maand": maand, "post": post, "bedragCent": bedrag, "betaaldatum": op.isoformat()}
    return opdracht(leven, o, "betalingen", body)


def caseload_regel(leven: Platform, inburgeraar_id: str) -> dict[str, Any]:
    leven.verwerk()
    caseload = ok(leven.client.get(f"{PROJECTIES}/gemeenten/GM0222/caseload", headers=leven.kr()))[
        "caseload"
    ]
    [regel] = [r for r in caseload if r["inburgeraarId"] == inburgeraar_id]
    return dict(regel)


def signalen(leven: Platform, inburgeraar_id: str) -> dict[str, dict[str, Any]]:
    leven.verwerk()
    gevonden = ok(
        leven.client.get(
            f"{PROJECTIES}/gemeenten/GM0222/signalen",
            params={"inburgeraarId": inburgeraar_id},
            headers=leven.kr(),
        )
    )["signalen"]
    return {s["soort"]: s for s in gevonden}


def met_ontzorging(leven: Platform, startdatum_bijstand: str, **registratie: Any) -> str:
    """Register, run the brede intake and set a PIP on 5 January 2026 that decides to ontzorg."""
    leven.zet_klok(D(2026, 1, 5))
    start = registratie.get("datumStartInburgeringsplicht", "2025-12-01")
    inburgeraar_id = leven.registreer(**({"datumKennisgeving": start} | registratie))
    leven.brede_intake(inburgeraar_id)
    leven.verwerk()
    leven.stel_vast(
        inburgeraar_id,
        ontzorging=True,
        startdatumBijstand=startdatum_bijstand,
        verblijfsvergunningAsielBepaaldeTijd=True,
    )
    leven.verwerk()
    return inburgeraar_id


def test_an_ontzorging_continued_voluntarily_ends_in_financial_self_reliance(
    leven: Platform,
) -> None:
    """art. 56a lid 1 Pw: six months from the start of the bijstand; secundair (Verzamelbrief
    inburgering april 2023): the gemeente chooses the posts, with a reason when it deviates;
    art. 57 Pw (secundair: Schulinck): with consent it keeps paying after the six months;
    domain.md stap 8: then afbouw and financial self-reliance."""
    inburgeraar_id = met_ontzorging(leven, "2026-01-01")

    # The PIP's decision started the ontzorging; the six months run from the bijstand.
    o = ontzorging_van(leven, inburgeraar_id)
    assert o["status"] == "ontzorgd"
    assert o["eindeOntzorgingsperiode"] == "2026-07-01"
    assert o["ontzorgingsmaanden"] == [f"2026-0{m}" for m in range(1, 7)]
    assert o["resterendeOntzorgingsmaanden"] == o["ontzorgingsmaanden"]
    assert o["ontbrekendeVasteLasten"] == [
        "huur",
        "gas",
        "elektriciteit",
        "water",
        "zorgverzekering",
    ]
    regel = caseload_regel(leven, inburgeraar_id)
    assert regel["ontzorgingStatus"] == "ontzorgd"
    assert regel["eindeOntzorgingsperiode"] == "2026-07-01"

    # Authorisation, then the gemeente's tailored choice: energy comes with the rent.
    o = ok(opdracht(leven, o, "betaalmachtiging", {"machtigingsdatum": "2026-01-05"}))
    zonder_reden = opdracht(
        leven, o, "te-betalen-posten", {"posten": ["huur", "zorgverzekering"]}, "put"
    )
    assert zonder_reden.status_code == 400
    assert zonder_reden.json()["code"] == "AfwijkingNietGemotiveerd"
    keuze = {
        "posten": ["huur", "zorgverzekering"],
        "afwijkingsreden": "Gas, water en licht zitten in de servicekosten van de huur",
    }
    o = ok(opdracht(leven, o, "te-betalen-posten", keuze, "put"))
    assert o["teBetalenPosten"] == ["huur", "zorgverzekering"]
    assert o["afwijkingsreden"].startswith("Gas, water en licht")
    assert o["ontbrekendeVasteLasten"] == ["huur", "zorgverzekering"]
    for post, iban, bedrag in (("huur", IBAN_HUUR, HUUR), ("zorgverzekering", IBAN_ZORG, ZORG)):
        body = {"crediteur": "Crediteur", "iban": iban, "bedragPerMaandCent": bedrag}
        o = ok(opdracht(leven, o, f"vaste-lasten/{post}", body, "put"))
    assert o["ontbrekendeVasteLasten"] == []

    # Six months of payments, each on the first of its month.
    for maand in o["ontzorgingsmaanden"]:
        dag = D.fromisoformat(f"{maand}-01")
        leven.zet_klok(max(dag, D(2026, 1, 5)))
        o = ok(betaal(leven, o, maand, "huur", HUUR, max(dag, D(2026, 1, 5))))
        o = ok(betaal(leven, o, maand, "zorgverzekering", ZORG, max(dag, D(2026, 1, 5))))
    assert len(o["betalingen"]) == 12
    assert "ontzorgingsperiode_afgelopen" not in signalen(leven, inburgeraar_id)

    # The six months are over: the timer signals it, the werkvoorraad shows it.
    leven.zet_klok(D(2026, 7, 1))
    open_ = signalen(leven, inburgeraar_id)
    assert open_["ontzorgingsperiode_afgelopen"]["datum"] == "2026-07-01"
    assert open_["ontzorgingsperiode_afgelopen"]["bron"] == "event"
    o = ontzorging_van(leven, inburgeraar_id)
    te_laat = betaal(leven, o, "2026-07", "huur", HUUR, D(2026, 7, 1))
    assert te_laat.status_code == 400
    assert te_laat.json()["code"] == "BetalingBuitenOntzorgingsperiode"

    # Voluntary continuation: only with consent, until 30 September.
    geen_instemming = opdracht(
        leven,
        o,
        "vrijwillige-voortzetting",
        {"instemmingGegeven": False, "instemmingsdatum": "2026-07-01"},
    )
    assert geen_instemming.status_code == 400
    assert geen_instemming.json()["code"] == "InstemmingOntbreekt"
    o = ok(
        opdracht(
            leven,
            o,
            "vrijwillige-voortzetting",
            {
                "instemmingGegeven": True,
                "instemmingsdatum": "2026-07-01",
                "einddatum": "2026-09-30",
            },
        )
    )
    assert o["status"] == "vrijwillig_voortgezet"
    assert o["vrijwilligeVoortzetting"] == {
        "instemmingsdatum": "2026-07-01",
        "ingangsdatum": "2026-07-01",
        "einddatum": "2026-09-30",
    }
    regel = caseload_regel(leven, inburgeraar_id)
    assert regel["ontzorgingStatus"] == "vrijwillig_voortgezet"
    assert regel["eindeOntzorgingsperiode"] == "2026-07-01"
    assert regel["volgendeDeadline"] == {"soort": "vrijwillige_ontzorging", "datum": "2026-09-30"}
    assert "ontzorgingsperiode_afgelopen" not in signalen(leven, inburgeraar_id)

    # A payment after the six months, under the continuation, is accepted.
    o = ok(betaal(leven, o, "2026-07", "huur", HUUR, D(2026, 7, 1)))
    o = ok(betaal(leven, o, "2026-07", "zorgverzekering", ZORG, D(2026, 7, 1)))

    # Afbouw: from August the inburgeraar pays the rent himself.
    leven.zet_klok(D(2026, 8, 1))
    o = ok(opdracht(leven, o, "afbouw", {"startdatum": "2026-08-01", "posten": ["huur"]}))
    assert o["status"] == "afbouw"
    zelf = betaal(leven, o, "2026-08", "huur", HUUR, D(2026, 8, 1))
    assert zelf.status_code == 400
    assert zelf.json()["code"] == "PostZelfBetaald"
    o = ok(betaal(leven, o, "2026-08", "zorgverzekering", ZORG, D(2026, 8, 1)))
    assert caseload_regel(leven, inburgeraar_id)["ontzorgingStatus"] == "afbouw"

    # Financially self-reliant: the case closes, no deadline or signal of it remains.
    leven.zet_klok(D(2026, 9, 15))
    body = {"vaststellingsdatum": "2026-09-15"}
    o = ok(opdracht(leven, o, "financiele-zelfredzaamheid", body))
    assert o["status"] == "financieel_zelfredzaam"
    regel = caseload_regel(leven, inburgeraar_id)
    assert regel["ontzorgingStatus"] == "financieel_zelfredzaam"
    assert regel["volgendeDeadline"]["soort"] == "inburgeringstermijn"
    assert not {"ontzorgingsperiode_afgelopen", "betaalmachtiging_geweigerd"} & set(
        signalen(leven, inburgeraar_id)
    )


def test_a_pip_after_the_six_months_of_bijstand_finds_none_of_them_left(leven: Platform) -> None:
    """art. 56a lid 1 Pw: the six months are the bijstand's first, whatever the date of the
    PIP; a later PIP does not move them. Only a voluntary continuation (art. 57 Pw) can make
    the gemeente pay after them."""
    inburgeraar_id = met_ontzorging(leven, "2025-06-01", datumStartInburgeringsplicht="2025-05-01")
    o = ontzorging_van(leven, inburgeraar_id)
    assert o["eindeOntzorgingsperiode"] == "2025-12-01"
    assert o["resterendeOntzorgingsmaanden"] == []
    open_ = signalen(leven, inburgeraar_id)
    assert open_["ontzorgingsperiode_afgelopen"]["datum"] == "2025-12-01"
    regel = caseload_regel(leven, inburgeraar_id)
    assert regel["ontzorgingStatus"] == "ontzorgd"
    assert regel["eindeOntzorgingsperiode"] == "2025-12-01"

    o = ok(opdracht(leven, o, "betaalmachtiging", {"machtigingsdatum": "2026-01-05"}))
    body = {"crediteur": "Woonstichting", "iban": IBAN_HUUR, "bedragPerMaandCent": HUUR}
    o = ok(opdracht(leven, o, "vaste-lasten/huur", body, "put"))
    te_laat = betaal(leven, o, "2026-01", "huur", HUUR, D(2026, 1, 5))
    assert te_laat.status_code == 400
    assert te_laat.json()["code"] == "BetalingBuitenOntzorgingsperiode"

    o = ok(
        opdracht(
            leven,
            o,
            "vrijwillige-voortzetting",
            {"instemmingGegeven": True, "instemmingsdatum": "2026-01-05"},
        )
    )
    assert o["vrijwilligeVoortzetting"]["ingangsdatum"] == "2026-01-05"
    assert o["vrijwilligeVoortzetting"]["einddatum"] is None
    ok(betaal(leven, o, "2026-01", "huur", HUUR, D(2026, 1, 5)))
    regel = caseload_regel(leven, inburgeraar_id)
    assert regel["ontzorgingStatus"] == "vrijwillig_voortgezet"
    assert "ontzorgingsperiode_afgelopen" not in signalen(leven, inburgeraar_id)


def test_a_refused_authorisation_is_recorded_and_stops_direct_payment(leven: Platform) -> None:
    """art. 56a Pw: paying on the inburgeraar's behalf needs his machtiging; a refusal is
    recorded, nothing is paid directly, and the werkvoorraad shows it (the gemeente may lower
    the bijstand, art. 18 lid 2 Pw; secundair: Schulinck). A later machtiging clears it."""
    inburgeraar_id = met_ontzorging(leven, "2026-01-01")
    o = ontzorging_van(leven, inburgeraar_id)
    body = {"crediteur": "Woonstichting", "iban": IBAN_HUUR, "bedragPerMaandCent": HUUR}
    o = ok(opdracht(leven, o, "vaste-lasten/huur", body, "put"))

    leven.zet_klok(D(2026, 1, 8))
    o = ok(opdracht(leven, o, "betaalmachtiging-weigering", {"weigeringsdatum": "2026-01-08"}))
    assert o["status"] == "betaalmachtiging_geweigerd"
    assert o["betaalmachtigingGeweigerdOp"] == "2026-01-08"
    geweigerd = betaal(leven, o, "2026-01", "huur", HUUR, D(2026, 1, 8))
    assert geweigerd.status_code == 400
    assert geweigerd.json()["code"] == "BetaalmachtigingOntbreekt"
    assert "geweigerd" in geweigerd.json()["detail"]

    regel = caseload_regel(leven, inburgeraar_id)
    assert regel["ontzorgingStatus"] == "betaalmachtiging_geweigerd"
    assert regel["eindeOntzorgingsperiode"] == "2026-07-01"
    open_ = signalen(leven, inburgeraar_id)
    assert open_["betaalmachtiging_geweigerd"]["datum"] == "2026-01-08"
    assert open_["betaalmachtiging_geweigerd"]["sinds"] == "2026-01-08"

    # He gives it after all: the refusal is cleared and the rent is paid.
    leven.zet_klok(D(2026, 1, 20))
    o = ok(opdracht(leven, o, "betaalmachtiging", {"machtigingsdatum": "2026-01-20"}))
    assert o["status"] == "ontzorgd"
    assert o["betaalmachtigingGeweigerdOp"] is None
    ok(betaal(leven, o, "2026-01", "huur", HUUR, D(2026, 1, 20)))
    assert caseload_regel(leven, inburgeraar_id)["ontzorgingStatus"] == "ontzorgd"
    assert "betaalmachtiging_geweigerd" not in signalen(leven, inburgeraar_id)
