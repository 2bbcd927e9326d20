"""Cells of a CSV export that a spreadsheet opens: text never turns into a formula.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be evaluated by Excel or
LibreOffice (CSV injection); such a cell gets a leading apostrophe and is shown as the text it is.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutral_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
