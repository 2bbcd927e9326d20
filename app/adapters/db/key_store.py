"""Keys as the repositories see them: a person's data key, the blind-index keys, the receipt key.

One per session; it asks the process-wide Vault to unwrap. A person whose data key was destroyed
raises DataDestroyed, never a half-readable record.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.adapters.crypto.blind_index import IndexedColumn, blind_index
from app.adapters.crypto.envelope import DataKey
from app.adapters.crypto.vault import Vault
from app.adapters.db.crypto_models import DataKeyRow, KeySecretRow
from app.domain.errors import DataDestroyed

RECEIPT_SIGNING = "receipt-signing"
BUILDING, ACTIVE, RETIRED = "building", "active", "retired"


def index_purpose(column: IndexedColumn) -> str:
    return f"index:{column.value}"


class KeyMissing(Exception):
    """A sealed record without a data key: the database is inconsistent."""


class SqlKeyStore:
    def __init__(self, session: Session, vault: Vault) -> None:
        self._session = session
        self._vault = vault
        self._data_keys: dict[uuid.UUID, DataKey] = {}
        self._wrapped: dict[uuid.UUID, DataKeyRow] = {}
        # Secrets as this session read them: a request (or an import batch) asks for the index keys
        # several times per record; the versions in use change only by a rotation in another session.
        self._secrets: dict[str, list[tuple[int, str, bytes]]] = {}
        self._indexes: dict[tuple[bytes, bytes], bytes] = {}  # (index key, normalised value): index

    # -- data keys --------------------------------------------------------------------------------

    def create_data_key(self, person_id: uuid.UUID) -> dict[str, Any]:
        """A new data key for the person, usable at once: the values of its `DataKeyRow`, to be added
        after the person's row."""
        key, kek_id, wrapped = self._vault.new_data_key(person_id)
        self._data_keys[person_id] = key
        return dict(
            id=key.id, person_id=person_id, kek_id=kek_id, wrapped=wrapped, created_at=datetime.now(UTC)
        )

    def remember(self, row: DataKeyRow) -> None:
        """A wrapped key read along with other rows (a case load): unwrapped only when needed."""
        self._wrapped.setdefault(row.person_id, row)

    def data_key(self, person_id: uuid.UUID) -> DataKey:
        key = self._data_keys.get(person_id)
        if key is not None:
            return key
        row = self._wrapped.pop(person_id, None)
        if row is None:
            row = self._session.scalar(select(DataKeyRow).where(DataKeyRow.person_id == person_id))
        if row is None:
            raise KeyMissing(str(person_id))
        if row.wrapped is None:
            raise DataDestroyed()
        key = self._vault.data_key(person_id, row.id, row.kek_id, row.wrapped)
        self._data_keys[person_id] = key
        return key

    def preload_data_keys(self, person_ids: set[uuid.UUID]) -> None:
        """Unwrap the data keys of several persons with one statement (a page of a list). Destroyed
        or missing keys are left to `data_key`, which raises for them."""
        missing = person_ids - self._data_keys.keys()
        if not missing:
            return
        rows = self._session.connection().execute(
            select(DataKeyRow.id, DataKeyRow.person_id, DataKeyRow.kek_id, DataKeyRow.wrapped).where(
                DataKeyRow.person_id.in_(missing)
            )
        )
        for row in rows:
            if row.wrapped is not None:
                self._data_keys[row.person_id] = self._vault.data_key(
                    row.person_id, row.id, row.kek_id, row.wrapped
                )

    # -- secrets ----------------------------------------------------------------------------------

    def secrets(self, purpose: str) -> list[tuple[int, str, bytes]]:
        """(version, state, secret) of the versions in use, newest first; creates version 1."""
        known = self._secrets.get(purpose)
        if known is None:
            known = self._secrets[purpose] = self._load_secrets(purpose)
        return known

    def _load_secrets(self, purpose: str) -> list[tuple[int, str, bytes]]:
        rows = self._session.scalars(
            select(KeySecretRow)
            .where(KeySecretRow.purpose == purpose, KeySecretRow.state != RETIRED)
            .order_by(KeySecretRow.version.desc())
        ).all()
        if not rows:
            self._create_first(purpose)
            rows = self._session.scalars(
                select(KeySecretRow).where(KeySecretRow.purpose == purpose, KeySecretRow.state != RETIRED)
            ).all()
        return [
            (r.version, r.state, self._vault.secret(purpose, r.version, r.kek_id, r.wrapped)) for r in rows
        ]

    def add_secret(self, purpose: str, version: int, state: str, secret: bytes) -> None:
        self._secrets.pop(purpose, None)
        kek_id, wrapped = self._vault.wrap_secret(purpose, version, secret)
        self._session.add(
            KeySecretRow(
                id=uuid.uuid4(),
                purpose=purpose,
                version=version,
                state=state,
                kek_id=kek_id,
                wrapped=wrapped,
                created_at=datetime.now(UTC),
            )
        )

    def _create_first(self, purpose: str) -> None:
        # Two first requests may race to create version 1; the loser reads the winner's key.
        self._session.flush()
        try:
            with self._session.begin_nested():
                self.add_secret(purpose, 1, ACTIVE, os.urandom(32))
        except IntegrityError:
            pass

    def prepare_indexes(self) -> None:
        """Load (or create) the index keys before rows that depend on them are pending."""
        for column in IndexedColumn:
            self.secrets(index_purpose(column))

    def receipt_signing_secret(self) -> bytes:
        return self.secrets(RECEIPT_SIGNING)[0][2]

    # -- blind indexes ----------------------------------------------------------------------------

    def index_for_write(self, column: IndexedColumn, normalised: bytes) -> tuple[int, bytes]:
        """The index under the newest key: rows written during a rebuild are already current."""
        version, _state, key = self.secrets(index_purpose(column))[0]
        return version, self._index(key, normalised)

    def indexes_for_lookup(self, column: IndexedColumn, normalised: bytes) -> list[bytes]:
        """One index per key version in use, so lookups find rows on either side of a rebuild."""
        return [self._index(key, normalised) for _v, _s, key in self.secrets(index_purpose(column))]

    def _index(self, key: bytes, normalised: bytes) -> bytes:
        # The import asks for the same indexes twice per record (the batch's lookup, then the write).
        found = self._indexes.get((key, normalised))
        if found is None:
            found = self._indexes[key, normalised] = blind_index(key, normalised)
        return found
