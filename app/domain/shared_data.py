"""What other institutions released to a recipient, as it travels in the recipient's own format.

An export carries the recipient's own dossier and, apart from it, one `SharedEntry` per thing
another institution released: its dossier facts, a measure, a goal, the current segment. Each
entry names its source institution, its data category and the basis the release rests on, so the
receiving system can tell whose data it holds and why. Values travel as text: a receiving system
stores them for information and never imports them as its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.categories import DataCategory


class SharedSection(StrEnum):
    FACTS = "fakten"  # another institution's dossier facts (RAV, IV, Sozialdienst)
    MEASURE = "massnahme"  # a measure of the integration plan owned by another institution
    GOAL = "ziel"  # a goal of the integration plan recorded by another institution
    SEGMENT = "segment"  # the current DFF segment, assessed by another institution


@dataclass(frozen=True)
class SharedEntry:
    """One released thing: where it comes from (`source` is an institution code), its category,
    the basis label of the release (`consent:<id>`, `rule:<id>`, `participation`, …) and its fields."""

    section: SharedSection
    source: str
    category: DataCategory
    basis: str
    fields: tuple[tuple[str, str], ...] = ()

    def value(self, name: str) -> str | None:
        return dict(self.fields).get(name)


def fact_text(value: object) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    return str(value)


def flatten_facts(facts: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Dossier facts as named text fields; list items are numbered from 1 (`sanktionen.1.grund`)."""
    fields: list[tuple[str, str]] = []
    for key, value in facts.items():
        if isinstance(value, list | tuple):
            for number, item in enumerate(value, start=1):
                if isinstance(item, Mapping):
                    fields += [(f"{key}.{number}.{name}", fact_text(v)) for name, v in item.items()]
                else:
                    fields.append((f"{key}.{number}", fact_text(item)))
        elif value is not None:
            fields.append((key, fact_text(value)))
    return tuple(fields)


def by_source(entries: Iterable[SharedEntry]) -> dict[str, list[SharedEntry]]:
    grouped: dict[str, list[SharedEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.source, []).append(entry)
    return grouped
