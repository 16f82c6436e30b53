"""DUO's rules, as the chain with DUO applies them: who may send a notificatie and to whom
(OIN), DUO's validation rules for a PIP (contracts/duo/README.md, "Het aanleveren van een
PIP", on DUO's own message: dagtekeningPip, leerroute B/O/Z, niveau A2/B1,
geschatteIntensiteitB1Route), the MAP/PVT dates, and that a melding is registered once.
They belong to DUO's contract, so they live here and not in the PIP service: the client
refuses a message that breaks them before it leaves.

Each rule is a named violation with its `bron` and its key `regel` (DUO's rule, as named
in `DuoRegelsOvertreden.ontbrekend`), and a `check_*` guard that raises it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from shared.domain import RuleViolation, add_months, today
from shared.gemeenten import is_gemeentecode

README = "DUO README: Het aanleveren van een PIP"
DAGTEKENING = f"{README}, Datum dagtekening"
NIVEAU = f"{README}, Niveau"
INTENSITEIT = f"{README}, Geschatte intensiteit B1 route"
MAP_PVT = (
    "DUO README: Module Arbeidsmarkt en Participatie (MAP); Participatieverklaringstraject (PVT)"
)
OIN = "DUO README: Organisatieidentificatienummers (OIN)"
TERMIJN_API = "DUO Inburgeringstermijn API (einddatum: 'het einde van de periode (exclusief)')"
VERWIJTBAAR = f"{MAP_PVT}: Verwijtbaar (Ja/Nee); {TERMIJN_API}"
VERWIJTBAAR_NEE_MAANDEN = 2
VORIGE_GEMEENTE = (
    "DUO Gebeurtenissen SS121 (gevestigd met PIP vorige gemeente); DUO PIP API, GET "
    "/personen/{bsn}/PIP: gemeentecode ('ook een PIP van een voorgaande gemeente')"
)

B1_ROUTE, ONDERWIJSROUTE, Z_ROUTE = "B", "O", "Z"
NIVEAUS_PIP = ("A2", "B1")  # DUO's NiveauPip


@dataclass(frozen=True)
class DuoContext:
    """What DUO knows of the person that its rules need, as far as the platform knows it
    too (None: unknown here, DUO checks it itself)."""

    start_inburgeringsplicht: dt.date | None = None
    vestigingsdatum: dt.date | None = None
    asielmigrant: bool | None = None
    eerdere_dagtekeningen: tuple[dt.date, ...] = field(default_factory=tuple)


# --- Violations -----------------------------------------------------------------------


class DuoRegel(RuleViolation):
    """One of DUO's rules for a message; `regel` is its stable key."""

    regel: str = ""

    def __init__(self, detail: str, *, regel: str | None = None) -> None:
        super().__init__(detail)
        self.regel = regel or type(self).regel


class DuoRegelsOvertreden(RuleViolation):
    """The message breaks DUO's rules: every broken rule named, nothing sent."""

    title: ClassVar[str] = "DUO-regels overtreden"
    bron: ClassVar[str | None] = README

    def __init__(self, overtredingen: Sequence[DuoRegel], *, wat: str = "PIP") -> None:
        self.overtredingen = list(overtredingen)
        super().__init__(
            f"{wat} niet naar DUO gestuurd: " + "; ".join(o.detail for o in self.overtredingen),
            ontbrekend=[o.regel for o in self.overtredingen],
        )


class DagtekeningVoorStartInburgeringsplicht(DuoRegel):
    bron = DAGTEKENING
    regel = "dagtekening.start"


class DagtekeningVoorEerderePIP(DuoRegel):
    bron = DAGTEKENING
    regel = "dagtekening.eerdere-pip"


class DagtekeningVoorVestiging(DuoRegel):
    bron = DAGTEKENING
    regel = "dagtekening.vestiging"


class NiveauOnbekend(DuoRegel):
    bron = f"{NIVEAU} (NiveauPip: A2 of B1)"
    regel = "niveau.waarde"


class NiveauA2BijOnderwijsroute(DuoRegel):
    bron = NIVEAU
    regel = "niveau.onderwijsroute"


class NiveauB1BijZRoute(DuoRegel):
    bron = NIVEAU
    regel = "niveau.z-route"


