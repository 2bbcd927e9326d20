"""What the repository may decrypt: the policy's answer per item, asked before any content is read."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.policy import AccessGrants, decide, may_open_case
from app.domain.principal import Principal

# (assigned to the case, what else a decision may rest on) for the case being loaded
GrantsOf = Callable[[SharedCase], tuple[bool, AccessGrants]]


class _Grants:
    """Loads the grants once per case state: the closure (read first) ends consents, so it counts."""

    def __init__(self, grants_of: GrantsOf) -> None:
        self._grants_of = grants_of
        self._key: tuple[int, int] | None = None
        self._value: tuple[bool, AccessGrants] | None = None

    def __call__(self, case: SharedCase) -> tuple[bool, AccessGrants]:
        key = (id(case.closure), id(case.follow_up))
        if self._value is None or key != self._key:
            self._key, self._value = key, self._grants_of(case)
        return self._value


def reveal_nothing(_case: SharedCase, _category: DataCategory, _owner: uuid.UUID) -> bool:
    """For questions about a case that need none of its content (routing, who may be told)."""
    return False


class PolicyReveal:
    """`reveal(case, category, owner)` for `CaseRepository.get`; remembers what it withheld.

    An institution that may not open the case at all gets nothing decrypted."""

    def __init__(self, principal: Principal, grants_of: GrantsOf) -> None:
        self.principal = principal
        self._grants = _Grants(grants_of)
        self.withheld: set[DataCategory] = set()

    def __call__(self, case: SharedCase, category: DataCategory, owner_institution_id: uuid.UUID) -> bool:
        assigned, grants = self._grants(case)
        if not may_open_case(self.principal, case, assigned, grants).allow:
            return False
        if decide(self.principal, case, category, owner_institution_id, grants).allow:
            return True
        self.withheld.add(category)
        return False


class ParticipantReveal:
    """For changes: the domain checks its rules on the whole case, so a change by someone who may
    open the case opens every item in memory (nothing of it is returned unless the policy allows
    it); anyone else opens nothing."""

    def __init__(self, principal: Principal, grants_of: GrantsOf) -> None:
        self.principal = principal
        self._grants = _Grants(grants_of)

    def __call__(self, case: SharedCase, category: DataCategory, owner_institution_id: uuid.UUID) -> bool:
        assigned, grants = self._grants(case)
        return may_open_case(self.principal, case, assigned, grants).allow
