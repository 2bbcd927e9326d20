"""Schemas of the steering figures and of the facts recorded for them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import ConfigDict

from app.domain.figures.definitions import Definition, definitions
from app.domain.figures.facts import AssistanceKind, CaseFacts, ResidenceStatus
from app.domain.figures.report import DurationRow, Figure, FigureReport, ReleasedTable
from app.entrypoints.api.v1.schemas.common import Command, Out


class FigureFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class CaseFactsIn(Command):
    residence_status: ResidenceStatus | None = None
    assistance_kind: AssistanceKind | None = None
    support_start_on: date | None = None
    support_end_on: date | None = None
    preventive: bool = False
    employed: bool | None = None

    def to_domain(self) -> CaseFacts:
        return CaseFacts(**self.model_dump())


class DffIntroductionIn(Command):
    dff_introduced_on: date | None


class CaseFactsOut(Out):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    residence_status: ResidenceStatus | None
    assistance_kind: AssistanceKind | None
    support_start_on: date | None
    support_end_on: date | None
    preventive: bool
    employed: bool | None


class DefinitionOut(Out):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: str
    title: str
    definition: str
    numerator: str
    denominator: str
    period_rule: str
    goal: str | None


class DefinitionsOut(Out):
    model_config = ConfigDict(extra="forbid")

    protection: str
    indicators: list[DefinitionOut]

    @classmethod
    def current(cls) -> DefinitionsOut:
        found = definitions()
        return cls(
            protection=found.protection,
            indicators=[DefinitionOut.model_validate(d) for d in found.indicators],
        )


class TableOut(Out):
    model_config = ConfigDict(extra="forbid")

    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]  # null: suppressed (fewer than k persons or complementary)
    rate_column: str | None
    rates: list[float | None] | None

    @classmethod
    def of(cls, table: ReleasedTable) -> TableOut:
        return cls(
            rows=table.rows,
            columns=table.columns,
            cells=[[table.cells[(r, c)] for c in table.columns] for r in table.rows],
            rate_column=table.rate_column,
            rates=[table.rate(r) for r in table.rows] if table.rate_column else None,
        )


class DurationOut(Out):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    label: str
    persons: int | None
    events: int | None
    censored: int | None
    q1: int | None
    median: int | None
    q3: int | None


class IndicatorOut(Out):
    model_config = ConfigDict(extra="forbid")

    definition: DefinitionOut
    table: TableOut | None
    durations: list[DurationOut] | None

    @classmethod
    def of(cls, figure: Figure) -> IndicatorOut:
        return cls(
            definition=DefinitionOut.model_validate(figure.definition),
            table=TableOut.of(figure.table) if figure.table else None,
            durations=[DurationOut.model_validate(d) for d in figure.durations] if not figure.table else None,
        )


class FiguresOut(Out):
    model_config = ConfigDict(extra="forbid")

    period_start: date
    period_end: date
    region: str | None
    cohort: str | None
    k: int
    generated_at: datetime
    cases: int | None  # null: fewer than k cases in the selection
    regions: list[str]
    cohorts: list[str]
    protection: str
    indicators: list[IndicatorOut]

    @classmethod
    def of(cls, report: FigureReport) -> FiguresOut:
        return cls(
            period_start=report.query.period_start,
            period_end=report.query.period_end,
            region=report.query.region,
            cohort=report.query.cohort,
            k=report.k,
            generated_at=report.generated_at,
            cases=report.cases,
            regions=list(report.regions),
            cohorts=list(report.cohorts),
            protection=definitions().protection,
            indicators=[IndicatorOut.of(f) for f in report.figures],
        )


def csv_rows(report: FigureReport) -> list[list[str]]:
    """Long format: one line per released or suppressed cell; a suppressed value is empty."""
    lines = [["kennzahl", "zeile", "spalte", "wert", "unterdrueckt"]]
    for figure in report.figures:
        if figure.table is not None:
            for (row, column), value in figure.table.cells.items():
                lines.append(_line(figure.definition, row, column, value))
        for duration in figure.durations:
            for column in ("persons", "events", "censored", "q1", "median", "q3"):
                lines.append(_line(figure.definition, duration.label, column, _duration(duration, column)))
    return lines


def _duration(row: DurationRow, column: str) -> int | None:
    value: int | None = getattr(row, column)
    return value


def _line(definition: Definition, row: str, column: str, value: int | None) -> list[str]:
    return [
        definition.id,
        row,
        column,
        "" if value is None else str(value),
        "ja" if value is None else "nein",
    ]
