"""Sealing rows at the persistence boundary: Stammdaten and case item content.

Each value is sealed where it is stored (table, column, row, person); the services never see a
ciphertext. JSON is the plaintext format, compact and with sorted keys.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from app.adapters.crypto.blind_index import (
    IndexedColumn,
    normalise_ahvn13,
    normalise_family_name,
    normalise_name_birth_date,
)
from app.adapters.crypto.envelope import DataKey, Place
from app.adapters.db.key_store import SqlKeyStore
from app.adapters.db.mapping import dump_address, load_address
from app.adapters.db.models import PersonRow
from app.domain.ahvn13 import Ahvn13
from app.domain.persons import Person


def person_place(person_id: uuid.UUID) -> Place:
    return Place("persons", "sealed_data", person_id, person_id)


def item_place(item_id: uuid.UUID, person_id: uuid.UUID) -> Place:
    return Place("case_items", "sealed_content", item_id, person_id)


def seal_json(key: DataKey, place: Place, value: dict[str, Any]) -> bytes:
    return key.seal(place, json.dumps(value, separators=(",", ":"), sort_keys=True).encode())


def open_json(key: DataKey, place: Place, sealed: bytes) -> dict[str, Any]:
    value = json.loads(key.open(place, sealed))
    assert isinstance(value, dict)
    return value


def person_document(person: Person) -> dict[str, Any]:
    return {
        "ahvn13": person.ahvn13.digits,
        "family_name": person.family_name,
        "given_name": person.given_name,
        "birth_date": person.birth_date.isoformat(),
        "address": dump_address(person.address),
        "phone": person.phone,
        "email": person.email,
    }


def write_person(keys: SqlKeyStore, row: PersonRow, person: Person) -> None:
    key = keys.data_key(person.id)
    row.sealed_data = seal_json(key, person_place(person.id), person_document(person))
    version, row.ahvn13_index = keys.index_for_write(
        IndexedColumn.AHVN13, normalise_ahvn13(person.ahvn13.digits)
    )
    _, row.name_index = keys.index_for_write(
        IndexedColumn.NAME_BIRTH_DATE,
        normalise_name_birth_date(person.family_name, person.given_name, person.birth_date),
    )
    _, row.family_name_index = keys.index_for_write(
        IndexedColumn.FAMILY_NAME, normalise_family_name(person.family_name)
    )
    row.index_version = version


def read_person(keys: SqlKeyStore, row: PersonRow) -> Person:
    data = open_json(keys.data_key(row.id), person_place(row.id), row.sealed_data)
    return Person(
        ahvn13=Ahvn13(data["ahvn13"]),
        family_name=data["family_name"],
        given_name=data["given_name"],
        birth_date=date.fromisoformat(data["birth_date"]),
        address=load_address(data.get("address")),
        phone=data.get("phone"),
        email=data.get("email"),
        registered_by_institution_id=row.registered_by_institution_id,
        id=row.id,
        version=row.version,
    )
