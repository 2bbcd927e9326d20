"""Break-glass: a supervisor opens a case of the own institution's scope for a limited time, with a
written reason. Every opening is audited and flagged for the data-protection officer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

MIN_REASON_LENGTH = 30
DEFAULT_DURATION_HOURS = 4


@dataclass(frozen=True)
class BreakGlass:
    case_id: uuid.UUID
    user_id: uuid.UUID
    institution_id: uuid.UUID
    reason: str
    opened_at: datetime
    expires_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def is_active(self, now: datetime) -> bool:
        return self.opened_at <= now < self.expires_at
