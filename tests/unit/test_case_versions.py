"""Versions per part of a case: the tag a caller sees, and which changes it lets through."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cases import Participation, SharedCase
from app.domain.cases.sealed import SealedCase, SealedItem
from app.domain.cases.versions import CORE, PartVersions, Section, VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import StaleVersion

KEY = b"k" * 32
SD, RAV = uuid.uuid4(), uuid.uuid4()


def _case(version: int = 1) -> SharedCase:
    return SharedCase(
        person_id=uuid.uuid4(),
        opened_on=date(2026, 1, 5),
        lead_institution_id=SD,
        participations=[Participation(SD, "WA-1", date(2026, 1, 5))],
        id=uuid.UUID(int=7),
        version=version,
    )


def _item(category: DataCategory, owner: uuid.UUID, version: int = 1) -> SealedItem:
    return SealedItem(uuid.uuid4(), "journal", category, owner, version)


def _rav_sees(part: object) -> bool:
    return part == CORE or part == Section(DataCategory.FALLFUEHRUNG, SD)


def test_a_record_the_caller_may_not_read_leaves_its_tag_alone() -> None:
    case = _case()
    shared = _item(DataCategory.FALLFUEHRUNG, SD)
    before = PartVersions(KEY, SealedCase(case, (shared,))).seen_by(_rav_sees)
    hidden = _item(DataCategory.SOZIALHILFE, SD)
    after = PartVersions(KEY, SealedCase(case, (shared, hidden))).seen_by(_rav_sees)
    assert after == before
    changed = PartVersions(KEY, SealedCase(case, (replace(shared, version=2), hidden))).seen_by(_rav_sees)
    assert changed != before


def test_the_tag_moves_with_the_core_and_depends_on_the_key() -> None:
    items = (_item(DataCategory.FALLFUEHRUNG, SD),)
    first = PartVersions(KEY, SealedCase(_case(1), items)).seen_by(_rav_sees)
    assert PartVersions(KEY, SealedCase(_case(2), items)).seen_by(_rav_sees) != first
    assert PartVersions(b"x" * 32, SealedCase(_case(1), items)).seen_by(_rav_sees) != first


def test_a_change_is_stale_only_for_a_part_it_touches_that_moved() -> None:
    goal = _item(DataCategory.INTEGRATIONSPLAN, SD)
    read = PartVersions(KEY, SealedCase(_case(), (goal,))).seen_by(lambda part: True)
    note = _item(DataCategory.FALLFUEHRUNG, SD)
    now = PartVersions(KEY, SealedCase(_case(), (goal, note)))
    plan = Section(DataCategory.INTEGRATIONSPLAN, SD)
    assert now.still_current(read, {CORE, plan}, lambda part: True)
    moved = PartVersions(KEY, SealedCase(_case(), (replace(goal, version=2), note)))
    assert not moved.still_current(read, {plan}, lambda part: True)
    assert moved.still_current(
        read, {plan}, lambda part: part == CORE
    )  # one it may not see: the database guards it


def test_the_bare_version_number_names_the_core_only() -> None:
    goal = _item(DataCategory.INTEGRATIONSPLAN, SD, version=5)
    versions = PartVersions(KEY, SealedCase(_case(3), (goal,)))
    plan = Section(DataCategory.INTEGRATIONSPLAN, SD)
    assert versions.still_current(VersionTag.parse('"3"'), {CORE, plan}, lambda part: True)
    assert not versions.still_current(VersionTag.parse('"2"'), {CORE}, lambda part: True)


@given(st.frozensets(st.text("0123456789abcdef", min_size=12, max_size=12), min_size=1, max_size=20))
def test_a_rendered_tag_parses_back(tokens: frozenset[str]) -> None:
    assert VersionTag.parse(VersionTag(tokens).render()) == VersionTag(tokens)


@given(st.text(max_size=200))
def test_any_header_is_a_tag_or_stale(text: str) -> None:
    with contextlib.suppress(StaleVersion):
        VersionTag.parse(text)


@pytest.mark.parametrize("tag", ['W/"1"', "1", '"eins"', '""', '"abc"', '"0123456789ab.xyz"'])
def test_weak_or_malformed_tags_are_stale(tag: str) -> None:
    with pytest.raises(StaleVersion):
        VersionTag.parse(tag)
