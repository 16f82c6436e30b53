"""DUO's validation rules for a PIP (contracts/duo/README.md, "Het aanleveren van een PIP"),
on DUO's own message (PIP API `PIP`: dagtekeningPip, leerroute B/O/Z, niveau A2/B1,
geschatteIntensiteitB1Route). They belong to DUO's contract, so they live here and not in
the PIP service: the client refuses a message that breaks them before it leaves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from shared.domain import RuleViolation, today

README = "DUO README: Het aanleveren van een PIP"
B1_ROUTE, ONDERWIJSROUTE, Z_ROUTE = "B", "O", "Z"
NIVEAUS_PIP = ("A2", "B1")  # DUO's NiveauPip


@dataclass(frozen=True)
class Overtreding:
    regel: str
    tekst: str


class DuoRegelsOvertreden(RuleViolation):
    """The PIP breaks DUO's rules: every broken rule named, nothing sent."""

    title: ClassVar[str] = "DUO-regels overtreden"
    bron: ClassVar[str | None] = README

    def __init__(self, overtredingen: Sequence[Overtreding]) -> None:
        self.overtredingen = list(overtredingen)
        super().__init__(
            "PIP niet naar DUO gestuurd: " + "; ".join(o.tekst for o in self.overtredingen),
            ontbrekend=[o.regel for o in self.overtredingen],
        )


@dataclass(frozen=True)
class DuoContext:
    """What DUO knows of the person that its rules need, as far as the platform knows it
    too (None: unknown here, DUO checks it itself)."""

    start_inburgeringsplicht: dt.date | None = None
    vestigingsdatum: dt.date | None = None
    asielmigrant: bool | None = None
    eerdere_dagtekeningen: tuple[dt.date, ...] = field(default_factory=tuple)


def overtredingen(pip: dict[str, Any], context: DuoContext) -> list[Overtreding]:
    """Every rule of DUO's README the message breaks."""
    gevonden: list[Overtreding] = []
    dagtekening = dt.date.fromisoformat(pip["dagtekeningPip"])
    leerroute, niveau = pip.get("leerroute"), pip.get("niveau")
    start, vestiging = context.start_inburgeringsplicht, context.vestigingsdatum
    if start is not None and dagtekening < start:
        gevonden.append(
            Overtreding(
                "dagtekening.start",
                "De datum dagtekening ligt voor de start van de inburgeringsplicht",
            )
        )
    eerdere = context.eerdere_dagtekeningen
    if eerdere and any(dagtekening < d for d in (eerdere[0], eerdere[-1])):
        gevonden.append(
            Overtreding(
                "dagtekening.eerdere-pip",
                "De datum dagtekening ligt voor die van de initiele of actuele PIP",
            )
        )
    if vestiging is not None and dagtekening < vestiging:
        gevonden.append(
            Overtreding(
                "dagtekening.vestiging",
                "De datum dagtekening ligt voor de vestiging bij de gemeente",
            )
        )
    if niveau is not None and niveau not in NIVEAUS_PIP:
        gevonden.append(Overtreding("niveau.waarde", f"Niveau {niveau} kent DUO niet (A2 of B1)"))
    if niveau == "A2" and leerroute == ONDERWIJSROUTE:
        gevonden.append(
            Overtreding(
                "niveau.onderwijsroute", "Niveau A2 mag niet in combinatie met de onderwijsroute"
            )
        )
    if niveau == "B1" and leerroute == Z_ROUTE:
        gevonden.append(
            Overtreding("niveau.z-route", "Niveau B1 mag niet in combinatie met de Z-route")
        )
    if niveau == "A2" and leerroute == B1_ROUTE and not eerdere:
        gevonden.append(
            Overtreding("niveau.eerste-pip", "Niveau A2 mag niet met de B1-route bij de eerste PIP")
        )
    if "geschatteIntensiteitB1Route" in pip and (
        leerroute != B1_ROUTE or context.asielmigrant is False
    ):
        gevonden.append(
            Overtreding(
                "geschatte-intensiteit",
                "Geschatte intensiteit B1 route mag alleen bij de B1-route en bij asielmigranten",
            )
        )
    return gevonden


def check_pip(pip: dict[str, Any], context: DuoContext) -> None:
    gevonden = overtredingen(pip, context)
    if gevonden:
        raise DuoRegelsOvertreden(gevonden)


# MAP-PVT-Zroute API: the field of the date per onderdeel.
AFRONDING_DATUM = {"map": "datumEindgesprekMap", "pvt": "datumOndertekeningPvt"}
MAP_PVT = (
    "DUO README: Module Arbeidsmarkt en Participatie (MAP); Participatieverklaringstraject (PVT)"
)


def afronding_bericht(onderdeel: str, datum: dt.date, verwijtbaar: str | None) -> dict[str, Any]:
    """DUO's ResultaatMap / ResultaatPvt."""
    bericht: dict[str, Any] = {AFRONDING_DATUM[onderdeel]: datum.isoformat()}
    if verwijtbaar is not None:
        bericht["verwijtbaar"] = "Ja" if verwijtbaar == "ja" else "Nee"
    return bericht


def check_afronding(onderdeel: str, datum: dt.date) -> None:
    """DUO README, MAP and PVT: the date may not lie in the future. (The termijn and
    Z-route dates are DUO's; the PIP service checks its own.)"""
    if datum > today():
        raise DuoRegelsOvertreden(
            [
                Overtreding(
                    f"{onderdeel}.datum", f"De datum van {onderdeel.upper()} ligt in de toekomst"
                )
            ]
        )
