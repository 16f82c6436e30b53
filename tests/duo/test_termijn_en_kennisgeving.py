# ruff: noqa: F811  (the keten fixture is imported from test_keten)
"""The law's clocks in the chain with DUO: DUO's kennisgeving (Inburgeringsplicht API,
datumKennisgevingInburgeringsplicht) starts the ten weeks for the PIP, a second SS139 with a
later kennisgeving moves them; SS102-SS104 fetch the termijn DUO decided (Inburgeringstermijn
API) and pip takes it over; DUO's GedetailleerdeDoelgroep keeps overige migranten apart; and
DUO's verwijtbaar rules for MAP/PVT, with its exclusive einddatum, agree with pip's guards."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import pytest

from contracts import duo as duo_contract
from contracts import intake as intake_contract
from contracts import pip as pip_contract
from services.duo import rules as duo_rules
from services.duo.client import DuoClient
from services.duo.domainmodel import AfrondingMelding
from services.duo.simulator import DuoSimulator, Persoon
from services.pip import rules as pip_rules
from services.pip.domainmodel import traject_id
from shared.clock import FrozenClock
from tests.chain.keten import VANDAAG, G
from tests.duo.conftest import GEMEENTE
from tests.duo.test_keten import (
    BSN,
    START,
    Keten,
    ingeschreven,
    keten,  # noqa: F401  (the fixture)
    rond_intake_af,
    tot_vastgestelde_pip,
)
from tests.duo.test_notificaties import notificatie

KENNISGEVING = dt.date(2025, 12, 1)
UIT_HET_COA = dt.date(2025, 12, 22)


def persoon(keten: Keten) -> Persoon:
    return keten.simulator.personen[BSN]


def test_de_kennisgeving_van_duo_komt_mee_met_de_inburgeringsplicht(
    client: DuoClient, duo: DuoSimulator
) -> None:
    """DUO Inburgeringsplicht API: datumKennisgevingInburgeringsplicht and the
    GedetailleerdeDoelgroep are read, as DUO's spec names them."""
    duo.ken_persoon(
        BSN,
        Persoon(
            start_inburgeringsplicht=START,
            asielmigrant=False,
            datum_kennisgeving=UIT_HET_COA,
            gedetailleerde_doelgroep="Overig",
        ),
    )
    plicht = client.inburgeringsplicht(GEMEENTE, BSN)
    assert plicht is not None
    assert plicht.datum_kennisgeving == UIT_HET_COA
    assert plicht.gedetailleerde_doelgroep == "Overig"
    assert plicht.doelgroep == "Gezinsmigrant en overige migrant"


def test_een_tweede_ss139_met_een_latere_kennisgeving_verschuift_de_tien_weken(
    keten: Keten,
) -> None:
    """art. 5.3 lid 1 Besluit inburgering 2021: ten weeks after DUO's kennisgeving; DUO
    Gebeurtenissen SS139 comes again when the person leaves the COA: the ten weeks start
    again from the new kennisgeving, and the concept-PIP takes the new date over."""
    persoon(keten).datum_kennisgeving = KENNISGEVING
    assert keten.bron.stuur(notificatie("SS139")).status_code == 201
    keten.draai()
    inburgeraar_id = ingeschreven(keten)
    ingeschreven_als = keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)
    assert ingeschreven_als["datum_kennisgeving"] == KENNISGEVING
    assert ingeschreven_als["uiterste_datum_pip"] == dt.date(2026, 2, 9)

    persoon(keten).datum_kennisgeving = UIT_HET_COA
    opnieuw = notificatie("SS139", registratieDatumTijd="2025-12-22T09:00:00+01:00")
    assert keten.bron.stuur(opnieuw).status_code == 201
    keten.draai()
    na = keten.apps.intake.inburgeraar(inburgeraar_id, gemeenten=G)
    assert (na["datum_kennisgeving"], na["uiterste_datum_pip"]) == (
        UIT_HET_COA,
        dt.date(2026, 3, 2),
    )
    typen = keten.typen(keten.apps.intake)
    assert typen.count(intake_contract.KENNISGEVING_ONTVANGEN) == 1
    assert typen.count(intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD) == 1

    # The same SS139 told again (a resend): nothing moves.
    assert keten.bron.stuur(opnieuw | {"registratieDatumTijd": "2025-12-23T09:00:00+01:00"})
    keten.draai()
    assert keten.typen(keten.apps.intake).count(intake_contract.KENNISGEVING_ONTVANGEN) == 1

    rond_intake_af(keten, inburgeraar_id)
    keten.draai()
    concept = keten.apps.pip.pip(traject_id(keten.gemeente, inburgeraar_id), gemeenten=G)
    assert concept["uiterste_datum_pip"] == dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("gedetailleerd", "asielmigrant", "doelgroep"),
    [
        ("Overig", False, "overige_migrant"),
        ("Geestelijk bedienaar", False, "overige_migrant"),
        ("Gezinsvormer", False, "gezinsmigrant"),
        ("Gezinshereniger met Asielstatushouder", False, "gezinsmigrant"),
        (None, False, "gezinsmigrant"),
        ("Asielstatushouder", True, "asielstatushouder"),
    ],
)
def test_duos_gedetailleerde_doelgroep_houdt_overige_migranten_apart(
    keten: Keten, gedetailleerd: str | None, asielmigrant: bool, doelgroep: str
) -> None:
    """DUO Inburgeringsplicht API (Doelgroepindeling joins gezins- and overige migranten;
    GedetailleerdeDoelgroep tells them apart); art. 2 Wi2021 names the groups."""
    persoon(keten).asielmigrant = asielmigrant
    persoon(keten).gedetailleerde_doelgroep = gedetailleerd
    assert keten.bron.stuur(notificatie("SS139")).status_code == 201
    keten.draai()
    [inburgeraar] = keten.apps.intake.zoek_op_bsn(BSN, gemeenten=G)
    assert inburgeraar["doelgroep"] == doelgroep


