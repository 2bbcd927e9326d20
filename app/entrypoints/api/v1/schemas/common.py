"""Shared pieces of the v1 schemas."""

from __future__ import annotations

import unicodedata
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
# Control, format (e.g. bidi overrides, zero-width) and line/paragraph separator characters.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
_LINE_BREAKS = frozenset("\n\r\t")


def single_line(value: str) -> str:
    if any(unicodedata.category(ch) in _INVISIBLE for ch in value):
        raise ValueError("Steuerzeichen und Zeilenumbrüche sind hier nicht erlaubt.")
    return value


def _multi_line(value: str) -> str:
    if any(unicodedata.category(ch) in _INVISIBLE and ch not in _LINE_BREAKS for ch in value):
        raise ValueError("Steuerzeichen sind nicht erlaubt.")
    return value


ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(single_line)
]
OptionalShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(single_line)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), AfterValidator(_multi_line)
]
Reference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(single_line)
]


class Command(BaseModel):
    """Request bodies refuse unknown fields so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """Responses refuse unknown fields too: a new data category without its section fails loudly
    instead of vanishing from every answer."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")