class NiveauA2BijEerstePIPInB1Route(DuoRegel):
    bron = NIVEAU
    regel = "niveau.eerste-pip"


class GeschatteIntensiteitNietToegestaan(DuoRegel):
    bron = INTENSITEIT
    regel = "geschatte-intensiteit"


class AfrondingInDeToekomst(DuoRegel):
    bron = f"{MAP_PVT}: de datum mag niet in de toekomst liggen"


class VerwijtbaarVoorEinddatum(DuoRegel):
    bron = f"{VERWIJTBAAR}: voor de einddatum mag 'Verwijtbaar' niet worden geleverd"


class VerwijtbaarOntbreekt(DuoRegel):
    bron = f"{VERWIJTBAAR}: zonder 'Verwijtbaar' geen overschrijding van de termijn"


class VerwijtbaarJaZonderOverschrijding(DuoRegel):
    bron = f"{VERWIJTBAAR}: 'Ja' alleen bij overschrijding van de termijn"


class VerwijtbaarNeeBuitenTweeMaanden(DuoRegel):
    bron = f"{VERWIJTBAAR}: 'Nee' alleen als de einddatum binnen twee maanden valt"


class VorigeGemeenteNietBruikbaar(RuleViolation):
    """DUO's PIP API names no other gemeente of this country for a person who moved here
    (SS121): nothing is recorded, the notificatie says why."""

    status = 422
    title = "Vorige gemeente niet bruikbaar"
    bron = VORIGE_GEMEENTE


class VorigeGemeenteOnbekend(VorigeGemeenteNietBruikbaar):
    title = "Vorige gemeente onbekend"


class VorigeGemeenteIsDezeGemeente(VorigeGemeenteNietBruikbaar):
    title = "Vorige gemeente is deze gemeente"


class PIPAlGemeld(RuleViolation):
    status = 409
    title = "Al gemeld"
    bron = "DUO README: Het aanleveren van een PIP (een PIP wordt eenmaal geregistreerd)"


class OnbekendDoel(RuleViolation):
    """The notificatie is addressed to an OIN this deployment serves no gemeente for."""

    status = 400
    title = "Onbekend doel"
    bron = OIN


class OnbekendeBron(RuleViolation):
    """Only DUO sends notificaties."""

    status = 403
    title = "Niet geautoriseerd"
    bron = OIN


# --- Guards: the notificatie's sender and addressee (OIN) ------------------------------


def check_bron_is_duo(bron: str, duo_oin: str) -> None:
    if bron != duo_oin:
        raise OnbekendeBron(f"Bron {bron} is niet DUO")


def check_doel(doel: str, gemeente_oins: Mapping[str, str]) -> str:
    """The gemeente (CBS code) the `doel` OIN names."""
    gemeente = gemeente_oins.get(doel)
    if gemeente is None:
        raise OnbekendDoel(f"Doel {doel} is geen gemeente van dit platform")
    return gemeente


# --- Guards: a PIP (DUO README, "Het aanleveren van een PIP") ---------------------------


def check_dagtekening_niet_voor_start(dagtekening: dt.date, start: dt.date | None) -> None:
    if start is not None and dagtekening < start:
        raise DagtekeningVoorStartInburgeringsplicht(
            "De datum dagtekening ligt voor de start van de inburgeringsplicht"
        )


def check_dagtekening_niet_voor_eerdere_pip(
    dagtekening: dt.date, eerdere: Sequence[dt.date]
) -> None:
    """Not before the initial (first) nor the actual (last) PIP's dagtekening."""
    if eerdere and any(dagtekening < d for d in (eerdere[0], eerdere[-1])):
        raise DagtekeningVoorEerderePIP(
            "De datum dagtekening ligt voor die van de initiele of actuele PIP"
        )


def check_dagtekening_niet_voor_vestiging(dagtekening: dt.date, vestiging: dt.date | None) -> None:
    if vestiging is not None and dagtekening < vestiging:
        raise DagtekeningVoorVestiging(
            "De datum dagtekening ligt voor de vestiging bij de gemeente"
        )


def check_niveau_bekend(niveau: str | None) -> None:
    if niveau is not None and niveau not in NIVEAUS_PIP:
        raise NiveauOnbekend(f"Niveau {niveau} kent DUO niet (A2 of B1)")


