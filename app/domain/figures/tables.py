"""Count tables with margins, the unit the figures are released in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

TOTAL = "Total"

Position = tuple[str, str]


@dataclass(frozen=True)
class Line:
    """An additivity constraint of the table: the members sum to the total."""

    members: tuple[Position, ...]
    total: Position


@dataclass
class CountTable:
    """Persons counted by two groupings. Margins are derived, so they always add up."""

    rows: list[str]
    columns: list[str]
    counts: dict[Position, int] = field(default_factory=dict)

    def add(self, row: str, column: str, amount: int = 1) -> None:
        self.counts[(row, column)] = self.counts.get((row, column), 0) + amount

    def count(self, positions: Iterable[Position]) -> CountTable:
        """Count one person per position given (Counter counts in C: fast over 100,000 cases)."""
        for position, amount in Counter(positions).items():
            self.add(*position, amount)
        return self

    def value(self, position: Position) -> int:
        row, column = position
        rows = self.rows if row == TOTAL else [row]
        columns = self.columns if column == TOTAL else [column]
        return sum(self.counts.get((r, c), 0) for r in rows for c in columns)

    @property
    def has_row_totals(self) -> bool:
        return len(self.columns) > 1

    @property
    def has_column_totals(self) -> bool:
        return len(self.rows) > 1

    def row_keys(self) -> list[str]:
        return [*self.rows, TOTAL] if self.has_column_totals else list(self.rows)

    def column_keys(self) -> list[str]:
        return [*self.columns, TOTAL] if self.has_row_totals else list(self.columns)

    def positions(self) -> list[Position]:
        return [(r, c) for r in self.row_keys() for c in self.column_keys()]

    def lines(self) -> list[Line]:
        lines = []
        if self.has_row_totals:
            for row in self.row_keys():
                lines.append(Line(tuple((row, c) for c in self.columns), (row, TOTAL)))
        if self.has_column_totals:
            for column in self.column_keys():
                lines.append(Line(tuple((r, column) for r in self.rows), (TOTAL, column)))
        return lines

    def values(self) -> dict[Position, int]:
        return {p: self.value(p) for p in self.positions()}
