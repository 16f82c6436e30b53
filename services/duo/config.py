"""Settings of the DUO service: which OIN is DUO's, and which OIN belongs to which gemeente."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from shared.config import DEMO_GEMEENTE, PlatformSettings
from shared.gemeenten import check_gemeentecode

OIN = re.compile(r"^\d{20}$")
# Made-up OINs for development and tests only; production sets the real ones from the
# OIN register (https://oinregister.logius.nl/).
DEVELOPMENT_DUO_OIN = "00000099000000000001"
DEVELOPMENT_GEMEENTE_OIN = "00000099000000000222"


def check_oin(value: str) -> str:
    if not OIN.match(value):
        raise ValueError(f"{value!r} is geen OIN (20 cijfers)")
    return value


def oin_paren(value: Any) -> Any:
    """DUO_GEMEENTE_OINS as written in the environment, `OIN=GMxxxx,OIN=GMxxxx`, to a dict
    OIN -> CBS code (a dict is passed through)."""
    if isinstance(value, str):
        pairs = [pair.split("=", 1) for pair in value.split(",") if pair.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError("DUO_GEMEENTE_OINS: verwacht OIN=GMxxxx,OIN=GMxxxx")
        return {oin.strip(): code.strip() for oin, code in pairs}
    return value


class DuoSettings(PlatformSettings):
    """All platform settings, plus the OINs of the chain with DUO."""

    duo_oin: str | None = Field(
        None,
        description="OIN of Dienst Uitvoering Onderwijs: the only accepted `bron` of incoming "
        "notificaties. Required in production.",
    )
    duo_gemeente_oins: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        description="OIN=CBS-code pairs (comma-separated) of the gemeenten this deployment "
        "receives DUO notificaties for: a notificatie's `doel` OIN names its gemeente. "
        "Required in production.",
    )

    brp_base_url: str | None = Field(
        None,
        description="Base URL of the BRP API Personen (Haal Centraal, contracts/brp), the "
        "part before /personen. Absent: no BRP, a registration from DUO waits, visible, for "
        "naam and geboortedatum.",
    )
    brp_api_key: SecretStr | None = Field(
        None,
        description="Key sent as header X-API-KEY to the BRP API. Required in production "
        "when BRP_BASE_URL is set; no default.",
    )
    brp_max_pogingen: int = Field(3, ge=1, description="Attempts per BRP request.")
    brp_backoff_seconden: float = Field(0.5, ge=0, description="First wait; doubles.")
    brp_timeout_seconden: float = Field(10.0, gt=0, description="Seconds a BRP request may take.")

    @field_validator("duo_gemeente_oins", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        return oin_paren(value)

    @field_validator("duo_gemeente_oins")
    @classmethod
    def _valid_pairs(cls, value: dict[str, str]) -> dict[str, str]:
        return {check_oin(oin): check_gemeentecode(code) for oin, code in value.items()}

    @field_validator("duo_oin")
    @classmethod
    def _valid_oin(cls, value: str | None) -> str | None:
        return None if value is None else check_oin(value)

    @model_validator(mode="after")
    def _oins_in_production(self) -> DuoSettings:
        if self.duo_oin is None:
            if self.environment == "production":
                raise ValueError("DUO_OIN must be set when ENVIRONMENT=production")
            self.duo_oin = DEVELOPMENT_DUO_OIN
        if not self.duo_gemeente_oins:
            if self.environment == "production":
                raise ValueError("DUO_GEMEENTE_OINS must be set when ENVIRONMENT=production")
            self.duo_gemeente_oins = {DEVELOPMENT_GEMEENTE_OIN: DEMO_GEMEENTE}
        if self.brp_base_url and self.brp_api_key is None and self.environment == "production":
            raise ValueError("BRP_API_KEY must be set when BRP_BASE_URL is set in production")
        return self