def check_niveau_bij_onderwijsroute(leerroute: str, niveau: str | None) -> None:
    if niveau == "A2" and leerroute == ONDERWIJSROUTE:
        raise NiveauA2BijOnderwijsroute("Niveau A2 mag niet in combinatie met de onderwijsroute")


def check_niveau_bij_z_route(leerroute: str, niveau: str | None) -> None:
    if niveau == "B1" and leerroute == Z_ROUTE:
        raise NiveauB1BijZRoute("Niveau B1 mag niet in combinatie met de Z-route")


def check_niveau_bij_eerste_pip(leerroute: str, niveau: str | None, is_eerste: bool) -> None:
    if niveau == "A2" and leerroute == B1_ROUTE and is_eerste:
        raise NiveauA2BijEerstePIPInB1Route("Niveau A2 mag niet met de B1-route bij de eerste PIP")


def check_geschatte_intensiteit(
    leerroute: str, met_intensiteit: bool, asielmigrant: bool | None
) -> None:
    if met_intensiteit and (leerroute != B1_ROUTE or asielmigrant is False):
        raise GeschatteIntensiteitNietToegestaan(
            "Geschatte intensiteit B1 route mag alleen bij de B1-route en bij asielmigranten"
        )


def alle(*guards: Callable[[], None], wat: str = "PIP") -> None:
    """Run every guard; raise all broken rules at once (DUO answers with all of them too)."""
    gevonden: list[DuoRegel] = []
    for guard in guards:
        try:
            guard()
        except DuoRegel as e:
            gevonden.append(e)
    if gevonden:
        raise DuoRegelsOvertreden(gevonden, wat=wat)


def check_pip(pip: Mapping[str, Any], context: DuoContext) -> None:
    """DUO's `PIP` message against every rule of DUO's README, all broken ones at once."""
    dagtekening = dt.date.fromisoformat(pip["dagtekeningPip"])
    leerroute, niveau = pip.get("leerroute", ""), pip.get("niveau")
    eerdere = context.eerdere_dagtekeningen
    alle(
        lambda: check_dagtekening_niet_voor_start(dagtekening, context.start_inburgeringsplicht),
        lambda: check_dagtekening_niet_voor_eerdere_pip(dagtekening, eerdere),
        lambda: check_dagtekening_niet_voor_vestiging(dagtekening, context.vestigingsdatum),
        lambda: check_niveau_bekend(niveau),
        lambda: check_niveau_bij_onderwijsroute(leerroute, niveau),
        lambda: check_niveau_bij_z_route(leerroute, niveau),
        lambda: check_niveau_bij_eerste_pip(leerroute, niveau, not eerdere),
        lambda: check_geschatte_intensiteit(
            leerroute, "geschatteIntensiteitB1Route" in pip, context.asielmigrant
        ),
    )


# --- Guards: MAP and PVT (DUO's MAP-PVT-Zroute API) -------------------------------------


def check_afronding_niet_in_toekomst(onderdeel: str, datum: dt.date) -> None:
    """DUO README, MAP and PVT: the date may not lie in the future. (The termijn and
    Z-route dates are DUO's; the PIP service checks its own.)"""
    if datum > today():
        raise AfrondingInDeToekomst(
            f"De datum van {onderdeel.upper()} ligt in de toekomst", regel=f"{onderdeel}.datum"
        )


def laatste_dag(einddatum_duo: dt.date) -> dt.date:
    """DUO's einddatum of a termijn is exclusive: the termijn's last day is the day before."""
    return einddatum_duo - dt.timedelta(days=1)


def is_overschreden(datum: dt.date, einddatum_duo: dt.date) -> bool:
    """A date on or after DUO's (exclusive) einddatum lies outside the termijn."""
    return datum >= einddatum_duo


def check_verwijtbaar_niet_voor_einddatum(
    onderdeel: str, datum: dt.date, einddatum_duo: dt.date, verwijtbaar: str | None
) -> None:
    if verwijtbaar is not None and datum < einddatum_duo:
        raise VerwijtbaarVoorEinddatum(
            f"De datum van {onderdeel.upper()} ligt voor de einddatum van de termijn "
            f"({einddatum_duo}, exclusief): geen 'Verwijtbaar'",
            regel=f"{onderdeel}.verwijtbaar.voor-einddatum",
        )


