"""Settings of the projections service."""

from __future__ import annotations

from pydantic import Field

from shared.config import PlatformSettings


class ProjectionsSettings(PlatformSettings):
    """All platform settings, plus what the read models and their queries need."""

    signaal_geen_voortgang_dagen: int = Field(
        90,
        ge=1,
        le=3650,
        description="After this many days without a voortgangsgesprek (counted from the last "
        "one, or from the PIP when there was none) the signal 'geen voortgang' opens.",
    )
    kafka_lag_cache_seconds: float = Field(
        1.0,
        ge=0,
        description="Kafka mode: how long the query API reuses the topics' end offsets it "
        "asked the brokers for, when it reports the lag of a read model.",
    )
