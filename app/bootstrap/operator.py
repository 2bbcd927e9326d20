"""The operator's tools from the adapters, for the CLI: schema migrations, key rotation, the audit
log's export, signing keys and database privileges. The CLI reaches adapters only through here and
the container (`app/bootstrap/__init__.py`)."""

from __future__ import annotations

from sqlalchemy import Engine

from app.adapters.audit_export import file_sha256, read_export, write_export
from app.adapters.audit_signing import MissingSigningKey, load_public_key
from app.adapters.auth.secrets import Argon2PasswordHasher, hash_client_secret, new_client_secret
from app.adapters.auth.signing_keys import SigningKeyError, SigningKeyStore
from app.adapters.db import migrations
from app.adapters.db.audit_ledger import SqlAuditLedger
from app.adapters.db.audit_privileges import grants_sql
from app.adapters.db.audit_sequencer import SequencerThread
from app.adapters.db.engine import make_engine
from app.adapters.db.key_rotation import (
    index_rotation_pending,
    kek_rotation_pending,
    rebuild_indexes,
    rewrap_all,
    start_index_rotation,
)
from app.bootstrap import build_audit_ledger
from app.settings import Settings

__all__ = [
    "Argon2PasswordHasher",
    "MissingSigningKey",
    "SequencerThread",
    "SigningKeyError",
    "SigningKeyStore",
    "audit_ledger_of",
    "file_sha256",
    "grants_sql",
    "hash_client_secret",
    "index_rotation_pending",
    "kek_rotation_pending",
    "load_public_key",
    "migrations",
    "new_client_secret",
    "read_export",
    "rebuild_indexes",
    "rewrap_all",
    "start_index_rotation",
    "write_export",
]


def audit_ledger_of(settings: Settings) -> tuple[SqlAuditLedger, Engine]:
    """The audit ledger on an engine of its own (dispose it when done); raises MissingSigningKey."""
    engine = make_engine(settings.database_url)
    return build_audit_ledger(settings, engine), engine
