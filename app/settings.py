"""Settings from the environment (prefix COCKPIT_), validated at start-up."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COCKPIT_", env_file=".env", extra="ignore")

    environment: Environment = Environment.DEV
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'cockpit.db'}"
    reassessment_interval_months: int = Field(default=6, ge=1, le=12)
    # Authentication arrives with the identity issue; until then dev and test take the principal
    # from the X-Cockpit-Dev-User header (or this default user).
    dev_principal_enabled: bool = True
    dev_default_user: str = "demo-lead"
    public_base_url: str = "http://127.0.0.1:8000"
    # Batch import from the institutions' systems (API uploads are also bound by the 1 MB body limit).
    import_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    import_max_records: int = Field(default=20_000, ge=1)
    # Change-event delivery (`cockpit worker`).
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_seconds: float = Field(default=2.0, ge=0)

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.is_production:
            if self.dev_principal_enabled:
                raise ValueError(
                    "Produktionsmodus ohne echte Authentifizierung: der Entwicklungs-Principal ist aktiv "
                    "(COCKPIT_DEV_PRINCIPAL_ENABLED=false setzen und eine Authentifizierung konfigurieren)."
                )
            raise ValueError(
                "Produktionsmodus verlangt eine konfigurierte Authentifizierung; "
                "diese Version bietet noch keine."
            )
        return self
