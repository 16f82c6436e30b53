"""A life: an asielstatushouder whose obligation starts in the AZC, months before the
gemeente can act. DUO gives notice when the COA links the person to the gemeente (SS101),
and again when the person leaves the COA (SS139: "de termijn van 10 weken ... is gestart");
the person is registered in the BRP of the gemeente days later. The ten weeks for the PIP
run from the last of these (art. 5.3 lid 1 Besluit inburgering 2021), the PIP is set in
time, and DUO's termijn and its extension (SS102, SS104) are taken over. Walked through the
HTTP APIs of the embedded platform; the clocks and the read models are checked on the way."""

from __future__ import annotations

import datetime as dt

from services.duo.simulator import Persoon
from shared.auth import Rol
from tests.scenarios.leven import INTAKE, PIP, PROJECTIES, Platform, ok

BSN = "999990019"
START_AZC = dt.date(2025, 9, 1)  # the permit: the obligation starts, in the AZC
GEKOPPELD = dt.date(2025, 10, 1)  # DUO's first kennisgeving (SS101)
UIT_COA = dt.date(2025, 11, 20)  # DUO's new kennisgeving on leaving the COA (SS139)
BRP = dt.date(2025, 11, 24)  # registered in the BRP of the gemeente
OUDE_UITERSTE = START_AZC + dt.timedelta(weeks=10)  # 2025-11-10: the old, wrong deadline
UITERSTE = BRP + dt.timedelta(weeks=10)  # 2026-02-02


