"""Zuweisung (Referral) to IIZ case management, the Aufnahmeentscheid (AdmissionDecision) of the
case-management body, and the Clearing by the AGS when a referral was declined.

The case-management body decides, so that "unangenehme" cases are not simply passed on; the
referring institution can take a declined referral to the clearing body.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import InvalidValue, InvariantViolation


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return {Urgency.NORMAL: "normal", Urgency.URGENT: "dringend"}[self]


class AdmissionOutcome(StrEnum):
    ADMITTED = "admitted"
    DECLINED = "declined"
    REFERRED_ELSEWHERE = "referred_elsewhere"

    @property
    def label(self) -> str:
        return {
            AdmissionOutcome.ADMITTED: "aufgenommen",
            AdmissionOutcome.DECLINED: "abgelehnt",
            AdmissionOutcome.REFERRED_ELSEWHERE: "anderweitig zugewiesen",
        }[self]


class ReferralStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the joint meeting and the decision
    MEETING_SCHEDULED = "meeting_scheduled"
    ADMITTED = "admitted"
    DECLINED = "declined"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    AT_CLEARING = "at_clearing"  # a declined referral before the clearing body
    CLEARED = "cleared"  # the clearing body decided

    @property
    def label(self) -> str:
        return {
            ReferralStatus.SUBMITTED: "wartet auf Aufnahmeentscheid",
            ReferralStatus.MEETING_SCHEDULED: "gemeinsames Gespräch geplant",
            ReferralStatus.ADMITTED: "aufgenommen",
            ReferralStatus.DECLINED: "abgelehnt",
            ReferralStatus.REFERRED_ELSEWHERE: "anderweitig zugewiesen",
            ReferralStatus.AT_CLEARING: "bei der Schlichtungsstelle",
            ReferralStatus.CLEARED: "von der Schlichtungsstelle entschieden",
        }[self]

    @property
    def awaits_decision(self) -> bool:
        return self in (
            ReferralStatus.SUBMITTED,
            ReferralStatus.MEETING_SCHEDULED,
            ReferralStatus.AT_CLEARING,
        )


@dataclass
class AdmissionDecision:
    outcome: AdmissionOutcome
    decided_on: date
    reason: str
    decided_by: uuid.UUID  # user
    institution_id: uuid.UUID  # the body that decided
    lead_institution_id: uuid.UUID | None = None  # named when admitted


@dataclass
class Referral:
    person_id: uuid.UUID
    referring_institution_id: uuid.UUID
    cm_body_institution_id: uuid.UUID  # the case-management body of the region
    clearing_body_institution_id: uuid.UUID  # the AGS
    referred_on: date
    referred_by: uuid.UUID
    urgency: Urgency
    reason: str  # why case management
    tried: str  # what was tried before
    category: DataCategory  # of the texts, chosen by the referring author
    document_ids: list[uuid.UUID] = field(default_factory=list)
    status: ReferralStatus = ReferralStatus.SUBMITTED
    meeting_on: date | None = None
    decision: AdmissionDecision | None = None
    clearing_requested_on: date | None = None
    clearing: AdmissionDecision | None = None
    case_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise InvalidValue("Die Zuweisung braucht eine Begründung.", "reason")
        if self.category not in CONTENT_CATEGORIES:
            raise InvalidValue(f"Die Kategorie «{self.category.value}» ist hier nicht zulässig.", "category")
        if self.referring_institution_id == self.cm_body_institution_id:
            raise InvariantViolation(
                "Die Fallführungsstelle kann sich nicht selbst zuweisen; sie eröffnet den Fall direkt.",
                "cm_body_institution_id",
            )

    @property
    def involved_institution_ids(self) -> frozenset[uuid.UUID]:
        """Who may see the referral: the referring institution, the body deciding, the named lead,
        and the clearing body once the referral is before it."""
        involved = {self.referring_institution_id, self.cm_body_institution_id}
        if self.clearing_requested_on is not None:
            involved.add(self.clearing_body_institution_id)
        for decision in (self.decision, self.clearing):
            if decision is not None and decision.lead_institution_id is not None:
                involved.add(decision.lead_institution_id)
        return frozenset(involved)

    @property
    def deciding_institution_id(self) -> uuid.UUID | None:
        """Who must decide now (its Pendenz), or None once decided."""
        if self.status in (ReferralStatus.SUBMITTED, ReferralStatus.MEETING_SCHEDULED):
            return self.cm_body_institution_id
        if self.status is ReferralStatus.AT_CLEARING:
            return self.clearing_body_institution_id
        return None

    @property
    def lead_institution_id(self) -> uuid.UUID | None:
        final = self.clearing or self.decision
        return final.lead_institution_id if final is not None else None

    def schedule_meeting(self, on: date, by_institution_id: uuid.UUID) -> None:
        if by_institution_id != self.cm_body_institution_id:
            raise InvariantViolation("Das gemeinsame Gespräch plant die Fallführungsstelle der Region.")
        if self.status not in (ReferralStatus.SUBMITTED, ReferralStatus.MEETING_SCHEDULED):
            raise InvariantViolation("Über diese Zuweisung ist bereits entschieden.", "meeting_on")
        if on < self.referred_on:
            raise InvalidValue("Das Gespräch liegt vor der Zuweisung.", "meeting_on")
        self.meeting_on = on
        self.status = ReferralStatus.MEETING_SCHEDULED

    def decide(self, decision: AdmissionDecision, today: date) -> None:
        if decision.institution_id != self.cm_body_institution_id:
            raise InvariantViolation("Über die Aufnahme entscheidet die Fallführungsstelle der Region.")
        if self.status not in (ReferralStatus.SUBMITTED, ReferralStatus.MEETING_SCHEDULED):
            raise InvariantViolation("Über diese Zuweisung ist bereits entschieden.", "outcome")
        self._check(decision, today)
        self.decision = decision
        self.status = ReferralStatus(decision.outcome.value)

    def request_clearing(self, by_institution_id: uuid.UUID, today: date) -> None:
        if by_institution_id not in (self.referring_institution_id, self.cm_body_institution_id):
            raise InvariantViolation("Die Schlichtung verlangt eine der beteiligten Stellen.")
        if self.status is not ReferralStatus.DECLINED:
            raise InvariantViolation(
                "Nur eine abgelehnte Zuweisung geht an die Schlichtungsstelle.", "status"
            )
        self.clearing_requested_on = today
        self.status = ReferralStatus.AT_CLEARING

    def clear(self, decision: AdmissionDecision, today: date) -> None:
        if decision.institution_id != self.clearing_body_institution_id:
            raise InvariantViolation("Hier entscheidet die Schlichtungsstelle (AGS).")
        if self.status is not ReferralStatus.AT_CLEARING:
            raise InvariantViolation("Diese Zuweisung liegt nicht bei der Schlichtungsstelle.", "status")
        self._check(decision, today)
        self.clearing = decision
        self.status = ReferralStatus.CLEARED

    def _check(self, decision: AdmissionDecision, today: date) -> None:
        if not decision.reason.strip():
            raise InvalidValue("Der Entscheid braucht eine Begründung.", "reason")
        if decision.decided_on > today:
            raise InvalidValue("Der Entscheid darf nicht in der Zukunft liegen.", "decided_on")
        if decision.decided_on < self.referred_on:
            raise InvalidValue("Der Entscheid liegt vor der Zuweisung.", "decided_on")
        admitted = decision.outcome is AdmissionOutcome.ADMITTED
        if admitted and decision.lead_institution_id is None:
            raise InvalidValue(
                "Bei der Aufnahme ist die fallführende Stelle zu nennen.", "lead_institution_id"
            )
        if not admitted and decision.lead_institution_id is not None:
            raise InvalidValue(
                "Eine fallführende Stelle gibt es nur bei der Aufnahme.", "lead_institution_id"
            )

    @property
    def admitted(self) -> bool:
        final = self.clearing or self.decision
        return final is not None and final.outcome is AdmissionOutcome.ADMITTED
