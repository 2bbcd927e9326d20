"""The canton's process rules as data: each with a stable id and the canton's reason in German.

A refusal names its rule (`RuleBroken.rule`), so a caller can look it up and a reader of the
problem answer sees which rule of the DFF or IIZ concept stopped the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.cases.plan import MeasureKind
from app.domain.cases.segment import Segment
from app.domain.errors import DomainError, InvalidValue, InvariantViolation


@dataclass(frozen=True)
class ProcessRule:
    id: str
    text: str  # the rule as the canton states it
    source: str  # the document it comes from


REASSESSMENT_MAX_SIX_MONTHS = ProcessRule(
    "dff.neubeurteilung.6-monate",
    "Das Segment wird mindestens alle sechs Monate neu beurteilt; eine Einstellung darf das Intervall "
    "verkürzen, nie verlängern.",
    "DFF-Konzept, Segmentierung",
)
ACTIVATION_NEEDS_KURZASSESSMENT = ProcessRule(
    "dff.aktivierung.kurzassessment",
    "Vor der Aktivierung ist das Kurzassessment der Fallaufnahme abzuschliessen.",
    "DFF-Konzept, Fallaufnahme",
)
ACTIVATION_NEEDS_SEGMENT = ProcessRule(
    "dff.aktivierung.segment",
    "Vor der Aktivierung muss der Fall segmentiert werden.",
    "DFF-Konzept, Segmentierung",
)
SEGMENT_S_NO_LABOUR_MARKET = ProcessRule(
    "dff.segment-s.keine-amm",
    "Im Segment S (Stabilisieren) sind keine arbeitsmarktlichen Massnahmen vorgesehen; zuerst wird "
    "die Situation stabilisiert.",
    "DFF-Konzept, Segment S",
)
FOLLOW_UP_AFTER_SIX_MONTHS = ProcessRule(
    "dff.nachbetreuung.6-monate",
    "Das Ergebnis der Nachbetreuung wird erst nach Ablauf der sechs Monate festgehalten, ausser bei "
    "einem dokumentierten vorzeitigen Ende (Wegzug, Tod, neue Unterstützung).",
    "DFF-Konzept, Nachbetreuung",
)
LEAD_NEEDS_ACCEPTANCE = ProcessRule(
    "iiz.fallfuehrung.annahme",
    "Die Fallführung geht erst über, wenn die empfangende Stelle sie mit einer Übergabenotiz "
    "angenommen hat; bis dahin bleibt die bisherige Stelle fallführend.",
    "IIZ-Case-Management-Konzept, Fallführung",
)
PARTICIPATION_BY_INVITATION = ProcessRule(
    "iiz.beteiligung.einladung",
    "Eine Stelle wird zum Fall eingeladen und nimmt erst teil, wenn sie die Einladung annimmt.",
    "IIZ-Case-Management-Konzept, Zusammenarbeit",
)
CLOSURE_OWN_MEASURES = ProcessRule(
    "iiz.abschluss.eigene-massnahmen",
    "Ein Abschluss oder Austritt beendet nur die Massnahmen der eigenen Stelle.",
    "IIZ-Case-Management-Konzept, Abschluss",
)

# What must be on the case before the intake ends (rule as data: name of the requirement → rule).
ACTIVATION_REQUIREMENTS: tuple[tuple[str, ProcessRule], ...] = (
    ("kurzassessment", ACTIVATION_NEEDS_KURZASSESSMENT),
    ("segment", ACTIVATION_NEEDS_SEGMENT),
)

# Measures a segment does not allow, with the rule that says so.
SEGMENT_MEASURE_EXCLUSIONS: dict[Segment, dict[MeasureKind, ProcessRule]] = {
    Segment.STABILISIEREN: {MeasureKind.LABOUR_MARKET: SEGMENT_S_NO_LABOUR_MARKET},
}

RULES: dict[str, ProcessRule] = {
    rule.id: rule
    for rule in (
        REASSESSMENT_MAX_SIX_MONTHS,
        ACTIVATION_NEEDS_KURZASSESSMENT,
        ACTIVATION_NEEDS_SEGMENT,
        SEGMENT_S_NO_LABOUR_MARKET,
        FOLLOW_UP_AFTER_SIX_MONTHS,
        LEAD_NEEDS_ACCEPTANCE,
        PARTICIPATION_BY_INVITATION,
        CLOSURE_OWN_MEASURES,
    )
}


def _message(rule: ProcessRule, detail: str) -> str:
    return f"{detail} (Regel {rule.id}: {rule.text})" if detail else f"{rule.text} (Regel {rule.id})"


class RuleBroken(InvariantViolation):
    """A process rule refused the change (422)."""

    def __init__(self, rule: ProcessRule, field: str | None = None, detail: str = "") -> None:
        super().__init__(_message(rule, detail), field)
        self.rule = rule.id


class RuleOutOfRange(InvalidValue):
    """A value outside what a process rule allows (422, pointing at the field)."""

    def __init__(self, rule: ProcessRule, field: str, detail: str = "") -> None:
        super().__init__(_message(rule, detail), field)
        self.rule = rule.id


class RuleConflict(DomainError):
    """A process rule refused the change because a step of the process is still missing (409)."""

    title = "Ablauf nicht eingehalten"

    def __init__(self, rule: ProcessRule, field: str | None = None, detail: str = "") -> None:
        super().__init__(_message(rule, detail), field)
        self.rule = rule.id
