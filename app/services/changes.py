"""Partial changes: a field left out is `UNSET`; an explicit None clears an optional value."""

from __future__ import annotations

from dataclasses import fields
from enum import Enum
from typing import Any, Final, Literal


class _Unset(Enum):
    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset.UNSET
Unset = Literal[_Unset.UNSET]


def changed_fields(changes: Any) -> dict[str, Any]:
    """The fields of a change dataclass that were given, with their new values."""
    return {
        f.name: getattr(changes, f.name) for f in fields(changes) if getattr(changes, f.name) is not UNSET
    }


def apply_changes(target: Any, changes: Any) -> None:
    for name, value in changed_fields(changes).items():
        setattr(target, name, value)
