"""The platform's client of DUO's M2M APIs (contracts/duo): report a vastgestelde PIP (PIP
API, POST /personen/{bsn}/PIP) and fetch exam results (Examen API, GET
/personen/{bsn}/examens/resultaten). Headers `bron` (the gemeente's OIN), `doel` (DUO's OIN)
and `berichtId` as the specs name them.

A PIP that breaks DUO's rules is refused here, before it leaves the platform, with the
rule from services/pip/rules.py. 5xx answers and connection errors are retried with
exponential backoff (bounded); when they persist, `DuoOnbereikbaar` is raised: the caller
turns it into a visible signal.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

import httpx
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.duo.config import oin_paren
from services.pip import rules
from services.pip.rules import Doelgroep, Examenonderdeel, Leerroute, Niveau
from shared.domain import DomainError

DUO_OIN = "00000001800866472000"  # Dienst Uitvoering Onderwijs in Logius' OIN register

LEERROUTE_NAAR_DUO = {Leerroute.B1: "B", Leerroute.ONDERWIJS: "O", Leerroute.Z: "Z"}
ONDERDEEL_VAN_DUO = {
    "KNM": Examenonderdeel.KNM,
    "LE": Examenonderdeel.LEZEN,
    "LU": Examenonderdeel.LUISTEREN,
    "SC": Examenonderdeel.SCHRIJVEN,
    "SP": Examenonderdeel.SPREKEN,
}


class DuoClientSettings(BaseSettings):
    """Where DUO lives and who we are to DUO (env DUO_BASE_URL, DUO_OIN, DUO_GEMEENTE_OINS in
    the same `OIN=GMxxxx` form as the Notificatie side, read here as CBS code -> OIN)."""

    model_config = SettingsConfigDict(env_prefix="DUO_", env_file=".env", extra="ignore")

    base_url: str = Field("http://127.0.0.1:8099", description="DUO's base URL, without /v1.")
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


@dataclass(frozen=True)
class PIPMelding:
    """A vastgestelde PIP as DUO needs it: our PIPVastgesteld plus the BSN (DUO's key) and
    what DUO's rules need that the event leaves implicit."""

    gemeente: str
    bsn: str
    dagtekening: dt.date
    leerroute: Leerroute
    niveau: Niveau | None
    geschatte_intensiteit: int | None
    is_eerste_pip: bool
    doelgroep: Doelgroep

    @classmethod
    def uit_pip_vastgesteld(cls, event: Any, *, gemeente: str, bsn: str) -> PIPMelding:
        """From a PIPVastgesteld event (services.pip), v2 (it names the doelgroep)."""
        dagtekening = event.dagtekening
        return cls(
            gemeente=gemeente,
            bsn=bsn,
            dagtekening=dagtekening
            if isinstance(dagtekening, dt.date)
            else dt.date.fromisoformat(dagtekening),
            leerroute=Leerroute(event.leerroute),
            niveau=Niveau(event.niveau) if event.niveau else None,
            geschatte_intensiteit=event.geschatte_intensiteit,
            is_eerste_pip=event.is_eerste_pip,
            doelgroep=Doelgroep(event.doelgroep),
        )

    def check_duo_regels(self) -> None:
        """DUO README, "Het aanleveren van een PIP": Niveau and Geschatte intensiteit.
        (The dagtekening rules need DUO's dates; the PIP aggregate checks them on ours.)"""
        rules.alle(
            lambda: rules.check_niveau_bij_onderwijsroute(self.leerroute, self.niveau),
            lambda: rules.check_niveau_bij_z_route(self.leerroute, self.niveau),
            lambda: rules.check_niveau_a2_bij_eerste_pip(
                self.leerroute, self.niveau, self.is_eerste_pip
            ),
            lambda: rules.check_niveau_a1_alleen_in_z_route(self.leerroute, self.niveau),
            lambda: rules.check_geschatte_intensiteit(
                self.leerroute, self.doelgroep, self.geschatte_intensiteit
            ),
        )

    def als_duo_pip(self) -> dict[str, Any]:
        """DUO's `PIP` schema. DUO's NiveauPip knows A2 and B1 ("het minimaal te behalen
        niveau"): B2 is sent as B1; the Z-route's A1 has no DUO value and is left out."""
        pip: dict[str, Any] = {
            "dagtekeningPip": self.dagtekening.isoformat(),
            "leerroute": LEERROUTE_NAAR_DUO[self.leerroute],
        }
        if self.niveau in (Niveau.A2, Niveau.B1, Niveau.B2):
            pip["niveau"] = Niveau.A2.value if self.niveau is Niveau.A2 else Niveau.B1.value
        if self.geschatte_intensiteit is not None:
            pip["geschatteIntensiteitB1Route"] = self.geschatte_intensiteit
        return pip


@dataclass(frozen=True)
class Examenresultaat:
    examendatum: dt.date
    resultaat: str  # Geslaagd, Gezakt, Geen
    onderdeel: Examenonderdeel
    niveau: Niveau | None
    reden_geen_resultaat: str | None

    @classmethod
    def van_duo(cls, data: Mapping[str, Any]) -> Examenresultaat:
        return cls(
            examendatum=dt.date.fromisoformat(data["examendatum"]),
            resultaat=data["resultaat"],
            onderdeel=ONDERDEEL_VAN_DUO[data["onderdeel"]],
            niveau=Niveau(data["niveau"]) if data.get("niveau") else None,
            reden_geen_resultaat=data.get("redenGeenResultaat"),
        )

    @property
    def geslaagd(self) -> bool:
        return self.resultaat == "Geslaagd"


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

    def examenresultaten(self, gemeente: str, bsn: str) -> list[Examenresultaat]:
        """DUO's exam results for a person; none known (404) is an empty list."""
        response = self._verzoek("GET", f"/personen/{bsn}/examens/resultaten", gemeente=gemeente)
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            raise DuoFout(response.status_code, _foutteksten(response))
        return [Examenresultaat.van_duo(r) for r in response.json()]

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


def _foutteksten(response: httpx.Response) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return []
    if isinstance(body, list):
        return [str(f.get("fouttekst", "")) for f in body if isinstance(f, dict)]
    return []
