"""How a case part is laid out for reading: the plan as goals with their measures and latest rating,
the journal as one timeline. Only what the view holds (what the policy allowed) is laid out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from app.domain.cases.plan import Goal, Measure
from app.domain.cases.records import GoalProgress, JournalEntry
from app.domain.categories import DataCategory
from app.services.case_view import CaseView


@dataclass(frozen=True)
class Rating:
    progress: GoalProgress
    held_on: date


@dataclass(frozen=True)
class GoalOutline:
    goal: Goal
    measures: list[Measure]
    latest: Rating | None


@dataclass(frozen=True)
class PlanOutline:
    goals: list[GoalOutline]
    loose_measures: list[Measure]  # measures planned without a goal


def plan_outline(view: CaseView) -> PlanOutline:
    latest: dict[uuid.UUID, Rating] = {}
    for review in sorted(view.reviews, key=lambda r: r.held_on):
        for progress in review.progress:
            latest[progress.goal_id] = Rating(progress, review.held_on)
    goal_ids = {g.id for g in view.goals}
    by_goal: dict[uuid.UUID, list[Measure]] = {}
    loose = []
    for measure in sorted(view.measures, key=lambda m: (m.start_on or date.max, m.title)):
        if measure.goal_id in goal_ids:
            by_goal.setdefault(measure.goal_id, []).append(measure)
        else:
            loose.append(measure)
    goals = sorted(view.goals, key=lambda g: (g.target_on or date.max, g.title))
    return PlanOutline([GoalOutline(g, by_goal.get(g.id, []), latest.get(g.id)) for g in goals], loose)


@dataclass(frozen=True)
class Timeline:
    entries: list[JournalEntry]  # newest first
    categories: list[DataCategory]  # categories that occur, for the filter
    withheld: list[DataCategory]  # categories of the case the caller may not read


def journal_timeline(view: CaseView, only: DataCategory | None = None) -> Timeline:
    shown = [e for e in view.journal if only is None or e.category is only]
    entries = sorted(shown, key=lambda e: (e.occurred_on, e.recorded_at), reverse=True)
    present = {e.category for e in view.journal}
    withheld = [c for c in DataCategory if c in view.withheld and c not in view.allowed]
    return Timeline(entries, [c for c in DataCategory if c in present], withheld)