def test_ss103_haalt_de_verlengde_termijn_bij_duo_en_pip_neemt_hem_over(keten: Keten) -> None:
    """art. 11 and 12 Wi2021: DUO decides the termijn and extends it; DUO Gebeurtenissen
    SS102/SS103 and the Inburgeringstermijn API (einddatum exclusive): the notificatie is
    fetched, InburgeringstermijnOntvangen published, and pip takes DUO's last day over."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    pip_id = traject_id(keten.gemeente, inburgeraar_id)
    eigen = keten.apps.pip.pip(pip_id, gemeenten=G)
    start = VANDAAG + dt.timedelta(days=1)
    assert eigen["inburgeringstermijn"]["startdatum"] == start
    assert eigen["inburgeringstermijn"]["einddatum"] == dt.date(2029, 1, 5)

    # SS102: DUO's own termijn, as the platform counted it (einde exclusive = day after).
    persoon(keten).termijn_start = start
    persoon(keten).termijn_einde = dt.date(2029, 1, 6)
    assert keten.bron.stuur(notificatie("SS102")).status_code == 201
    keten.draai()
    assert pip_contract.INBURGERINGSTERMIJN_VAN_DUO_OVERGENOMEN not in keten.typen(keten.apps.pip)

    keten.simulator.verleng_termijn(BSN, dt.date(2029, 7, 6), "ZIE", "Ziekte", dt.date(2026, 1, 5))
    assert keten.bron.stuur(notificatie("SS103")).status_code == 201
    keten.draai()

    typen = keten.typen(keten.duo)
    assert typen.count(duo_contract.INBURGERINGSTERMIJN_ONTVANGEN) == 2
    traject = keten.apps.pip.pip(pip_id, gemeenten=G)
    termijn = traject["inburgeringstermijn"]
    assert (termijn["startdatum"], termijn["einddatum"]) == (start, dt.date(2029, 7, 5))
    assert (
        keten.typen(keten.apps.pip).count(pip_contract.INBURGERINGSTERMIJN_VAN_DUO_OVERGENOMEN) == 1
    )


def test_een_ss104_voor_een_onbekende_persoon_wacht_zichtbaar(keten: Keten) -> None:
    """Never dropped: without an inburgeraar for the BSN the termijn cannot be placed."""
    assert keten.bron.stuur(notificatie("SS104")).status_code == 201
    keten.draai()
    assert duo_contract.INBURGERINGSTERMIJN_ONTVANGEN not in keten.typen(keten.duo)


# --- DUO's verwijtbaar rules and pip's guards: the boundary days --------------------------

LAATSTE_DAG = dt.date(2028, 12, 15)
EINDDATUM_DUO = dt.date(2028, 12, 16)  # exclusive, as DUO's Inburgeringstermijn API has it
VANDAAG_NA_TERMIJN = dt.date(2029, 1, 10)


def duo_weigert(datum: dt.date, verwijtbaar: str | None, vandaag: dt.date) -> set[str]:
    gevonden: set[str] = set()
    for guard in (
        lambda: duo_rules.check_verwijtbaar_niet_voor_einddatum(
            "map", datum, EINDDATUM_DUO, verwijtbaar
        ),
        lambda: duo_rules.check_verwijtbaar_bij_overschrijding(
            "map", datum, EINDDATUM_DUO, verwijtbaar
        ),
        lambda: duo_rules.check_verwijtbaar_ja("map", datum, EINDDATUM_DUO, verwijtbaar),
        lambda: duo_rules.check_verwijtbaar_nee("map", EINDDATUM_DUO, verwijtbaar, vandaag),
    ):
        try:
            guard()
        except duo_rules.DuoRegel as e:
            gevonden.add(e.regel)
    return gevonden


def pip_weigert(datum: dt.date, verwijtbaar: str | None, vandaag: dt.date) -> set[str]:
    flag = pip_rules.Verwijtbaar(verwijtbaar) if verwijtbaar else None
    gevonden: set[str] = set()
    for guard in (
        lambda: pip_rules.check_verwijtbaarheid_bij_overschrijding(datum, LAATSTE_DAG, flag),
        lambda: pip_rules.check_geen_verwijtbaarheid_binnen_termijn(datum, LAATSTE_DAG, flag),
        lambda: pip_rules.check_verwijtbaar_nee(LAATSTE_DAG, flag, vandaag),
        lambda: pip_rules.check_verwijtbaar_ja(datum, LAATSTE_DAG, flag),
    ):
        try:
            guard()
        except pip_rules.Regel as e:
            gevonden.add(type(e).__name__)
    return gevonden


@pytest.mark.parametrize(
    ("datum", "verwijtbaar", "vandaag", "duo_regels"),
    [
        # The last day of the termijn lies before DUO's exclusive einddatum: no flag.
        (LAATSTE_DAG, None, VANDAAG_NA_TERMIJN, set()),
        (LAATSTE_DAG, "nee", VANDAAG_NA_TERMIJN, {"map.verwijtbaar.voor-einddatum"}),
        (
            LAATSTE_DAG,
            "ja",
            VANDAAG_NA_TERMIJN,
            {"map.verwijtbaar.voor-einddatum", "map.verwijtbaar.ja"},
        ),
        # The day after: the termijn is exceeded; a flag is required, Ja and Nee both allowed.
        (EINDDATUM_DUO, None, VANDAAG_NA_TERMIJN, {"map.verwijtbaar.ontbreekt"}),
        (EINDDATUM_DUO, "ja", VANDAAG_NA_TERMIJN, set()),
        (EINDDATUM_DUO, "nee", VANDAAG_NA_TERMIJN, set()),
        # Two months before the last day: still no flag; the day before, Nee not yet either.
        (
            dt.date(2028, 10, 14),
            "nee",
            dt.date(2028, 10, 14),
            {"map.verwijtbaar.voor-einddatum", "map.verwijtbaar.nee"},
        ),
        (dt.date(2028, 10, 15), "nee", dt.date(2028, 10, 15), {"map.verwijtbaar.voor-einddatum"}),
    ],
)
def test_duo_en_pip_weigeren_verwijtbaar_op_dezelfde_grensdagen(
    datum: dt.date, verwijtbaar: str | None, vandaag: dt.date, duo_regels: set[str]
) -> None:
    """DUO README, MAP/PVT (Verwijtbaar Ja/Nee) with DUO's Inburgeringstermijn API
    (einddatum exclusive): pip's guards refuse exactly where DUO's rules do."""
    assert duo_weigert(datum, verwijtbaar, vandaag) == duo_regels
    assert bool(pip_weigert(datum, verwijtbaar, vandaag)) == bool(duo_regels)
    assert pip_rules.duo_einddatum(LAATSTE_DAG) == EINDDATUM_DUO
    assert duo_rules.laatste_dag(EINDDATUM_DUO) == LAATSTE_DAG


def test_de_client_weigert_een_afronding_die_duos_verwijtbaar_regels_breekt(
    client: DuoClient, duo: DuoSimulator
) -> None:
    """DUO README, MAP/PVT: refused before it leaves, when DUO's einddatum is known."""
    with pytest.raises(duo_rules.DuoRegelsOvertreden) as exc:
        client.meld_afronding(
            GEMEENTE, BSN, "map", dt.date(2025, 12, 1), "nee", einddatum_duo=EINDDATUM_DUO
        )
    assert exc.value.ontbrekend == ["map.verwijtbaar.voor-einddatum", "map.verwijtbaar.nee"]
    assert duo.afrondingen == {}


