"""A figure report: every indicator for one query, released under small-cell protection."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from app.domain.figures.definitions import Definition, definitions
from app.domain.figures.indicators import DURATIONS, RATE_COLUMNS, TABLES
from app.domain.figures.records import FigureCase, FigureQuery
from app.domain.figures.suppression import protect
from app.domain.figures.survival import Observation, summarise
from app.domain.figures.tables import TOTAL, CountTable, Position

EVENT, CENSORED = "Ereignis", "zensiert"


@dataclass(frozen=True)
class ReleasedTable:
    rows: list[str]
    columns: list[str]
    cells: dict[Position, int | None]  # None: suppressed
    rate_column: str | None = None

    def rate(self, row: str) -> float | None:
        """Share of the rate column in the row total, from released cells only."""
        if self.rate_column is None:
            return None
        part = self.cells.get((row, self.rate_column))
        whole = self.cells.get((row, TOTAL))
        if part is None or not whole:
            return None
        return part / whole


@dataclass(frozen=True)
class DurationRow:
    label: str
    persons: int | None
    events: int | None
    censored: int | None
    q1: int | None
    median: int | None
    q3: int | None
    released: bool


@dataclass(frozen=True)
class Figure:
    definition: Definition
    table: ReleasedTable | None = None
    durations: tuple[DurationRow, ...] = ()


@dataclass(frozen=True)
class FigureReport:
    query: FigureQuery
    k: int
    generated_at: datetime
    cases: int | None  # cases in the selection; None when fewer than k
    figures: tuple[Figure, ...]
    regions: tuple[str, ...]
    cohorts: tuple[str, ...]


def release_table(table: CountTable, k: int, rate_column: str | None = None) -> ReleasedTable:
    return ReleasedTable(table.row_keys(), table.column_keys(), protect(table, k), rate_column)


def release_durations(observations: dict[str, list[Observation]], k: int) -> tuple[DurationRow, ...]:
    """Quartiles per row, shown only where the row's counts are released under the same protection."""
    rows = sorted(observations)
    counts = CountTable(rows, [EVENT, CENSORED])
    for row, found in observations.items():
        for observation in found:
            counts.add(row, EVENT if observation.event else CENSORED)
    released = protect(counts, k)
    everyone = [o for found in observations.values() for o in found]
    result = []
    for row in counts.row_keys():
        summary = summarise(everyone if row == TOTAL else observations.get(row, []))
        shown = released[(row, TOTAL)] is not None and released[(row, EVENT)] is not None
        result.append(
            DurationRow(
                label=row,
                persons=released[(row, TOTAL)],
                events=released[(row, EVENT)],
                censored=released[(row, CENSORED)],
                q1=summary.q1 if shown else None,
                median=summary.median if shown else None,
                q3=summary.q3 if shown else None,
                released=shown,
            )
        )
    return tuple(result)


def build_report(cases: list[FigureCase], query: FigureQuery, k: int, generated_at: datetime) -> FigureReport:
    regions = tuple(sorted({c.region for c in cases}))
    cohorts = tuple(sorted({c.cohort for c in cases}))
    selected = [c for c in cases if query.selects(c)]
    figures = []
    for definition in definitions().indicators:
        if definition.id in TABLES:
            table = TABLES[definition.id](selected, query)
            figures.append(Figure(definition, release_table(table, k, RATE_COLUMNS.get(definition.id))))
        else:
            observations: dict[str, list[Observation]] = defaultdict(list)
            measure = DURATIONS[definition.id]
            for case in selected:
                observation = measure(case, query)
                if observation is not None:
                    observations[case.region].append(observation)
            figures.append(Figure(definition, durations=release_durations(dict(observations), k)))
    return FigureReport(
        query=query,
        k=k,
        generated_at=generated_at,
        cases=len(selected) if len(selected) >= k else None,
        figures=tuple(figures),
        regions=regions,
        cohorts=cohorts,
    )
