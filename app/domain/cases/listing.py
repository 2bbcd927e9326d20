"""Listing cases: filters, the plaintext summary of a case row, cursor pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from app.domain.cases.phase import CasePhase
from app.domain.cases.segment import Segment

T = TypeVar("T")


@dataclass(frozen=True)
class CaseFilter:
    segment: Segment | None = None
    phase: CasePhase | None = None
    reassessment_due_by: date | None = None  # due on or before this date
    person_ids: frozenset[uuid.UUID] | None = None  # only the cases of these persons (a search)
    own_reference: str | None = None  # the caller institution's own Dossier-Nr. on the case


@dataclass(frozen=True)
class CaseSummary:
    """The skeleton of a case, enough to list and filter without loading its content."""

    id: uuid.UUID
    person_id: uuid.UUID
    phase: CasePhase
    lead_institution_id: uuid.UUID
    opened_on: date
    current_segment: Segment | None
    reassessment_due_on: date | None
    version: int
    participant_institution_ids: frozenset[uuid.UUID]
    own_reference: str | None = None  # the listing institution's Dossier-Nr., where listed for it

    def is_participant(self, institution_id: uuid.UUID) -> bool:
        return institution_id in self.participant_institution_ids


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None
