"""Tables of the steering figures: coarse structured metadata per case, never content.

Rows carry groups and dates (region, segment letters, closure reason, residence status group, kind
of assistance, measure kind and cost bearer). The figures are computed from these tables and the
case skeleton alone; nothing here is sealed, so computing a figure never needs a key.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.adapters.db.models import Base


class FigureRegionRow(Base):
    """A Sozialregion (a Sozialdienst institution) and the day it introduced the DFF."""

    __tablename__ = "figure_regions"

    institution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    dff_introduced_on: Mapped[date | None]


class FigureCaseRow(Base):
    __tablename__ = "figure_cases"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    region_institution_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("institutions.id"))
    opened_on: Mapped[date]
    reassessment_interval_months: Mapped[int]
    closed_on: Mapped[date | None]
    closure_reason: Mapped[str | None] = mapped_column(String(32))
    follow_up_completed_on: Mapped[date | None]
    follow_up_result: Mapped[str | None] = mapped_column(String(32))
    residence_status: Mapped[str | None] = mapped_column(String(32))
    assistance_kind: Mapped[str | None] = mapped_column(String(16))
    support_start_on: Mapped[date | None]
    support_end_on: Mapped[date | None]
    preventive: Mapped[bool] = mapped_column(default=False)
    employed: Mapped[bool | None]

    __table_args__ = (Index("ix_figure_cases_region_opened", "region_institution_id", "opened_on"),)


class FigureSegmentRow(Base):
    """One entry of the segment history (same id as the sealed item)."""

    __tablename__ = "figure_segments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    assessed_on: Mapped[date]
    segment: Mapped[str] = mapped_column(String(1))


class FigureMeasureRow(Base):
    """A measure's kind, cost bearer and start (same id as the sealed item)."""

    __tablename__ = "figure_measures"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    cost_bearer: Mapped[str | None] = mapped_column(String(16))
    start_on: Mapped[date | None]
