"""Tables for the institutions' own dossiers on a shared case."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.models import Base


class DossierRow(Base):
    """One row per institution and case; the facts are sealed under the data key of the case's
    person and follow the policy of `category`: opened only for a caller the policy allows."""

    __tablename__ = "institution_dossiers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    local_reference: Mapped[str] = mapped_column(String(64))
    registered_on: Mapped[date]
    sealed_facts: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("case_id", "institution_id", name="uq_institution_dossiers_case_institution"),
    )
