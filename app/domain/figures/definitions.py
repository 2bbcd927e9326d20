"""Indicator definitions as data (definitions.toml): what the page, the API and the PDF print."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFINITIONS_FILE = Path(__file__).with_name("definitions.toml")


@dataclass(frozen=True)
class Definition:
    id: str
    title: str
    definition: str
    numerator: str
    denominator: str
    period_rule: str
    goal: str | None = None


@dataclass(frozen=True)
class Definitions:
    protection: str
    indicators: tuple[Definition, ...]

    def of(self, indicator_id: str) -> Definition:
        for definition in self.indicators:
            if definition.id == indicator_id:
                return definition
        raise KeyError(indicator_id)


@cache
def definitions() -> Definitions:
    data = tomllib.loads(DEFINITIONS_FILE.read_text(encoding="utf-8"))
    return Definitions(
        protection=data["schutz"],
        indicators=tuple(
            Definition(
                id=entry["id"],
                title=entry["titel"],
                definition=entry["definition"],
                numerator=entry["zaehler"],
                denominator=entry["nenner"],
                period_rule=entry["zeitraum"],
                goal=entry.get("ziel"),
            )
            for entry in data["kennzahl"]
        ),
    )
