"""CSV cells: never a formula in a spreadsheet, and read back exactly as written."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.spreadsheet import FORMULA_PREFIXES, neutral_cell, text_of_cell


@given(st.text(max_size=40))
def test_a_cell_is_never_a_formula_and_reads_back_as_written(text: str) -> None:
    cell = neutral_cell(text)
    assert not cell.startswith(FORMULA_PREFIXES)
    assert text_of_cell(cell) == text


def test_formula_prefixes_are_quoted() -> None:
    assert neutral_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [neutral_cell(p + "1") for p in ("+", "-", "@", "\t", "\r")] == [
        "'+1",
        "'-1",
        "'@1",
        "'\t1",
        "'\r1",
    ]
    assert neutral_cell("Kurs") == "Kurs" and neutral_cell(None) == ""
