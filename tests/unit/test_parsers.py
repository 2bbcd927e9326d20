"""Parsers of caller input never fail in an unplanned way (hypothesis)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from app.adapters.db.repositories import decode_cursor, encode_cursor
from app.adapters.institutions.common import swiss_date
from app.domain.errors import InvalidValue, StaleVersion
from app.entrypoints.api.deps import expected_version
from app.entrypoints.api.middleware import literal_segments, loggable_path
from app.entrypoints.api.problems import ProblemError, pointer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=8,
)


@given(st.dates(), st.uuids())
def test_cursor_round_trips(opened_on: date, case_id: uuid.UUID) -> None:
    assert decode_cursor(encode_cursor(opened_on, case_id)) == (opened_on, case_id)


@given(st.text(max_size=80))
def test_any_text_as_cursor_is_either_valid_or_a_german_validation_error(text: str) -> None:
    try:
        opened_on, case_id = decode_cursor(text)
    except InvalidValue as error:
        assert error.field == "cursor"
    else:
        assert isinstance(opened_on, date) and isinstance(case_id, uuid.UUID)


@given(json_values)
def test_any_json_inside_a_cursor_is_handled(value: object) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    try:
        opened_on, case_id = decode_cursor(cursor)
    except InvalidValue as error:
        assert error.field == "cursor"
    else:
        assert isinstance(opened_on, date) and isinstance(case_id, uuid.UUID)


@given(st.integers(min_value=0, max_value=10**9))
def test_strong_etag_gives_its_version(version: int) -> None:
    assert expected_version(f'"{version}"', required=True) == version


@given(st.text(max_size=40))
def test_any_if_match_header_is_a_version_none_or_a_precondition_problem(header: str) -> None:
    try:
        result = expected_version(header, required=True)
    except (StaleVersion, ProblemError):
        return
    assert isinstance(result, int)


@given(st.lists(st.text(min_size=1, max_size=10), max_size=4))
def test_json_pointer_escapes_tilde_and_slash(path: list[str]) -> None:
    result = pointer(("body", *path))["pointer"]
    segments = result[2:].split("/") if len(result) > 1 else []
    unescaped = [s.replace("~1", "/").replace("~0", "~") for s in segments]
    assert unescaped == path


KNOWN = literal_segments(["/api/v1/cases/{case_id}/journal", "/api/v1/persons/{person_id}", "/health/ready"])


@given(st.lists(st.text(max_size=15), max_size=6))
def test_logged_path_keeps_only_route_words_and_placeholders(segments: list[str]) -> None:
    logged = loggable_path("/" + "/".join(s.replace("/", "") for s in segments), KNOWN)
    for part in logged.split("/"):
        assert part in KNOWN or part in ("", "{id}", "{…}")


def _strptime_date(text: str) -> date | None:
    """What the formats accepted before; space-padded parts and other digits than 0-9 are refused now."""
    if not text.strip().isascii() or " " in text.strip():
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


swiss_date_texts = st.one_of(
    st.dates().map(lambda d: f"{d.day}.{d.month}.{d.year:04d}"),
    st.dates().map(lambda d: f"{d:%d.%m.%Y}"),
    st.dates().map(lambda d: f" {d.year:04d}-{d.month}-{d.day:02d} "),
    st.from_regex(r"\A\s?[0-9]{1,3}[.-][0-9]{1,3}[.-][0-9]{2,5}\s?\Z"),
    st.text(max_size=12),
)


@given(swiss_date_texts)
def test_swiss_dates_read_as_before_or_give_the_german_error(text: str) -> None:
    expected = _strptime_date(text)
    try:
        found = swiss_date(text, "Geburtsdatum")
    except InvalidValue as error:
        assert expected is None, text
        assert error.message == "Geburtsdatum: Datum im Format TT.MM.JJJJ erwartet."
    else:
        assert found == expected, text
