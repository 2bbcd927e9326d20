"""Case item content, sealed per item under the data key of the case's person.

Opening remembers the plaintext, so a save re-seals only items that changed; an item the caller did
not ask to open (or that another request added since) is never decrypted and never touched by a
save. Each item counts its own changes
(`version`); a save writes only what changed, so adding an item writes that item alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.mapping import dump_item, load_item
from app.adapters.db.models import CaseItemRow, CaseRow
from app.adapters.db.sealing import item_place, open_json, seal_json
from app.domain.pendenzen import PendenzKind

NOT_DUE = "none"  # `case_items.due_kind` of an item indexed without a date (NULL: not yet indexed)


class ItemRecord(Protocol):
    """A stored item as a read loads it (a plain row) or a save holds it (`CaseItemRow`)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def owner_institution_id(self) -> uuid.UUID: ...
    @property
    def sealed_content(self) -> bytes: ...
    @property
    def version(self) -> int: ...


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
        self, case_row: CaseRow, items: list[Any], due: Mapping[uuid.UUID, tuple[PendenzKind, date] | None]
    ) -> bool:
        """Writes what changed; whether any content did (the plain due-date index is no content)."""
        existing = {item.id: item for item in case_row.items}
        next_position = max((item.position for item in case_row.items), default=-1) + 1
        wrote = False
        for item in items:
            kind, content = dump_item(item)
            target = existing.pop(item.id, None)
            if target is None:
                target = CaseItemRow(id=item.id, case_id=case_row.id, position=next_position, version=1)
                next_position += 1
                case_row.items.append(target)
            elif self._opened.get(item.id) != content:
                target.version += 1
            if self._opened.get(item.id) != content:
                target.kind = kind
                target.category = item.category.value
                target.owner_institution_id = item.owner_institution_id
                key = self._keys.data_key(case_row.person_id)
                target.sealed_content = seal_json(key, item_place(item.id, case_row.person_id), content)
                self._opened[item.id] = content
                wrote = True
            dated = due.get(item.id)
            due_kind, due_on = (dated[0].value, dated[1]) if dated else (NOT_DUE, None)
            if target.due_kind != due_kind or target.due_on != due_on:
                target.due_kind, target.due_on = due_kind, due_on
        for stale in existing.values():
            if stale.id in self._opened:  # never one this unit of work did not open (or a newer one)
                case_row.items.remove(stale)
                wrote = True
        return wrote
