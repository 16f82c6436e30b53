"""The platform's client of the BRP API Personen (Haal Centraal, RvIG; the committed spec is
contracts/brp/openapi.json, v2.7.0): `POST /personen` of type RaadpleegMetBurgerservicenummer,
asking only the fields the chain with DUO needs: the name, the geboortedatum and the
gemeente and date of registration (datumInschrijvingInGemeente, a start of the ten weeks
to the PIP).

An unknown BSN (no `personen`, or 404) is None. 5xx, 429 and connection errors are retried
with exponential backoff (bounded); then, like any other refusal, `BrpOnbereikbaar`: the
notificatie shows the failure (ophalen mislukt), nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from services.duo.application import BrpOnbereikbaar, BrpPersoon
from services.duo.config import DuoSettings

MEDIA_TYPE = "application/json; charset=utf-8"  # the spec's only request media type
VELDEN = (
    "naam.voornamen",
    "naam.voorvoegsel",
    "naam.geslachtsnaam",
    "geboorte.datum",
    "gemeenteVanInschrijving",
    "datumInschrijvingInGemeente",
)
OPNIEUW = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class BrpClientSettings:
    base_url: str
    api_key: str | None = None
    max_pogingen: int = 3
    backoff_seconden: float = 0.5
    timeout_seconden: float = 10.0

    @classmethod
    def uit(cls, settings: DuoSettings) -> BrpClientSettings | None:
        """None when BRP_BASE_URL is not set: no BRP."""
        if not settings.brp_base_url:
            return None
        return cls(
            base_url=settings.brp_base_url,
            api_key=(settings.brp_api_key.get_secret_value() if settings.brp_api_key else None),
            max_pogingen=settings.brp_max_pogingen,
            backoff_seconden=settings.brp_backoff_seconden,
            timeout_seconden=settings.brp_timeout_seconden,
        )


class BrpClient:
    """The `Brp` port over HTTP."""

    def __init__(
        self,
        settings: BrpClientSettings,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.http = http or httpx.Client(
            base_url=settings.base_url, timeout=settings.timeout_seconden
        )
        self.sleep = sleep

    def close(self) -> None:
        self.http.close()

    def persoon(self, bsn: str) -> BrpPersoon | None:
        vraag = {
            "type": "RaadpleegMetBurgerservicenummer",
            "burgerservicenummer": [bsn],
            "fields": list(VELDEN),
        }
        response = self._verzoek(json.dumps(vraag).encode())
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise BrpOnbereikbaar(f"BRP weigerde het verzoek: {_fout(response)}")
        try:
            personen = response.json().get("personen") or []
        except ValueError as e:
            raise BrpOnbereikbaar(f"BRP antwoordde geen JSON: {e}") from e
        if not personen:
            return None
        return persoon_uit_brp(personen[0])

    def _verzoek(self, body: bytes) -> httpx.Response:
        headers = {"Content-Type": MEDIA_TYPE, "Accept": MEDIA_TYPE}
        if self.settings.api_key:
            headers["X-API-KEY"] = self.settings.api_key
        laatste = ""
        for poging in range(1, self.settings.max_pogingen + 1):
            try:
                response = self.http.post("personen", content=body, headers=headers)
            except httpx.TransportError as e:
                laatste = f"{type(e).__name__}: {e}"
            else:
                if response.status_code not in OPNIEUW:
                    return response
                laatste = _fout(response)
            if poging < self.settings.max_pogingen:
                self.sleep(self.settings.backoff_seconden * 2 ** (poging - 1))
        raise BrpOnbereikbaar(
            f"BRP niet bereikbaar na {self.settings.max_pogingen} pogingen: {laatste}"
        )


def persoon_uit_brp(persoon: Mapping[str, Any]) -> BrpPersoon:
    """A Persoon of the BRP API to what the chain needs. A geboortedatum the BRP knows only
    in part (JaarDatum, JaarMaandDatum, DatumOnbekend) is no date to register with."""
    geboortedatum = volledige_datum(persoon.get("geboorte", {}).get("datum"))
    if geboortedatum is None:
        raise BrpOnbereikbaar("BRP: geen volledige geboortedatum voor deze persoon")
    naam = weergavenaam(persoon.get("naam", {}))
    if not naam:
        raise BrpOnbereikbaar("BRP: geen naam voor deze persoon")
    code = (persoon.get("gemeenteVanInschrijving") or {}).get("code")
    return BrpPersoon(
        naam=naam,
        geboortedatum=geboortedatum,
        datum_inschrijving_in_gemeente=volledige_datum(persoon.get("datumInschrijvingInGemeente")),
        gemeente_van_inschrijving=f"GM{code}" if code else None,
    )


def weergavenaam(naam: Mapping[str, Any]) -> str:
    """voornamen, voorvoegsel and geslachtsnaam as one display name ("Fatima van den Berg")."""
    delen = (naam.get("voornamen"), naam.get("voorvoegsel"), naam.get("geslachtsnaam"))
    return " ".join(deel.strip() for deel in delen if deel and deel.strip())


def volledige_datum(datum: Mapping[str, Any] | None) -> dt.date | None:
    """The BRP's AbstractDatum: only type Datum is a whole date."""
    if not datum or datum.get("type") != "Datum" or not datum.get("datum"):
        return None
    return dt.date.fromisoformat(datum["datum"])


def _fout(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        titel = body.get("title") or ""
        code = body.get("code") or ""
        return f"HTTP {response.status_code} {code} {titel}".strip()
    return f"HTTP {response.status_code}"
