"""Person bodies."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.domain.persons import Address, Person
from app.entrypoints.api.v1.schemas.common import Ahvn13Text, Command, NotNull, Out, ShortText, single_line

PostalCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{4}$")]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(single_line),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()/.-]{6,20}$")]


class AddressIn(Command):
    street: ShortText
    postal_code: PostalCode
    city: ShortText

    def to_domain(self) -> Address:
        return Address(self.street, self.postal_code, self.city)


class PersonIn(Command):
    ahvn13: Ahvn13Text
    family_name: ShortText
    given_name: ShortText
    birth_date: date
    address: AddressIn | None = None
    phone: Phone | None = None
    email: Email | None = None


class PersonLookupIn(Command):
    ahvn13: Ahvn13Text


class PersonPatch(Command):
    """Fields left out stay unchanged; null removes address, phone or e-mail."""

    family_name: Annotated[ShortText | None, NotNull] = None
    given_name: Annotated[ShortText | None, NotNull] = None
    birth_date: Annotated[date | None, NotNull] = None
    address: AddressIn | None = None
    phone: Phone | None = None
    email: Email | None = None


class AddressOut(Out):
    street: str
    postal_code: str
    city: str


class PersonOut(Out):
    id: uuid.UUID
    version: int
    ahvn13: str = Field(examples=["756.9217.0769.85"])
    family_name: str
    given_name: str
    birth_date: date
    address: AddressOut | None
    phone: str | None
    email: str | None
    registered_by_institution_id: uuid.UUID

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls(
            id=person.id,
            version=person.version,
            ahvn13=person.ahvn13.formatted,
            family_name=person.family_name,
            given_name=person.given_name,
            birth_date=person.birth_date,
            address=AddressOut.model_validate(person.address) if person.address else None,
            phone=person.phone,
            email=person.email,
            registered_by_institution_id=person.registered_by_institution_id,
        )
