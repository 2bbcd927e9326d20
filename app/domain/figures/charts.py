"""What a figure's chart shows: one bar per row of its released table.

Rate tables show the rate of each row, count tables the row total, duration figures the median.
A bar exists only where the value was released; the chart never shows more than its table.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.figures.report import Figure
from app.domain.figures.tables import TOTAL


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    bars: tuple[Bar, ...]
    maximum: float
    goal: float | None = None  # a target line, as a share (0.4 for 40 %)


def percent(value: float) -> str:
    return f"{value * 100:.1f} %".replace(".", ",")


def chart_of(figure: Figure) -> Chart:
    title = figure.definition.title
    goal = 0.4 if figure.definition.id == "erwerbsquote" else None
    if figure.table is None:
        bars = tuple(
            Bar(d.label, d.median, f"{d.median} Tage" if d.median is not None else "–")
            for d in figure.durations
            if d.label != TOTAL
        )
        return Chart(title, "Median in Tagen", bars, _maximum(bars))
    table = figure.table
    rows = [r for r in table.rows if r != TOTAL] or table.rows
    if table.rate_column is not None:
        rate_bars = []
        for row in rows:
            rate = table.rate(row)
            rate_bars.append(Bar(row, rate, percent(rate) if rate is not None else "–"))
        return Chart(title, f"Anteil «{table.rate_column}»", tuple(rate_bars), 1.0, goal)
    column = TOTAL if TOTAL in table.columns else table.columns[0]
    count_bars = []
    for row in rows:
        value = table.cells.get((row, column))
        count_bars.append(
            Bar(row, None if value is None else float(value), "–" if value is None else str(value))
        )
    return Chart(title, "Anzahl Personen", tuple(count_bars), _maximum(count_bars))


def _maximum(bars: tuple[Bar, ...] | list[Bar]) -> float:
    return max((b.value for b in bars if b.value is not None), default=0.0) or 1.0
