"""What retention needs from the database: candidates, destroying a data key, storing receipts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from app.adapters.crypto import receipts
from app.adapters.db.crypto_models import DataKeyRow, DeletionReceiptRow
from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.models import CaseRow, PersonRow
from app.domain.cases import CasePhase
from app.domain.retention import CaseRetentionFacts, DeletionReceipt


class SqlRetentionStore:
    def __init__(self, session: Session, keys: SqlKeyStore) -> None:
        self._session = session
        self._keys = keys

    def candidates(self) -> dict[uuid.UUID, list[CaseRetentionFacts]]:
        """Persons whose data key still exists, with the facts of each of their cases."""
        query = (
            select(CaseRow.person_id, CaseRow.phase, CaseRow.updated_at, CaseRow.case_ends_on)
            .join(DataKeyRow, DataKeyRow.person_id == CaseRow.person_id)
            .where(DataKeyRow.wrapped.is_not(None))
            .order_by(CaseRow.person_id)
        )
        found: dict[uuid.UUID, list[CaseRetentionFacts]] = {}
        for person_id, phase, updated_at, case_ends_on in self._session.execute(query):
            facts = CaseRetentionFacts(CasePhase(phase), updated_at.date(), case_ends_on)
            found.setdefault(person_id, []).append(facts)
        return found

    def unlinked_persons(self) -> dict[uuid.UUID, date]:
        """Persons with a live data key that no case refers to, and the day they last changed."""
        query = (
            select(PersonRow.id, PersonRow.updated_at)
            .join(DataKeyRow, DataKeyRow.person_id == PersonRow.id)
            .where(DataKeyRow.wrapped.is_not(None), ~exists().where(CaseRow.person_id == PersonRow.id))
        )
        return {person_id: updated_at.date() for person_id, updated_at in self._session.execute(query)}

    def destroy_data_key(self, person_id: uuid.UUID, at: datetime) -> uuid.UUID | None:
        """Crypto-shredding: the wrapped key is overwritten and the blind indexes emptied."""
        key_id = self._session.scalar(
            update(DataKeyRow)
            .where(DataKeyRow.person_id == person_id, DataKeyRow.wrapped.is_not(None))
            .values(wrapped=None, destroyed_at=at)
            .returning(DataKeyRow.id)
        )
        if key_id is None:
            return None
        self._session.execute(
            update(PersonRow)
            .where(PersonRow.id == person_id)
            .values(ahvn13_index=None, name_index=None, family_name_index=None)
        )
        return key_id

    def issue_receipt(self, statement: dict[str, Any], at: datetime) -> DeletionReceipt:
        secret = self._keys.receipt_signing_secret()
        body = receipts.canonical(statement)
        receipt = DeletionReceipt(
            id=str(statement["receipt_id"]),
            person_id=str(statement["person_id"]),
            body=body,
            signature=receipts.sign(secret, body),
            public_key=receipts.public_key_of(secret),
        )
        self._session.add(
            DeletionReceiptRow(
                id=uuid.UUID(receipt.id),
                person_id=uuid.UUID(receipt.person_id),
                destroyed_at=at,
                body=body,
                signature=receipt.signature,
            )
        )
        return receipt

    def receipt_public_key(self) -> str:
        return receipts.public_key_of(self._keys.receipt_signing_secret())
