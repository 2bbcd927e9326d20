"""The composition root: the one place that builds adapters from the settings.

`build_container(settings)` gives the API, the thin client, the CLI and the worker the same wiring:
engine, key provider (vault), unit-of-work factory (with the outbox recorder), clock, access rules,
and, built on first use, the identity services and the audit ledger. Entry points reach adapters
only through this package (an import-linter contract): the operator's tools (migrations, key
rotation, audit export) are in `app/bootstrap/operator.py`.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.adapters.audit_signing import load_signer
from app.adapters.auth.jwt_tokens import ASSERTION_ALGORITHMS, AccessTokenCodec
from app.adapters.auth.oidc import OidcConfig, OidcProvider
from app.adapters.auth.secrets import Argon2PasswordHasher, client_secret_matches
from app.adapters.auth.signing_keys import SIGNING_ALGORITHM, SigningKeyStore
from app.adapters.crypto.factory import build_key_provider
from app.adapters.crypto.providers import KeyProviderError
from app.adapters.crypto.vault import Vault
from app.adapters.database_metrics import watch_database
from app.adapters.db.audit_ledger import SqlAuditLedger
from app.adapters.db.audit_sequencer import SequencerThread
from app.adapters.db.engine import limits_of, make_engine, make_session_factory
from app.adapters.db.key_health import database_holds_wrapped_keys, keys_usable
from app.adapters.db.migrations import head_revision
from app.adapters.db.principal_directory import SqlPrincipalDirectory
from app.adapters.db.repositories import SqlAuditRecorder
from app.adapters.events.delivery import DeliveryPolicy, DeliveryWorker
from app.adapters.events.outbox import OutboxingAuditRecorder, SqlEventLog
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.subscriptions import add_subscription
from app.adapters.events.target_guard import GuardedHttpSender, target_policy
from app.adapters.events.worker_loop import Heartbeat, WorkerLoop, latest_heartbeat, worker_name
from app.adapters.failures import failure_summary, is_database_unavailable
from app.adapters.institutions import FORMATS
from app.adapters.legal_basis_file import packaged_rule_book, rule_book_without
from app.adapters.operations_metrics import LOGIN_FAILURES
from app.adapters.reports.access_report_pdf import render_access_report_pdf
from app.adapters.reports.figures_pdf import render_figures_pdf
from app.adapters.reports.plan_pdf import render_plan_pdf
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.access_report import AccessReport
from app.domain.figures.report import FigureReport
from app.domain.identity import ThrottleRule
from app.domain.institutions import InstitutionKind
from app.domain.pendenzen import PendenzenRules
from app.domain.plan_document import PlanDocument
from app.domain.principal import Principal
from app.services.access_config import AccessConfig
from app.services.context import RequestContext
from app.services.event_audience import event_audience
from app.services.identity.login import LoginPolicy
from app.services.ports import InstitutionFormat, UnitOfWork
from app.settings import Environment, Settings
from app.startup_checks import StartupRefused, refuse_unusable_keys

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path
OIDC_CALLBACK_PATH = "/anmelden/oidc/antwort"


# What building the key provider raises when the configuration cannot give one (German message).
key_provider_error = KeyProviderError


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


# -- identity ---------------------------------------------------------------------------------------


@dataclass
class Identity:
    """The identity services the API and the thin client share, built once from the settings."""

    settings: Settings
    keys: SigningKeyStore
    codec: AccessTokenCodec
    hasher: Argon2PasswordHasher
    oidc: OidcProvider | None = None

    # What the token endpoint and its metadata need of the adapters.
    secret_matches = staticmethod(client_secret_matches)
    assertion_algorithms = ASSERTION_ALGORITHMS
    signing_algorithm = SIGNING_ALGORITHM

    @property
    def token_endpoint(self) -> str:
        return self.settings.token_issuer + TOKEN_PATH

    @property
    def allow_dev_user_tokens(self) -> bool:
        return self.settings.environment in (Environment.DEV, Environment.TEST)

    def login_policy(self) -> LoginPolicy:
        settings = self.settings
        required = {code.upper() for code in settings.totp_required_institutions}
        window = timedelta(minutes=settings.login_window_minutes)
        first = timedelta(seconds=settings.login_first_delay_seconds)
        longest = timedelta(minutes=settings.login_lockout_minutes)
        totp_window = timedelta(minutes=settings.totp_window_minutes)
        return LoginPolicy(
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
            totp_required_for=lambda code: "*" in required or code.upper() in required,
            pair=ThrottleRule(settings.login_max_failures, window, first, longest),
            address=ThrottleRule(settings.login_address_max_failures, window, first, longest),
            account=ThrottleRule(settings.login_account_max_failures, window, first, longest),
            totp=ThrottleRule(settings.totp_max_failures, totp_window, first, totp_window, hard=True),
            totp_per_login=settings.totp_attempts_per_login,
        )


def freeze_startup_objects(settings: Settings) -> None:
    """What a process built before its work (modules, the container, the app) lives as long as the
    process: it is taken out of the collector's full passes, which would otherwise walk it again each
    time a long import or many requests have allocated enough. Not in tests, where many apps come and
    go in one process."""
    if settings.environment is not Environment.TEST:
        gc.collect()
        gc.freeze()


def token_audience(settings: Settings) -> str:
    return settings.token_issuer + "/api"


def build_identity(settings: Settings) -> Identity:
    store = SigningKeyStore(settings.signing_key_dir, create_dev_key=not settings.is_production)
    refuse_unusable_keys(settings, store)
    codec = AccessTokenCodec(store, settings.token_issuer, token_audience(settings))
    return Identity(settings, store, codec, Argon2PasswordHasher(), _oidc(settings))


def _oidc(settings: Settings) -> OidcProvider | None:
    if not (settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret):
        return None
    return OidcProvider(
        OidcConfig(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            username_claim=settings.oidc_username_claim,
            redirect_uri=settings.public_base_url.rstrip("/") + OIDC_CALLBACK_PATH,
        )
    )


# -- audit ledger, access rules ---------------------------------------------------------------------


def build_audit_ledger(settings: Settings, engine: Engine) -> SqlAuditLedger:
    signer = load_signer(settings.audit_signing_key_file, create_if_missing=not settings.is_production)
    return SqlAuditLedger(engine, signer)


def sequencer_for(container: Container) -> SequencerThread:
    """The background sealing of the audit log (and positioning of change events) while the service runs."""
    settings = container.settings
    return SequencerThread(
        container.audit_ledger,
        settings.audit_seal_interval_seconds,
        settings.audit_checkpoint_interval_seconds,
        OutboxSequencer(container.engine),
    )


def access_config(settings: Settings) -> AccessConfig:
    return AccessConfig(
        rules=rule_book_without(settings.disabled_legal_rule_ids),
        consent_default_months=min(settings.consent_default_months, settings.consent_max_months),
        consent_max_months=settings.consent_max_months,
        break_glass_hours=settings.break_glass_hours,
        evidence_max_bytes=settings.consent_evidence_max_bytes,
    )


# -- the container ------------------------------------------------------------------------------------


@dataclass
class Container:
    """What every entry point gets: settings and factories, nothing global."""

    settings: Settings
    engine: Engine
    uow_factory: Callable[[], UnitOfWork]
    clock: SystemClock = field(default_factory=SystemClock)
    access: AccessConfig = field(default_factory=lambda: AccessConfig(rules=packaged_rule_book()))
    vault: Vault | None = None  # field encryption; the CLI's key and retention commands use it

    @cached_property
    def identity(self) -> Identity:
        return build_identity(self.settings)

    @cached_property
    def principal_directory(self) -> SqlPrincipalDirectory:
        """Who a credential speaks for: one Core statement per request, never cached."""
        return SqlPrincipalDirectory(self.engine)

    @cached_property
    def audit_ledger(self) -> SqlAuditLedger:
        return build_audit_ledger(self.settings, self.engine)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        """For the adapters' own batch work (key rotation, webhook delivery), not for use cases."""
        return make_session_factory(self.engine)

    def context_for(
        self, principal: Principal, correlation_id: str, purpose: str = "Fallführung"
    ) -> RequestContext:
        """The request context every use case takes, with this deployment's access rules."""
        return RequestContext(principal, correlation_id, self.clock.now(), purpose, access=self.access)

    def dispose(self) -> None:
        self.engine.dispose()


