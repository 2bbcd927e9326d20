"""The integration plan as a document to print and sign: what the PDF shows, already in German words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PlannedMeasure:
    title: str
    kind: str
    owner: str
    period: str
    status: str


@dataclass(frozen=True)
class PlannedGoal:
    title: str
    target: str
    status: str
    owner: str
    description: str = ""
    latest_rating: str = ""
    measures: list[PlannedMeasure] = field(default_factory=list)


@dataclass(frozen=True)
class PlanDocument:
    client: str
    ahvn13: str
    lead_institution: str
    printed_on: date
    goals: list[PlannedGoal]
    loose_measures: list[PlannedMeasure]


def plan_filename(document: PlanDocument) -> str:
    return f"integrationsplan-{document.printed_on:%Y-%m-%d}.pdf"