# --- The MAP/PVT melding with DUO's termijn: refused before it leaves --------------------


def meld_map(keten: Keten, inburgeraar_id: UUID, datum: dt.date, bron: str) -> dict[str, Any]:
    """pip's MAPAfgerond (verwijtbaar Ja) as the DUO service's policy passes it on."""
    keten.duo.meld_afronding(
        gemeente=keten.gemeente,
        pip_id=traject_id(keten.gemeente, inburgeraar_id),
        onderdeel="map",
        datum=datum,
        verwijtbaar="ja",
        bron_event_id=bron,
    )
    melding_id = AfrondingMelding.create_id(bron)
    [melding] = [m for m in keten.duo.afronding_meldingen(gemeenten=G) if m["id"] == melding_id]
    return dict(melding)


def met_termijn_van_duo(keten: Keten, einde_duo: dt.date, code: str = "SS102") -> None:
    persoon(keten).termijn_start = dt.date(2023, 5, 1)
    persoon(keten).termijn_einde = einde_duo
    assert keten.bron.stuur(notificatie(code)).status_code == 201
    keten.draai()


def test_een_map_met_verwijtbaar_op_de_laatste_dag_van_duos_termijn_gaat_niet_weg(
    keten: Keten, clock: FrozenClock
) -> None:
    """DUO README, MAP/PVT (Verwijtbaar: not before the einddatum) with DUO's
    Inburgeringstermijn API (einddatum exclusive): DUO's latest termijn travels with the
    melding; on the termijn's last day a verwijtbaar flag is refused before it leaves
    (AfrondingMeldingMislukt naming the rule), the day after it is sent."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    met_termijn_van_duo(keten, dt.date(2026, 5, 1))  # last day: 30 April
    clock.set(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))

    geweigerd = meld_map(keten, inburgeraar_id, dt.date(2026, 4, 30), "map-laatste-dag")
    assert geweigerd["status"] == "mislukt"
    assert "DuoRegelsOvertreden" in str(geweigerd["reden"])
    assert "map.verwijtbaar.voor-einddatum" in str(geweigerd["reden"])
    assert keten.simulator.afrondingen == {}
    assert duo_contract.AFRONDING_MELDING_MISLUKT in keten.typen(keten.duo)

    verstuurd = meld_map(keten, inburgeraar_id, dt.date(2026, 5, 1), "map-dag-erna")
    assert verstuurd["status"] == "gemeld"
    assert keten.simulator.afrondingen["map"][BSN] == {
        "datumEindgesprekMap": "2026-05-01",
        "verwijtbaar": "Ja",
    }


def test_de_laatst_ontvangen_termijn_van_duo_telt_voor_de_melding(
    keten: Keten, clock: FrozenClock
) -> None:
    """art. 12 Wi2021 / DUO Gebeurtenissen SS103: after DUO extends the termijn, the day
    that was past the old einddatum lies inside the new one: verwijtbaar is refused."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    met_termijn_van_duo(keten, dt.date(2026, 5, 1))
    keten.simulator.verleng_termijn(BSN, dt.date(2026, 5, 20), "ZIE", "Ziekte", dt.date(2026, 1, 5))
    met_termijn_van_duo(keten, dt.date(2026, 5, 20), "SS103")
    clock.set(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))

    melding = meld_map(keten, inburgeraar_id, dt.date(2026, 5, 1), "map-na-verlenging")
    assert melding["status"] == "mislukt"
    assert "map.verwijtbaar.voor-einddatum" in str(melding["reden"])


def test_zonder_termijn_van_duo_gaat_de_melding_zoals_pip_hem_gaf(
    keten: Keten, clock: FrozenClock
) -> None:
    """Without a termijn from DUO the DUO service cannot apply DUO's verwijtbaar rules: pip's
    guards on its own termijn (Verwijtbaar rules in services/pip/rules.py) already applied
    when the MAP was recorded, and DUO checks the rest itself."""
    inburgeraar_id = tot_vastgestelde_pip(keten)
    clock.set(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
    melding = meld_map(keten, inburgeraar_id, dt.date(2026, 4, 30), "map-zonder-termijn")
    assert melding["status"] == "gemeld"
