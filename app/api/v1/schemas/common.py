"""Shared pieces of the v1 schemas."""

from __future__ import annotations

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
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Command(BaseModel):
    """Request bodies refuse unknown fields so a typo is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)
