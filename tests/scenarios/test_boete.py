"""A no-show that becomes a fine, an objection and its decision, walked through the HTTP APIs
of the embedded platform (issue 13, "Fines and decisions").

No fine is ever imposed by the platform itself: a second no-show is a proposal to the
klantregisseur (art. 29 Wi2021); the fine is a beschikking taken after the person was heard
(art. 5:53 Awb) and judged to blame (art. 5:41 Awb), sent on a known day, with six weeks to
object (art. 6:7, 6:8 Awb, moved past a holiday by art. 1 Atw) and six weeks to decide on the
objection (art. 7:10 Awb). An upheld objection herroept the fine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.scenarios.leven import Platform, ok

VOORSTEL_1 = "boetevoorstellen/1"
HANDHAVING = {"boetevoorstel_open", "boete_opgelegd", "bezwaar_open", "nieuw_pip_nodig"}


def signalen(leven: Platform, inburgeraar_id: str) -> dict[str, str]:
    """The open signals about fines, objections and decisions (others have their own tests)."""
    return {k: v for k, v in leven.signalen(inburgeraar_id).items() if k in HANDHAVING}


def inburgeraar(leven: Platform, inburgeraar_id: str) -> dict[str, Any]:
    return dict(
        ok(leven.client.get(f"/intake/api/v1/inburgeraars/{inburgeraar_id}", headers=leven.kr()))
    )


def test_a_second_no_show_becomes_a_fine_after_hearing_and_an_upheld_objection_herroept_it(
    leven: Platform,
) -> None:
    """art. 29 Wi2021; art. 5:53, 5:41, 3:41, 6:7, 6:8, 6:9, 7:10 lid 1, 7:11 Awb; art. 1 Atw."""
    leven.zet_klok(dt.date(2026, 3, 2))
    amal = leven.registreer()

    # First no-show: a warning with a new invitation, no proposal.
    eerste = ok(
        leven.post_intake(
            amal, "niet-verschenen", {"datum": "2026-02-16", "nieuweUitnodiging": "2026-02-23"}
        ),
        201,
    )
    assert eerste["nietVerschenen"][-1]["gevolg"] == "waarschuwing"
    assert eerste["boetevoorstellen"] == []

    # Second no-show: a proposal with the legal maximum, nothing owed yet.
    tweede = ok(leven.post_intake(amal, "niet-verschenen", {"datum": "2026-02-23"}), 201)
    [voorstel] = tweede["boetevoorstellen"]
    assert voorstel["status"] == "open"
    assert voorstel["datumVoorstel"] == "2026-03-02"
    assert (voorstel["voorgesteldBedragEuro"], voorstel["maximumBedragEuro"]) == (250, 800)
    assert voorstel["zienswijzeVerplicht"] is True
    assert tweede["boetes"] == []
    leven.verwerk()
    assert signalen(leven, amal) == {"boetevoorstel_open": "2026-03-02"}

    # No beschikking before the person was heard (a fine above EUR 340 can be imposed).
    te_vroeg = leven.post_intake(
        amal,
        f"{VOORSTEL_1}/beschikking",
        {
            "bedragEuro": 250,
            "verwijtbaarheid": "verwijtbaar",
            "dagtekening": "2026-03-02",
            "verzenddatum": "2026-03-02",
        },
    )
    assert te_vroeg.status_code == 400
    assert te_vroeg.json()["code"] == "ZienswijzeNietAfgewacht"
    assert te_vroeg.json()["invalidParams"][0]["name"] == "zienswijze"

    ok(
        leven.post_intake(
            amal,
            f"{VOORSTEL_1}/zienswijzeverzoek",
            {"datum": "2026-03-02", "reactieUiterlijk": "2026-03-09"},
        ),
        201,
    )
    leven.zet_klok(dt.date(2026, 3, 6))
    ok(
        leven.post_intake(
            amal,
            f"{VOORSTEL_1}/zienswijze",
            {"datum": "2026-03-05", "samenvatting": "Was de uitnodiging kwijt; wel gebeld."},
        ),
        201,
    )

    # The beschikking: sent on Monday 16 March; six weeks end on Koningsdag (Monday 27
    # April), so the period runs on to Tuesday 28 April.
    leven.zet_klok(dt.date(2026, 3, 16))
    opgelegd = ok(
        leven.post_intake(
            amal,
            f"{VOORSTEL_1}/beschikking",
            {
                "bedragEuro": 200,
                "verwijtbaarheid": "verminderd_verwijtbaar",
                "dagtekening": "2026-03-13",
                "verzenddatum": "2026-03-16",
            },
        ),
        201,
    )
    [voorstel] = opgelegd["boetevoorstellen"]
    assert voorstel["status"] == "opgelegd"
    assert voorstel["bekendmaking"] == {
        "dagtekening": "2026-03-13",
        "verzondenOp": "2026-03-16",
        "bezwaartermijnEinde": "2026-04-28",
    }
    assert opgelegd["boetes"] == [
        {"volgnummer": 1, "bedragEuro": 200, "datumNietVerschenen": "2026-02-23"}
    ]
    leven.verwerk()
    assert signalen(leven, amal) == {"boete_opgelegd": "2026-04-28"}

    # An objection received on the last day is in time; the decision is due six weeks later.
    leven.zet_klok(dt.date(2026, 4, 28))
    bezwaar = ok(
        leven.post_intake(amal, f"{VOORSTEL_1}/bezwaar", {"ontvangenOp": "2026-04-28"}), 201
    )
    [ingediend] = bezwaar["boetevoorstellen"][0]["bezwaren"]
    assert ingediend["tijdig"] is True
    assert ingediend["beslistermijnEinde"] == "2026-06-09"
    leven.verwerk()
    assert signalen(leven, amal) == {
        "boete_opgelegd": "2026-04-28",
        "bezwaar_open": "2026-06-09",
    }

    # Gegrond: the fine is herroepen and no longer owed; the read model drops it.
    leven.zet_klok(dt.date(2026, 5, 20))
    beslist = ok(
        leven.post_intake(
            amal,
            f"{VOORSTEL_1}/bezwaar/beslissing",
            {"datum": "2026-05-20", "beslissing": "gegrond"},
        ),
        201,
    )
    [voorstel] = beslist["boetevoorstellen"]
    assert voorstel["status"] == "herroepen"
    assert voorstel["herroepenOp"] == "2026-05-20"
    assert voorstel["bezwaren"][0]["beslissing"] == "gegrond"
    assert beslist["boetes"] == []
    leven.verwerk()
    assert signalen(leven, amal) == {}

    # A third no-show, and a proposal dismissed: the person was in hospital (not to blame).
    derde = ok(leven.post_intake(amal, "niet-verschenen", {"datum": "2026-05-18"}), 201)
    assert derde["boetevoorstellen"][1]["status"] == "open"
    leven.verwerk()
    assert signalen(leven, amal) == {"boetevoorstel_open": "2026-05-20"}
    niet_verwijtbaar = leven.post_intake(
        amal,
        "boetevoorstellen/2/beschikking",
        {
            "bedragEuro": 100,
            "verwijtbaarheid": "niet_verwijtbaar",
            "dagtekening": "2026-05-20",
            "verzenddatum": "2026-05-20",
        },
    )
    assert niet_verwijtbaar.status_code == 400
    assert niet_verwijtbaar.json()["code"] in {"ZienswijzeNietAfgewacht", "NietVerwijtbaarBeboet"}
    afgewezen = ok(
        leven.post_intake(
            amal,
            "boetevoorstellen/2/afwijzing",
            {
                "datum": "2026-05-20",
                "reden": "niet_verwijtbaar",
                "toelichting": "Opgenomen in het ziekenhuis op de dag van de afspraak.",
            },
        ),
        201,
    )
    assert afgewezen["boetevoorstellen"][1]["status"] == "afgewezen"
    assert afgewezen["boetes"] == []
    leven.verwerk()
    assert signalen(leven, amal) == {}
    assert inburgeraar(leven, amal)["versie"] == afgewezen["versie"]


def test_a_broken_pip_duty_becomes_a_fine_a_late_objection_is_refused_another_ongegrond(
    leven: Platform,
) -> None:
    """art. 29 Wi2021 (PIP duties); art. 5:53 lid 3 Awb (no zienswijze within the period);
    art. 6:7, 6:8, 6:9 lid 2 (posted in time), 6:11, 7:10 lid 1 Awb; art. 1 Atw."""
    sami = leven.registreer(bsn="123456782", naam="Sami Idris")
    leven.brede_intake(sami)
    leven.verwerk()
    vastgesteld = leven.stel_vast(sami)
    pip_id = vastgesteld["id"]

    leven.zet_klok(dt.date(2026, 3, 2))
    geen_pip = leven.post_intake(
        sami,
        "pip-verplichting-niet-nagekomen",
        {
            "verplichting": "verschijnen_op_afspraak",
            "datum": "2026-02-26",
            "voorgesteldBedragEuro": 300,
        },
    )
    assert geen_pip.status_code == 400
    assert geen_pip.json()["invalidParams"][0]["name"] == "pipId"
    boven_maximum = leven.post_intake(
        sami,
        "pip-verplichting-niet-nagekomen",
        {
            "pipId": pip_id,
            "verplichting": "verschijnen_op_afspraak",
            "datum": "2026-02-26",
            "voorgesteldBedragEuro": 801,
        },
    )
    assert boven_maximum.status_code == 400
    assert boven_maximum.json()["code"] == "BoetebedragOngeldig"
    assert boven_maximum.json()["invalidParams"][0]["name"] == "voorgesteldBedragEuro"
    assert inburgeraar(leven, sami)["boetevoorstellen"] == [], "nothing stored half-written"

    voorstel = ok(
        leven.post_intake(
            sami,
            "pip-verplichting-niet-nagekomen",
            {
                "pipId": pip_id,
                "verplichting": "verschijnen_op_afspraak",
                "datum": "2026-02-26",
                "voorgesteldBedragEuro": 300,
            },
        ),
        201,
    )["boetevoorstellen"][0]
    assert (voorstel["aanleiding"], voorstel["pipId"]) == (
        "pip_verplichting_niet_nagekomen",
        pip_id,
    )
    ok(
        leven.post_intake(
            sami,
            f"{VOORSTEL_1}/zienswijzeverzoek",
            {"datum": "2026-03-02", "reactieUiterlijk": "2026-03-09"},
        ),
        201,
    )
    leven.zet_klok(dt.date(2026, 3, 9))
    nog_niet = leven.post_intake(sami, f"{VOORSTEL_1}/zienswijze-afgezien", {"datum": "2026-03-09"})
    assert nog_niet.status_code == 400
    assert nog_niet.json()["code"] == "ReactietermijnLooptNog"
    leven.zet_klok(dt.date(2026, 3, 16))
    ok(leven.post_intake(sami, f"{VOORSTEL_1}/zienswijze-afgezien", {"datum": "2026-03-16"}), 201)
    ok(
        leven.post_intake(
            sami,
            f"{VOORSTEL_1}/beschikking",
            {
                "bedragEuro": 300,
                "verwijtbaarheid": "verwijtbaar",
                "dagtekening": "2026-03-16",
                "verzenddatum": "2026-03-16",
            },
        ),
        201,
    )
    leven.verwerk()
    assert signalen(leven, sami)["boete_opgelegd"] == "2026-04-28"

    # Received two days after the period, not posted in time: refused, nothing stored.
    leven.zet_klok(dt.date(2026, 4, 30))
    te_laat = leven.post_intake(sami, f"{VOORSTEL_1}/bezwaar", {"ontvangenOp": "2026-04-30"})
    assert te_laat.status_code == 400
    assert te_laat.json()["code"] == "BezwaarTeLaat"
    assert te_laat.json()["invalidParams"][0]["name"] == "ontvangenOp"
    assert inburgeraar(leven, sami)["boetevoorstellen"][0]["bezwaren"] == []

    # Posted on the last day and received within a week: in time (art. 6:9 lid 2 Awb); the
    # beslistermijn still runs from the end of the bezwaartermijn.
    ingediend = ok(
        leven.post_intake(
            sami,
            f"{VOORSTEL_1}/bezwaar",
            {"ontvangenOp": "2026-04-30", "terPostOp": "2026-04-28"},
        ),
        201,
    )["boetevoorstellen"][0]["bezwaren"][0]
    assert (ingediend["tijdig"], ingediend["beslistermijnEinde"]) == (True, "2026-06-09")
    leven.verwerk()
    assert signalen(leven, sami)["bezwaar_open"] == "2026-06-09"

    leven.zet_klok(dt.date(2026, 6, 1))
    beslist = ok(
        leven.post_intake(
            sami,
            f"{VOORSTEL_1}/bezwaar/beslissing",
            {"datum": "2026-06-01", "beslissing": "ongegrond"},
        ),
        201,
    )
    assert beslist["boetevoorstellen"][0]["status"] == "opgelegd"
    assert [b["bedragEuro"] for b in beslist["boetes"]] == [300]
    leven.verwerk()
    assert signalen(leven, sami) == {"boete_opgelegd": "2026-04-28"}


def test_an_objection_upheld_against_the_pip_asks_for_a_new_pip_until_one_is_set(
    leven: Platform,
) -> None:
    """art. 3:41, 6:7, 6:8 lid 1, 7:10 lid 1 en 7:11 lid 2 Awb: the PIP is a beschikking; an
    upheld objection means the college decides anew."""
    noor = leven.registreer(bsn="123456782", naam="Noor Said")
    leven.brede_intake(noor)
    leven.verwerk()
    leven.stel_vast(noor)
    pip = leven.pip(noor)
    zonder_verzending = leven.post_pip(pip, "bezwaar", {"ontvangenOp": "2026-01-05"})
    assert zonder_verzending.status_code == 409
    assert zonder_verzending.json()["code"] == "NietBekendgemaakt"

    verzonden = ok(leven.post_pip(pip, "verzending", {"verzenddatum": "2026-01-05"}), 201)
    assert verzonden["bekendmakingen"] == [
        {
            "pipVersie": 1,
            "dagtekening": "2026-01-05",
            "verzondenOp": "2026-01-05",
            "bezwaartermijnEinde": "2026-02-16",
        }
    ]
    leven.zet_klok(dt.date(2026, 2, 10))
    ingediend = ok(leven.post_pip(leven.pip(noor), "bezwaar", {"ontvangenOp": "2026-02-10"}), 201)
    assert ingediend["bezwaren"][0]["beslistermijnEinde"] == "2026-03-30"
    leven.verwerk()
    assert signalen(leven, noor)["bezwaar_open"] == "2026-03-30"

    leven.zet_klok(dt.date(2026, 3, 2))
    beslist = ok(
        leven.post_pip(
            leven.pip(noor), "bezwaar/beslissing", {"datum": "2026-03-02", "beslissing": "gegrond"}
        ),
        201,
    )
    assert beslist["nieuwPipNodig"] is True
    leven.verwerk()
    assert signalen(leven, noor) == {"nieuw_pip_nodig": "2026-03-02"}

    leven.stel_vast(noor, dagtekening="2026-03-02")
    assert leven.pip(noor)["nieuwPipNodig"] is False
    leven.verwerk()
    assert "nieuw_pip_nodig" not in signalen(leven, noor)