def check_verwijtbaar_bij_overschrijding(
    onderdeel: str, datum: dt.date, einddatum_duo: dt.date, verwijtbaar: str | None
) -> None:
    if verwijtbaar is None and is_overschreden(datum, einddatum_duo):
        raise VerwijtbaarOntbreekt(
            f"De datum van {onderdeel.upper()} overschrijdt de termijn: geef 'Verwijtbaar'",
            regel=f"{onderdeel}.verwijtbaar.ontbreekt",
        )


def check_verwijtbaar_ja(
    onderdeel: str, datum: dt.date, einddatum_duo: dt.date, verwijtbaar: str | None
) -> None:
    if verwijtbaar == "ja" and not is_overschreden(datum, einddatum_duo):
        raise VerwijtbaarJaZonderOverschrijding(
            f"'Ja' bij {onderdeel.upper()} alleen bij overschrijding van de termijn",
            regel=f"{onderdeel}.verwijtbaar.ja",
        )


def check_verwijtbaar_nee(
    onderdeel: str, einddatum_duo: dt.date, verwijtbaar: str | None, vandaag: dt.date
) -> None:
    # The termijn's last day, as pip counts "ends within two months" for its signal too.
    if verwijtbaar == "nee" and laatste_dag(einddatum_duo) > add_months(
        vandaag, VERWIJTBAAR_NEE_MAANDEN
    ):
        raise VerwijtbaarNeeBuitenTweeMaanden(
            f"'Nee' bij {onderdeel.upper()} alleen als de einddatum binnen twee maanden valt",
            regel=f"{onderdeel}.verwijtbaar.nee",
        )


def check_afronding(
    onderdeel: str,
    datum: dt.date,
    verwijtbaar: str | None = None,
    einddatum_duo: dt.date | None = None,
) -> None:
    """DUO's MAP/PVT rules; the verwijtbaar rules need DUO's einddatum of the termijn
    (exclusive), which DUO checks itself when the caller does not know it."""
    termijnregels: list[Callable[[], None]] = []
    if einddatum_duo is not None:
        einde = einddatum_duo
        termijnregels = [
            lambda: check_verwijtbaar_niet_voor_einddatum(onderdeel, datum, einde, verwijtbaar),
            lambda: check_verwijtbaar_bij_overschrijding(onderdeel, datum, einde, verwijtbaar),
            lambda: check_verwijtbaar_ja(onderdeel, datum, einde, verwijtbaar),
            lambda: check_verwijtbaar_nee(onderdeel, einde, verwijtbaar, today()),
        ]
    alle(
        lambda: check_afronding_niet_in_toekomst(onderdeel, datum),
        *termijnregels,
        wat=onderdeel.upper(),
    )


# --- Guards: where a person who moved came from (SS121) ---------------------------------


def check_vorige_gemeente_van_duo(gemeentecode: str, gemeente: str) -> str:
    """DUO's 4-digit gemeentecode of the current PIP -> the previous gemeente's CBS code;
    refused when it is no known gemeente or this gemeente itself."""
    cbs = f"GM{gemeentecode}"
    if not is_gemeentecode(cbs):
        raise VorigeGemeenteOnbekend(
            f"DUO's gemeentecode {gemeentecode!r} van de PIP is geen bekende gemeente"
        )
    if cbs == gemeente:
        raise VorigeGemeenteIsDezeGemeente(
            f"DUO's PIP is door deze gemeente ({gemeente}) geregistreerd: geen vorige gemeente"
        )
    return cbs


# --- Guards: a melding ------------------------------------------------------------------


def check_niet_gemeld(gemeld: bool, wat: str) -> None:
    if gemeld:
        raise PIPAlGemeld(f"{wat} is al bij DUO gemeld")


# --- The BRP's registration date: the other start of the ten weeks ----------------------


def inschrijving_in_gemeente(
    gemeente_van_inschrijving: str | None, datum: dt.date | None, gemeente: str
) -> dt.date | None:
    """The BRP's datumInschrijvingInGemeente counts for the ten weeks to the PIP only when
    it is the registration in this gemeente (art. 5.3 lid 1 Besluit inburgering 2021:
    "inschrijving ... in de basisregistratie personen als ingezetene van die gemeente");
    a registration elsewhere (not yet moved in) is no date for this gemeente."""
    if gemeente_van_inschrijving != gemeente:
        return None
    return datum
