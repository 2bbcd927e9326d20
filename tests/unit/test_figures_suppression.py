"""Small-cell protection: an attacker with every released table tries to recover a suppressed cell.

The attacker knows the released cells, that the table adds up along every row and column, and that
counts are never negative. It recovers a cell when the cell's value follows from those equations
(rank test, independent of the suppression code's own check) or when a line's hidden cells must all
be zero. It must never succeed, and no released cell may count between 1 and k-1 persons.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.figures.suppression import protect
from app.domain.figures.tables import CountTable, Position


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows]
    rank = 0
    width = len(matrix[0]) if matrix else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column] != 0:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def recovered_cells(table: CountTable, released: dict[Position, int | None]) -> list[Position]:
    hidden = sorted(p for p, v in released.items() if v is None)
    if not hidden:
        return []
    index = {p: i for i, p in enumerate(hidden)}
    equations: list[list[Fraction]] = []
    found = []
    for line in table.lines():
        row = [Fraction(0)] * len(hidden)
        for p in line.members:
            if p in index:
                row[index[p]] += 1
        if line.total in index:
            row[index[line.total]] -= 1
        if any(row):
            equations.append(row)
        # Non-negativity: a released total equal to the released members leaves zero to share.
        hidden_members = [p for p in line.members if p in index]
        if hidden_members and released[line.total] is not None:
            rest = released[line.total] - sum(released[p] or 0 for p in line.members)  # type: ignore[operator]
            if rest == 0:
                found.extend(hidden_members)
    base = _rank(equations) if equations else 0
    for p, i in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[i] = Fraction(1)
        if equations and _rank([*equations, unit]) == base:
            found.append(p)
    return found


counts = st.integers(min_value=0, max_value=30).map(lambda v: v if v % 3 else v // 6)


@st.composite
def tables(draw: st.DrawFn) -> CountTable:
    rows = [f"r{i}" for i in range(draw(st.integers(1, 5)))]
    columns = [f"c{j}" for j in range(draw(st.integers(1, 5)))]
    table = CountTable(rows, columns)
    for r in rows:
        for c in columns:
            table.add(r, c, draw(counts))
    return table


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(min_value=2, max_value=10))
def test_no_suppressed_cell_can_be_recovered_from_a_released_table(table: CountTable, k: int) -> None:
    released = protect(table, k)
    assert recovered_cells(table, released) == []
    for position, value in released.items():
        assert value is None or value == 0 or value >= k
        assert value is None or value == table.value(position)


def test_a_single_small_cell_takes_company_in_its_row_and_column() -> None:
    table = CountTable(["Olten", "Thal"], ["A", "V"])
    for position, value in {
        ("Olten", "A"): 2,
        ("Olten", "V"): 20,
        ("Thal", "A"): 30,
        ("Thal", "V"): 40,
    }.items():
        table.add(*position, value)
    released = protect(table, 5)
    hidden = {p for p, v in released.items() if v is None}
    assert ("Olten", "A") in hidden
    assert len(hidden) >= 4  # the small cell, a partner in its row, in its column, and the fourth corner
    assert recovered_cells(table, released) == []


def test_tables_without_small_cells_are_released_whole() -> None:
    table = CountTable(["Olten"], ["A", "V"])
    table.add("Olten", "A", 7)
    table.add("Olten", "V", 0)
    assert protect(table, 5) == {("Olten", "A"): 7, ("Olten", "V"): 0, ("Olten", "Total"): 7}
