"""A plausible synthetic canton for trying the figures: 13 Sozialregionen in three introduction
waves, segment paths, detachments, follow-ups, measures. No person behind any of it.

Deterministic for a seed. The shape follows the CM concept: segment A detaches fastest, S rarely;
refugees and provisionally admitted persons get asylum-sector assistance in their first years.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.domain.cases.closure import ClosureReason, FollowUpResult
from app.domain.cases.plan import MeasureKind
from app.domain.cases.segment import Segment
from app.domain.dates import add_months
from app.domain.figures.facts import AssistanceKind, CostBearer, ResidenceStatus
from app.domain.figures.records import FigureMeasure, FigureSegment

# Region code → (relative size, DFF introduction day)
REGIONS: dict[str, tuple[int, date]] = {
    "SD-WASSERAMT": (9, date(2026, 1, 1)),
    "SD-BBLA": (6, date(2026, 1, 1)),
    "SD-OBERER-LEBERBERG": (10, date(2026, 1, 1)),
    "SD-UNTERGAEU": (5, date(2026, 1, 1)),
    "SD-OLTEN": (14, date(2026, 1, 1)),
    "SD-SOLOTHURN": (12, date(2026, 7, 1)),
    "SD-ZUCHWIL-LUTERBACH": (7, date(2026, 7, 1)),
    "SD-UNTERER-LEBERBERG": (5, date(2026, 7, 1)),
    "SD-THAL-GAEU": (6, date(2026, 7, 1)),
    "SD-DORNECK": (4, date(2027, 1, 1)),
    "SD-THIERSTEIN": (4, date(2027, 1, 1)),
    "SD-UNTERES-NIEDERAMT": (6, date(2027, 1, 1)),
    "SD-OBERES-NIEDERAMT": (5, date(2027, 1, 1)),
}
_RESIDENCE = {
    ResidenceStatus.SCHWEIZ: 46,
    ResidenceStatus.EU_EFTA: 14,
    ResidenceStatus.DRITTSTAAT: 14,
    ResidenceStatus.VORLAEUFIG_AUFGENOMMEN: 10,
    ResidenceStatus.FLUECHTLING: 10,
    ResidenceStatus.SCHUTZSTATUS_S: 6,
}
_FIRST_SEGMENT = {
    Segment.ABLOESEN: 22,
    Segment.VERAENDERN: 30,
    Segment.ORIENTIEREN: 23,
    Segment.STABILISIEREN: 25,
}
_MEAN_DAYS_TO_END = {
    Segment.ABLOESEN: 240,
    Segment.VERAENDERN: 520,
    Segment.ORIENTIEREN: 700,
    Segment.STABILISIEREN: 1300,
}
_MEASURES = {
    MeasureKind.COURSE: (CostBearer.SOZIALHILFE, CostBearer.ALV),
    MeasureKind.JOB_COACHING: (CostBearer.SOZIALHILFE, CostBearer.ALV),
    MeasureKind.PRACTICAL_PLACEMENT: (CostBearer.SOZIALHILFE,),
    MeasureKind.IV_VOCATIONAL: (CostBearer.IV,),
    MeasureKind.IV_EARLY_INTERVENTION: (CostBearer.IV,),
    MeasureKind.LABOUR_MARKET: (CostBearer.ALV,),
    MeasureKind.SOCIAL_INTEGRATION: (CostBearer.SOZIALHILFE, CostBearer.ANDERE),
}


@dataclass
class SyntheticCase:
    region_code: str
    opened_on: date
    case_id: uuid.UUID = field(default_factory=uuid.uuid4)
    person_id: uuid.UUID = field(default_factory=uuid.uuid4)
    segments: list[FigureSegment] = field(default_factory=list)
    closed_on: date | None = None
    closure_reason: ClosureReason | None = None
    follow_up_completed_on: date | None = None
    follow_up_result: FollowUpResult | None = None
    with_rav: bool = False
    with_iv: bool = False
    residence_status: ResidenceStatus = ResidenceStatus.SCHWEIZ
    assistance_kind: AssistanceKind | None = None
    support_start_on: date | None = None
    preventive: bool = False
    employed: bool | None = None
    measures: list[FigureMeasure] = field(default_factory=list)
    measure_ids: list[uuid.UUID] = field(default_factory=list)
    segment_ids: list[uuid.UUID] = field(default_factory=list)


def _pick(rng: random.Random, weights: dict[object, int]) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def synthetic_canton(count: int, today: date, seed: int = 2026) -> list[SyntheticCase]:
    """`count` cases opened over the three years before `today`."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not a secret
    regions = list(REGIONS)
    sizes = [REGIONS[r][0] for r in regions]
    first = today - timedelta(days=3 * 365)
    return [_case(rng, rng.choices(regions, weights=sizes)[0], first, today) for _ in range(count)]


