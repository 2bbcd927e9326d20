"""A case as loaded before anything is decrypted: the skeleton and, per sealed item, whose it is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.cases.case import SharedCase
from app.domain.cases.phase import CasePhase
from app.domain.categories import DataCategory

CASE_END_KINDS = frozenset({"closure", "follow_up"})


@dataclass(frozen=True)
class SealedItem:
    """What the policy needs of an item (category, owner) without its content."""

    id: uuid.UUID
    kind: str
    category: DataCategory
    owner_institution_id: uuid.UUID
    version: int = 1  # moves each time the record's content changes


@dataclass(frozen=True)
class SealedCase:
    """The skeleton (participants, phase, lead, dates: no content) and the headers of its items."""

    case: SharedCase
    items: tuple[SealedItem, ...]

    @property
    def end_unknown(self) -> bool:
        """Closed before the end of its follow-up was stored beside the closure (see migration 0008)."""
        closed = self.case.phase not in (CasePhase.INTAKE, CasePhase.ACTIVE)
        return closed and self.case.ends_on is None

    def ending_items(self) -> tuple[SealedItem, ...]:
        return tuple(item for item in self.items if item.kind in CASE_END_KINDS)
