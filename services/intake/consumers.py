"""What the intake service does with other services' events: DUO's word that a person is
inburgeringsplichtig (the DUO service's InburgeringsplichtOntvangen, after SS101/SS128/SS139)
registers the inburgeraar; DUO's leerbaarheidstoets result
(LeerbaarheidstoetsresultaatOntvangen, after SS131) is recorded in the brede intake. Intake
reads the DUO service's contract (type and data), never its code. Translate and dispatch
only; the rules live in the aggregate."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from uuid import UUID

from contracts import duo as duo_contract
from contracts import intake as intake_contract
from services.intake.application import IntakeApplication
from services.intake.domainmodel import Leerbaarheidstoets, Toetsuitslag
from services.intake.rules import (
    AlGeregistreerd,
    Doelgroep,
    DoelgroepOngewijzigd,
    GeenTijdelijkeVrijstelling,
    KennisgevingNietNieuwer,
    PlichtBeeindigd,
    RedenIntrekking,
    TijdelijkeVrijstellingLooptAl,
    TijdelijkeVrijstellingReden,
    ToetsResultaat,
    VerhuizingAlVastgelegd,
)
from shared.berichten import OnleesbaarBericht, vereist
from shared.domain import RuleViolation

log = logging.getLogger(__name__)

# DUO's LeerbaarheidstoetsResultaat -> intake's spelling of it.
TOETSRESULTAAT_VAN_DUO = {
    "B1-route haalbaar": ToetsResultaat.B1_ROUTE_HAALBAAR,
    "B1-route niet haalbaar": ToetsResultaat.B1_ROUTE_NIET_HAALBAAR,
    "Onbekend": ToetsResultaat.ONBEKEND,
}

# DUO's Doelgroepindeling (Inburgeringsplicht API) -> intake's doelgroep. DUO joins gezins-
# and overige migranten in one value; its GedetailleerdeDoelgroep tells them apart.
DOELGROEP_VAN_DUO = {
    "Asielstatushouder": Doelgroep.ASIELSTATUSHOUDER,
    "Gezinsmigrant en overige migrant": Doelgroep.GEZINSMIGRANT,
}
# DUO's GedetailleerdeDoelgroep -> intake's doelgroep, for the indeling "Gezinsmigrant en
# overige migrant" (the indeling Asielstatushouder always stands as DUO gives it).
GEDETAILLEERDE_DOELGROEP_VAN_DUO = {
    "Gezinshereniger": Doelgroep.GEZINSMIGRANT,
    "Gezinshereniger met Asielstatushouder": Doelgroep.GEZINSMIGRANT,
    "Gezinsvormer": Doelgroep.GEZINSMIGRANT,
    "Gezinsvormer met Asielstatushouder": Doelgroep.GEZINSMIGRANT,
    "Geestelijk bedienaar": Doelgroep.OVERIGE_MIGRANT,
    "Overig": Doelgroep.OVERIGE_MIGRANT,
}


def doelgroep_van_duo(indeling: str, gedetailleerd: str | None) -> Doelgroep:
    doelgroep = DOELGROEP_VAN_DUO[indeling]
    if doelgroep is Doelgroep.GEZINSMIGRANT and gedetailleerd is not None:
        return GEDETAILLEERDE_DOELGROEP_VAN_DUO.get(gedetailleerd, doelgroep)
    return doelgroep


# DUO's RedenGeenInburgeringsplicht after SS110 -> intake's reason of the withdrawal. DUO has
# no value for naturalisation or AOW age: those arrive as "Overig" and stand as overig (the
# klantregisseur who knows records naturalisatie or aow_leeftijd by hand, before or instead);
# "Verblijfsdoel gewijzigd" is the residence right the obligation rests on going away (art. 3
# Wi2021), as the SS110 description "intrekken verblijfsrecht" has it. "Overlijden" is a
# death (SS111), not a withdrawal; ontheffing, vrijstelling and voldaan end the obligation by
# SS106-SS108 and are not a withdrawal either: those are refused, visibly.
REDEN_INTREKKING_VAN_DUO = {
    "Vertrek uit Nederland langer dan een jaar": RedenIntrekking.VERTREK_UIT_NEDERLAND,
    "Verblijfsdoel gewijzigd": RedenIntrekking.VERBLIJFSRECHT_INGETROKKEN,
    "Overig": RedenIntrekking.OVERIG,
}
OVERLIJDEN_VAN_DUO = "Overlijden"
# DUO's RedenVrijstellingInburgeringsplicht of a TijdelijkeVrijstelling -> intake's reason.
TIJDELIJKE_VRIJSTELLING_VAN_DUO = {
    "INS": TijdelijkeVrijstellingReden.INS,
    "OPL": TijdelijkeVrijstellingReden.OPL,
}
# A life event DUO tells again meets a file already in that state: nothing changes.
AL_VERWERKT: tuple[type[RuleViolation], ...] = (
    PlichtBeeindigd,
    TijdelijkeVrijstellingLooptAl,
    GeenTijdelijkeVrijstelling,
    DoelgroepOngewijzigd,
)
LEVENSGEBEURTENISSEN_VAN_DUO = frozenset(
    {
        duo_contract.INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN,
        duo_contract.TIJDELIJKE_VRIJSTELLING_ONTVANGEN,
        duo_contract.TIJDELIJKE_VRIJSTELLING_BEEINDIGD_ONTVANGEN,
        duo_contract.DOELGROEPWIJZIGING_ONTVANGEN,
    }
)


class IntakeDuoPolicy:
    def __init__(self, application: IntakeApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return (
            ce_type
            in (
                duo_contract.INBURGERINGSPLICHT_ONTVANGEN,
                duo_contract.INBURGERINGSPLICHT_ONTVANGEN_V2,
                duo_contract.INBURGERINGSPLICHT_ONTVANGEN_V1,
                duo_contract.LEERBAARHEIDSTOETSRESULTAAT_ONTVANGEN,
                duo_contract.VORIGE_GEMEENTE_ONTVANGEN,
            )
            or ce_type in LEVENSGEBEURTENISSEN_VAN_DUO
        )

    def handle(self, cloudevent: dict[str, Any]) -> None:
        if cloudevent["type"] == duo_contract.LEERBAARHEIDSTOETSRESULTAAT_ONTVANGEN:
            self._leerbaarheidstoets(cloudevent)
        elif cloudevent["type"] == duo_contract.VORIGE_GEMEENTE_ONTVANGEN:
            self._vorige_gemeente(cloudevent)
        elif cloudevent["type"] in LEVENSGEBEURTENISSEN_VAN_DUO:
            self._levensgebeurtenis(cloudevent)
        else:
            self._registreer(cloudevent)

    def _levensgebeurtenis(self, cloudevent: dict[str, Any]) -> None:
        """SS109-SS111, SS124/SS125, SS129/SS130 as the DUO service fetched them: one intake
        command each; a repeat meets the file already in that state and changes nothing."""
        vereist(cloudevent, "inburgeraarId")
        data, gemeente, soort = cloudevent["data"], cloudevent["gemeente"], cloudevent["type"]
        app = self.application
        uitvoeren: Callable[..., object]
        try:
            inburgeraar_id = UUID(data["inburgeraarId"])
            if soort == duo_contract.INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN:
                vereist(cloudevent, "reden", "einddatum")
                einde = dt.date.fromisoformat(data["einddatum"])
                if data["reden"] == OVERLIJDEN_VAN_DUO:
                    uitvoeren = partial(app.registreer_overlijden, inburgeraar_id, einde)
                else:
                    reden = REDEN_INTREKKING_VAN_DUO[data["reden"]]
                    uitvoeren = partial(app.trek_plicht_in, inburgeraar_id, reden, einde)
            elif soort == duo_contract.TIJDELIJKE_VRIJSTELLING_ONTVANGEN:
                vereist(cloudevent, "reden", "startdatum")
                tijdelijk = TIJDELIJKE_VRIJSTELLING_VAN_DUO[data["reden"]]
                start = dt.date.fromisoformat(data["startdatum"])
                uitvoeren = partial(
                    app.verleen_tijdelijke_vrijstelling, inburgeraar_id, tijdelijk, start
                )
            elif soort == duo_contract.TIJDELIJKE_VRIJSTELLING_BEEINDIGD_ONTVANGEN:
                vereist(cloudevent, "einddatum")
                # SS129: the ten weeks run from DUO's new kennisgeving (art. 5.3 lid 1 Besluit
                # inburgering 2021); SS130: the obligation resumes after the vrijstelling.
                datum = dt.date.fromisoformat(data.get("datumKennisgeving") or data["einddatum"])
                uitvoeren = partial(app.beeindig_tijdelijke_vrijstelling, inburgeraar_id, datum)
            else:
                vereist(cloudevent, "doelgroep", "begindatum")
                naar = doelgroep_van_duo(data["doelgroep"], data.get("gedetailleerdeDoelgroep"))
                begin = dt.date.fromisoformat(data["begindatum"])
                uitvoeren = partial(app.wijzig_doelgroep, inburgeraar_id, naar, begin)
        except (KeyError, ValueError) as e:
            raise OnleesbaarBericht(f"{soort} {cloudevent['id']}: {e!r}") from e
        try:
            uitvoeren(gemeenten=[gemeente])
        except AL_VERWERKT as e:
            log.info("%s %s: already so (%s); nothing changes", soort, cloudevent["id"], e.code)

    def _vorige_gemeente(self, cloudevent: dict[str, Any]) -> None:
        """SS121: the gemeente of DUO's current PIP is where the person came from; recorded
        as by hand (PUT .../vorige-gemeente), so the previous gemeente closes its file. Told
        again, or already recorded by a person: nothing changes."""
        vereist(cloudevent, "inburgeraarId", "vorigeGemeente", "datum")
        data = cloudevent["data"]
        try:
            inburgeraar_id = UUID(data["inburgeraarId"])
            datum = dt.date.fromisoformat(data["datum"])
        except (KeyError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        try:
            self.application.leg_vorige_gemeente_vast(
                inburgeraar_id, data["vorigeGemeente"], datum, gemeenten=[cloudevent["gemeente"]]
            )
        except (VerhuizingAlVastgelegd, PlichtBeeindigd) as e:
            soort = cloudevent["type"]
            log.info("%s %s: already so (%s); nothing changes", soort, cloudevent["id"], e.code)

    def _leerbaarheidstoets(self, cloudevent: dict[str, Any]) -> None:
        vereist(
            cloudevent,
            "inburgeraarId",
            "resultaat",
            "behaaldeScore",
            "benodigdeScore",
            "datumAfname",
        )
        data = cloudevent["data"]
        try:
            inburgeraar_id = UUID(data["inburgeraarId"])
            uitslag = Toetsuitslag(
                TOETSRESULTAAT_VAN_DUO[data["resultaat"]],
                data["behaaldeScore"],
                data["benodigdeScore"],
                dt.date.fromisoformat(data["datumAfname"]),
            )
        except (KeyError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        self.application.leg_leerbaarheidstoets_vast(
            inburgeraar_id, Leerbaarheidstoets(uitslag), gemeenten=[cloudevent["gemeente"]]
        )

    def _registreer(self, cloudevent: dict[str, Any]) -> None:
        vereist(
            cloudevent, "bsn", "naam", "geboortedatum", "doelgroep", "datumStartInburgeringsplicht"
        )
        data, gemeente = cloudevent["data"], cloudevent["gemeente"]
        try:
            doelgroep = doelgroep_van_duo(data["doelgroep"], data.get("gedetailleerdeDoelgroep"))
            geboortedatum = dt.date.fromisoformat(data["geboortedatum"])
            start = dt.date.fromisoformat(data["datumStartInburgeringsplicht"])
            kennisgeving = _datum(data.get("datumKennisgeving"))
            # v3: the BRP's registration in this gemeente, the later start of the ten weeks.
            inschrijving = _datum(data.get("datumInschrijvingInGemeente"))
        except (KeyError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        try:
            # The consumer acts for the gemeente whose event it is, never for another.
            self.application.registreer_inburgeraar(
                gemeente=gemeente,
                doelgroep=doelgroep,
                bsn=data["bsn"],
                naam=data["naam"],
                geboortedatum=geboortedatum,
                adres=None,
                datum_start_inburgeringsplicht=start,
                vestigingsdatum=inschrijving,
                gemeenten=[gemeente],
                datum_kennisgeving=kennisgeving,
            )
        except AlGeregistreerd as e:
            # DUO tells again (SS101 then SS139, or a resend): the person is registered once;
            # a later kennisgeving (SS139 on leaving the COA) restarts the ten weeks.
            self._kennisgeving(e.bestaand_id, kennisgeving, gemeente)

    def _kennisgeving(
        self, inburgeraar_id: UUID, kennisgeving: dt.date | None, gemeente: str
    ) -> None:
        if kennisgeving is None:
            log.info("Inburgeraar %s already registered; no new kennisgeving", inburgeraar_id)
            return
        try:
            self.application.ontvang_kennisgeving(
                inburgeraar_id, kennisgeving, gemeenten=[gemeente]
            )
        except KennisgevingNietNieuwer:
            log.info("Inburgeraar %s: kennisgeving %s is not newer", inburgeraar_id, kennisgeving)


def _datum(iso: str | None) -> dt.date | None:
    return None if iso is None else dt.date.fromisoformat(iso)


class IntakeVerhuizingPolicy:
    """Intake's own log: the new gemeente recorded where the person came from
    (VorigeGemeenteVastgelegd); the previous gemeente, and only it, closes its own file
    (InburgeraarVerhuisd), which its PIP service then hands over. In another deployment the
    previous gemeente does not know the BSN here, and nothing happens."""

    def __init__(self, application: IntakeApplication) -> None:
        self.application = application

    def handles(self, ce_type: str) -> bool:
        return ce_type == intake_contract.VORIGE_GEMEENTE_VASTGELEGD

    def handle(self, cloudevent: dict[str, Any]) -> None:
        vereist(cloudevent, "inburgeraarId", "vorigeGemeente", "bsn", "datum")
        data = cloudevent["data"]
        try:
            nieuw_id = UUID(data["inburgeraarId"])
            datum = dt.date.fromisoformat(data["datum"])
        except (KeyError, ValueError) as e:
            raise OnleesbaarBericht(f"{cloudevent['type']} {cloudevent['id']}: {e!r}") from e
        if data["bsn"] is None:
            log.info("Verhuizing %s: the person is forgotten; nothing to close", cloudevent["id"])
            return
        gesloten = self.application.verwerk_vertrek(
            gemeente=data["vorigeGemeente"],
            bsn=data["bsn"],
            naar_gemeente=cloudevent["gemeente"],
            nieuw_inburgeraar_id=nieuw_id,
            datum=datum,
        )
        if gesloten is None:
            log.info(
                "Verhuizing %s: %s knows no open file of the person",
                cloudevent["id"],
                data["vorigeGemeente"],
            )
