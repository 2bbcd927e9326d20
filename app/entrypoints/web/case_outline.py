"""How a case part is laid out for reading: the plan as goals with their measures and latest rating,
the journal as one timeline. Only what the view holds (what the policy allowed) is laid out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from app.domain.cases.intake import IntakeStep
from app.domain.cases.phase import CasePhase
from app.domain.cases.plan import Goal, GoalStatus, Measure
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


def next_steps(view: CaseView, today: date) -> list[str]:
    """What the case needs next, in the words of the canton's process (only from what the view holds)."""
    case = view.case
    steps: list[str] = []
    if case.phase is CasePhase.INTAKE:
        missing = []
        if not any(r.step is IntakeStep.KURZASSESSMENT for r in view.intake_records):
            missing.append("Kurzassessment erfassen (Abklärungen)")
        if case.current_segment is None:
            missing.append("Segment festlegen")
        if missing:
            steps.append(f"{' und '.join(missing)}: Voraussetzung, um die Fallaufnahme zu beenden.")
        else:
            steps.append("Fallaufnahme beenden: Kurzassessment und Segment liegen vor.")
    if view.show_core and case.phase.is_open and case.reassessment_due_on is not None:
        due = case.reassessment_due_on
        if due <= today:
            steps.append(f"Neubeurteilung des Segments überfällig seit {due:%d.%m.%Y}.")
        else:
            steps.append(f"Nächste Neubeurteilung des Segments bis {due:%d.%m.%Y}.")
    planned = [r.next_review_on for r in view.reviews if r.next_review_on is not None]
    if planned and case.phase.is_open:
        upcoming = max(planned)
        word = "überfällig seit" if upcoming < today else "am"
        steps.append(f"Nächste Standortbestimmung {word} {upcoming:%d.%m.%Y}.")
    for goal in view.goals:
        if goal.status is GoalStatus.OPEN and goal.target_on is not None and goal.target_on < today:
            steps.append(f"Ziel «{goal.title}» war bis {goal.target_on:%d.%m.%Y} zu erreichen.")
    follow_up = view.follow_up
    if follow_up is not None and follow_up.completed_on is None:
        if follow_up.started_on is None:
            steps.append("Nachbetreuung beginnen.")
        steps.append(f"Ergebnis der Nachbetreuung am {follow_up.due_on:%d.%m.%Y} festhalten.")
    return steps
