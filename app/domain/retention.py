"""How long a person's data is kept: per case phase, years after the case last changed.

A person is past retention when they have at least one case and every one of their cases is in a
phase the policy names and has been for the configured years. A phase the policy does not name
(an open case, for instance) keeps the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from app.domain.cases import CasePhase
from app.domain.dates import add_months


@dataclass(frozen=True)
class CaseRetentionFacts:
    phase: CasePhase
    last_changed_on: date


@dataclass(frozen=True)
class RetentionPolicy:
    years_by_phase: Mapping[CasePhase, int]

    @classmethod
    def from_settings(cls, years: Mapping[str, int]) -> RetentionPolicy:
        return cls({CasePhase(phase): int(value) for phase, value in years.items()})

    def keep_until(self, case: CaseRetentionFacts) -> date | None:
        years = self.years_by_phase.get(case.phase)
        return None if years is None else add_months(case.last_changed_on, 12 * years)

    def past_retention(self, cases: Iterable[CaseRetentionFacts], today: date) -> bool:
        cases = list(cases)
        if not cases:
            return False
        for case in cases:
            until = self.keep_until(case)
            if until is None or until > today:
                return False
        return True


@dataclass(frozen=True)
class DeletionReceipt:
    """Signed statement that a person's data key was destroyed (pseudonymous ids only).

    `body` is the exact signed JSON text; `signature` and `public_key` are base64 (Ed25519)."""

    id: str
    person_id: str
    body: str
    signature: str
    public_key: str