# -- the change-event worker --------------------------------------------------------------------------


def _vault_of(container: Container) -> Vault:
    assert container.vault is not None  # build_container always sets it
    return container.vault


@contextmanager
def build_delivery_worker(container: Container) -> Iterator[DeliveryWorker]:
    """The webhook worker, asking the services' policy at delivery time who may hear of an event."""
    settings = container.settings
    # Every delivery checks its target against request forgery (app/adapters/events/target_guard.py).
    sender = GuardedHttpSender(
        settings.webhook_timeout_seconds, target_policy(settings), settings.webhook_max_response_bytes
    )
    policy = DeliveryPolicy(
        max_attempts=settings.webhook_max_attempts, backoff_base_seconds=settings.webhook_backoff_seconds
    )
    audience = event_audience(container.uow_factory, container.access, lambda: container.clock.now())
    rules = PendenzenRules(
        settings.pendenzen_preview_days, settings.intake_segment_due_days, settings.pendenzen_escalation_days
    )
    raising = rules if settings.pendenzen_events else None  # "due soon", "overdue", "escalated"
    worker = DeliveryWorker(
        container.session_factory,
        sender,
        container.clock.now,
        audience,
        policy,
        sequence=OutboxSequencer(container.engine).sequence,
        concurrency=settings.webhook_concurrency,
        pendenz_rules=raising,
        keys=_vault_of(container).provider,
    )
    try:
        yield worker
    finally:
        worker.close()
        sender.close()


