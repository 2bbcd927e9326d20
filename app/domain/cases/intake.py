"""The intake steps of the DFF as records with outcomes: Bedürftigkeitsklärung,
Subsidiaritätsprüfung and Kurzassessment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import InvalidValue


class IntakeStep(StrEnum):
    NEED = "need"  # Bedürftigkeitsklärung
    SUBSIDIARITY = "subsidiarity"  # Subsidiaritätsprüfung
    KURZASSESSMENT = "kurzassessment"

    @property
    def label(self) -> str:
        return {
            IntakeStep.NEED: "Bedürftigkeitsklärung",
            IntakeStep.SUBSIDIARITY: "Subsidiaritätsprüfung",
            IntakeStep.KURZASSESSMENT: "Kurzassessment",
        }[self]


class IntakeOutcome(StrEnum):
    IN_NEED = "in_need"
    NOT_IN_NEED = "not_in_need"
    NO_PRIOR_BENEFIT = "no_prior_benefit"
    PRIOR_BENEFIT = "prior_benefit"  # ALV, IV or family come first
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {
            IntakeOutcome.IN_NEED: "Bedürftig",
            IntakeOutcome.NOT_IN_NEED: "Nicht bedürftig",
            IntakeOutcome.NO_PRIOR_BENEFIT: "Keine vorrangige Leistung",
            IntakeOutcome.PRIOR_BENEFIT: "Vorrangige Leistung (ALV, IV, Familie)",
            IntakeOutcome.COMPLETED: "Abgeschlossen",
        }[self]


OUTCOMES_OF: dict[IntakeStep, frozenset[IntakeOutcome]] = {
    IntakeStep.NEED: frozenset({IntakeOutcome.IN_NEED, IntakeOutcome.NOT_IN_NEED}),
    IntakeStep.SUBSIDIARITY: frozenset({IntakeOutcome.NO_PRIOR_BENEFIT, IntakeOutcome.PRIOR_BENEFIT}),
    IntakeStep.KURZASSESSMENT: frozenset({IntakeOutcome.COMPLETED}),
}

# The category a step's summary is filed under when its author chooses none.
STEP_CATEGORY = {
    IntakeStep.NEED: DataCategory.SOZIALHILFE,
    IntakeStep.SUBSIDIARITY: DataCategory.SOZIALHILFE,
    IntakeStep.KURZASSESSMENT: DataCategory.POTENZIAL,
}


@dataclass
class IntakeRecord:
    step: IntakeStep
    outcome: IntakeOutcome
    done_on: date
    institution_id: uuid.UUID
    summary: str
    recorded_by: uuid.UUID
    recorded_at: datetime
    category: DataCategory = DataCategory.POTENZIAL
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES_OF[self.step]:
            allowed = ", ".join(sorted(o.label for o in OUTCOMES_OF[self.step]))
            raise InvalidValue(f"Für die {self.step.label} gilt eines von: {allowed}.", "outcome")
        if self.category not in CONTENT_CATEGORIES:
            raise InvalidValue(f"Die Kategorie «{self.category.value}» ist hier nicht zulässig.", "category")

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.institution_id
