"""Shared pieces of the v1 schemas."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from app.domain.ahvn13 import Ahvn13
from app.domain.errors import InvalidValue


def _ahvn13(value: str) -> str:
    try:
        return Ahvn13.parse(value).formatted
    except InvalidValue as error:
        raise ValueError(error.message) from None


Ahvn13Text = Annotated[
    str,
    AfterValidator(_ahvn13),
    Field(
        description="AHVN13, mit oder ohne Punkte; Antwort immer als 756.XXXX.XXXX.XX",
        examples=["756.9217.0769.85"],
    ),
]


def _not_null(value: object) -> object:
    if value is None:
        raise ValueError("Darf nicht null sein; lassen Sie das Feld weg, um es unverändert zu lassen.")
    return value


# For PATCH bodies: the field may be left out, but not set to null.
NotNull = BeforeValidator(_not_null)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("Steuerzeichen und Zeilenumbrüche sind hier nicht erlaubt.")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL_EXCEPT_LINES.search(value):
        raise ValueError("Steuerzeichen sind nicht erlaubt.")
    return value


ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_single_line)
]
OptionalShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_single_line)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), AfterValidator(_multi_line)
]
Reference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(_single_line)
]


class Command(BaseModel):
    """Request bodies refuse unknown fields so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)
