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
    # Audit log (see README, "Audit log"): checkpoint signing key, sequencer, retention.
    audit_signing_key_file: Path = PROJECT_ROOT / "var" / "audit-signing-key.pem"
    audit_seal_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    audit_checkpoint_interval_seconds: int = Field(default=300, ge=10)
    audit_background_sealing: bool = True
    audit_retention_days: int = Field(default=365, ge=365)

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
