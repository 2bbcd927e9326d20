"""The operator's tools from the adapters, for the CLI: schema migrations, key rotation, the audit
log's export, signing keys and database privileges. The CLI reaches adapters only through here and
the container (`app/bootstrap/__init__.py`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from app.adapters.audit_export import file_sha256, read_export, write_export
from app.adapters.audit_signing import MissingSigningKey, load_public_key
from app.adapters.auth.secrets import Argon2PasswordHasher, SecretTools, hash_client_secret, new_client_secret
from app.adapters.auth.signing_keys import SigningKeyError, SigningKeyStore
from app.adapters.backup import (
    SECRETS,
    BackupError,
    create_backup,
    gather_secrets,
    open_secrets,
    read_manifest,
    restore_database,
    restore_secrets,
    verify_backup,
)
from app.adapters.db import migrations
from app.adapters.db.audit_ledger import SqlAuditLedger
from app.adapters.db.audit_privileges import grants_sql
from app.adapters.db.audit_sequencer import SequencerThread
from app.adapters.db.engine import limits_of, make_engine
from app.adapters.events.sequencer import OutboxSequencer
from app.adapters.events.target_guard import TargetRefused, check_url, target_policy
from app.adapters.key_rotation import (
    index_rotation_pending,
    kek_rotation_pending,
    rebuild_indexes,
    rewrap_all,
    start_index_rotation,
    wrapped_under,
)
from app.bootstrap import build_audit_ledger
from app.settings import Settings

__all__ = [
    "SECRETS",
    "Argon2PasswordHasher",
    "BackupError",
    "MissingSigningKey",
    "OutboxSequencer",
    "SecretTools",
    "SequencerThread",
    "SigningKeyError",
    "SigningKeyStore",
    "TargetRefused",
    "audit_ledger_of",
    "check_url",
    "create_backup",
    "file_sha256",
    "gather_secrets",
    "grants_sql",
    "hash_client_secret",
    "index_rotation_pending",
    "kek_rotation_pending",
    "load_public_key",
    "migrations",
    "new_client_secret",
    "open_secrets",
    "read_export",
    "read_manifest",
    "rebuild_indexes",
    "restore_database",
    "restore_secrets",
    "rewrap_all",
    "start_index_rotation",
    "target_policy",
    "verify_backup",
    "wrapped_under",
    "write_export",
]


def audit_ledger_of(settings: Settings) -> tuple[SqlAuditLedger, Engine]:
    """The audit ledger on an engine of its own (dispose it when done); raises MissingSigningKey."""
    engine = make_engine(settings.database_url, limits_of(settings))
    return build_audit_ledger(settings, engine), engine


def insert_synthetic_canton(settings: Settings, cases: int, day: date, seed: int) -> tuple[int, int]:
    """`cockpit demo figures`: synthetic cases (no persons, no keys) for the steering figures; returns
    (cases inserted, regions)."""
    from app.adapters.db.engine import make_session_factory
    from app.adapters.db.figures_bulk import insert_synthetic_cases, institution_ids, set_introductions
    from app.adapters.db.models import InstitutionRow
    from app.demo.directory import INSTITUTIONS, IV_SO, RAV_SOLOTHURN, stable_id
    from app.domain.figures.synthetic import REGIONS, synthetic_canton

    generated = synthetic_canton(cases, day, seed)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session, session.begin():
            codes = [*REGIONS, RAV_SOLOTHURN, IV_SO]
            known = institution_ids(session, codes)
            for kind, code, name in INSTITUTIONS:
                if code in codes and code not in known:
                    session.add(
                        InstitutionRow(
                            id=stable_id("institution", code), kind=kind.value, code=code, name=name
                        )
                    )
            session.flush()
            ids = institution_ids(session, codes)
            set_introductions(session, {ids[code]: introduced for code, (_, introduced) in REGIONS.items()})
            regions = {code: ids[code] for code in REGIONS}
            insert_synthetic_cases(session, generated, regions, ids[RAV_SOLOTHURN], ids[IV_SO])
    finally:
        engine.dispose()
    return len(generated), len(REGIONS)