def _case(rng: random.Random, region: str, first: date, today: date) -> SyntheticCase:
    opened_on = first + timedelta(days=rng.randrange((today - first).days))
    case = SyntheticCase(region, opened_on)
    status = _pick(rng, _RESIDENCE)  # type: ignore[arg-type]
    assert isinstance(status, ResidenceStatus)
    case.residence_status = status
    case.preventive = rng.random() < 0.08
    if not case.preventive:
        asylum = status in (
            ResidenceStatus.VORLAEUFIG_AUFGENOMMEN,
            ResidenceStatus.FLUECHTLING,
            ResidenceStatus.SCHUTZSTATUS_S,
        )
        case.assistance_kind = AssistanceKind.ASYL if asylum and rng.random() < 0.7 else AssistanceKind.REGEL
        case.support_start_on = opened_on - timedelta(days=rng.randrange(0, 45))
    case.with_rav = rng.random() < 0.35
    case.with_iv = rng.random() < 0.15
    segment = _pick(rng, _FIRST_SEGMENT)  # type: ignore[arg-type]
    assert isinstance(segment, Segment)
    end = opened_on + timedelta(days=int(rng.expovariate(1 / _MEAN_DAYS_TO_END[segment])) + 30)
    day = opened_on + timedelta(days=rng.randrange(5, 75))
    while day <= min(today, end):
        case.segments.append(FigureSegment(day, segment))
        case.segment_ids.append(uuid.uuid4())
        if rng.random() < 0.3:
            segment = rng.choice([s for s in Segment if s is not segment])
        late = rng.random() < 0.15
        day = add_months(day, 6) + timedelta(days=rng.randrange(15, 60) if late else -rng.randrange(0, 30))
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        kind = rng.choice(list(_MEASURES))
        start = opened_on + timedelta(days=rng.randrange(10, 300))
        if start <= today:
            bearer = rng.choice(_MEASURES[kind]) if rng.random() < 0.9 else None
            case.measures.append(FigureMeasure(start, kind, bearer))
            case.measure_ids.append(uuid.uuid4())
    if end <= today and case.segments:
        case.closed_on = end
        case.closure_reason = _closure_reason(rng, case.segments[-1].segment)
        follow_up_on = add_months(end, 6)
        if case.closure_reason.is_detachment and follow_up_on <= today:
            case.follow_up_completed_on = follow_up_on
            case.follow_up_result = (
                FollowUpResult.SUSTAINABLE
                if rng.random() < 0.72
                else (FollowUpResult.NOT_SUSTAINABLE if rng.random() < 0.8 else FollowUpResult.UNREACHABLE)
            )
    goal_group = status.counts_for_federal_goal or status is ResidenceStatus.SCHUTZSTATUS_S
    case.employed = rng.random() < (0.36 if goal_group else 0.3)
    return case


def _closure_reason(rng: random.Random, segment: Segment) -> ClosureReason:
    if segment in (Segment.ABLOESEN, Segment.VERAENDERN) and rng.random() < 0.75:
        return rng.choice((ClosureReason.ERWERBSARBEIT,) * 4 + (ClosureReason.AUSBILDUNG,))
    return rng.choice(
        (
            ClosureReason.IV_RENTE,
            ClosureReason.ANDERE_LEISTUNG,
            ClosureReason.WEGZUG,
            ClosureReason.KEIN_ANSPRUCH,
            ClosureReason.KONTAKTABBRUCH,
            ClosureReason.ANDERE,
        )
    )
