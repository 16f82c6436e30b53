"""Platform-wide settings, declared once and read from the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlparse

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.gemeenten import check_gemeentecode

DEVELOPMENT_JWT_SECRET = "development-only-secret-do-not-use-in-production"
DEMO_GEMEENTE = "GM0222"  # Doetinchem, in arbeidsmarktregio Achterhoek
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key-do-not-use-in-production"
DEVELOPMENT_LOGBOEK_SLEUTEL = "development-only-logboek-key-do-not-use-in-production"
EXAMPLE_REGIO_CSV = Path(__file__).parent / "data" / "regio-voorbeeld.csv"


class PlatformSettings(BaseSettings):
    """Settings every process of the platform shares."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    environment: Literal["development", "test", "production"] = Field(
        "development",
        description="development and test allow the built-in JWT secret; production requires one.",
    )
    platform_mode: Literal["embedded", "kafka"] = Field(
        "embedded",
        description="embedded: SQLite event stores, consumers read the services' own logs. "
        "kafka: events travel over Kafka.",
    )
    data_dir: Path = Field(
        Path(".run/data"), description="Directory of the SQLite event stores (embedded mode)."
    )
    database_url: str | None = Field(
        None,
        description="postgresql://user:password@host:port/db. When set, event stores and read "
        "models live in PostgreSQL instead of SQLite.",
    )
    database_schema: str | None = Field(
        None, description="PostgreSQL schema of the event stores (default: the user's search path)."
    )
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="Comma-separated Kafka bootstrap servers (kafka mode)."
    )
    jwt_secret: SecretStr | None = Field(
        None, description="HMAC secret that verifies bearer tokens. Required in production."
    )
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = Field(
        "HS256", description="Algorithm bearer tokens are signed with."
    )
    jwt_audience: str = Field("inburgering-platform", description="Expected `aud` of tokens.")
    jwt_issuer: str | None = Field(None, description="Expected `iss` of tokens, if set.")
    regio_csv: Path = Field(
        EXAMPLE_REGIO_CSV,
        description="CSV file, or a directory of CSV files, naming the gemeenten of each "
        "arbeidsmarktregio (columns arbeidsmarktregio, gemeentecode, optional gemeentenaam).",
    )
    pseudonym_key: SecretStr | None = Field(
        None,
        description="HMAC key of the pseudonymous person reference on the regional streams. "
        "Required in production; changing it changes every pseudonym.",
    )
    logboek_sleutel: SecretStr | None = Field(
        None,
        description="Key (any long random string) of the AES-GCM encryption of data-subject ids "
        "in the Logboek Dataverwerkingen. Required in production; without it old records cannot "
        "be read back to a person.",
    )
    gemeenten: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="CBS codes (comma-separated) of the gemeenten this deployment serves: in "
        "kafka mode the workers read these gemeenten's topics, and the timers signal passing "
        "time for them. Development and test default to the demo gemeente GM0222; "
        "production requires it.",
    )

    @field_validator("gemeenten", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [code.strip() for code in value.split(",") if code.strip()]
        return value

    @field_validator("gemeenten")
    @classmethod
    def _cbs_codes(cls, value: list[str]) -> list[str]:
        return [check_gemeentecode(code) for code in dict.fromkeys(value)]

    @model_validator(mode="after")
    def _no_default_secret_in_production(self) -> PlatformSettings:
        if self.jwt_secret is None:
            if self.environment == "production":
                raise ValueError("JWT_SECRET must be set when ENVIRONMENT=production")
            self.jwt_secret = SecretStr(DEVELOPMENT_JWT_SECRET)
        return self

    @model_validator(mode="after")
    def _no_default_pseudonym_key_in_production(self) -> PlatformSettings:
        key = self.pseudonym_key and self.pseudonym_key.get_secret_value()
        if self.environment == "production" and key in (None, "", DEVELOPMENT_PSEUDONYM_KEY):
            raise ValueError("PSEUDONYM_KEY must be set when ENVIRONMENT=production")
        if not key:
            self.pseudonym_key = SecretStr(DEVELOPMENT_PSEUDONYM_KEY)
        return self

    @model_validator(mode="after")
    def _no_default_logboek_key_in_production(self) -> PlatformSettings:
        key = self.logboek_sleutel and self.logboek_sleutel.get_secret_value()
        if self.environment == "production" and key in (None, "", DEVELOPMENT_LOGBOEK_SLEUTEL):
            raise ValueError("LOGBOEK_SLEUTEL must be set when ENVIRONMENT=production")
        if not key:
            self.logboek_sleutel = SecretStr(DEVELOPMENT_LOGBOEK_SLEUTEL)
        return self

    @model_validator(mode="after")
    def _gemeenten_in_production(self) -> PlatformSettings:
        if not self.gemeenten:
            if self.environment == "production":
                raise ValueError("GEMEENTEN must be set when ENVIRONMENT=production")
            self.gemeenten = [DEMO_GEMEENTE]
        return self

    def event_store_env(self, application_name: str) -> dict[str, str]:
        """The eventsourcing persistence environment for one application's event store."""
        if self.database_url:
            env = postgres_env(self.database_url)
            if self.database_schema:
                env["POSTGRES_SCHEMA"] = self.database_schema
            return env
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.data_dir / f"{application_name.lower()}.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "10",
        }


def postgres_env(database_url: str) -> dict[str, str]:
    """Translate a DATABASE_URL into the variables eventsourcing's PostgreSQL module reads."""
    url = urlparse(database_url)
    if url.scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, got scheme {url.scheme!r}")
    if not url.path.strip("/"):
        raise ValueError("DATABASE_URL names no database")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/"),
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_POOL_SIZE": "5",
        "POSTGRES_MAX_OVERFLOW": "10",
    }
