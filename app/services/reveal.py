"""What the repository may decrypt: the policy's answer per item, asked before any content is read."""

from __future__ import annotations

import uuid

from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.policy import decide, may_open_case
from app.domain.principal import Principal


class PolicyReveal:
    """`reveal(case, category, owner)` for `CaseRepository.get`; remembers what it withheld.

    An institution that may not open the case at all gets nothing decrypted."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.withheld: set[DataCategory] = set()

    def __call__(self, case: SharedCase, category: DataCategory, owner_institution_id: uuid.UUID) -> bool:
        if not may_open_case(self.principal, case).allow:
            return False
        if decide(self.principal, case, category, owner_institution_id).allow:
            return True
        self.withheld.add(category)
        return False


class ParticipantReveal:
    """For changes: the domain checks its rules on the whole case, so a participant's change opens
    every item in memory (nothing of it is returned unless the policy allows it); a
    non-participant opens nothing."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def __call__(self, case: SharedCase, category: DataCategory, owner_institution_id: uuid.UUID) -> bool:
        return may_open_case(self.principal, case).allow
