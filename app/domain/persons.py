"""The client (Klient/in) a shared case is about."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from app.domain.ahvn13 import Ahvn13
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()/.-]{6,20}$")
_POSTAL_CODE = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "CH"

    def __post_init__(self) -> None:
        if self.country == "CH" and not _POSTAL_CODE.match(self.postal_code):
            raise InvalidValue("Die Postleitzahl muss vierstellig sein.", "address.postal_code")
        if not self.street.strip():
            raise InvalidValue("Die Strasse darf nicht leer sein.", "address.street")
        if not self.city.strip():
            raise InvalidValue("Der Ort darf nicht leer sein.", "address.city")


@dataclass
class Person:
    """Stammdaten of a client. Owned by the institution that registered the person."""

    ahvn13: Ahvn13
    family_name: str
    given_name: str
    birth_date: date
    registered_by_institution_id: uuid.UUID
    address: Address | None = None
    phone: str | None = None
    email: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    version: int = 1

    category = DataCategory.STAMMDATEN

    def __post_init__(self) -> None:
        self.validate()

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.registered_by_institution_id

    def validate(self, today: date | None = None) -> None:
        if not self.family_name.strip():
            raise InvalidValue("Der Nachname darf nicht leer sein.", "family_name")
        if not self.given_name.strip():
            raise InvalidValue("Der Vorname darf nicht leer sein.", "given_name")
        if today is not None and self.birth_date > today:
            raise InvalidValue("Das Geburtsdatum darf nicht in der Zukunft liegen.", "birth_date")
        if self.birth_date.year < 1900:
            raise InvalidValue("Das Geburtsdatum ist nicht plausibel.", "birth_date")
        if self.email is not None and not _EMAIL.match(self.email):
            raise InvalidValue("Die E-Mail-Adresse ist ungültig.", "email")
        if self.phone is not None and not _PHONE.match(self.phone):
            raise InvalidValue("Die Telefonnummer ist ungültig.", "phone")
