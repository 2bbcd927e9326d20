"""Settings from the environment (prefix COCKPIT_), validated at start-up."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class KeyProviderKind(StrEnum):
    KEYRING = "keyring"
    PKCS11 = "pkcs11"


DEFAULT_KEYRING = PROJECT_ROOT / "var" / "keyring.json"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COCKPIT_", env_file=".env", extra="ignore")

    environment: Environment = Environment.DEV
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'cockpit.db'}"
    reassessment_interval_months: int = Field(default=6, ge=1, le=6)  # DFF: may shorten, never lengthen
    intake_segment_due_days: int = Field(default=30, ge=1, le=365)  # an intake without segment is due
    pendenzen_preview_days: int = Field(default=30, ge=1, le=90)
    pendenzen_escalation_days: int = Field(default=14, ge=1, le=180)  # overdue this long: to the supervisor
    pendenzen_events: bool = True  # the worker raises "due soon", "overdue", "escalated" change events
    # IIZ case management: Sozialregion code → code of its case-management body (default: the region's
    # own Sozialdienst); the clearing body (default: the canton's AGS).
    referral_cm_bodies: dict[str, str] = Field(default_factory=dict)
    referral_clearing_body_code: str = ""
    # AGS supervision: single cases only where a law gives a basis (rule ags.aufsicht.einzelfall).
    supervision_drill_down_enabled: bool = False
    # dev and test may take the principal from the X-Cockpit-Dev-User header (or this default user).
    dev_principal_enabled: bool = True
    dev_default_user: str = "demo-lead"
    public_base_url: str = "http://127.0.0.1:8000"
    # Identity (see app/start_checks.py): OAuth2 tokens, caseworker login, sessions.
    auth_issuer: str | None = None  # default: public_base_url
    auth_signing_key_dir: Path | None = None  # dev/test default: var/signing-keys (created on demand)
    access_token_lifetime_seconds: int = Field(default=300, ge=30, le=3600)
    session_idle_minutes: int = Field(default=30, ge=1, le=480)
    session_cookie_secure: bool | None = None  # default: True outside dev and test
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lockout_minutes: int = Field(default=15, ge=1, le=1440)
    totp_required_institutions: list[str] = Field(default_factory=list)  # institution codes, or "*"
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_username_claim: str = "preferred_username"
    # Consent-scoped access (see README, "Einwilligung und Rechtsgrundlagen").
    consent_default_months: int = Field(default=24, ge=1, le=24)
    consent_max_months: int = Field(default=24, ge=1, le=24)
    consent_evidence_max_bytes: int = Field(default=512 * 1024, ge=1024, le=700_000)
    break_glass_hours: int = Field(default=4, ge=1, le=24)
    disabled_legal_rules: str = ""  # comma-separated rule ids from app/domain/legal_bases/rules.toml
    # Audit log (see README, "Audit log"): checkpoint signing key, sequencer, retention.
    audit_signing_key_file: Path = PROJECT_ROOT / "var" / "audit-signing-key.pem"
    audit_seal_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    audit_checkpoint_interval_seconds: int = Field(default=300, ge=10)
    audit_background_sealing: bool = True
    audit_retention_days: int = Field(default=365, ge=365)
    # Field encryption (docs/encryption.md). The keyring is created on the first dev run; production
    # needs a configured, existing keyring or a PKCS#11 token.
    key_provider: KeyProviderKind = KeyProviderKind.KEYRING
    keyring_path: Path | None = None
    pkcs11_library: str | None = None
    pkcs11_token_label: str | None = None
    pkcs11_pin: SecretStr | None = None
    document_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    # Years after the last change of a case in this phase before the person's data key is destroyed.
    retention_years: dict[str, int] = Field(default_factory=lambda: {"archived": 10})
    receipt_dir: Path = PROJECT_ROOT / "var" / "receipts"

    # Batch import from the institutions' systems (API uploads are also bound by the 1 MB body limit).
    import_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    import_max_records: int = Field(default=20_000, ge=1)
    # Change-event delivery (`cockpit worker`).
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_seconds: float = Field(default=2.0, ge=0)

    @property
    def disabled_legal_rule_ids(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.disabled_legal_rules.split(",") if part.strip())

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.is_production:
            from app.start_checks import production_refusals

            refusals = production_refusals(self)
            if refusals:
                raise ValueError("Produktionsmodus verweigert: " + " ".join(refusals))
        return self

    @property
    def token_issuer(self) -> str:
        return (self.auth_issuer or self.public_base_url).rstrip("/")

    @property
    def signing_key_dir(self) -> Path:
        return self.auth_signing_key_dir or PROJECT_ROOT / "var" / "signing-keys"

    @property
    def secure_cookies(self) -> bool:
        if self.session_cookie_secure is not None:
            return self.session_cookie_secure
        return self.environment is Environment.PRODUCTION
