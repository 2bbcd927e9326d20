"""Settings from the environment (prefix COCKPIT_), validated at start-up."""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
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
SHORT_REQUEST_THREADS_MAX = 16


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COCKPIT_", env_file=".env", extra="ignore")

    # Safe by default: without COCKPIT_ENVIRONMENT the service is production and refuses to start until
    # configured (app/startup_checks.py); `make run` and the tests set dev and test explicitly.
    environment: Environment = Environment.PRODUCTION
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'cockpit.db'}"
    reassessment_interval_months: int = Field(default=6, ge=1, le=6)  # DFF: may shorten, never lengthen
    # Smallest number of persons a released figure cell may count (k of the small-cell protection).
    figures_min_cell: int = Field(default=5, ge=3, le=100)
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
    # dev and test may take the principal from the X-Cockpit-Dev-User header (default: on in dev and
    # test). In dev it names only the seeded demo users; without any credentials the answer is 401.
    dev_principal_enabled: bool | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    # /api/docs and /api/openapi.json: on in dev and test, off in production unless switched on.
    api_docs_enabled: bool | None = None
    # Identity (see docs/identity.md): OAuth2 tokens, caseworker login, sessions.
    auth_issuer: str | None = None  # default: public_base_url
    auth_signing_key_dir: Path | None = None  # dev/test default: var/signing-keys (created on demand)
    access_token_lifetime_seconds: int = Field(default=300, ge=30, le=3600)
    session_idle_minutes: int = Field(default=30, ge=1, le=480)
    session_absolute_hours: int = Field(default=10, ge=1, le=72)  # however busy the session is
    session_cookie_secure: bool | None = None  # default: True outside dev and test
    # Login throttling (docs/identity.md): free failures per account and address, then waits that
    # double from login_first_delay_seconds up to login_lockout_minutes; counts decay after the window.
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_address_max_failures: int = Field(default=20, ge=1, le=10_000)
    login_account_max_failures: int = Field(default=20, ge=1, le=10_000)  # all unknown addresses together
    login_first_delay_seconds: int = Field(default=30, ge=1, le=3600)
    login_lockout_minutes: int = Field(default=15, ge=1, le=1440)
    login_window_minutes: int = Field(default=15, ge=1, le=1440)
    totp_max_failures: int = Field(default=5, ge=1, le=100)  # wrong codes per account and window
    totp_window_minutes: int = Field(default=15, ge=1, le=1440)
    totp_attempts_per_login: int = Field(default=3, ge=1, le=20)
    # Only these addresses (IPs or networks) may name the client in X-Forwarded-For; default: nobody.
    # Comma-separated, e.g. COCKPIT_TRUSTED_PROXIES=10.0.0.5,fd00::/64
    trusted_proxies: str = ""
    token_requests_per_minute: int = Field(default=60, ge=1, le=100_000)  # per client and per address
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
    # Years after the last change of a case in this phase before the person's data key is destroyed
    # ("closed": after the end of the follow-up period); see app/domain/retention.py.
    retention_years: dict[str, int] = Field(default_factory=lambda: {"archived": 10, "closed": 10})
    retention_abandoned_intake_days: int | None = Field(default=730, ge=30)  # intake untouched this long
    retention_unlinked_person_days: int | None = Field(default=365, ge=30)  # a person without any case
    receipt_dir: Path = PROJECT_ROOT / "var" / "receipts"

    # Batch import from the institutions' systems (API uploads are also bound by the 1 MB body limit).
    import_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    import_max_records: int = Field(default=20_000, ge=1)
    # An RAV import whose expected Aussteuerung lies within this many days tells the Sozialdienst.
    exhaustion_horizon_days: int = Field(default=90, ge=0, le=730)
    # Change-event delivery (`cockpit worker`).
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_seconds: float = Field(default=2.0, ge=0)
    webhook_concurrency: int = Field(default=8, ge=1, le=64)  # subscribers served at once
    # Reliability (docs/operations.md): no request waits without bound, no slow client holds a connection.
    # Connections per process: `cockpit serve --workers N` opens up to N × (db_pool_size +
    # db_max_overflow) on PostgreSQL, plus the sequencer's and the worker's.
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=5, ge=0, le=200)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    db_connect_timeout_seconds: int = Field(default=5, ge=1, le=60)
    db_statement_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    db_lock_timeout_seconds: float = Field(default=10.0, gt=0, le=3600)
    # Threads that run the synchronous request work of one process at once (anyio's default limiter).
    # Fewer threads contend less for the GIL (bench/RESULTS.md: 2 threads served 25 % more reads than
    # 40), but every long request (an import, a report, a lock wait) holds one: see docs/operations.md.
    request_threads: int = Field(default=40, ge=2, le=200)
    # Threads for the short hot reads (case read, case list, AHVN13 lookup, institutions): a few threads
    # serve them without the GIL contention of many (app/entrypoints/api/short_work.py,
    # docs/operations.md); every other request keeps the request_threads above.
    short_request_threads: int = Field(default=1, ge=1, le=SHORT_REQUEST_THREADS_MAX)
    # A hot read waits at most this long for one of those threads (then 503 with Retry-After): behind
    # a read that waits out a lock, the queue would otherwise grow without bound.
    short_request_wait_seconds: float = Field(default=5.0, gt=0, le=60)
    upload_staging_dir: Path | None = None  # spooled uploads beyond 1 MiB; default: the system temp dir
    upload_idle_timeout_seconds: float = Field(default=15.0, gt=0, le=600)
    upload_total_timeout_seconds: float = Field(default=300.0, gt=0, le=3600)
    uploads_per_client: int = Field(default=2, ge=1, le=50)
    readiness_timeout_seconds: float = Field(default=0.8, gt=0, le=5)
    readiness_min_free_bytes: int = Field(default=64 * 1024 * 1024, ge=0)  # below: not ready
    retry_after_seconds: int = Field(default=5, ge=1, le=600)
    # Internal networks a webhook may reach anyway (comma-separated, e.g. 127.0.0.1/32 for a local try).
    webhook_allowed_networks: str = ""
    webhook_max_response_bytes: int = Field(default=64 * 1024, ge=0, le=10 * 1024 * 1024)

    @field_validator("trusted_proxies", "webhook_allowed_networks")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ip_network(part.strip(), strict=False)
                except ValueError:
                    message = f"Keine IP-Adresse und kein Netz: {part.strip()}"
                    raise ValueError(message) from None
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        parts = [part.strip() for part in self.trusted_proxies.split(",")]
        return tuple(ip_network(part, strict=False) for part in parts if part)

    @property
    def disabled_legal_rule_ids(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.disabled_legal_rules.split(",") if part.strip())

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.is_production:
            from app.startup_checks import PREFIX, configuration_refusals

            refusals = configuration_refusals(self)
            if refusals:
                raise ValueError(PREFIX + " ".join(refusals))
        return self

    @property
    def api_docs_active(self) -> bool:
        if self.api_docs_enabled is not None:
            return self.api_docs_enabled
        return self.environment is not Environment.PRODUCTION

    @property
    def dev_principal_active(self) -> bool:
        """The X-Cockpit-Dev-User header counts (dev and test only)."""
        if self.environment is Environment.PRODUCTION:
            return False
        return self.dev_principal_enabled is not False

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
