"""Where the repositories of one session put the rows they write, and how a flush's conflicts read.

Normally each row goes to the session at once, as it always did. Inside `held()` (the import's
records of persons the institution cannot know yet, see services/dossier_import.py) new rows are
kept in memory and written when the block ends: one executemany per table, tables in foreign-key
order. Nothing inside the block may read back a row it wrote, and held rows are only inserted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, insert
from sqlalchemy import inspect as inspect_row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.adapters.sql_base import Base
from app.domain.errors import CASE_ALREADY_OPEN, ConcurrentConflict, StaleVersion

# Uniqueness rules that two simultaneous requests can both pass in the service before one of them
# reaches the database; the loser gets the same answer the service check would have given.
_UNIQUE_RULES = {
    ("uq_persons_ahvn13", "persons.ahvn13"): (
        "Ihre Stelle hat diese AHV-Nummer bereits erfasst.",
        "ahvn13",
    ),
    ("uq_cases_person_not_archived", "cases.person_id"): (CASE_ALREADY_OPEN, "person_id"),
}


def flush_session(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise StaleVersion() from error
    except IntegrityError as error:
        raise integrity_conflict(error) from None


def integrity_conflict(error: IntegrityError) -> Exception:
    """A German conflict for a known uniqueness rule (never the driver's text: it holds the values).

    Any other integrity error is a bug; it stays an error (a 500 whose log names only its type)."""
    text = str(error.orig)
    for names, (message, field) in _UNIQUE_RULES.items():
        if any(name in text for name in names):
            return ConcurrentConflict(message, field)
    return error


def rows_of(session: Session) -> RowWriter:
    """The session's writer: every repository on the session shares it, so `held` covers them all."""
    writer = session.info.get(_KEY)
    if writer is None:
        writer = session.info[_KEY] = RowWriter(session)
    assert isinstance(writer, RowWriter)
    return writer


_KEY = "cockpit.row_writer"
_Row = TypeVar("_Row", bound=Base)


class RowWriter:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._held: _HeldRows | None = None

    def new(self, model: type[_Row], **values: Any) -> _Row:
        """A new row of `model`, added (with the rows later appended to its one-to-many relationships).
        While rows are held it is a plain stand-in with the same attributes: building an ORM object
        costs more than writing its row, and nothing but `write` reads it."""
        if self._held is None:
            row = model(**values)
            self._session.add(row)
            return row
        held = _HeldRow(model, values)
        self._held.add(held)
        return cast(_Row, held)

    @staticmethod
    def child(parent: Base, model: type[_Row], **values: Any) -> _Row:
        """A new row for a one-to-many relationship of `parent`: appended to it, it is written with it
        (a stand-in for a held parent, an ORM object for one in the session)."""
        return cast(_Row, _HeldRow(model, values)) if isinstance(parent, _HeldRow) else model(**values)

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """New rows of `table` as column values."""
        if self._held is None:
            self._session.connection().execute(insert(table), rows)
        else:
            self._held.insert(table, rows)

    def flush(self) -> None:
        """What the session holds goes to the database now (held rows wait for the end of `held`)."""
        if self._held is None:
            flush_session(self._session)

    def added(self, model: type[_Row], key: object) -> _Row | None:
        """The row of `model` with primary key `key` if it is held, or in the session (flushed or loaded);
        None says nothing about the database."""
        if self._held is not None:
            found = self._held.get(model, key)
            if found is not None:
                return found
        found = self._session.identity_map.get(self._session.identity_key(model, key))
        return found if isinstance(found, model) else None

    @contextmanager
    def held(self) -> Iterator[HeldBlock]:
        """Raises ConcurrentConflict at the end where a known uniqueness rule stopped the rows."""
        if self._held is not None:
            raise RuntimeError("Rows are already held")
        self._held = held = _HeldRows()
        try:
            yield HeldBlock(held)
        finally:
            self._held = None
        flush_session(self._session)  # what the session took meanwhile comes first
        try:
            held.write(self._session.connection())
        except IntegrityError as error:
            raise integrity_conflict(error) from None


class HeldBlock:
    """One `held` block: `each()` around the work of one record drops what that record held if it
    fails, so the others of the block are still written together."""

    def __init__(self, held: _HeldRows) -> None:
        self._held = held

    @contextmanager
    def each(self) -> Iterator[None]:
        mark = self._held.mark()
        try:
            yield
        except BaseException:
            self._held.back_to(mark)
            raise


@dataclass(frozen=True)
class _Shape:
    """What writing a model's rows needs of its mapping, looked up once per model."""

    table: Table
    columns: tuple[tuple[str, str], ...]  # (attribute, column)
    children: tuple[str, ...]  # one-to-many relationships
    attributes: frozenset[str]  # every mapped attribute

    @staticmethod
    @cache
    def of(model: type[Base]) -> _Shape:
        mapper = inspect_row(model)
        return _Shape(
            mapper.local_table,  # type: ignore[arg-type]
            tuple((prop.key, prop.columns[0].key) for prop in mapper.column_attrs),
            tuple(r.key for r in mapper.relationships if r.uselist),
            frozenset(mapper.attrs.keys()),
        )


class _HeldRow:
    _model: type[Base]

    def __init__(self, model: type[Base], values: dict[str, Any]) -> None:
        shape = _Shape.of(model)
        if not shape.attributes.issuperset(values):  # as the ORM's constructor would refuse them
            raise TypeError(
                f"{model.__name__} has no attribute(s) {sorted(values.keys() - shape.attributes)}"
            )
        self.__dict__.update({key: [] for key in shape.children}, **values)
        self._model = model

    def __getattr__(self, name: str) -> None:
        """A column not set yet reads as None, as on a new ORM object (and is left to its default)."""
        if name in _Shape.of(self._model).attributes:  # relationships are set at construction
            return None
        raise AttributeError(name)


class _HeldRows:
    def __init__(self) -> None:
        self._objects: dict[tuple[type[Base], object], _HeldRow] = {}  # read at the end: columns come later
        self._rows: defaultdict[Table, list[dict[str, Any]]] = defaultdict(list)
        self._inserted: list[tuple[Table, int]] = []  # (table, rows) per `insert`, for `back_to`

    def add(self, row: _HeldRow) -> None:
        key = (row._model, vars(row).get("id") or id(row))  # by `id`, where set already
        if key in self._objects:
            raise RuntimeError(f"{row._model.__name__} {key[1]} is held twice")  # the session would refuse it
        self._objects[key] = row

    def mark(self) -> tuple[int, int]:
        return len(self._objects), len(self._inserted)

    def back_to(self, mark: tuple[int, int]) -> None:
        objects, inserted = mark
        while len(self._objects) > objects:
            self._objects.popitem()
        while len(self._inserted) > inserted:
            table, count = self._inserted.pop()
            del self._rows[table][-count:]

    def get(self, model: type[_Row], key: object) -> _Row | None:
        found = self._objects.get((model, key))
        return cast(_Row, found) if found is not None else None

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:  # an empty entry would make `back_to` cut a whole table
            self._rows[table].extend(rows)
            self._inserted.append((table, len(rows)))

    def write(self, connection: Connection) -> None:
        for row in self._objects.values():
            self._values_of(row)
        if unknown := [table for table in self._rows if table not in Base.metadata.tables.values()]:
            raise RuntimeError(f"Rows held for tables outside the schema: {unknown}")  # none may be lost
        for table in Base.metadata.sorted_tables:
            rows = self._rows.get(table)
            if not rows:
                continue
            # executemany needs the same columns in every row; a column left out takes its default
            by_columns: defaultdict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for values in rows:
                by_columns[tuple(values)].append(values)  # rows built alike list their columns alike
            for same in by_columns.values():
                connection.execute(insert(table), same)

    def _values_of(self, row: _HeldRow | Base) -> None:
        """`row`: a held stand-in, or an ORM row appended to one's relationship."""
        shape = _Shape.of(row._model if isinstance(row, _HeldRow) else type(row))
        state = vars(row)  # a stand-in's `_model` is no mapped attribute
        self._rows[shape.table].append({column: state[key] for key, column in shape.columns if key in state})
        for key in shape.children:
            for child in state.get(key) or ():
                self._values_of(child)
