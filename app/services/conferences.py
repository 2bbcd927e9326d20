"""Use cases of case conferences: scheduling, minutes with decisions as action items, and marking an
action item done."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from app.domain.cases import ActionItem, CaseConference, NoteKind, SharedCase
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.services.access.case_work import CaseChange, change_case
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.free_texts import author_note
from app.services.ports import UnitOfWork


@dataclass(frozen=True)
class NewActionItem:
    title: str
    owner_institution_id: uuid.UUID
    due_on: date


@dataclass(frozen=True)
class ConferencePlan:
    planned_on: date  # may lie in the future
    invited_institution_ids: list[uuid.UUID]
    client_attends: bool | None = None


def schedule_conference(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    plan: ConferencePlan,
) -> CaseView:
    """A participating institution schedules a Fallkonferenz and invites institutions of the case."""

    def mutate(case: SharedCase) -> CaseChange:
        conference = CaseConference(
            held_on=plan.planned_on,
            organiser_institution_id=ctx.principal.institution_id,
            participant_institution_ids=list(plan.invited_institution_ids),
            decisions="",
            recorded_by=ctx.principal.id,
            recorded_at=ctx.now,
            scheduled=True,
            client_attends=plan.client_attends,
        )
        case.record_conference(conference, ctx.today)
        return CaseChange((DataCategory.FALLFUEHRUNG,), (conference.id,))

    return change_case(uow, ctx, case_id, expected_version, "conferences.schedule", mutate)


@dataclass(frozen=True)
class Minutes:
    decisions: str
    category: DataCategory | None = None  # chosen by the author; default the own institution's
    client_attended: bool | None = None
    action_items: list[NewActionItem] = field(default_factory=list)
    agreed_goal_ids: list[uuid.UUID] = field(default_factory=list)


def record_minutes(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    conference_id: uuid.UUID,
    minutes: Minutes,
) -> CaseView:
    """The organiser records the minutes of a held conference: decisions as action items with owner
    and due date (they appear in the Pendenzen) and the goals agreed."""

    def mutate(case: SharedCase) -> CaseChange:
        if not minutes.decisions.strip():
            raise InvalidValue("Die Beschlüsse der Fallkonferenz fehlen.", "decisions")
        note = author_note(uow, ctx, NoteKind.MINUTES, minutes.decisions, minutes.category)
        conference = case.record_minutes(
            conference_id,
            minutes=note,
            client_attended=minutes.client_attended,
            action_items=[
                ActionItem(a.title.strip(), a.owner_institution_id, a.due_on) for a in minutes.action_items
            ],
            agreed_goal_ids=list(minutes.agreed_goal_ids),
            institution_id=ctx.principal.institution_id,
            today=ctx.today,
        )
        return CaseChange((conference.category, note.category), (conference.id, note.id))

    return change_case(uow, ctx, case_id, expected_version, "conferences.minutes", mutate)


def complete_action_item(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    item_id: uuid.UUID,
    done_on: date | None = None,
) -> CaseView:
    """The owning institution marks an action item of a conference as done."""

    def mutate(case: SharedCase) -> CaseChange:
        case.complete_action_item(item_id, ctx.principal.institution_id, done_on or ctx.today, ctx.today)
        return CaseChange((DataCategory.FALLFUEHRUNG,), (item_id,))

    return change_case(uow, ctx, case_id, expected_version, "conferences.action_done", mutate)
