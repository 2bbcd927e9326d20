"""A case as one principal may see it: withheld items are absent, not empty."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from app.domain.cases import (
    Assessment,
    CaseConference,
    CaseItem,
    Closure,
    Cooperation,
    FollowUp,
    Goal,
    IntakeRecord,
    Invitation,
    JournalEntry,
    Measure,
    Participation,
    ProcessNote,
    Review,
    SegmentAssessment,
    SharedCase,
)
from app.domain.categories import DataCategory
from app.domain.persons import Person
from app.domain.policy import NO_GRANTS, AccessGrants, Decision, decide
from app.domain.principal import Principal
from app.domain.users import User

Item = TypeVar("Item", bound=CaseItem)


@dataclass
class CaseView:
    case: SharedCase
    show_core: bool
    person: Person | None
    participations: list[Participation]
    segment_history: list[SegmentAssessment]
    goals: list[Goal]
    measures: list[Measure]
    assessments: list[Assessment]
    reviews: list[Review]
    conferences: list[CaseConference]
    journal: list[JournalEntry]
    closure: Closure | None
    follow_up: FollowUp | None
    allowed: set[DataCategory] = field(default_factory=set)
    withheld: set[DataCategory] = field(default_factory=set)
    bases: set[str] = field(default_factory=set)
    contact_display_name: str | None = None
    invitations: list[Invitation] = field(default_factory=list)
    intake_records: list[IntakeRecord] = field(default_factory=list)
    cooperations: list[Cooperation] = field(default_factory=list)
    notes: list[ProcessNote] = field(default_factory=list)


class _Sieve:
    """Applies the policy item by item and remembers what it allowed and withheld."""

    def __init__(self, principal: Principal, case: SharedCase, grants: AccessGrants) -> None:
        self.principal = principal
        self.case = case
        self.grants = grants
        self.allowed: set[DataCategory] = set()
        self.withheld: set[DataCategory] = set()
        self.bases: set[str] = set()

    def decision(self, category: DataCategory, owner: uuid.UUID) -> Decision:
        decision = decide(self.principal, self.case, category, owner, self.grants)
        if decision.allow:
            self.allowed.add(category)
            self.bases.add(decision.basis_label)
        else:
            self.withheld.add(category)
        return decision

    def keep(self, items: Iterable[Item]) -> list[Item]:
        return [item for item in items if self.shows(item)]

    def keep_one(self, item: Item | None) -> Item | None:
        return item if item is not None and self.shows(item) else None

    def shows(self, item: CaseItem) -> bool:
        return self.decision(item.category, item.owner_institution_id).allow


def build_case_view(
    principal: Principal,
    case: SharedCase,
    person: Person | None,
    contact: User | None = None,
    grants: AccessGrants = NO_GRANTS,
) -> CaseView:
    sieve = _Sieve(principal, case, grants)
    show_core = sieve.decision(DataCategory.FALLFUEHRUNG, case.lead_institution_id).allow
    visible_person = None
    if person is not None and sieve.decision(person.category, person.owner_institution_id).allow:
        visible_person = person
    view = CaseView(
        case=case,
        show_core=show_core,
        person=visible_person,
        participations=sieve.keep(case.participations),
        segment_history=sieve.keep(case.segment_history),
        goals=sieve.keep(case.goals),
        measures=sieve.keep(case.measures),
        assessments=sieve.keep(case.assessments),
        reviews=sieve.keep(case.reviews),
        conferences=sieve.keep(case.conferences),
        journal=sieve.keep(case.journal),
        closure=sieve.keep_one(case.closure),
        follow_up=sieve.keep_one(case.follow_up),
        invitations=list(case.invitations) if show_core else [],
        intake_records=sieve.keep(case.intake_records),
        cooperations=sieve.keep(case.cooperations),
        notes=sieve.keep(case.notes),
    )
    # A category may be in both sets: own items shown, another institution's items withheld.
    view.allowed = sieve.allowed
    view.withheld = sieve.withheld
    view.bases = sieve.bases
    if show_core and contact is not None:
        view.contact_display_name = contact.display_name
    return view
