"""How long a person's data is kept.

A person with cases is past retention when every one of their cases is past its own end:
- an archived case: the configured years after it last changed;
- a closed case (or one in follow-up) whose follow-up period has ended: the years configured for
  `closed` after the end of the follow-up;
- an intake nobody worked on for `abandoned_intake_days`: abandoned;
- an active case, or a closed one still in its follow-up period: never (it keeps the person's data).
A person without any case is past retention `unlinked_person_days` after their last change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.cases import CasePhase
from app.domain.dates import add_months

_ENDED_BY_FOLLOW_UP = (CasePhase.CLOSED, CasePhase.FOLLOW_UP)


@dataclass(frozen=True)
class CaseRetentionFacts:
    phase: CasePhase
    last_changed_on: date
    follow_up_due_on: date | None = None


@dataclass(frozen=True)
class RetentionPolicy:
    years_by_phase: Mapping[CasePhase, int]
    abandoned_intake_days: int | None = None
    unlinked_person_days: int | None = None

    @classmethod
    def from_settings(
        cls,
        years: Mapping[str, int],
        abandoned_intake_days: int | None = None,
        unlinked_person_days: int | None = None,
    ) -> RetentionPolicy:
        by_phase = {CasePhase(phase): int(value) for phase, value in years.items()}
        return cls(by_phase, abandoned_intake_days, unlinked_person_days)

    def keep_until(self, case: CaseRetentionFacts, today: date | None = None) -> date | None:
        intake_by_days = case.phase is CasePhase.INTAKE and case.phase not in self.years_by_phase
        if intake_by_days and self.abandoned_intake_days is not None:
            return case.last_changed_on + timedelta(days=self.abandoned_intake_days)
        years = self.years_by_phase.get(case.phase)
        if case.phase in _ENDED_BY_FOLLOW_UP:
            years = self.years_by_phase.get(CasePhase.CLOSED)
            ended = case.follow_up_due_on
            if years is None or ended is None or (today is not None and ended > today):
                return None  # still in its follow-up period
            return add_months(max(ended, case.last_changed_on), 12 * years)
        return None if years is None else add_months(case.last_changed_on, 12 * years)

    def past_retention(self, cases: Iterable[CaseRetentionFacts], today: date) -> bool:
        cases = list(cases)
        if not cases:
            return False
        for case in cases:
            until = self.keep_until(case, today)
            if until is None or until > today:
                return False
        return True

    def unlinked_past_retention(self, last_changed_on: date, today: date) -> bool:
        """A person no case refers to (registered, then never taken on, or left without a case)."""
        if self.unlinked_person_days is None:
            return False
        return last_changed_on + timedelta(days=self.unlinked_person_days) <= today


@dataclass(frozen=True)
class DeletionReceipt:
    """Signed statement that a person's data key was destroyed (pseudonymous ids only).

    `body` is the exact signed JSON text; `signature` and `public_key` are base64 (Ed25519)."""

    id: str
    person_id: str
    body: str
    signature: str
    public_key: str
