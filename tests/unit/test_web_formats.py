"""German formats of the thin client: what is shown can be typed back in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases.plan import MeasureKind
from app.domain.consent import ConsentStatus
from app.entrypoints.web.formats import ahvn13, german_date, german_datetime, label, parse_date


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_a_shown_date_parses_back(day: date) -> None:
    shown = german_date(day)
    assert len(shown) == 10 and shown[2] == shown[5] == "."
    assert parse_date(shown) == day


def test_dates_and_times_are_local_and_german() -> None:
    assert german_date(date(2026, 3, 1)) == "01.03.2026"
    assert german_datetime(datetime(2026, 6, 30, 22, 30, tzinfo=UTC)) == "01.07.2026 00:30"
    assert german_date(None) == "–"


@pytest.mark.parametrize("typed", ["31.02.2026", "1.2", "26.11.26", "heute", ""])
def test_impossible_dates_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_date(typed)


def test_ahvn13_is_shown_with_dots() -> None:
    assert ahvn13("7569999001038") == "756.9999.0010.38"


def test_values_are_labelled_in_german() -> None:
    assert label(ConsentStatus.ACTIVE) == "gültig"
    assert label(MeasureKind.LABOUR_MARKET) == "arbeitsmarktliche Massnahme"
