"""The shared case (Durchgehende Fallführung, DFF) and everything recorded on it."""

from app.domain.cases.case import ContactPerson, Participation, SharedCase
from app.domain.cases.closure import Closure, ClosureReason, EarlyEnd, FollowUp, FollowUpResult
from app.domain.cases.cooperation import AgreementForm, Cooperation
from app.domain.cases.intake import IntakeOutcome, IntakeRecord, IntakeStep
from app.domain.cases.invitations import Invitation, InvitationKind, InvitationStatus
from app.domain.cases.notes import NoteKind, ProcessNote
from app.domain.cases.phase import CasePhase
from app.domain.cases.plan import Goal, GoalStatus, Measure, MeasureKind, MeasureStatus
from app.domain.cases.records import (
    ActionItem,
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
    "ActionItem",
    "AgreementForm",
    "Assessment",
    "AssessmentKind",
    "CaseConference",
    "CaseItem",
    "CasePhase",
    "Closure",
    "ClosureReason",
    "ContactPerson",
    "Cooperation",
    "EarlyEnd",
    "FollowUp",
    "FollowUpResult",
    "Goal",
    "GoalProgress",
    "GoalStatus",
    "IntakeOutcome",
    "IntakeRecord",
    "IntakeStep",
    "Invitation",
    "InvitationKind",
    "InvitationStatus",
    "JournalEntry",
    "Measure",
    "MeasureKind",
    "MeasureStatus",
    "NoteKind",
    "Participation",
    "ProcessNote",
    "ProgressRating",
    "Review",
    "Segment",
    "SegmentAssessment",
    "SharedCase",
    "reassessment_due_on",
]
