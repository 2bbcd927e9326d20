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
