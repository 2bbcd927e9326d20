"""Case assignments: which caseworkers of an institution work on a case (need-to-know inside it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class CaseAssignment:
    """A caseworker works on a case (need-to-know within the institution)."""

    case_id: uuid.UUID
    user_id: uuid.UUID
    institution_id: uuid.UUID
    assigned_by_id: uuid.UUID
    assigned_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)
