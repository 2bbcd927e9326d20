"""The indicators, computed from case metadata. Each yields a count table or durations per region.

Raw tables here are exact; `release` (report.py) applies the small-cell protection before anything
leaves the service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache

from app.domain.cases.closure import ClosureReason, FollowUpResult
from app.domain.cases.plan import MeasureKind
from app.domain.cases.segment import Segment
from app.domain.dates import add_months
from app.domain.figures.facts import CostBearer, ResidenceStatus
from app.domain.figures.records import FigureCase, FigureQuery
from app.domain.figures.survival import Observation
from app.domain.figures.tables import CountTable

NO_SEGMENT = "ohne Segment"
DETACHED, NOT_DETACHED = "abgelöst", "nicht abgelöst"
KEPT, LATE = "fristgerecht", "verspätet"
EMPLOYED, NOT_EMPLOYED = "erwerbstätig", "nicht erwerbstätig oder unbekannt"
FEDERAL_GOAL_GROUP = "Flüchtlinge und vorläufig Aufgenommene"
NOT_RECORDED = "nicht erfasst"
PARTICIPATION = ("ohne RAV/IV", "mit RAV", "mit IV", "mit RAV und IV")

MEASURE_KIND_LABELS = {
    MeasureKind.COURSE: "Kurs",
    MeasureKind.JOB_COACHING: "Job-Coaching",
    MeasureKind.PRACTICAL_PLACEMENT: "Praktikum/Einsatzplatz",
    MeasureKind.IV_VOCATIONAL: "Berufliche Massnahme IV",
    MeasureKind.IV_EARLY_INTERVENTION: "Frühintervention IV",
    MeasureKind.LABOUR_MARKET: "Arbeitsmarktliche Massnahme",
    MeasureKind.SOCIAL_INTEGRATION: "Soziale Integration",
    MeasureKind.OTHER: "Andere",
}

Cases = list[FigureCase]
_due = cache(add_months)  # a few thousand distinct days behind 100,000 cases


def _regions(cases: Cases) -> list[str]:
    return sorted({c.region for c in cases})


def _in(day: date | None, query: FigureQuery) -> bool:
    return day is not None and query.period_start <= day <= query.period_end


def stock_by_segment(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable(_regions(cases), [*(s.value for s in Segment), NO_SEGMENT])
    end = query.period_end
    return table.count(
        (case.region, segment.value if (segment := case.segment_on(end)) else NO_SEGMENT)
        for case in cases
        if case.open_on(end)
    )


def intakes(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable(_regions(cases), ["Neue Fälle"])
    return table.count((case.region, "Neue Fälle") for case in cases if _in(case.opened_on, query))


def closures_by_reason(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable(_regions(cases), [r.label for r in ClosureReason])
    return table.count(
        (case.region, case.closure_reason.label)
        for case in cases
        if case.closure_reason is not None and _in(case.closed_on, query)
    )


def segment_transitions(cases: Cases, query: FigureQuery) -> CountTable:
    letters = [s.value for s in Segment]
    table = CountTable(list(letters), list(letters))
    for case in cases:
        seen: set[tuple[str, str]] = set()
        for before, after in zip(case.segments, case.segments[1:], strict=False):
            if _in(after.assessed_on, query):
                seen.add((before.segment.value, after.segment.value))
        for pair in seen:
            table.add(*pair)
    return table


def reassessments_kept(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable(_regions(cases), [KEPT, LATE])
    return table.count(
        (case.region, verdict)
        for case in cases
        if (verdict := _reassessment_verdict(case, query)) is not None
    )


def _reassessment_verdict(case: FigureCase, query: FigureQuery) -> str | None:
    due_in_period = False
    for index, entry in enumerate(case.segments):
        due = _due(entry.assessed_on, case.reassessment_interval_months)
        if not _in(due, query):
            continue
        if case.closed_on is not None and case.closed_on <= due:
            continue  # the case ended before the reassessment was due
        due_in_period = True
        following = case.segments[index + 1] if index + 1 < len(case.segments) else None
        if following is None or following.assessed_on > due:
            return LATE
    return KEPT if due_in_period else None


def detachment_rate(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable(_regions(cases), [DETACHED, NOT_DETACHED])
    return table.count(
        (case.region, DETACHED if case.detached and _in(case.closed_on, query) else NOT_DETACHED)
        for case in _supported(cases, query)
    )


def _supported(cases: Cases, query: FigureQuery) -> Iterable[FigureCase]:
    return (c for c in cases if not c.preventive and c.open_during(query.period_start, query.period_end))


def follow_up_results(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable(_regions(cases), [r.label for r in FollowUpResult])
    return table.count(
        (case.region, case.follow_up_result.label)
        for case in cases
        if case.follow_up_result is not None and _in(case.follow_up_completed_on, query)
    )


def rav_iv_participation(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable(_regions(cases), list(PARTICIPATION))
    start, end = query.period_start, query.period_end
    return table.count(
        (case.region, PARTICIPATION[case.with_rav + 2 * case.with_iv])
        for case in cases
        if case.open_during(start, end)
    )


def measures_by_kind(cases: Cases, query: FigureQuery) -> CountTable:
    bearers = [b.label for b in CostBearer] + [NOT_RECORDED]
    table = CountTable(list(MEASURE_KIND_LABELS.values()), bearers)
    for case in cases:
        cells = {
            (MEASURE_KIND_LABELS[m.kind], m.cost_bearer.label if m.cost_bearer else NOT_RECORDED)
            for m in case.measures
            if _in(m.start_on, query)
        }
        for cell in cells:
            table.add(*cell)
    return table


def employment_rate(cases: Cases, query: FigureQuery) -> CountTable:
    table = CountTable([FEDERAL_GOAL_GROUP, ResidenceStatus.SCHUTZSTATUS_S.label], [EMPLOYED, NOT_EMPLOYED])
    for case in cases:
        status = case.residence_status
        if status is None or not case.open_during(query.period_start, query.period_end):
            continue
        if status.counts_for_federal_goal:
            group = FEDERAL_GOAL_GROUP
        elif status is ResidenceStatus.SCHUTZSTATUS_S:
            group = ResidenceStatus.SCHUTZSTATUS_S.label
        else:
            continue
        table.add(group, EMPLOYED if case.employed else NOT_EMPLOYED)
    return table


def time_to_segment(case: FigureCase, query: FigureQuery) -> Observation | None:
    if not _in(case.opened_on, query):
        return None
    first = case.segments[0].assessed_on if case.segments else None
    if first is not None and first <= query.period_end:
        return Observation((first - case.opened_on).days, True)
    return Observation((query.period_end - case.opened_on).days, False)


def time_to_detachment(case: FigureCase, query: FigureQuery) -> Observation | None:
    if case.preventive or not case.open_during(query.period_start, query.period_end):
        return None
    start = case.duration_start
    if start > query.period_end:
        return None
    if case.closed_on is not None and case.closed_on <= query.period_end:
        return Observation(max(0, (case.closed_on - start).days), case.detached)
    return Observation((query.period_end - start).days, False)


TABLES: dict[str, Callable[[Cases, FigureQuery], CountTable]] = {
    "bestand_nach_segment": stock_by_segment,
    "zugaenge": intakes,
    "abschluesse_nach_grund": closures_by_reason,
    "segmentwechsel": segment_transitions,
    "neubeurteilung_fristgerecht": reassessments_kept,
    "abloesequote": detachment_rate,
    "nachhaltigkeit": follow_up_results,
    "beteiligung_rav_iv": rav_iv_participation,
    "massnahmen": measures_by_kind,
    "erwerbsquote": employment_rate,
}

DURATIONS: dict[str, Callable[[FigureCase, FigureQuery], Observation | None]] = {
    "zeit_bis_segment": time_to_segment,
    "dauer_bis_abloesung": time_to_detachment,
}

# The column whose share of the row total is shown as a rate.
RATE_COLUMNS = {
    "abloesequote": DETACHED,
    "neubeurteilung_fristgerecht": KEPT,
    "nachhaltigkeit": FollowUpResult.SUSTAINABLE.label,
    "erwerbsquote": EMPLOYED,
}
