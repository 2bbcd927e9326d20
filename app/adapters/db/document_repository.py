"""Documents: placeholder until the document store lands."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.adapters.db.key_store import SqlKeyStore


class SqlDocumentRepository:
    def __init__(self, session: Session, keys: SqlKeyStore) -> None:
        self._session = session
        self._keys = keys
