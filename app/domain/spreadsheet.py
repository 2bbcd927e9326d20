"""Cells of a CSV export that a spreadsheet opens: text never turns into a formula.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be evaluated by Excel or
LibreOffice (CSV injection); such a cell gets a leading apostrophe and is shown as the text it is.
A cell that begins with an apostrophe gets one more, so that `text_of_cell` reads back exactly what
was written.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def neutral_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return _QUOTE + text if text.startswith((*FORMULA_PREFIXES, _QUOTE)) else text


def text_of_cell(cell: str) -> str:
    """The text `neutral_cell` wrote (a cell read from a CSV this service or a spreadsheet exported)."""
    escaped = cell.startswith(_QUOTE) and cell[1:].startswith((*FORMULA_PREFIXES, _QUOTE))
    return cell[1:] if escaped else cell
