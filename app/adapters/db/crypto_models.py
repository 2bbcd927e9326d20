"""Tables of field encryption: wrapped data keys, wrapped secrets, documents, deletion receipts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.models import Base


class DataKeyRow(Base):
    """A person's data key, wrapped by a KEK. Destroying it (crypto-shredding) empties `wrapped`."""

    __tablename__ = "data_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    kek_id: Mapped[str] = mapped_column(String(64), index=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    destroyed_at: Mapped[datetime | None]


class KeySecretRow(Base):
    """Other secrets the service generates (blind-index keys, receipt signing key), wrapped by a KEK."""

    __tablename__ = "key_secrets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    state: Mapped[str] = mapped_column(String(10))  # building, active, retired
    kek_id: Mapped[str] = mapped_column(String(64))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("purpose", "version", name="uq_key_secrets_purpose_version"),)


class DocumentRow(Base):
    """An attachment on a case. Metadata the policy needs is plain; name and content are sealed."""

    __tablename__ = "documents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    category: Mapped[str] = mapped_column(String(20))
    owner_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    media_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    chunk_count: Mapped[int]
    sealed_filename: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    created_by: Mapped[uuid.UUID]


class DocumentChunkRow(Base):
    __tablename__ = "document_chunks"

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class DeletionReceiptRow(Base):
    """Signed statement that a person's data key was destroyed. Holds pseudonymous ids only."""

    __tablename__ = "deletion_receipts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    destroyed_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))

    __table_args__ = (Index("ix_deletion_receipts_destroyed_at", "destroyed_at"),)
