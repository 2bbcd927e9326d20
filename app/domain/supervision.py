"""Supervision by the AGS: how each Sozialregion keeps the process, as counts without personal data.

Looking at single cases needs a legal basis: a rule as data, switched off unless configured.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.domain.cases.process_rules import ProcessRule

DRILL_DOWN_RULE = ProcessRule(
    "ags.aufsicht.einzelfall",
    "Die Aufsicht sieht einzelne Fälle nur, wo ein Gesetz ihr dafür eine Grundlage gibt; ohne "
    "eingeschaltete Grundlage sieht sie nur Zahlen.",
    "Aufsicht über die Sozialregionen (AGS)",
)


@dataclass
class RegionProcessCounts:
    """Counts for one Sozialregion; `case_ids` only when a legal basis allows the drill-down."""

    region_institution_id: uuid.UUID
    open_cases: int = 0
    overdue_reassessments: int = 0
    intakes_without_segment: int = 0
    missed_follow_ups: int = 0
    conferences_held: int = 0
    case_ids: dict[str, list[uuid.UUID]] = field(default_factory=dict)
