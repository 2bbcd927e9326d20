"""The shared case (Durchgehende Fallführung, DFF) and everything recorded on it."""

from app.domain.cases.case import ContactPerson, Participation, SharedCase
from app.domain.cases.closure import Closure, ClosureReason, FollowUp, FollowUpResult
from app.domain.cases.phase import CasePhase
from app.domain.cases.plan import Goal, GoalStatus, Measure, MeasureKind, MeasureStatus
from app.domain.cases.records import (
    Assessment,
    AssessmentKind,
    CaseConference,
    CaseItem,
    GoalProgress,
    JournalEntry,
    ProgressRating,
    Review,
)
from app.domain.cases.segment import Segment, SegmentAssessment, reassessment_due_on

__all__ = [
    "Assessment",
    "AssessmentKind",
    "CaseConference",
    "CaseItem",
    "CasePhase",
    "Closure",
    "ClosureReason",
    "ContactPerson",
    "FollowUp",
    "FollowUpResult",
    "Goal",
    "GoalProgress",
    "GoalStatus",
    "JournalEntry",
    "Measure",
    "MeasureKind",
    "MeasureStatus",
    "Participation",
    "ProgressRating",
    "Review",
    "Segment",
    "SegmentAssessment",
    "SharedCase",
    "reassessment_due_on",
]
