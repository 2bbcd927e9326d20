"""Reassessment due dates: `add_months`, `reassessment_due_on` and the case's view of them."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases import (
    CasePhase,
    ClosureReason,
    FollowUpResult,
    Segment,
    SharedCase,
    reassessment_due_on,
)
from app.domain.cases.process_rules import RuleOutOfRange
from app.domain.cases.segment import DEFAULT_REASSESSMENT_INTERVAL_MONTHS, MAX_REASSESSMENT_INTERVAL_MONTHS
from app.domain.dates import add_months
from app.domain.errors import InvalidValue

from .builders import at_noon, close, kurzassessment, open_case, segment

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
intervals = st.integers(min_value=1, max_value=MAX_REASSESSMENT_INTERVAL_MONTHS)
month_offsets = st.integers(min_value=-240, max_value=240)


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def last_day_of_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


# -- add_months -------------------------------------------------------------------------------------


@given(dates, month_offsets)
def test_add_months_lands_exactly_that_many_calendar_months_later(start: date, months: int) -> None:
    assert month_number(add_months(start, months)) - month_number(start) == months


@given(dates, month_offsets)
def test_add_months_keeps_the_day_or_clamps_it_to_the_month_end(start: date, months: int) -> None:
    result = add_months(start, months)
    assert result.day == min(start.day, last_day_of_month(result))


@given(dates)
def test_adding_zero_months_changes_nothing(start: date) -> None:
    assert add_months(start, 0) == start


@given(dates, st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=120))
def test_adding_months_in_two_steps_never_overshoots_one_step(start: date, first: int, second: int) -> None:
    # Clamping can only lose days, so the two-step result is never after the one-step result.
    assert add_months(add_months(start, first), second) <= add_months(start, first + second)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2100, 8, 31), 6, date(2101, 2, 28)),
        (date(2099, 8, 31), 6, date(2100, 2, 28)),  # 2100 is no leap year
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), 6, date(2025, 9, 30)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 7, 15), 6, date(2026, 1, 15)),  # across the year end
        (date(2025, 1, 31), 12, date(2026, 1, 31)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_add_months_examples(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# -- reassessment_due_on ----------------------------------------------------------------------------


@given(dates, intervals)
def test_due_date_is_strictly_after_the_assessment(assessed_on: date, months: int) -> None:
    assert reassessment_due_on(assessed_on, months) > assessed_on


@given(dates)
def test_six_month_interval_is_181_to_184_days(assessed_on: date) -> None:
    assert 181 <= (reassessment_due_on(assessed_on, 6) - assessed_on).days <= 184


def test_six_month_interval_reaches_both_bounds() -> None:
    assert (reassessment_due_on(date(2022, 8, 31), 6) - date(2022, 8, 31)).days == 181
    assert (reassessment_due_on(date(2025, 3, 1), 6) - date(2025, 3, 1)).days == 184


@given(dates, intervals)
def test_due_date_keeps_the_day_of_month_or_clamps_to_the_month_end(assessed_on: date, months: int) -> None:
    due = reassessment_due_on(assessed_on, months)
    assert month_number(due) - month_number(assessed_on) == months
    assert due.day == min(assessed_on.day, last_day_of_month(due))


@given(dates, st.integers(min_value=0, max_value=400), intervals)
def test_a_later_assessment_never_gives_an_earlier_due_date(
    assessed_on: date, days_later: int, months: int
) -> None:
    later = assessed_on + timedelta(days=days_later)
    assert reassessment_due_on(later, months) >= reassessment_due_on(assessed_on, months)


@given(dates, st.integers(min_value=1, max_value=MAX_REASSESSMENT_INTERVAL_MONTHS - 1))
def test_a_longer_interval_never_gives_an_earlier_due_date(assessed_on: date, months: int) -> None:
    assert reassessment_due_on(assessed_on, months + 1) > reassessment_due_on(assessed_on, months)


# -- the case's due date -----------------------------------------------------------------------------

case_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def opened(opened_on: date, months: int = DEFAULT_REASSESSMENT_INTERVAL_MONTHS) -> SharedCase:
    return open_case(opened_on=opened_on, today=opened_on, reassessment_interval_months=months)


@given(case_dates, st.integers(min_value=0, max_value=500), intervals)
def test_case_due_date_follows_its_segmentation_and_interval(
    opened_on: date, days_after_opening: int, months: int
) -> None:
    case = opened(opened_on, months)
    assessed_on = opened_on + timedelta(days=days_after_opening)
    segment(case, Segment.ORIENTIEREN, assessed_on, now=at_noon(assessed_on))
    assert case.reassessment_due_on == reassessment_due_on(assessed_on, months)
    assert case.reassessment_due_on > assessed_on


@given(case_dates, st.integers(min_value=0, max_value=300), st.integers(min_value=0, max_value=300))
def test_a_later_reassessment_resets_the_due_date(opened_on: date, first_after: int, gap: int) -> None:
    case = opened(opened_on)
    first = opened_on + timedelta(days=first_after)
    second = first + timedelta(days=gap)
    segment(case, Segment.ORIENTIEREN, first, now=at_noon(second))
    segment(case, Segment.VERAENDERN, second, "Teilzeitstelle in Aussicht", now=at_noon(second))
    assert case.reassessment_due_on == reassessment_due_on(second, DEFAULT_REASSESSMENT_INTERVAL_MONTHS)
    assert case.reassessment_due_on >= reassessment_due_on(first, DEFAULT_REASSESSMENT_INTERVAL_MONTHS)


@given(case_dates, st.integers(min_value=0, max_value=200), st.integers(min_value=-400, max_value=400))
def test_reassessment_is_due_from_the_due_date_on(opened_on: date, after: int, today_offset: int) -> None:
    case = opened(opened_on)
    assessed_on = opened_on + timedelta(days=after)
    segment(case, Segment.STABILISIEREN, assessed_on, now=at_noon(assessed_on))
    due = case.reassessment_due_on
    assert due is not None
    today = due + timedelta(days=today_offset)
    assert case.is_reassessment_due(today) is (today >= due)


def test_due_date_is_none_before_the_first_segmentation() -> None:
    case = opened(date(2025, 1, 6))
    assert case.reassessment_due_on is None
    assert case.is_reassessment_due(date(2099, 1, 1)) is False


def test_due_date_keeps_running_once_the_case_is_active() -> None:
    case = opened(date(2025, 1, 6))
    kurzassessment(case, date(2025, 1, 10))
    segment(case, Segment.VERAENDERN, date(2025, 1, 15))
    case.activate()
    assert case.reassessment_due_on == date(2025, 7, 15)
    assert case.is_reassessment_due(date(2025, 7, 14)) is False
    assert case.is_reassessment_due(date(2025, 7, 15)) is True


@pytest.mark.parametrize("reason", [ClosureReason.ERWERBSARBEIT, ClosureReason.WEGZUG])
def test_due_date_is_none_after_closure_and_in_every_later_phase(reason: ClosureReason) -> None:
    case = opened(date(2025, 1, 6))
    segment(case, Segment.VERAENDERN, date(2025, 1, 15))
    close(case, reason, date(2025, 3, 31))
    assert case.reassessment_due_on is None
    assert case.is_reassessment_due(date(2099, 1, 1)) is False
    if case.follow_up is not None:
        case.start_follow_up(date(2025, 9, 30), date(2025, 10, 1))
        assert case.reassessment_due_on is None
        case.complete_follow_up(FollowUpResult.SUSTAINABLE, date(2025, 10, 1), None, date(2025, 10, 1))
    else:
        case.archive()
    assert case.phase is CasePhase.ARCHIVED
    assert case.reassessment_due_on is None


# -- the interval --------------------------------------------------------------------------------------


@pytest.mark.parametrize("months", range(1, MAX_REASSESSMENT_INTERVAL_MONTHS + 1))
def test_interval_from_1_to_6_months_is_accepted_at_opening_and_later(months: int) -> None:
    case = opened(date(2025, 1, 6), months)
    assert case.reassessment_interval_months == months
    case.set_reassessment_interval(7 - months)
    assert case.reassessment_interval_months == 7 - months


@pytest.mark.parametrize("months", [-1, 0, 7, 12, 24])
def test_interval_outside_1_to_6_months_is_refused_naming_the_rule(months: int) -> None:
    with pytest.raises(RuleOutOfRange) as refused:
        opened(date(2025, 1, 6), months)
    assert refused.value.field == "reassessment_interval_months"
    assert "zwischen 1 und 6 Monaten" in refused.value.message
    assert refused.value.rule == "dff.neubeurteilung.6-monate"

    case = opened(date(2025, 1, 6), 3)
    with pytest.raises(InvalidValue):
        case.set_reassessment_interval(months)
    assert case.reassessment_interval_months == 3


def test_changing_the_interval_moves_the_due_date() -> None:
    case = opened(date(2025, 1, 6))
    segment(case, Segment.ABLOESEN, date(2025, 1, 31))
    assert case.reassessment_due_on == date(2025, 7, 31)
    case.set_reassessment_interval(1)
    assert case.reassessment_due_on == date(2025, 2, 28)
    case.set_reassessment_interval(5)
    assert case.reassessment_due_on == date(2025, 6, 30)
