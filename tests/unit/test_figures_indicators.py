"""Each indicator on a small cohort whose figures were worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

from app.domain.cases import ClosureReason, FollowUpResult, MeasureKind, Segment
from app.domain.figures import indicators as ind
from app.domain.figures.facts import CostBearer, ResidenceStatus
from app.domain.figures.records import FigureCase, FigureMeasure, FigureQuery, FigureSegment, cohort_of
from app.domain.figures.report import build_report
from app.domain.figures.survival import Observation, kaplan_meier, summarise
from app.domain.figures.tables import TOTAL

YEAR = FigureQuery(date(2026, 1, 1), date(2026, 12, 31))
A, V, ORI, S = Segment.ABLOESEN, Segment.VERAENDERN, Segment.ORIENTIEREN, Segment.STABILISIEREN


def case(opened_on: date, region: str = "Wasseramt", **facts: object) -> FigureCase:
    return FigureCase(region=region, cohort="2026-H1", opened_on=opened_on, **facts)  # type: ignore[arg-type]


def seg(day: date, segment: Segment) -> FigureSegment:
    return FigureSegment(day, segment)


def test_kaplan_meier_handles_censored_cases_exactly() -> None:
    observations = [
        Observation(10, True),
        Observation(20, False),
        Observation(30, True),
        Observation(40, True),
        Observation(50, False),
    ]
    assert kaplan_meier(observations) == [
        (10, Fraction(4, 5)),
        (30, Fraction(8, 15)),
        (40, Fraction(4, 15)),
    ]
    summary = summarise(observations)
    assert (summary.persons, summary.events, summary.censored) == (5, 3, 2)
    assert (summary.q1, summary.median, summary.q3) == (30, 40, None)  # the curve never reaches 1/4


def test_time_to_detachment_censors_open_cases_and_closures_without_detachment() -> None:
    cases = [
        case(date(2026, 1, 1), closed_on=date(2026, 1, 11), closure_reason=ClosureReason.ERWERBSARBEIT),
        case(date(2026, 1, 1), closed_on=date(2026, 1, 21), closure_reason=ClosureReason.WEGZUG),
        case(
            date(2026, 1, 1),
            support_start_on=date(2025, 12, 2),
            closed_on=date(2026, 1, 1),
            closure_reason=ClosureReason.AUSBILDUNG,
        ),
        case(date(2026, 1, 1), closed_on=date(2026, 2, 10), closure_reason=ClosureReason.KEIN_ANSPRUCH),
        case(date(2026, 11, 11)),  # still open: censored at the end of the period after 50 days
        case(date(2026, 3, 1), preventive=True),  # no support: not counted
        case(date(2025, 6, 1), closed_on=date(2025, 12, 15), closure_reason=ClosureReason.ERWERBSARBEIT),
    ]
    observations = [o for c in cases if (o := ind.time_to_detachment(c, YEAR)) is not None]
    assert sorted((o.days, o.event) for o in observations) == [
        (10, True),
        (20, False),
        (30, True),
        (40, True),
        (50, False),
    ]


def test_time_to_segment_censors_cases_not_yet_segmented() -> None:
    cases = [
        case(date(2026, 3, 1), segments=(seg(date(2026, 3, 15), A),)),
        case(date(2026, 12, 1)),  # not segmented by the end of the period: 30 days, censored
        case(date(2025, 12, 1), segments=(seg(date(2026, 1, 5), A),)),  # intake before the period
    ]
    observations = [o for c in cases if (o := ind.time_to_segment(c, YEAR)) is not None]
    assert observations == [Observation(14, True), Observation(30, False)]


def test_stock_by_segment_counts_open_cases_with_the_segment_valid_on_the_last_day() -> None:
    cases = [
        case(date(2026, 1, 1), segments=(seg(date(2026, 1, 2), ORI), seg(date(2026, 7, 1), V))),
        case(date(2026, 2, 1), segments=(seg(date(2026, 2, 2), A),)),
        case(date(2026, 12, 30)),
        case(date(2026, 1, 1), closed_on=date(2026, 6, 1), closure_reason=ClosureReason.TOD),
        case(date(2026, 1, 1), region="Olten", segments=(seg(date(2026, 1, 3), S),)),
    ]
    table = ind.stock_by_segment(cases, YEAR)
    assert table.value(("Wasseramt", "V")) == 1
    assert table.value(("Wasseramt", "A")) == 1
    assert table.value(("Wasseramt", ind.NO_SEGMENT)) == 1
    assert table.value(("Wasseramt", TOTAL)) == 3
    assert table.value(("Olten", "S")) == 1
    assert table.value((TOTAL, TOTAL)) == 4


def test_flows_transitions_and_reassessment_deadlines() -> None:
    cases = [
        # due 2026-07-10, reassessed 2026-07-10: kept; O -> A
        case(date(2026, 1, 5), segments=(seg(date(2026, 1, 10), ORI), seg(date(2026, 7, 10), A))),
        # due 2026-08-01, reassessed a day late: late; V -> V (confirmed)
        case(date(2026, 2, 1), segments=(seg(date(2026, 2, 1), V), seg(date(2026, 8, 2), V))),
        # due 2026-09-01, closed before: no reassessment was due
        case(
            date(2026, 3, 1),
            segments=(seg(date(2026, 3, 1), A),),
            closed_on=date(2026, 6, 1),
            closure_reason=ClosureReason.ERWERBSARBEIT,
        ),
        # due 2026-10-15, never reassessed while open: late
        case(date(2026, 4, 15), segments=(seg(date(2026, 4, 15), S),)),
    ]
    kept = ind.reassessments_kept(cases, YEAR)
    assert (kept.value(("Wasseramt", ind.KEPT)), kept.value(("Wasseramt", ind.LATE))) == (1, 2)
    transitions = ind.segment_transitions(cases, YEAR)
    assert transitions.value(("O", "A")) == 1
    assert transitions.value(("V", "V")) == 1
    assert transitions.value((TOTAL, TOTAL)) == 2
    assert ind.intakes(cases, YEAR).value((TOTAL, "Neue Fälle")) == 4
    closures = ind.closures_by_reason(cases, YEAR)
    assert closures.value(("Wasseramt", ClosureReason.ERWERBSARBEIT.label)) == 1


def test_detachment_rate_sustainability_participation_measures_and_employment() -> None:
    detached = dict(closed_on=date(2026, 5, 1), closure_reason=ClosureReason.ERWERBSARBEIT)
    cases = [
        case(
            date(2026, 1, 1),
            follow_up_completed_on=date(2026, 11, 1),
            follow_up_result=FollowUpResult.SUSTAINABLE,
            with_rav=True,
            residence_status=ResidenceStatus.FLUECHTLING,
            employed=True,
            measures=(
                FigureMeasure(date(2026, 2, 1), MeasureKind.COURSE, CostBearer.ALV),
                FigureMeasure(date(2026, 3, 1), MeasureKind.COURSE, CostBearer.ALV),  # same cell, same person
            ),
            **detached,
        ),
        case(
            date(2026, 1, 1),
            with_rav=True,
            with_iv=True,
            residence_status=ResidenceStatus.VORLAEUFIG_AUFGENOMMEN,
            measures=(FigureMeasure(date(2026, 4, 1), MeasureKind.IV_VOCATIONAL, None),),
        ),
        case(date(2026, 1, 1), with_iv=True, residence_status=ResidenceStatus.SCHUTZSTATUS_S, employed=True),
        case(date(2026, 1, 1), residence_status=ResidenceStatus.SCHWEIZ),
        case(date(2026, 1, 1), preventive=True),
    ]
    rate = ind.detachment_rate(cases, YEAR)
    assert (rate.value(("Wasseramt", ind.DETACHED)), rate.value(("Wasseramt", TOTAL))) == (1, 4)
    sustained = ind.follow_up_results(cases, YEAR)
    assert sustained.value(("Wasseramt", FollowUpResult.SUSTAINABLE.label)) == 1
    participation = ind.rav_iv_participation(cases, YEAR)
    assert [participation.value(("Wasseramt", c)) for c in ind.PARTICIPATION] == [2, 1, 1, 1]
    measures = ind.measures_by_kind(cases, YEAR)
    assert measures.value(("Kurs", "ALV")) == 1
    assert measures.value(("Berufliche Massnahme IV", ind.NOT_RECORDED)) == 1
    employment = ind.employment_rate(cases, YEAR)
    assert employment.value((ind.FEDERAL_GOAL_GROUP, ind.EMPLOYED)) == 1
    assert employment.value((ind.FEDERAL_GOAL_GROUP, TOTAL)) == 2
    assert employment.value((ResidenceStatus.SCHUTZSTATUS_S.label, ind.EMPLOYED)) == 1


def test_report_releases_rates_only_from_released_cells() -> None:
    cases = [
        case(date(2026, 1, 1), closed_on=date(2026, 6, 1), closure_reason=ClosureReason.ERWERBSARBEIT)
    ] * 6
    cases += [case(date(2026, 1, 1))] * 6
    report = build_report(cases, YEAR, k=5, generated_at=datetime(2027, 1, 5, tzinfo=UTC))
    figure = next(f for f in report.figures if f.definition.id == "abloesequote")
    assert figure.table is not None
    assert figure.table.rate("Wasseramt") == 0.5
    assert report.cases == 12
    assert len(report.figures) == 12


def test_cohort_is_the_half_year_of_the_dff_introduction() -> None:
    assert cohort_of(date(2026, 6, 30)) == "2026-H1"
    assert cohort_of(date(2026, 7, 1)) == "2026-H2"
    assert cohort_of(None) == "ohne Einführung"
