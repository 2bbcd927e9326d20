"""The DPO's "erledigt" per anomaly: who, when, and a note sealed under the KEK (it may name people)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.adapters.crypto.providers import KeyProvider
from app.adapters.crypto.sealed_secrets import SecretKind, open_secret, seal_secret
from app.adapters.db.models import Base
from app.domain.audit_anomalies import AnomalyReview


class AnomalyReviewRow(Base):
    __tablename__ = "anomaly_reviews"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    anomaly_key: Mapped[str] = mapped_column(String(64), unique=True)
    done_at: Mapped[datetime]
    done_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    note_kek_id: Mapped[str] = mapped_column(String(64), index=True)
    note_sealed: Mapped[bytes] = mapped_column(LargeBinary)


class SqlAnomalyReviews:
    def __init__(self, session: Session, keys: KeyProvider) -> None:
        self._session = session
        self._keys = keys

    def of(self, keys: Collection[str]) -> dict[str, AnomalyReview]:
        if not keys:
            return {}
        rows = self._session.scalars(select(AnomalyReviewRow).where(AnomalyReviewRow.anomaly_key.in_(keys)))
        return {row.anomaly_key: self._review(row) for row in rows}

    def save(self, review: AnomalyReview) -> None:
        row = self._session.scalar(select(AnomalyReviewRow).where(AnomalyReviewRow.anomaly_key == review.key))
        if row is None:
            row = AnomalyReviewRow(id=uuid.uuid4(), anomaly_key=review.key)
        row.done_at = review.done_at
        row.done_by_id = review.done_by_id
        row.note_kek_id, row.note_sealed = seal_secret(
            self._keys, SecretKind.ANOMALY_NOTE, row.id, review.note
        )
        self._session.add(row)
        self._session.flush()

    def _review(self, row: AnomalyReviewRow) -> AnomalyReview:
        note = open_secret(self._keys, SecretKind.ANOMALY_NOTE, row.id, row.note_kek_id, row.note_sealed)
        return AnomalyReview(row.anomaly_key, row.done_at, row.done_by_id, note)
