"""Settings of the intake service."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from shared.config import PlatformSettings

DEVELOPMENT_BSN_INDEX_SLEUTEL = "development-only-bsn-index-key-do-not-use-in-production"


class IntakeSettings(PlatformSettings):
    """All platform settings, plus the key of the BSN search index."""

    bsn_index_sleutel: SecretStr | None = Field(
        None,
        description="HMAC key that turns gemeente+BSN into the id of the search index entry, "
        "so the event store never holds a plain (guessable) hash of a BSN. Changing it "
        "orphans existing index entries. Required in production.",
    )

    @model_validator(mode="after")
    def _no_default_index_key_in_production(self) -> IntakeSettings:
        if self.bsn_index_sleutel is None:
            if self.environment == "production":
                raise ValueError("BSN_INDEX_SLEUTEL must be set when ENVIRONMENT=production")
            self.bsn_index_sleutel = SecretStr(DEVELOPMENT_BSN_INDEX_SLEUTEL)
        return self
