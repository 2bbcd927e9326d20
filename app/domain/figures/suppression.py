"""Small-cell protection: no released cell counts fewer than k persons, and no suppressed cell can
be worked out from what is released.

Primary suppression hides every cell (margins included) counting 1 to k-1 persons; an empty cell
counts nobody and is shown. Complementary suppression then
hides further cells until (1) no line of the table has a single hidden entry, (2) the hidden
members of a line with a released total add up to at least k, so nobody learns that they are all
small, and (3) no hidden cell is determined by the released cells and the table's sums, checked
by exact linear algebra. Each round hides the smallest cell that helps, so little is lost.
"""

from __future__ import annotations

from fractions import Fraction

from app.domain.figures.tables import TOTAL, CountTable, Line, Position

DEFAULT_K = 5


def protect(table: CountTable, k: int) -> dict[Position, int | None]:
    """The table as released: every cell's count, or None where it is suppressed."""
    values = table.values()
    lines = table.lines()
    hidden = {p for p, v in values.items() if 0 < v < k}
    while True:
        extra = _line_rule(values, lines, hidden, k)
        if extra is None:
            determined = determined_cells(values, lines, hidden)
            if not determined:
                break
            extra = _neighbour_to_hide(values, lines, hidden, determined[0])
        hidden.add(extra)
    return {p: (None if p in hidden else v) for p, v in values.items()}


def _line_rule(
    values: dict[Position, int], lines: list[Line], hidden: set[Position], k: int
) -> Position | None:
    for line in lines:
        entries = [*line.members, line.total]
        hidden_here = [p for p in entries if p in hidden]
        if not hidden_here:
            continue
        candidates = [p for p in line.members if p not in hidden] or [p for p in entries if p not in hidden]
        if not candidates:
            continue
        if len(hidden_here) == 1:
            return _smallest(values, candidates)
        if line.total not in hidden and sum(values[p] for p in hidden_here) < k:
            return _smallest(values, candidates)
    return None


def _neighbour_to_hide(
    values: dict[Position, int], lines: list[Line], hidden: set[Position], cell: Position
) -> Position:
    near = [p for line in lines if cell in (*line.members, line.total) for p in (*line.members, line.total)]
    candidates = [p for p in near if p not in hidden] or [p for p in values if p not in hidden]
    return _smallest(values, candidates)


def _smallest(values: dict[Position, int], candidates: list[Position]) -> Position:
    # Inner cells before margins, the grand total last; an empty cell protects nothing (and then
    # needs company itself), so it comes after the filled ones; then the smallest count.
    return min(candidates, key=lambda p: ((p[0] == TOTAL) + (p[1] == TOTAL), values[p] == 0, values[p], p))


def determined_cells(values: dict[Position, int], lines: list[Line], hidden: set[Position]) -> list[Position]:
    """Hidden cells whose value follows from the released ones by the table's sums."""
    unknowns = sorted(hidden)
    if not unknowns:
        return []
    index = {p: i for i, p in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        touched = False
        for p in line.members:
            if p in index:
                row[index[p]] += 1
                touched = True
        if line.total in index:
            row[index[line.total]] -= 1
            touched = True
        if touched:
            matrix.append(row)
    pivots = _reduce(matrix, len(unknowns))
    determined = []
    for row_number, column in pivots:
        others = any(matrix[row_number][c] != 0 for c in range(len(unknowns)) if c != column)
        if not others:
            determined.append(unknowns[column])
    return determined


def _reduce(matrix: list[list[Fraction]], width: int) -> list[tuple[int, int]]:
    """Reduced row echelon form in place; the (row, column) of each pivot."""
    pivots = []
    row = 0
    for column in range(width):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        lead = matrix[row][column]
        matrix[row] = [x / lead for x in matrix[row]]
        for other in range(len(matrix)):
            if other != row and matrix[other][column] != 0:
                factor = matrix[other][column]
                matrix[other] = [a - factor * b for a, b in zip(matrix[other], matrix[row], strict=True)]
        pivots.append((row, column))
        row += 1
        if row == len(matrix):
            break
    return pivots
