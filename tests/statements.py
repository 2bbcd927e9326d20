"""Counts the SQL statements a piece of code runs (SQLAlchemy's before_cursor_execute)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Statements(list[str]):
    @property
    def reads(self) -> list[str]:
        return [s for s in self if s.lstrip().upper().startswith("SELECT")]

    @property
    def writes(self) -> list[str]:
        return [s for s in self if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]

    def touching(self, table: str) -> list[str]:
        return [s for s in self if f" {table} " in f" {s} ".replace("\n", " ")]


@contextmanager
def counted(engine: Engine) -> Iterator[Statements]:
    """Every statement sent to the database inside the block, transaction control left out."""
    seen = Statements()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
