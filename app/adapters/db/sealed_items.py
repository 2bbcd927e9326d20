"""Case item content, sealed per item under the data key of the case's person.

Opening remembers the plaintext, so a save re-seals only items that changed; an item the caller did
not ask to open (or that another request added since) is never decrypted and never touched by a
save. Each item counts its own changes (`version`); a save writes only what changed, so adding an
item writes that item alone. Items are read and written as plain rows (no ORM object per item): a
case with hundreds of journal entries costs a save the entries it changes, not all of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy import Connection, Table, bindparam, delete, select, update

from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.mapping import dump_item, load_item
from app.adapters.db.models import CaseItemRow
from app.adapters.db.sealing import item_place, open_json, seal_json
from app.adapters.row_writer import RowWriter
from app.domain.errors import StaleVersion
from app.domain.pendenzen import PendenzKind

NOT_DUE = "none"  # `case_items.due_kind` of an item indexed without a date (NULL: not yet indexed)

_ITEMS: Table = CaseItemRow.__table__  # type: ignore[assignment]
ITEMS_OF_CASE = (
    select(
        _ITEMS.c.id,
        _ITEMS.c.case_id,
        _ITEMS.c.kind,
        _ITEMS.c.category,
        _ITEMS.c.owner_institution_id,
        _ITEMS.c.position,
        _ITEMS.c.sealed_content,
        _ITEMS.c.due_on,
        _ITEMS.c.due_kind,
        _ITEMS.c.version,
    )
    .where(_ITEMS.c.case_id == bindparam("case_id"))
    .order_by(_ITEMS.c.position, _ITEMS.c.id)
)
_UPDATE_CONTENT = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item_id"), _ITEMS.c.version == bindparam("loaded_version"))
    .values(
        kind=bindparam("kind"),
        category=bindparam("category"),
        owner_institution_id=bindparam("owner_institution_id"),
        sealed_content=bindparam("sealed_content"),
        due_on=bindparam("due_on"),
        due_kind=bindparam("due_kind"),
        version=bindparam("version"),
    )
)
_UPDATE_DUE = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item_id"))
    .values(due_on=bindparam("due_on"), due_kind=bindparam("due_kind"))
)


class ItemRecord(Protocol):
    """A stored item as a case load reads it (`ITEMS_OF_CASE`) or a save leaves it."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def owner_institution_id(self) -> uuid.UUID: ...
    @property
    def position(self) -> int: ...
    @property
    def sealed_content(self) -> bytes: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def due_kind(self) -> str | None: ...
    @property
    def version(self) -> int: ...


def _with(record: Any, **changes: Any) -> Any:
    values = record._asdict() if hasattr(record, "_asdict") else dict(vars(record))
    return SimpleNamespace(**{**values, **changes})


class SealedItems:
    def __init__(self, keys: SqlKeyStore) -> None:
        self._keys = keys
        self._opened: dict[uuid.UUID, dict[str, Any]] = {}

    def open(self, row: ItemRecord, person_id: uuid.UUID) -> Any:
        content = open_json(self._keys.data_key(person_id), item_place(row.id, person_id), row.sealed_content)
        self._opened[row.id] = content
        return load_item(row.kind, content)

    def changes(
        self, stored: Sequence[ItemRecord], items: list[Any]
    ) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
        """(changed, removed): stored items a save of `items` would rewrite or delete (new ones are
        neither)."""
        existing = {item.id: item for item in stored}
        changed = {
            item.id
            for item in items
            if item.id in existing and self._opened.get(item.id) != dump_item(item)[1]
        }
        kept = {item.id for item in items}
        removed = {i for i in existing if i not in kept and i in self._opened}
        return changed, removed

    def sync(
        self,
        connection: Connection,
        rows: RowWriter,
        case_id: uuid.UUID,
        person_id: uuid.UUID,
        stored: Sequence[ItemRecord],
        items: list[Any],
        due: Mapping[uuid.UUID, tuple[PendenzKind, date] | None],
    ) -> tuple[bool, list[ItemRecord]]:
        """Writes what changed: whether any content did (the plain due-date index is no content), and
        the case's records as they are now. A record changed by another request since it was loaded
        raises StaleVersion."""
        existing = {record.id: record for record in stored}
        next_position = max((record.position for record in stored), default=-1) + 1
        wrote = False
        now: dict[uuid.UUID, ItemRecord] = {}
        new: list[dict[str, Any]] = []
        for item in items:
            kind, content = dump_item(item)
            dated = due.get(item.id)
            due_kind, due_on = (dated[0].value, dated[1]) if dated else (NOT_DUE, None)
            record = existing.pop(item.id, None)
            if record is None or self._opened.get(item.id) != content:
                values = {
                    "kind": kind,
                    "category": item.category.value,
                    "owner_institution_id": item.owner_institution_id,
                    "sealed_content": seal_json(
                        self._keys.data_key(person_id), item_place(item.id, person_id), content
                    ),
                    "due_on": due_on,
                    "due_kind": due_kind,
                }
                if record is None:
                    record = SimpleNamespace(
                        id=item.id, case_id=case_id, position=next_position, version=1, **values
                    )
                    next_position += 1
                    new.append(vars(record))
                else:
                    loaded_version = record.version
                    record = _with(record, version=loaded_version + 1, **values)
                    parameters = {
                        "item_id": item.id,
                        "loaded_version": loaded_version,
                        "version": record.version,
                    }
                    if connection.execute(_UPDATE_CONTENT, {**values, **parameters}).rowcount != 1:
                        raise StaleVersion()
                self._opened[item.id] = content
                wrote = True
            elif record.due_kind != due_kind or record.due_on != due_on:
                connection.execute(_UPDATE_DUE, {"item_id": item.id, "due_on": due_on, "due_kind": due_kind})
                record = _with(record, due_on=due_on, due_kind=due_kind)
            now[item.id] = record
        if new:
            rows.insert(_ITEMS, new)
        # Never one this unit of work did not open (or one another request added since).
        removed = {record_id for record_id in existing if record_id in self._opened}
        if removed:
            connection.execute(delete(_ITEMS).where(_ITEMS.c.id.in_(removed)))
            wrote = True
        kept = [record for record in stored if record.id not in now and record.id not in removed]
        return wrote, sorted([*now.values(), *kept], key=lambda r: (r.position, r.id))
