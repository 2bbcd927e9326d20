"""Tables of consent-scoped access: consents with their history and evidence, case assignments,
break-glass openings. Imported by models.py so that alembic and the metadata know them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.models import Base, SequenceNumber


class ConsentRow(Base):
    __tablename__ = "consents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    flows: Mapped[list[str]]  # "from_id>to_id"
    categories: Mapped[list[str]]
    purpose: Mapped[str] = mapped_column(String(500))
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime] = mapped_column(index=True)
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(40))
    collected_by_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    collected_at: Mapped[datetime]
    language: Mapped[str] = mapped_column(String(5))
    media_type: Mapped[str] = mapped_column(String(40))
    evidence_size: Mapped[int]
    granted_by_id: Mapped[uuid.UUID]
    granted_by_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    granted_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revocation_bars_break_glass: Mapped[bool] = mapped_column(default=False)
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[uuid.UUID | None]
    supersedes_id: Mapped[uuid.UUID | None]
    confirmed_by: Mapped[list[str]]  # institutions whose flows are in force (recorded or confirmed)
    # A data owner has still to confirm (for the Pendenzen, without reading every consent).
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False, server_default=false())
    version: Mapped[int] = mapped_column()

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class ConsentEventRow(Base):
    """The history of a consent: append-only like the audit log."""

    __tablename__ = "consent_events"

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID]
    actor_institution_id: Mapped[uuid.UUID]
    note: Mapped[str] = mapped_column(Text)
    related_consent_id: Mapped[uuid.UUID | None]


class ConsentEvidenceFileRow(Base):
    """The signed form's bytes, apart from the consent so that listing never loads them."""

    __tablename__ = "consent_evidence_files"

    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consents.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class CaseAssignmentRow(Base):
    __tablename__ = "case_assignments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    assigned_by_id: Mapped[uuid.UUID]
    assigned_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("case_id", "user_id", name="uq_case_assignments_case_user"),)


class BreakGlassRow(Base):
    __tablename__ = "break_glass_openings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(index=True)
    expires_at: Mapped[datetime]

    __table_args__ = (Index("ix_break_glass_openings_case_user", "case_id", "user_id"),)
