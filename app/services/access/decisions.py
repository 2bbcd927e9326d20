"""The policy's answers for one case and one principal, each asked once, with the audit facts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.domain.cases import CaseItem, SharedCase
from app.domain.categories import DataCategory
from app.domain.policy import AccessGrants, Decision, decide
from app.domain.principal import Principal


@dataclass
class Decisions:
    """`of(category, owner)` decides once per pair and remembers what was allowed, withheld and on
    which basis, for the request's one audit event. A category may be in both sets: own items
    shown, another institution's withheld."""

    principal: Principal
    case: SharedCase
    grants: AccessGrants
    allowed: set[DataCategory] = field(default_factory=set)
    withheld: set[DataCategory] = field(default_factory=set)
    bases: set[str] = field(default_factory=set)
    _memo: dict[tuple[DataCategory, uuid.UUID], Decision] = field(default_factory=dict)

    def of(self, category: DataCategory, owner_institution_id: uuid.UUID) -> Decision:
        key = (category, owner_institution_id)
        decision = self._memo.get(key)
        if decision is None:
            decision = self._memo[key] = decide(
                self.principal, self.case, category, owner_institution_id, self.grants
            )
        if decision.allow:
            self.allowed.add(category)
            self.bases.add(decision.basis_label)
        else:
            self.withheld.add(category)
        return decision

    def shows(self, item: CaseItem) -> bool:
        return self.of(item.category, item.owner_institution_id).allow