def subscribe_institution(
    container: Container, institution_code: str, url: str, now: datetime
) -> tuple[uuid.UUID, str] | None:
    """A webhook subscription for the institution's system: (id, signing secret), or None if unknown."""
    assert container.vault is not None
    return add_subscription(container.session_factory, container.vault.provider, institution_code, url, now)


def figures_pdf(report: FigureReport) -> bytes:
    """The steering figures as a German PDF report (app/adapters/reports/)."""
    return render_figures_pdf(report)


def plan_pdf(document: PlanDocument) -> bytes:
    """The integration plan as a tagged PDF to print and sign (app/adapters/reports/)."""
    return render_plan_pdf(document)


def access_report_pdf(report: AccessReport) -> bytes:
    """The client's Auskunft as a PDF (app/adapters/reports/)."""
    return render_access_report_pdf(report)


def schema_is_current(revision: str | None) -> bool:
    """Whether the database's alembic revision is the code's head."""
    return revision == head_revision()


def institution_formats() -> dict[InstitutionKind, InstitutionFormat]:
    """The exchange format of each institution kind (app/adapters/institutions/)."""
    return dict(FORMATS)


def worker_heartbeat(container: Container) -> Heartbeat:
    """The worker's sign of life (worker_heartbeats), read by `cockpit worker --check` and the metrics."""
    return Heartbeat(container.session_factory, worker_name(), container.clock.now)


def outboxing_audit_recorder(session: Session) -> OutboxingAuditRecorder:
    """The audit recorder of every entry point: the audit row and, for an allowed write on a case,
    its change event in the outbox, both in the session's transaction."""
    return OutboxingAuditRecorder(SqlAuditRecorder(session), SqlEventLog(session))


def build_container(settings: Settings) -> Container:
    # Every wait bounded (docs/operations.md); a missing dev keyring is not silently replaced when the
    # database already holds keys wrapped under another one.
    engine = make_engine(settings.database_url, limits_of(settings))
    session_factory = make_session_factory(engine)
    vault = Vault(build_key_provider(settings, lambda: database_holds_wrapped_keys(engine)))

    def unit_of_work() -> UnitOfWork:
        return SqlUnitOfWork(session_factory, audit_factory=outboxing_audit_recorder, vault=vault)

    return Container(
        settings=settings,
        engine=engine,
        uow_factory=unit_of_work,
        clock=SystemClock(),
        access=access_config(settings),
        vault=vault,
    )


__all__ = [
    "LOGIN_FAILURES",
    "Container",
    "Identity",
    "StartupRefused",
    "WorkerLoop",
    "build_container",
    "build_identity",
    "failure_summary",
    "is_database_unavailable",
    "keys_usable",
    "latest_heartbeat",
    "limits_of",
    "watch_database",
]
