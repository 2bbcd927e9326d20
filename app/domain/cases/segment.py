"""Segmentierung: A/V/O/S, re-assessed at least every few months."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.categories import DataCategory
from app.domain.dates import add_months

DEFAULT_REASSESSMENT_INTERVAL_MONTHS = 6
MAX_REASSESSMENT_INTERVAL_MONTHS = 6  # DFF: at least every six months; settings may shorten


class Segment(StrEnum):
    ABLOESEN = "A"
    VERAENDERN = "V"
    ORIENTIEREN = "O"
    STABILISIEREN = "S"

    @property
    def label(self) -> str:
        return {
            Segment.ABLOESEN: "A – Ablösen",
            Segment.VERAENDERN: "V – Verändern",
            Segment.ORIENTIEREN: "O – Orientieren",
            Segment.STABILISIEREN: "S – Stabilisieren",
        }[self]


@dataclass(frozen=True)
class SegmentAssessment:
    """One entry of the segment history: who assessed which segment when (shared core); why is a
    note of its own under the category its author chose (`reason_note_id`)."""

    segment: Segment
    assessed_on: date
    reason: str  # empty: kept only to read entries sealed before `cockpit cases reclassify-texts`
    institution_id: uuid.UUID
    recorded_by: uuid.UUID
    recorded_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    reason_note_id: uuid.UUID | None = None

    category = DataCategory.FALLFUEHRUNG

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id


def reassessment_due_on(last_assessed_on: date, interval_months: int) -> date:
    """The next segmentation is due `interval_months` after the last one."""
    return add_months(last_assessed_on, interval_months)
