"""Tables of the IIZ process around the shared case: invitations (participation and lead), referrals."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.models import Base


class InvitationRow(Base):
    """Structured facts only (ids, kind, status, dates); the texts are sealed notes of the case."""

    __tablename__ = "case_invitations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    invited_by_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    invited_by: Mapped[uuid.UUID]
    invited_on: Mapped[date]
    local_reference: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    answered_on: Mapped[date | None]
    answered_by: Mapped[uuid.UUID | None]
    note_id: Mapped[uuid.UUID | None]

    __table_args__ = (Index("ix_case_invitations_institution_status", "institution_id", "status"),)


class ReferralRow(Base):
    """Structured columns for the lists and the access check; the texts sealed under the person's key."""

    __tablename__ = "referrals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    referring_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"), index=True)
    cm_body_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"), index=True)
    clearing_body_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    lead_institution_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("institutions.id"))
    status: Mapped[str] = mapped_column(String(20))
    referred_on: Mapped[date]
    case_id: Mapped[uuid.UUID | None]
    decision_due_on: Mapped[date | None] = mapped_column(index=True)  # NULL once decided
    sealed_content: Mapped[bytes] = mapped_column(LargeBinary)
