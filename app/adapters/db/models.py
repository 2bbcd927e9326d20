"""SQLAlchemy tables. Rows are not domain objects: the repositories map between the two.

Case content lives in `case_items` as one document per item, next to the plaintext metadata the
policy needs before it decides (kind, category, owning institution). That keeps the decision ahead
of any read of the content, and gives field encryption one place to wrap.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

# The shared base and column types; the table modules of this package import them from here.
from app.adapters.sql_base import NAMING_CONVENTION, Base, SequenceNumber, UtcDateTime  # noqa: F401


class InstitutionRow(Base):
    __tablename__ = "institutions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"), index=True)
    roles: Mapped[list[str]]
    active: Mapped[bool] = mapped_column(default=True)


PERSON_PER_INSTITUTION = "uq_persons_ahvn13_per_institution"


class PersonRow(Base):
    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    registered_by_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    # Stammdaten sealed under the person's data key; exact lookups go through the blind indexes
    # (emptied when the person's data key is destroyed).
    sealed_data: Mapped[bytes] = mapped_column(LargeBinary)
    # One registration per institution and AHVN13: each institution keeps the Stammdaten it typed
    # itself, and nobody learns from registering whether another institution knows the person.
    ahvn13_index: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    name_index: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    family_name_index: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    index_version: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        UniqueConstraint("ahvn13_index", "registered_by_institution_id", name=PERSON_PER_INSTITUTION),
    )


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20), index=True)
    lead_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    contact_person_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    opened_on: Mapped[date]
    reassessment_interval_months: Mapped[int]
    current_segment: Mapped[str | None] = mapped_column(String(1))
    reassessment_due_on: Mapped[date | None] = mapped_column(index=True)
    # End of the follow-up period (closure + 6 months): plain text, so the consents' end is known
    # without opening the sealed closure. NULL while open, and for cases closed before 0008 until
    # their next write.
    case_ends_on: Mapped[date | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)

    participations: Mapped[list[ParticipationRow]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by=lambda: (ParticipationRow.joined_on, ParticipationRow.id),
    )
    items: Mapped[list[CaseItemRow]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        # Records added at the same moment share a position; their id settles the order.
        order_by=lambda: (CaseItemRow.position, CaseItemRow.id),
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_cases_opened_on_id", "opened_on", "id"),
        # DFF: one shared case per client at a time.
        Index(
            "uq_cases_person_not_archived",
            "person_id",
            unique=True,
            sqlite_where=text("phase != 'archived'"),
            postgresql_where=text("phase != 'archived'"),
        ),
    )


class ParticipationRow(Base):
    __tablename__ = "case_participants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    local_reference: Mapped[str] = mapped_column(String(64))
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    __table_args__ = (
        Index("ix_case_participants_institution_case", "institution_id", "case_id"),
        Index("ix_case_participants_case_id", "case_id"),
    )


class CaseItemRow(Base):
    __tablename__ = "case_items"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    owner_institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"))
    position: Mapped[int]
    sealed_content: Mapped[bytes] = mapped_column(LargeBinary)
    # The earliest open date the item carries (goal, measure, Standortbestimmung, conference and its
    # action items) in plain text, for the Pendenzen and the worker; `due_kind` "none" when there is
    # none, NULL for an item written before 0018 (not yet indexed).
    due_on: Mapped[date | None] = mapped_column(index=True)
    due_kind: Mapped[str | None] = mapped_column(String(20))

    # Counts changes of this record's content (the case's `version` counts the core's only).
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class AuditEventRow(Base):
    """Append-only. Holds pseudonymous ids only, never cleartext personal data."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(SequenceNumber, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[uuid.UUID] = mapped_column(index=True)
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_name: Mapped[str] = mapped_column(String(64))
    institution_id: Mapped[uuid.UUID] = mapped_column(index=True)
    roles: Mapped[list[str]]
    action: Mapped[str] = mapped_column(String(20))
    operation: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    correlation_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    categories: Mapped[list[str]]
    withheld_categories: Mapped[list[str]]
    bases: Mapped[list[str]]
    purpose: Mapped[str] = mapped_column(String(200))
    recipient_institution_id: Mapped[uuid.UUID | None]
    record_ids: Mapped[list[str]]


# The identity tables share this metadata (alembic and the schema comparison see them).
# Tables of consent-scoped access (consents, assignments, break-glass) live in their own module.
from app.adapters.db import access_models as _access_models  # noqa: E402, F401

# Sealing tables of the audit log (their own module; imported here so the metadata is complete).
from app.adapters.db import audit_chain_models as _audit_chain_models  # noqa: E402, F401

# Tables of field encryption live in their own module; imported here so the metadata is complete.
from app.adapters.db import crypto_models as _crypto_models  # noqa: E402, F401

# Tables defined in modules of their own register on the same metadata.
from app.adapters.db import (  # noqa: E402, F401
    dossier_models,
    identity_models,
    process_models,
)

# Metadata of the steering figures (no content, nothing sealed).
from app.adapters.db import figure_models as _figure_models  # noqa: E402, F401
