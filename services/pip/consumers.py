"""What the PIP service does with other services' events: a finished brede intake opens a
concept-PIP with the advised leerroute; an exam result DUO reported (the DUO service's
ExamenresultaatOntvangen, after SS199) is registered on the traject. Translate and dispatch
only; the rules live in the aggregate."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any
from uuid import UUID

from contracts import duo as duo_contract
from contracts import intake as intake_contract
from contracts import pip as pip_contract
from services.pip.application import PipApplication
from services.pip.domainmodel import traject_id
from services.pip.rules import (
    Doelgroep,
    Examenonderdeel,
    InburgeringsplichtAlVoldaan,
    Leerroute,
    Niveau,
    Omvang,
    OntheffingGrond,
    PIPAlVastgesteld,
    RedenBeeindiging,
    TrajectBestaatAl,
    VrijstellingReden,
)
from shared.berichten import OnleesbaarBericht, vereist
from shared.domain import NotFound

log = logging.getLogger(__name__)

INTAKE_AFGEROND = frozenset({intake_contract.INTAKE_AFGEROND, intake_contract.INTAKE_AFGEROND_V1})
DUO_TERMIJN = frozenset({duo_contract.INBURGERINGSTERMIJN_ONTVANGEN})
VERHUISD_MET_PIP = "SS121"  # DUO Gebeurtenissen: gevestigd met PIP vorige gemeente


class PipPolicy:
    def __init__(self, application: PipApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return (
            ce_type in LEVENSGEBEURTENISSEN
            or ce_type in INTAKE_AFGEROND
            or ce_type == intake_contract.PARTICIPATIEUREN_INTAKE_VASTGESTELD
            or ce_type == intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD
        )

    def handle(self, cloudevent: dict[str, Any]) -> None:
        if cloudevent["type"] in LEVENSGEBEURTENISSEN:
            PipLevenPolicy(self.application).handle(cloudevent)
            return
        if cloudevent["type"] == intake_contract.PARTICIPATIEUREN_INTAKE_VASTGESTELD:
            self._intakeuren(cloudevent)
            return
        if cloudevent["type"] == intake_contract.UITERSTE_DATUM_PIP_GEWIJZIGD:
            self._uiterste_datum(cloudevent)
            return
        data = cloudevent["data"]
        gemeente = cloudevent["gemeente"]
        vereist(
            cloudevent,
            "inburgeraarId",
            "gemeente",
            "doelgroep",
            "datumStartInburgeringsplicht",
            "leerroute",
        )
        try:
            concept = {
                "gemeente": data["gemeente"],
                "inburgeraar_id": UUID(data["inburgeraarId"]),
                "doelgroep": Doelgroep(data["doelgroep"]),
                "datum_start_inburgeringsplicht": dt.date.fromisoformat(
                    data["datumStartInburgeringsplicht"]
                ),
                "vestigingsdatum": _datum(data.get("vestigingsdatum")),
                "geadviseerde_leerroute": Leerroute(data["leerroute"]),
                # v1 (before intake stated it): None, the start stands in for the kennisgeving.
                "uiterste_datum_pip": _datum(data.get("uitersteDatumPip")),
            }
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        try:
            # The consumer acts for the gemeente whose event it is, never for another.
            self.application.stel_concept_op(gemeenten=[gemeente], **concept)
        except TrajectBestaatAl:
            # A klantregisseur drafted (or even set) this PIP by hand before the intake
            # ended: theirs stands; the advice is in the intake for them to read.
            wie = concept["inburgeraar_id"], concept["gemeente"]
            log.info("PIP for %s in %s exists; IntakeAfgerond changes nothing", *wie)

    def _uiterste_datum(self, cloudevent: dict[str, Any]) -> None:
        """Intake moved the ten weeks (a later kennisgeving or BRP registration): the
        concept takes the new deadline over. No traject yet: IntakeAfgerond will carry it;
        a PIP already set: its ten weeks are history."""
        vereist(cloudevent, "inburgeraarId", "uitersteDatumPip")
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        try:
            pip_id = traject_id(gemeente, UUID(data["inburgeraarId"]))
            uiterste = dt.date.fromisoformat(data["uitersteDatumPip"])
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        if pip_id not in self.application.repository:
            log.info("No traject for %s yet; IntakeAfgerond will carry the deadline", pip_id)
            return
        try:
            self.application.verschuif_uiterste_datum_pip(pip_id, uiterste, gemeenten=[gemeente])
        except (PIPAlVastgesteld, InburgeringsplichtAlVoldaan):
            log.info("PIP %s already set or obligation met: the deadline stays", pip_id)

    def _intakeuren(self, cloudevent: dict[str, Any]) -> None:
        """The brede intake's participation hours (after its IntakeAfgerond opened the
        traject) count for the Z-route (art. 3.14 Besluit)."""
        vereist(cloudevent, "inburgeraarId", "uren", "peildatum")
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        try:
            pip_id = traject_id(gemeente, UUID(data["inburgeraarId"]))
            uren = int(data["uren"])
            peildatum = dt.date.fromisoformat(data["peildatum"])
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        self.application.neem_intakeuren_over(
            pip_id, gemeenten=[gemeente], uren=uren, peildatum=peildatum
        )


def _datum(iso: str | None) -> dt.date | None:
    return None if iso is None else dt.date.fromisoformat(iso)


class DuoExamenPolicy:
    """DUO's exam result -> ontvang_examenuitslag; the traject then emits TaalniveauBehaald
    (or KNMBehaald) when complete. A result DUO could not determine ("Geen": absent, fraud)
    is no uitslag: it stays in the DUO service."""

    def __init__(self, application: PipApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return (
            ce_type == duo_contract.EXAMENRESULTAAT_ONTVANGEN
            or ce_type in DUO_TERMIJN
            or ce_type == duo_contract.INBURGERINGSPLICHT_VOLDAAN_ONTVANGEN
        )

    def handle(self, cloudevent: dict[str, Any]) -> None:
        if cloudevent["type"] in DUO_TERMIJN:
            self._termijn(cloudevent)
            return
        if cloudevent["type"] == duo_contract.INBURGERINGSPLICHT_VOLDAAN_ONTVANGEN:
            DuoVoldaanPolicy(self.application).handle(cloudevent)
            return
        vereist(cloudevent, "inburgeraarId", "onderdeel", "examendatum", "resultaat")
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        if data["resultaat"] not in ("Geslaagd", "Gezakt"):
            log.info("Examenresultaat %s without result: nothing to register", cloudevent["id"])
            return
        try:
            pip_id = traject_id(gemeente, UUID(data["inburgeraarId"]))
            onderdeel = Examenonderdeel(data["onderdeel"])
            examendatum = dt.date.fromisoformat(data["examendatum"])
            niveau = Niveau(data["niveau"]) if data.get("niveau") else None
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        self.application.ontvang_examenuitslag(
            pip_id,
            gemeenten=[gemeente],
            onderdeel=onderdeel,
            examendatum=examendatum,
            behaald=data["resultaat"] == "Geslaagd",
            niveau=niveau,
        )

    def _termijn(self, cloudevent: dict[str, Any]) -> None:
        """DUO's termijn after SS102-SS104 (InburgeringstermijnOntvangen): DUO's start and
        last day win (art. 11 and 12 Wi2021)."""
        vereist(cloudevent, "inburgeraarId", "startdatum", "einddatum", "gebeurtenisId")
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        try:
            pip_id = traject_id(gemeente, UUID(data["inburgeraarId"]))
            startdatum = dt.date.fromisoformat(data["startdatum"])
            einddatum = dt.date.fromisoformat(data["einddatum"])
        except (KeyError, TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        try:
            self.application.neem_termijn_van_duo_over(
                pip_id,
                gemeenten=[gemeente],
                startdatum=startdatum,
                einddatum=einddatum,
                gebeurtenis=data["gebeurtenisId"],
                verlengingsgrondcode=data.get("verlengingsgrondcode"),
                verlengingsgrondomschrijving=data.get("verlengingsgrondomschrijving"),
            )
        except NotFound:
            if data["gebeurtenisId"] != VERHUISD_MET_PIP:
                raise
            # SS121 before the traject arrived: TrajectOvergenomen brings the termijn as the
            # previous gemeente held it, and it runs on (art. 11 lid 3 Wi2021); DUO's own
            # later changes come by SS103/SS104 to this gemeente.
            log.info(
                "%s %s: no traject of %s in %s yet; the overname carries the termijn",
                cloudevent["type"],
                cloudevent["id"],
                data["inburgeraarId"],
                gemeente,
            )


# DUO Gebeurtenissen "Inburgeringsplicht voldaan": gebeurtenis -> the traject's command.
VOLDAAN_DOOR_DUO = {
    "SS106": "voldoe",  # diploma behaald
    "SS107": "verleen_vrijstelling",  # gehele vrijstelling
    "SS108": "verleen_ontheffing",  # gehele ontheffing
}


class DuoVoldaanPolicy:
    """DUO says the obligation was met (InburgeringsplichtVoldaanOntvangen after SS106,
    SS107, SS108) -> DUO's diploma taken over (DUO decides the exam was passed) or the
    traject's gehele vrijstelling or
    ontheffing, which end in InburgeringsplichtVoldaan. Already met: nothing changes."""

    def __init__(self, application: PipApplication) -> None:
        self.application = application

    def handle(self, cloudevent: dict[str, Any]) -> None:
        vereist(cloudevent, "inburgeraarId", "gebeurtenisId", "datum")
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        opdracht = VOLDAAN_DOOR_DUO.get(data["gebeurtenisId"])
        if opdracht is None:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: gebeurtenisId")
        pip_id = traject_id(gemeente, _uuid_uit(cloudevent, "inburgeraarId"))
        datum = _datum_uit(cloudevent, "datum")
        try:
            if opdracht == "voldoe":
                self.application.neem_diploma_van_duo_over(
                    pip_id, gemeenten=[gemeente], datum=datum
                )
            elif opdracht == "verleen_vrijstelling":
                self.application.verleen_vrijstelling(
                    pip_id, gemeenten=[gemeente], omvang=Omvang.GEHEEL, datum_oordeel=datum
                )
            else:
                try:
                    grond = OntheffingGrond(data.get("ontheffingsgrond"))
                except ValueError as e:
                    raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e}") from e
                self.application.verleen_ontheffing(
                    pip_id,
                    gemeenten=[gemeente],
                    omvang=Omvang.GEHEEL,
                    grond=grond,
                    datum_oordeel=datum,
                )
        except InburgeringsplichtAlVoldaan:
            log.info("%s %s: obligation already met", cloudevent["type"], cloudevent["id"])


# --- The whole life of the obligation ------------------------------------------------------

# intake's reason the obligation was withdrawn -> the traject's reason (the detail travels as
# toelichting: naturalisatie, aow_leeftijd, vertrek_uit_nederland, ...).
EINDE_VAN_INTAKE = {
    intake_contract.INBURGERINGSPLICHT_INGETROKKEN: RedenBeeindiging.INGETROKKEN,
    intake_contract.INBURGERAAR_OVERLEDEN: RedenBeeindiging.OVERLEDEN,
}
# intake's tijdelijke vrijstelling reason (DUO's code) -> the traject's VrijstellingReden.
TIJDELIJKE_VRIJSTELLING_VAN_INTAKE = {"INS": VrijstellingReden.INS, "OPL": VrijstellingReden.OPL}
LEVENSGEBEURTENISSEN = frozenset(
    {
        *EINDE_VAN_INTAKE,
        intake_contract.TIJDELIJKE_VRIJSTELLING_VERLEEND,
        intake_contract.TIJDELIJKE_VRIJSTELLING_BEEINDIGD,
        intake_contract.DOELGROEP_GEWIJZIGD,
        intake_contract.INBURGERAAR_VERHUISD,
    }
)


def _datum_uit(cloudevent: dict[str, Any], veld: str) -> dt.date:
    try:
        return dt.date.fromisoformat(cloudevent["data"][veld])
    except (KeyError, TypeError, ValueError) as e:
        raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e


def _uuid_uit(cloudevent: dict[str, Any], veld: str) -> UUID:
    try:
        return UUID(str(cloudevent["data"][veld]))
    except (KeyError, ValueError) as e:
        raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e


class PipLevenPolicy:
    """intake's record of the person's life -> this gemeente's traject: withdrawn or died
    closes it (TrajectBeeindigd), a temporary vrijstelling pauses and resumes it, a change of
    doelgroep follows, a move away hands it over (TrajectOvergedragen) and closes it."""

    def __init__(self, application: PipApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type in LEVENSGEBEURTENISSEN

    def handle(self, cloudevent: dict[str, Any]) -> None:
        vereist(cloudevent, "inburgeraarId", "datum")
        ce_type, data = cloudevent["type"], cloudevent["data"]
        gemeente, inburgeraar_id = cloudevent["gemeente"], _uuid_uit(cloudevent, "inburgeraarId")
        datum = _datum_uit(cloudevent, "datum")
        if ce_type in EINDE_VAN_INTAKE:
            self.application.beeindig_traject(
                gemeente=gemeente,
                inburgeraar_id=inburgeraar_id,
                reden=EINDE_VAN_INTAKE[ce_type],
                datum=datum,
                toelichting=data.get("reden"),
            )
        elif ce_type == intake_contract.TIJDELIJKE_VRIJSTELLING_VERLEEND:
            vereist(cloudevent, "reden")
            try:
                reden = TIJDELIJKE_VRIJSTELLING_VAN_INTAKE[data["reden"]]
            except KeyError as e:
                raise OnleesbaarBericht(f"{ce_type} {cloudevent['id']}: {e!r}") from e
            self.application.pauzeer_traject(
                gemeente=gemeente, inburgeraar_id=inburgeraar_id, reden=reden, datum=datum
            )
        elif ce_type == intake_contract.TIJDELIJKE_VRIJSTELLING_BEEINDIGD:
            vereist(cloudevent, "uitersteDatumPip")
            self.application.hervat_traject(
                gemeente=gemeente,
                inburgeraar_id=inburgeraar_id,
                datum=datum,
                uiterste_datum_pip=_datum_uit(cloudevent, "uitersteDatumPip"),
            )
        elif ce_type == intake_contract.DOELGROEP_GEWIJZIGD:
            vereist(cloudevent, "naar")
            try:
                naar = Doelgroep(data["naar"])
            except ValueError as e:
                raise OnleesbaarBericht(f"{ce_type} {cloudevent['id']}: {e!r}") from e
            self.application.wijzig_doelgroep(
                gemeente=gemeente, inburgeraar_id=inburgeraar_id, naar=naar, datum=datum
            )
        else:
            vereist(cloudevent, "naarGemeente", "nieuwInburgeraarId")
            self.application.draag_traject_over(
                gemeente=gemeente,
                inburgeraar_id=inburgeraar_id,
                naar_gemeente=data["naarGemeente"],
                nieuw_inburgeraar_id=_uuid_uit(cloudevent, "nieuwInburgeraarId"),
                datum=datum,
            )


def _snake(waarden: dict[str, Any]) -> dict[str, Any]:
    """Nested keys as the traject names them (the CloudEvent may spell them in camelCase)."""
    return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): v for k, v in waarden.items()}


OVERDRACHT_DATUMS = ("termijnStart", "termijnEinde", "eersteDagtekening", "laatsteDagtekening",
                     "knmBehaaldOp", "pvtDatum", "mapDatum")  # fmt: skip


OVERGEDRAGEN = frozenset({pip_contract.TRAJECT_OVERGEDRAGEN, pip_contract.TRAJECT_OVERGEDRAGEN_V1})


class PipOvernamePolicy:
    """The PIP service's own log: a traject handed over to a gemeente (TrajectOvergedragen,
    addressed to `naarGemeente`) is taken over there by that gemeente's traject, and only
    there (TrajectOvergenomen)."""

    def __init__(self, application: PipApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type in OVERGEDRAGEN

    def handle(self, cloudevent: dict[str, Any]) -> None:
        vereist(
            cloudevent,
            "inburgeraarId",
            "naarGemeente",
            "nieuwInburgeraarId",
            "datum",
            "doelgroep",
            "datumStartInburgeringsplicht",
        )
        data = cloudevent["data"]
        try:
            doelgroep = Doelgroep(data["doelgroep"])
            datums = {
                veld: None if data.get(veld) is None else dt.date.fromisoformat(data[veld])
                for veld in OVERDRACHT_DATUMS
            }
        except (TypeError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        feiten = {
            "termijn_start": datums["termijnStart"],
            "termijn_einde": datums["termijnEinde"],
            "verlengingen": [_snake(v) for v in data.get("verlengingen") or []],
            "eerste_dagtekening": datums["eersteDagtekening"],
            "laatste_dagtekening": datums["laatsteDagtekening"],
            "binnen_tien_weken": data.get("binnenTienWeken"),
            "leerroute": data.get("leerroute"),
            "niveau": data.get("niveau"),
            "uren": _snake(data.get("uren") or {}),
            "inspanning_voldoende": data.get("inspanningVoldoende"),
            "uitslagen": [_snake(u) for u in data.get("uitslagen") or []],
            "vrijstellingen": [_snake(v) for v in data.get("vrijstellingen") or []],
            "knm_behaald_op": datums["knmBehaaldOp"],
            "pvt_datum": datums["pvtDatum"],
            "map_datum": datums["mapDatum"],
            # v2 (v1 carried none of these).
            "intake_participatie_uren": data.get("intakeParticipatieUren") or 0,
            "afgeschaalde_onderdelen": list(data.get("afgeschaaldeOnderdelen") or []),
            "ontheffingen": [_snake(o) for o in data.get("ontheffingen") or []],
        }
        self.application.neem_traject_over(
            gemeente=data["naarGemeente"],
            inburgeraar_id=_uuid_uit(cloudevent, "nieuwInburgeraarId"),
            van_gemeente=cloudevent["gemeente"],
            vorig_inburgeraar_id=_uuid_uit(cloudevent, "inburgeraarId"),
            datum=_datum_uit(cloudevent, "datum"),
            doelgroep=doelgroep,
            datum_start_inburgeringsplicht=_datum_uit(cloudevent, "datumStartInburgeringsplicht"),
            feiten=feiten,
        )
