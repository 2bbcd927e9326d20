"""Use cases on the integration plan: goals and measures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from app.domain.cases import Goal, GoalStatus, Measure, MeasureKind, MeasureStatus, SharedCase
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue, InvariantViolation
from app.domain.figures.facts import CostBearer
from app.services.access.case_work import CaseChange, change_case
from app.services.case_view import CaseView
from app.services.changes import UNSET, Unset, apply_changes
from app.services.context import RequestContext
from app.services.ports import UnitOfWork


def _planned(record_id: uuid.UUID) -> CaseChange:
    return CaseChange((DataCategory.INTEGRATIONSPLAN,), (record_id,))


def _require_owner(owner_institution_id: uuid.UUID, ctx: RequestContext) -> None:
    if owner_institution_id != ctx.principal.institution_id:
        raise InvariantViolation("Nur die zuständige Stelle kann diesen Eintrag ändern.")


@dataclass(frozen=True)
class NewGoal:
    title: str
    description: str = ""
    target_on: date | None = None


def add_goal(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewGoal,
) -> CaseView:
    """A participating institution adds a goal it is responsible for."""

    def mutate(case: SharedCase) -> CaseChange:
        goal = case.add_goal(
            Goal(
                title=new.title.strip(),
                description=new.description.strip(),
                target_on=new.target_on,
                owner_institution_id=ctx.principal.institution_id,
                recorded_by=ctx.principal.id,
                recorded_at=ctx.now,
            )
        )
        return _planned(goal.id)

    return change_case(uow, ctx, case_id, expected_version, "plan.add_goal", mutate)


@dataclass(frozen=True)
class GoalChanges:
    title: str | Unset = UNSET
    description: str | Unset = UNSET
    target_on: date | Unset | None = UNSET
    status: GoalStatus | Unset = UNSET


def change_goal(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    goal_id: uuid.UUID,
    changes: GoalChanges,
) -> CaseView:
    """The owning institution changes its goal."""

    def mutate(case: SharedCase) -> CaseChange:
        goal = case.goal(goal_id)
        _require_owner(goal.owner_institution_id, ctx)
        apply_changes(goal, changes)
        case.revise_goal(goal)
        return _planned(goal.id)

    return change_case(uow, ctx, case_id, expected_version, "plan.change_goal", mutate)


@dataclass(frozen=True)
class NewMeasure:
    title: str
    kind: MeasureKind
    owner_institution_id: uuid.UUID | None = None
    provider: str = ""
    goal_id: uuid.UUID | None = None
    start_on: date | None = None
    end_on: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    cost_bearer: CostBearer | None = None


def add_measure(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewMeasure,
) -> CaseView:
    """A participating institution plans a measure, owned by itself. Naming another institution as
    owner makes it a proposal to that institution, which takes the measure over by accepting it."""
    own = ctx.principal.institution_id
    proposed_to = new.owner_institution_id if new.owner_institution_id not in (None, own) else None

    def mutate(case: SharedCase) -> CaseChange:
        if proposed_to is not None and not case.is_participant(proposed_to):
            raise InvalidValue("Die Stelle ist an diesem Fall nicht beteiligt.", "owner_institution_id")
        measure = case.add_measure(
            Measure(
                title=new.title.strip(),
                kind=new.kind,
                owner_institution_id=own,
                proposed_to=proposed_to,
                provider=new.provider.strip(),
                goal_id=new.goal_id,
                start_on=new.start_on,
                end_on=new.end_on,
                status=new.status,
                cost_bearer=new.cost_bearer,
                recorded_by=ctx.principal.id,
                recorded_at=ctx.now,
            )
        )
        return _planned(measure.id)

    return change_case(uow, ctx, case_id, expected_version, "plan.add_measure", mutate)


@dataclass(frozen=True)
class MeasureChanges:
    title: str | Unset = UNSET
    provider: str | Unset = UNSET
    start_on: date | Unset | None = UNSET
    end_on: date | Unset | None = UNSET
    status: MeasureStatus | Unset = UNSET
    outcome: str | Unset = UNSET


def change_measure(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    measure_id: uuid.UUID,
    changes: MeasureChanges,
) -> CaseView:
    """The owning institution updates status, dates or outcome of its measure."""

    def mutate(case: SharedCase) -> CaseChange:
        measure = case.measure(measure_id)
        _require_owner(measure.owner_institution_id, ctx)
        apply_changes(measure, changes)
        case.revise_measure(measure)
        return _planned(measure.id)

    return change_case(uow, ctx, case_id, expected_version, "plan.change_measure", mutate)


def accept_measure(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    measure_id: uuid.UUID,
) -> CaseView:
    """The institution a measure was proposed to takes it over: from now on it owns the measure."""

    def mutate(case: SharedCase) -> CaseChange:
        measure = case.measure(measure_id)
        if measure.proposed_to != ctx.principal.institution_id:
            raise InvariantViolation("Diese Massnahme ist Ihrer Stelle nicht vorgeschlagen.", "measure_id")
        measure.owner_institution_id = measure.proposed_to
        measure.proposed_to = None
        case.revise_measure(measure)
        return _planned(measure.id)

    return change_case(uow, ctx, case_id, expected_version, "plan.accept_measure", mutate)
