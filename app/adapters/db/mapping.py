"""Converting case content between domain dataclasses and stored documents."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from app.domain.cases import (
    Assessment,
    CaseConference,
    Closure,
    Cooperation,
    FollowUp,
    Goal,
    IntakeRecord,
    JournalEntry,
    Measure,
    ProcessNote,
    Review,
    SegmentAssessment,
)
from app.domain.persons import Address

ITEM_KINDS: dict[str, type] = {
    "segment": SegmentAssessment,
    "goal": Goal,
    "measure": Measure,
    "assessment": Assessment,
    "review": Review,
    "conference": CaseConference,
    "journal": JournalEntry,
    "closure": Closure,
    "follow_up": FollowUp,
    "intake": IntakeRecord,
    "cooperation": Cooperation,
    "note": ProcessNote,
}
KIND_OF = {cls: kind for kind, cls in ITEM_KINDS.items()}
_ADAPTERS: dict[str, TypeAdapter[Any]] = {kind: TypeAdapter(cls) for kind, cls in ITEM_KINDS.items()}
_ADDRESS = TypeAdapter(Address)


def dump_item(item: object) -> tuple[str, dict[str, Any]]:
    kind = KIND_OF[type(item)]
    return kind, _ADAPTERS[kind].dump_python(item, mode="json")


def load_item(kind: str, content: dict[str, Any]) -> Any:
    return _ADAPTERS[kind].validate_python(content)


def dump_address(address: Address | None) -> dict[str, Any] | None:
    return None if address is None else _ADDRESS.dump_python(address, mode="json")


def load_address(data: dict[str, Any] | None) -> Address | None:
    return None if data is None else _ADDRESS.validate_python(data)
