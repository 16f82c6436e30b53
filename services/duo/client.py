"""The platform's client of DUO's M2M APIs (contracts/duo): report a vastgestelde PIP (PIP
API, POST /personen/{bsn}/PIP) and fetch exam results (Examen API, GET
/personen/{bsn}/examens/resultaten). Headers `bron` (the gemeente's OIN), `doel` (DUO's OIN)
and `berichtId` as the specs name them.

A PIP that breaks DUO's rules is refused here, before it leaves the platform, with DUO's
own rules (services/duo/rules.py, DUO's README). 5xx answers and connection errors are
retried with exponential backoff (bounded); when they persist, `DuoOnbereikbaar` is raised:
the caller turns it into a visible signal.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

import httpx
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.duo import rules
from services.duo.config import oin_paren
from services.duo.rules import DuoContext
from shared.domain import DomainError

DUO_OIN = "00000001800866472000"  # Dienst Uitvoering Onderwijs in Logius' OIN register

ONDERDEEL_VAN_DUO = {
    "KNM": "knm",
    "LE": "lezen",
    "LU": "luisteren",
    "SC": "schrijven",
    "SP": "spreken",
}


class DuoClientSettings(BaseSettings):
    """Where DUO lives and who we are to DUO (env DUO_BASE_URL, DUO_OIN, DUO_GEMEENTE_OINS in
    the same `OIN=GMxxxx` form as the Notificatie side, read here as CBS code -> OIN)."""

    model_config = SettingsConfigDict(env_prefix="DUO_", env_file=".env", extra="ignore")

    base_url: str = Field(
        "http://127.0.0.1:8099", min_length=1, description="DUO's base URL, without /v1."
    )
    oin: str = Field(DUO_OIN, min_length=20, max_length=20, description="DUO's OIN (doel).")
    gemeente_oins: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, description="CBS gemeentecode (GM0222) -> the gemeente's OIN."
    )
    max_pogingen: int = Field(4, ge=1, description="Attempts per request, first included.")
    backoff_seconden: float = Field(0.5, ge=0, description="First wait; doubles each retry.")
    timeout_seconden: float = Field(10.0, gt=0)

    @field_validator("gemeente_oins", mode="before")
    @classmethod
    def _from_environment(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {code: oin for oin, code in oin_paren(value).items()}
        return value


class DuoFout(DomainError):
    """DUO refused the request (HTTP 400 Fout verzoek or 403 with DUO's Foutmelding)."""

    status: ClassVar[int] = 502
    title: ClassVar[str] = "DUO weigerde het verzoek"
    bron: ClassVar[str | None] = "DUO PIP API (403: Foutmelding)"

    def __init__(self, status_code: int, foutteksten: list[str]) -> None:
        self.status_code = status_code
        self.foutteksten = foutteksten
        tekst = "; ".join(foutteksten) or "Fout verzoek"
        super().__init__(f"DUO antwoordde {status_code}: {tekst}")


class DuoOnbereikbaar(Exception):
    """DUO did not answer successfully after every retry (5xx or no connection)."""

    def __init__(self, pogingen: int, laatste: str) -> None:
        self.pogingen = pogingen
        self.laatste = laatste
        super().__init__(f"DUO niet bereikbaar na {pogingen} pogingen: {laatste}")


class GemeenteZonderOIN(DomainError):
    status: ClassVar[int] = 500
    title: ClassVar[str] = "Geen OIN voor gemeente"
    bron: ClassVar[str | None] = "DUO README: Organisatieidentificatienummers (OIN)"


LEERROUTE_NAAR_DUO = {"b1": rules.B1_ROUTE, "onderwijs": rules.ONDERWIJSROUTE, "z": rules.Z_ROUTE}
# MAP-PVT-Zroute API: the field of the date per onderdeel.
AFRONDING_DATUM = {"map": "datumEindgesprekMap", "pvt": "datumOndertekeningPvt"}


def afronding_bericht(onderdeel: str, datum: dt.date, verwijtbaar: str | None) -> dict[str, Any]:
    """DUO's ResultaatMap / ResultaatPvt."""
    bericht: dict[str, Any] = {AFRONDING_DATUM[onderdeel]: datum.isoformat()}
    if verwijtbaar is not None:
        bericht["verwijtbaar"] = "Ja" if verwijtbaar == "ja" else "Nee"
    return bericht


@dataclass(frozen=True)
class PIPMelding:
    """A vastgestelde PIP as DUO needs it: the PIP's CloudEvent data (PIPVastgesteld, in the
    platform's words) plus the BSN (DUO's key) and what DUO's rules need to know of the
    person (`context`)."""

    gemeente: str
    bsn: str
    dagtekening: dt.date
    leerroute: str  # b1, onderwijs, z
    niveau: str | None
    geschatte_intensiteit: int | None
    context: DuoContext = field(default_factory=DuoContext)

    @classmethod
    def uit_pip_vastgesteld(
        cls, data: Mapping[str, Any], *, gemeente: str, bsn: str, context: DuoContext
    ) -> PIPMelding:
        """From the data of a `nl.inburgering.pip.pip-vastgesteld` CloudEvent."""
        return cls(
            gemeente=gemeente,
            bsn=bsn,
            dagtekening=dt.date.fromisoformat(data["dagtekening"]),
            leerroute=data["leerroute"],
            niveau=data.get("niveau"),
            geschatte_intensiteit=data.get("geschatteIntensiteit"),
            context=context,
        )

    def als_duo_pip(self) -> dict[str, Any]:
        """DUO's `PIP` schema. DUO's NiveauPip is "het minimaal te behalen niveau" (A2, B1):
        B2 is sent as B1; the Z-route's A1 has no DUO value and is left out."""
        pip: dict[str, Any] = {
            "dagtekeningPip": self.dagtekening.isoformat(),
            "leerroute": LEERROUTE_NAAR_DUO.get(self.leerroute, self.leerroute),
        }
        if self.niveau is not None and self.niveau != "A1":
            pip["niveau"] = "B1" if self.niveau == "B2" else self.niveau
        if self.geschatte_intensiteit is not None:
            pip["geschatteIntensiteitB1Route"] = self.geschatte_intensiteit
        return pip

    def check_duo_regels(self) -> None:
        """DUO README, "Het aanleveren van een PIP": every rule, all broken ones at once."""
        rules.check_pip(self.als_duo_pip(), self.context)


@dataclass(frozen=True)
class Examenresultaat:
    examendatum: dt.date
    resultaat: str  # Geslaagd, Gezakt, Geen
    onderdeel: str  # the platform's examenonderdeel: lezen, luisteren, schrijven, spreken, knm
    niveau: str | None
    reden_geen_resultaat: str | None

    @classmethod
    def van_duo(cls, data: Mapping[str, Any]) -> Examenresultaat:
        return cls(
            examendatum=dt.date.fromisoformat(data["examendatum"]),
            resultaat=data["resultaat"],
            onderdeel=ONDERDEEL_VAN_DUO[data["onderdeel"]],
            niveau=data.get("niveau"),
            reden_geen_resultaat=data.get("redenGeenResultaat"),
        )

    @property
    def geslaagd(self) -> bool:
        return self.resultaat == "Geslaagd"


@dataclass(frozen=True)
class Inburgeringsplicht:
    """DUO Inburgeringsplicht API: the obligation and the doelgroep, as DUO gives them."""

    inburgeringsplichtig: bool
    begindatum: dt.date | None
    doelgroep: str | None  # DUO's Doelgroepindeling
    # The day DUO gave notice of the obligation: the ten weeks for the PIP run from it.
    datum_kennisgeving: dt.date | None = None
    gedetailleerde_doelgroep: str | None = None  # DUO's GedetailleerdeDoelgroep
    # An obligation that ended or paused: its last day (inclusive) and DUO's
    # RedenGeenInburgeringsplicht ("Overlijden", "Tijdelijke vrijstelling", ...).
    einddatum: dt.date | None = None
    reden_geen_inburgeringsplicht: str | None = None
    doelgroep_begindatum: dt.date | None = None  # since when the doelgroep applies


@dataclass(frozen=True)
class GeheleOntheffing:
    """DUO Ontheffing API, GeheleOntheffing granted: DUO's grond (BIO, MED)."""

    grond: str
    datum_oordeel: dt.date | None


@dataclass(frozen=True)
class TijdelijkeVrijstelling:
    """DUO Vrijstelling API, TijdelijkeVrijstelling: a granted one (oordeel Toekenning)."""

    reden: str  # DUO's RedenVrijstellingInburgeringsplicht: INS or OPL
    datum_oordeel: dt.date | None
    startdatum: dt.date | None
    einddatum: dt.date | None  # inclusive


@dataclass(frozen=True)
class ActuelePIP:
    """DUO PIP API, GET .../PIP: the PIP DUO holds now and the gemeente that registered it
    ("dit kan ook een PIP van een voorgaande gemeente betreffen")."""

    gemeentecode: str  # DUO's: the 4 digits of the CBS code (0222 for GM0222)
    pip: dict[str, Any]

    @property
    def cbs_code(self) -> str:
        return f"GM{self.gemeentecode}"


@dataclass(frozen=True)
class Verlenging:
    """One change of the termijn in DUO's Inburgeringstermijn API (historie)."""

    einddatum: dt.date  # DUO's: exclusive
    wijzigingsdatum: dt.date | None
    grondcode: str | None
    grondomschrijving: str | None


@dataclass(frozen=True)
class Inburgeringstermijn:
    """DUO Inburgeringstermijn API: the current termijn (startdatum inclusive, einddatum
    exclusive, as DUO's spec says) and its history of changes."""

    startdatum: dt.date
    einddatum: dt.date
    wijzigingsdatum: dt.date | None
    grondcode: str | None
    grondomschrijving: str | None
    historie: tuple[Verlenging, ...] = ()


class DuoClient:
    def __init__(
        self,
        settings: DuoClientSettings,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.http = http or httpx.Client(
            base_url=f"{settings.base_url.rstrip('/')}/v1", timeout=settings.timeout_seconden
        )
        self.sleep = sleep

    def close(self) -> None:
        self.http.close()

    def meld_pip(self, melding: PIPMelding) -> None:
        """Report a vastgestelde PIP; refused here if it breaks DUO's rules."""
        melding.check_duo_regels()
        response = self._verzoek(
            "POST",
            f"/personen/{melding.bsn}/PIP",
            gemeente=melding.gemeente,
            json=melding.als_duo_pip(),
        )
        if response.status_code != 201:
            raise DuoFout(response.status_code, _foutteksten(response))

    def meld_afronding(
        self,
        gemeente: str,
        bsn: str,
        onderdeel: str,
        datum: dt.date,
        verwijtbaar: str | None,
        einddatum_duo: dt.date | None = None,
    ) -> dict[str, Any]:
        """MAP-PVT-Zroute API: PUT .../map (datum eindgesprek) or .../pvt (datum
        ondertekening), with DUO's Ja/Nee verwijtbaar; refused here if it breaks DUO's rules
        (the verwijtbaar rules when DUO's einddatum of the termijn is known). Returns the
        message sent."""
        bericht = afronding_bericht(onderdeel, datum, verwijtbaar)
        rules.check_afronding(onderdeel, datum, verwijtbaar, einddatum_duo)
        response = self._verzoek(
            "PUT", f"/personen/{bsn}/{onderdeel}", gemeente=gemeente, json=bericht
        )
        if response.status_code != 200:
            raise DuoFout(response.status_code, _foutteksten(response))
        return bericht

    def actuele_pip(self, gemeente: str, bsn: str) -> ActuelePIP | None:
        """DUO PIP API: GET .../PIP; None when DUO holds no PIP for the person (404)."""
        response = self._verzoek("GET", f"/personen/{bsn}/PIP", gemeente=gemeente)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise DuoFout(response.status_code, _foutteksten(response))
        body = response.json()
        return ActuelePIP(gemeentecode=str(body["gemeentecode"]), pip=dict(body["pip"]))

    def examenresultaten(self, gemeente: str, bsn: str) -> list[Examenresultaat]:
        """DUO's exam results for a person; none known (404) is an empty list."""
        response = self._verzoek("GET", f"/personen/{bsn}/examens/resultaten", gemeente=gemeente)
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise DuoFout(response.status_code, _foutteksten(response))
        return [Examenresultaat.van_duo(r) for r in response.json()]

    def leerbaarheidstoetsresultaten(self, gemeente: str, bsn: str) -> list[dict[str, Any]]:
        """DUO Leerbaarheidstoets API: GET .../lbt/resultaten (DUO's `Resultaat` objects);
        none known (404) is an empty list."""
        response = self._verzoek("GET", f"/personen/{bsn}/lbt/resultaten", gemeente=gemeente)
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise DuoFout(response.status_code, _foutteksten(response))
        resultaten: list[dict[str, Any]] = response.json()
        return resultaten

    def inburgeringsplicht(self, gemeente: str, bsn: str) -> Inburgeringsplicht | None:
        """DUO Inburgeringsplicht API: GET .../inburgeringsplicht and .../doelgroep; None
        when DUO does not know the person (404)."""
        plicht = self._verzoek("GET", f"/personen/{bsn}/inburgeringsplicht", gemeente=gemeente)
        if plicht.status_code == 404:
            return None
        if plicht.status_code != 200:
            raise DuoFout(plicht.status_code, _foutteksten(plicht))
        groep = self._verzoek("GET", f"/personen/{bsn}/doelgroep", gemeente=gemeente)
        if groep.status_code not in (200, 404):
            raise DuoFout(groep.status_code, _foutteksten(groep))
        body = plicht.json()
        doelgroep = groep.json() if groep.status_code == 200 else {}
        return Inburgeringsplicht(
            inburgeringsplichtig=bool(body["indicatorInburgeringsplicht"]),
            begindatum=_datum(body.get("begindatum")),
            doelgroep=doelgroep.get("indeling"),
            datum_kennisgeving=_datum(body.get("datumKennisgevingInburgeringsplicht")),
            gedetailleerde_doelgroep=doelgroep.get("gedetailleerdeDoelgroep"),
            einddatum=_datum(body.get("einddatum")),
            reden_geen_inburgeringsplicht=body.get("redenGeenInburgeringsplicht"),
            doelgroep_begindatum=_datum(doelgroep.get("begindatum")),
        )

    def tijdelijke_vrijstellingen(self, gemeente: str, bsn: str) -> list[TijdelijkeVrijstelling]:
        """DUO Vrijstelling API: GET .../vrijstellingen, the granted TijdelijkeVrijstellingen
        in DUO's order; none known (404) is an empty list."""
        response = self._verzoek("GET", f"/personen/{bsn}/vrijstellingen", gemeente=gemeente)
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise DuoFout(response.status_code, _foutteksten(response))
        return [
            TijdelijkeVrijstelling(
                reden=tijdelijk["reden"],
                datum_oordeel=_datum(tijdelijk.get("datumOordeel")),
                startdatum=_datum(tijdelijk.get("startdatum")),
                einddatum=_datum(tijdelijk.get("einddatum")),
            )
            for vrijstelling in response.json()
            if (tijdelijk := vrijstelling.get("TijdelijkeVrijstelling"))
            and tijdelijk.get("oordeel") == "Toekenning"
        ]

    def gehele_ontheffing(self, gemeente: str, bsn: str) -> GeheleOntheffing | None:
        """DUO Ontheffing API: GET .../ontheffingen, the last granted GeheleOntheffing (SS108);
        none known (404) is None."""
        response = self._verzoek("GET", f"/personen/{bsn}/ontheffingen", gemeente=gemeente)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise DuoFout(response.status_code, _foutteksten(response))
        toegekend = [
            GeheleOntheffing(grond=geheel["grond"], datum_oordeel=_datum(geheel["datumOordeel"]))
            for ontheffing in response.json()
            if (geheel := ontheffing.get("GeheleOntheffing"))
            and geheel.get("oordeel") == "Toekenning"
        ]
        return toegekend[-1] if toegekend else None

    def inburgeringstermijn(self, gemeente: str, bsn: str) -> Inburgeringstermijn | None:
        """DUO Inburgeringstermijn API: GET .../inburgeringstermijn and .../historie; None
        when DUO knows no termijn for the person (404)."""
        termijn = self._verzoek("GET", f"/personen/{bsn}/inburgeringstermijn", gemeente=gemeente)
        if termijn.status_code == 404:
            return None
        if termijn.status_code != 200:
            raise DuoFout(termijn.status_code, _foutteksten(termijn))
        historie = self._verzoek(
            "GET", f"/personen/{bsn}/inburgeringstermijn/historie", gemeente=gemeente
        )
        if historie.status_code not in (200, 404):
            raise DuoFout(historie.status_code, _foutteksten(historie))
        body = termijn.json()
        return Inburgeringstermijn(
            startdatum=dt.date.fromisoformat(body["startdatum"]),
            einddatum=dt.date.fromisoformat(body["einddatum"]),
            wijzigingsdatum=_datum(body.get("wijzigingsdatum")),
            grondcode=body.get("verlengingsgrondcode"),
            grondomschrijving=body.get("verlengingsgrondomschrijving"),
            historie=tuple(
                Verlenging(
                    einddatum=dt.date.fromisoformat(h["einddatum"]),
                    wijzigingsdatum=_datum(h.get("wijzigingsdatum")),
                    grondcode=h.get("verlengingsgrondcode"),
                    grondomschrijving=h.get("verlengingsgrondomschrijving"),
                )
                for h in (historie.json() if historie.status_code == 200 else [])
                if h.get("einddatum")
            ),
        )

    def _headers(self, gemeente: str) -> dict[str, str]:
        bron = self.settings.gemeente_oins.get(gemeente)
        if bron is None:
            raise GemeenteZonderOIN(f"Geen OIN ingesteld voor gemeente {gemeente}")
        return {"bron": bron, "doel": self.settings.oin, "berichtId": str(uuid.uuid4())}

    def _verzoek(
        self, method: str, path: str, *, gemeente: str, json: Any = None
    ) -> httpx.Response:
        headers = self._headers(gemeente)  # one berichtId for every attempt of this request
        laatste = ""
        for poging in range(1, self.settings.max_pogingen + 1):
            try:
                response = self.http.request(method, path, headers=headers, json=json)
            except httpx.TransportError as e:
                laatste = f"{type(e).__name__}: {e}"
            else:
                if response.status_code < 500:
                    return response
                laatste = f"HTTP {response.status_code}"
            if poging < self.settings.max_pogingen:
                self.sleep(self.settings.backoff_seconden * 2 ** (poging - 1))
        raise DuoOnbereikbaar(self.settings.max_pogingen, laatste)


def _datum(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _foutteksten(response: httpx.Response) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return []
    if isinstance(body, list):
        return [str(f.get("fouttekst", "")) for f in body if isinstance(f, dict)]
    return []
