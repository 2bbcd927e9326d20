"""Rows read without the ORM, for the hot reads (a case load runs on every case request).

A row of several tables in one statement carries each table's columns under a prefix; `PlainRecord`
takes one table's share back out as an object with the column names as attributes, so the mapping
functions that read ORM rows read these alike. `LoadedRows` keeps what a case load brought along
(its person, its contact person) for the rest of the unit of work, so `persons.get` and `users.get`
need no statement of their own.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import FromClause, Label, RowMapping


class PlainRecord:
    """One table's columns of a joined plain row."""

    def __init__(self, table: FromClause, prefix: str) -> None:
        self._names = [(prefix + column.name, column.name) for column in table.c]
        self._id = prefix + "id"
        self.columns: list[Label[Any]] = [column.label(prefix + column.name) for column in table.c]

    def of(self, row: RowMapping) -> Any:
        """The table's share of `row` (None when an outer join found nothing)."""
        if row[self._id] is None:
            return None
        return SimpleNamespace(**{name: row[label] for label, name in self._names})


class LoadedRows:
    """Person and user rows a case load read along, by id; a save of one drops it."""

    def __init__(self) -> None:
        self.persons: dict[uuid.UUID, Any] = {}
        self.users: dict[uuid.UUID, Any] = {}
