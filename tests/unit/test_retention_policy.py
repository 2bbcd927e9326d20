"""Retention per case phase: a person is past retention only when every case of theirs is."""

from __future__ import annotations

from datetime import date

from app.domain.cases import CasePhase
from app.domain.retention import CaseRetentionFacts, RetentionPolicy

POLICY = RetentionPolicy.from_settings({"archived": 10, "closed": 2})


def test_an_archived_case_is_kept_ten_years_after_its_last_change() -> None:
    archived = CaseRetentionFacts(CasePhase.ARCHIVED, date(2016, 2, 29))
    assert not POLICY.past_retention([archived], date(2026, 2, 27))
    assert POLICY.past_retention([archived], date(2026, 2, 28))


def test_one_open_case_keeps_all_of_the_persons_data() -> None:
    old = CaseRetentionFacts(CasePhase.ARCHIVED, date(2000, 1, 1))
    open_case = CaseRetentionFacts(CasePhase.ACTIVE, date(2000, 1, 1))
    assert not POLICY.past_retention([old, open_case], date(2030, 1, 1))


def test_a_person_without_cases_is_not_shredded_by_case_retention() -> None:
    assert not POLICY.past_retention([], date(2030, 1, 1))


FULL = RetentionPolicy.from_settings(
    {"archived": 10, "closed": 2}, abandoned_intake_days=730, unlinked_person_days=365
)


def test_a_closed_case_counts_from_the_end_of_its_follow_up_period() -> None:
    closed = CaseRetentionFacts(CasePhase.CLOSED, date(2020, 1, 10), follow_up_due_on=date(2020, 7, 10))
    assert not FULL.past_retention([closed], date(2022, 7, 9))
    assert FULL.past_retention([closed], date(2022, 7, 10))
    in_follow_up = CaseRetentionFacts(
        CasePhase.FOLLOW_UP, date(2020, 1, 10), follow_up_due_on=date(2031, 1, 1)
    )
    assert not FULL.past_retention([in_follow_up], date(2030, 1, 1))  # the follow-up has not ended
    no_date = CaseRetentionFacts(CasePhase.CLOSED, date(2000, 1, 1))
    assert not FULL.past_retention([no_date], date(2030, 1, 1))


def test_an_abandoned_intake_is_shredded_and_a_worked_one_is_not() -> None:
    abandoned = CaseRetentionFacts(CasePhase.INTAKE, date(2024, 1, 1))
    assert not FULL.past_retention([abandoned], date(2025, 12, 30))
    assert FULL.past_retention([abandoned], date(2025, 12, 31))
    assert not POLICY.past_retention([abandoned], date(2030, 1, 1))  # not configured: kept


def test_a_person_without_a_case_goes_after_the_configured_days() -> None:
    assert not FULL.unlinked_past_retention(date(2025, 1, 1), date(2025, 12, 31))
    assert FULL.unlinked_past_retention(date(2025, 1, 1), date(2026, 1, 1))
    assert not POLICY.unlinked_past_retention(date(2000, 1, 1), date(2030, 1, 1))
