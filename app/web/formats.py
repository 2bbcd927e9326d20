"""German formats of the thin client: dd.mm.yyyy, local time, AHVN13 with dots, labels."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.domain.ahvn13 import Ahvn13
from app.services.context import LOCAL_TIME


def german_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TIME).date()
    return value.strftime("%d.%m.%Y")


def german_datetime(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M")


def ahvn13(value: Ahvn13 | str | None) -> str:
    if value is None:
        return "–"
    parsed = value if isinstance(value, Ahvn13) else Ahvn13.parse(str(value))
    return parsed.formatted


def label(value: Any) -> str:
    """The German label of an enum value that has one, else its value."""
    if value is None:
        return "–"
    return str(getattr(value, "label", value))


def kind(value: Any) -> str:
    return type(value).__name__


FILTERS = {"datum": german_date, "zeit": german_datetime, "ahv": ahvn13, "label": label, "kind": kind}
