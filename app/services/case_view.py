"""A case as one principal may see it: withheld items are absent, not empty."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

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
from app.domain.users import User
from app.services.access.decisions import Decisions

if TYPE_CHECKING:
    from app.services.dossier_view import VisibleDossier

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
    dossiers: list[VisibleDossier] = field(default_factory=list)  # the institutions' imported facts
    invitations: list[Invitation] = field(default_factory=list)
    intake_records: list[IntakeRecord] = field(default_factory=list)
    cooperations: list[Cooperation] = field(default_factory=list)
    notes: list[ProcessNote] = field(default_factory=list)
    version_tag: str = ""  # the ETag: the versions of the parts this caller may see


class _Keep:
    def __init__(self, decisions: Decisions) -> None:
        self._decisions = decisions

    def keep(self, items: Iterable[Item]) -> list[Item]:
        return [item for item in items if self._decisions.shows(item)]

    def keep_one(self, item: Item | None) -> Item | None:
        return item if item is not None and self._decisions.shows(item) else None


def build_case_view(
    decisions: Decisions, case: SharedCase, person: Person | None, contact: User | None = None
) -> CaseView:
    """What of `case` the decisions let through; their sets then hold the request's audit facts."""
    sieve = _Keep(decisions)
    show_core = decisions.of(DataCategory.FALLFUEHRUNG, case.lead_institution_id).allow
    visible_person = None
    if person is not None and decisions.of(person.category, person.owner_institution_id).allow:
        visible_person = person
    # The view's case holds only what is shown too: after a change the whole case was open in memory.
    visible = replace(
        case,
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
    view = CaseView(
        case=visible,
        show_core=show_core,
        person=visible_person,
        participations=sieve.keep(case.participations),
        segment_history=visible.segment_history,
        goals=visible.goals,
        measures=visible.measures,
        assessments=visible.assessments,
        reviews=visible.reviews,
        conferences=visible.conferences,
        journal=visible.journal,
        closure=visible.closure,
        follow_up=visible.follow_up,
        invitations=visible.invitations,
        intake_records=visible.intake_records,
        cooperations=visible.cooperations,
        notes=visible.notes,
    )
    # A category may be in both sets: own items shown, another institution's items withheld.
    view.allowed = set(decisions.allowed)
    view.withheld = set(decisions.withheld)
    view.bases = set(decisions.bases)
    if show_core and contact is not None:
        view.contact_display_name = contact.display_name
    return view
