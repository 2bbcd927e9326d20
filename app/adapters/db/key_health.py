"""Whether the configured key provider opens what the database holds (readiness, start-up)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError

from app.adapters.crypto.vault import Vault, secret_context
from app.adapters.db.crypto_models import DataKeyRow, KeySecretRow


def database_holds_wrapped_keys(engine: Engine) -> bool:
    """True once any key was wrapped into this database (False before the first migration)."""
    try:
        with engine.connect() as connection:
            return connection.scalar(select(KeySecretRow.id).limit(1)) is not None
    except SQLAlchemyError:
        return False


def keys_usable(connection: Connection, vault: Vault) -> str | None:
    """None if a stored key secret unwraps with the provider; otherwise a German reason."""
    row = connection.execute(
        select(KeySecretRow.purpose, KeySecretRow.version, KeySecretRow.kek_id, KeySecretRow.wrapped).limit(1)
    ).first()
    if row is None:
        return None
    try:
        vault.provider.unwrap(row.kek_id, row.wrapped, secret_context(row.purpose, row.version))
    except Exception:  # any failure: the provider cannot open what is stored
        return "Schlüssel passen nicht zur Datenbank (falscher oder fehlender Schlüsselbund)"
    unknown = connection.scalar(select(DataKeyRow.kek_id).where(DataKeyRow.wrapped.is_not(None)).limit(1))
    return None if unknown is None or _provider_knows(vault, unknown) else "Schlüssel der Datenbank fehlt"


def _provider_knows(vault: Vault, kek_id: str) -> bool:
    kek_ids = getattr(vault.provider, "kek_ids", None)
    return kek_ids is None or kek_id in kek_ids()
