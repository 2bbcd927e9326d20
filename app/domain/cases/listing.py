"""Listing cases: filters, the plaintext summary of a case row, cursor pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Generic, TypeVar

from app.domain.cases.phase import CasePhase
from app.domain.cases.segment import Segment

T = TypeVar("T")


class CaseSortKey(StrEnum):
    """Columns a case list sorts by: plaintext metadata only (names are sealed and cannot be ordered)."""

    OPENED = "opened"
    DOSSIER = "dossier"  # the caller institution's Dossier-Nr.
    PHASE = "phase"  # in the order of the case's life
    SEGMENT = "segment"  # A, V, O, S
    REASSESSMENT = "reassessment"  # the next reassessment due


@dataclass(frozen=True)
class CaseSort:
    key: CaseSortKey = CaseSortKey.OPENED
    descending: bool = True  # the default: newest case first

    @property
    def is_default(self) -> bool:
        return self == CaseSort()


@dataclass(frozen=True)
class CaseFilter:
    segment: Segment | None = None
    phase: CasePhase | None = None
    reassessment_due_by: date | None = None  # due on or before this date
    person_ids: frozenset[uuid.UUID] | None = None  # only the cases of these persons (a search)
    own_reference: str | None = None  # the caller institution's own Dossier-Nr. on the case
    sort: CaseSort = CaseSort()  # ties broken by the case id: the same order on every page


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