def test_an_asielstatushouder_from_the_azc_gets_her_pip_within_ten_weeks_of_leaving_the_coa(
    leven: Platform,
) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021 and art. 15 Wi2021: ten weeks after DUO's
    kennisgeving, or after the BRP registration when that is later; DUO Gebeurtenissen SS139
    (also when the person leaves the COA); art. 11 and 12 Wi2021 with SS102/SS104: the
    termijn and its extension as DUO decides them."""
    simulator = leven.duo_simulator()
    persoon = Persoon(
        start_inburgeringsplicht=START_AZC,
        asielmigrant=True,
        naam="Rahel Tesfay",
        geboortedatum=dt.date(1996, 4, 12),
        datum_kennisgeving=GEKOPPELD,
        gedetailleerde_doelgroep="Asielstatushouder",
    )
    simulator.ken_persoon(BSN, persoon)

    # Linked to the gemeente while still in the AZC: DUO's first kennisgeving.
    leven.zet_klok(GEKOPPELD)
    leven.duo_notificatie("SS101", BSN, "2025-10-01T10:00:00+02:00")
    leven.verwerk()
    [gevonden] = ok(
        leven.client.post(f"{INTAKE}/inburgeraar-zoekvragen", json={"bsn": BSN}, headers=leven.kr())
    )["resultaten"]
    inburgeraar_id = str(gevonden["id"])
    intake_url = f"{INTAKE}/inburgeraars/{inburgeraar_id}"
    inburgeraar = ok(leven.client.get(intake_url, headers=leven.kr()))
    assert inburgeraar["datumStartInburgeringsplicht"] == START_AZC.isoformat()
    assert inburgeraar["datumKennisgeving"] == GEKOPPELD.isoformat()
    assert inburgeraar["uitersteDatumPip"] == "2025-12-10"
    assert leven.caseloadregel(inburgeraar_id)["uitersteDatumPip"] == "2025-12-10"

    # Leaves the COA: DUO's SS139 with a new kennisgeving, then the BRP registration.
    leven.zet_klok(UIT_COA)
    persoon.datum_kennisgeving = UIT_COA
    leven.duo_notificatie("SS139", BSN, "2025-11-20T10:00:00+01:00")
    leven.verwerk()
    assert ok(leven.client.get(intake_url, headers=leven.kr()))["uitersteDatumPip"] == (
        "2026-01-29"
    )
    leven.zet_klok(BRP)
    versie = ok(leven.client.get(intake_url, headers=leven.kr()))["versie"]
    headers = {**leven.kr(), "If-Match": f'"{versie}"'}
    vestiging = {"vestigingsdatum": BRP.isoformat()}
    ok(leven.client.put(f"{intake_url}/vestiging", json=vestiging, headers=headers))
    leven.verwerk()
    regel = leven.caseloadregel(inburgeraar_id)
    assert regel["uitersteDatumPip"] == UITERSTE.isoformat()
    assert regel["datumStartInburgeringsplicht"] == START_AZC.isoformat()

    # The old deadline (start + ten weeks) and the first one (GEKOPPELD + ten weeks) pass:
    # no "te laat" signal.
    for dag in (OUDE_UITERSTE + dt.timedelta(days=1), dt.date(2025, 12, 11)):
        leven.zet_klok(dag)
        leven.verwerk()
        assert "pip_termijn_verstreken" not in leven.signalen(inburgeraar_id)
    assert leven.caseloadregel(inburgeraar_id)["dagenTotPip"] == (UITERSTE - dag).days

    # The brede intake; IntakeAfgerond carries the deadline to the concept-PIP.
    leven.zet_klok(dt.date(2026, 1, 5))
    leven.brede_intake(inburgeraar_id, gespreksdatum="2025-12-15", afrondingsdatum="2026-01-05")
    leven.verwerk()
    concept = leven.pip(inburgeraar_id)
    assert (concept["status"], concept["uitersteDatumPip"]) == ("concept", UITERSTE.isoformat())

    # Set on the last day of the ten weeks: in time.
    leven.zet_klok(UITERSTE)
    vastgesteld = leven.stel_vast(inburgeraar_id, dagtekening=UITERSTE.isoformat())
    assert vastgesteld["binnenTienWeken"] is True
    assert vastgesteld["uitersteDatumPip"] == UITERSTE.isoformat()
    termijn = vastgesteld["inburgeringstermijn"]
    assert (termijn["startdatum"], termijn["einddatum"]) == ("2026-02-03", "2029-02-02")
    leven.verwerk()
    leven.zet_klok(UITERSTE + dt.timedelta(days=1))
    leven.verwerk()
    assert "pip_termijn_verstreken" not in leven.signalen(inburgeraar_id)
    regel = leven.caseloadregel(inburgeraar_id)
    assert (regel["pipDagtekening"], regel["eindeTermijn"]) == (
        UITERSTE.isoformat(),
        "2029-02-02",
    )
    [cohort] = ok(
        leven.client.get(
            f"{PROJECTIES}/gemeenten/GM0222/monitoring",
            params={"cohort": 2025},
            headers=leven.kr(rol=Rol.BELEIDSMEDEWERKER),
        )
    )["cohorten"]
    assert (cohort["eerstePips"], cohort["eerstePipsBinnenTienWeken"]) == (1, 1)

    # DUO starts the termijn (SS102) as the platform counted it, then extends it (SS104);
    # DUO's einddatum is exclusive, the platform's einde is the last day.
    persoon.termijn_start = dt.date(2026, 2, 3)
    persoon.termijn_einde = dt.date(2029, 2, 3)
    leven.duo_notificatie("SS102", BSN, "2026-02-04T10:00:00+01:00")
    leven.verwerk()
    simulator.verleng_termijn(BSN, dt.date(2029, 8, 3), "ZIE", "Ziekte", dt.date(2026, 2, 4))
    leven.duo_notificatie("SS104", BSN, "2026-02-04T11:00:00+01:00")
    leven.verwerk()
    pip = leven.pip(inburgeraar_id)
    assert pip["inburgeringstermijn"]["einddatum"] == "2029-08-02"
    assert leven.caseloadregel(inburgeraar_id)["eindeTermijn"] == "2029-08-02"
    assert (
        ok(leven.client.get(f"{PIP}/pips/{pip['id']}", headers=leven.kr()))["binnenTienWeken"]
        is True
    )
