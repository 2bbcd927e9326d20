"""Sealed fields: bound to their place, tamper-evident, committed to their key."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.adapters.crypto.blind_index import (
    blind_index,
    normalise_ahvn13,
    normalise_name_birth_date,
)
from app.adapters.crypto.envelope import HEADER_BYTES, DataKey, DecryptionRefused, Place, new_data_key_secret
from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.providers import KeyProviderError
from app.adapters.crypto.vault import Vault

PERSON = uuid.uuid4()
OTHER_PERSON = uuid.uuid4()
ROW = uuid.uuid4()


def _key(person: uuid.UUID = PERSON) -> DataKey:
    return DataKey.from_secret(uuid.uuid4(), person, new_data_key_secret())


def _place(**changes: object) -> Place:
    fields: dict[str, object] = {
        "table": "case_items",
        "column": "sealed_content",
        "row_id": ROW,
        "person_id": PERSON,
    }
    fields.update(changes)
    return Place(**fields)  # type: ignore[arg-type]


@given(st.binary(max_size=2000))
def test_what_is_sealed_opens_again_in_its_place(plaintext: bytes) -> None:
    key = _key()
    assert key.open(_place(), key.seal(_place(), plaintext)) == plaintext


def test_sealing_twice_gives_different_ciphertexts() -> None:
    key = _key()
    assert key.seal(_place(), b"Budget") != key.seal(_place(), b"Budget")


@pytest.mark.parametrize(
    "moved",
    [
        {"row_id": uuid.uuid4()},
        {"column": "sealed_data"},
        {"table": "persons"},
    ],
    ids=["other row", "other column", "other table"],
)
def test_a_ciphertext_moved_elsewhere_is_refused(moved: dict[str, object]) -> None:
    key = _key()
    sealed = key.seal(_place(), b"Arbeitsfaehigkeit 50 %")
    with pytest.raises(DecryptionRefused):
        key.open(_place(**moved), sealed)


def test_a_ciphertext_of_another_person_is_refused_even_with_that_persons_key() -> None:
    mine, theirs = _key(PERSON), _key(OTHER_PERSON)
    sealed = mine.seal(_place(), b"Diagnose")
    with pytest.raises(DecryptionRefused):
        theirs.open(_place(person_id=OTHER_PERSON), sealed)
    with pytest.raises(DecryptionRefused):
        mine.open(_place(person_id=OTHER_PERSON), sealed)


def test_every_single_bit_flip_is_refused() -> None:
    key = _key()
    sealed = key.seal(_place(), b"Sozialhilfe: 2'430 CHF")
    for bit in range(len(sealed) * 8):
        flipped = bytearray(sealed)
        flipped[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(DecryptionRefused):
            key.open(_place(), bytes(flipped))


def test_truncated_or_empty_ciphertexts_are_refused() -> None:
    key = _key()
    sealed = key.seal(_place(), b"x")
    for cut in (0, 1, HEADER_BYTES, len(sealed) - 1):
        with pytest.raises(DecryptionRefused):
            key.open(_place(), sealed[:cut])


def test_a_ciphertext_does_not_open_under_another_key_with_the_same_id() -> None:
    """Key commitment: relabelling a ciphertext with another key's id is not enough either."""
    key = _key()
    impostor = DataKey.from_secret(key.id, PERSON, new_data_key_secret())
    with pytest.raises(DecryptionRefused):
        impostor.open(_place(), key.seal(_place(), b"Stammdaten"))


def test_a_wrapped_data_key_does_not_unwrap_for_another_person() -> None:
    vault = Vault(LocalKeyring.in_memory())
    key, kek_id, wrapped = vault.new_data_key(PERSON)
    other_vault = Vault(vault.provider)  # empty cache: goes to the provider
    assert other_vault.data_key(PERSON, key.id, kek_id, wrapped).id == key.id
    with pytest.raises(KeyProviderError):
        other_vault.data_key(OTHER_PERSON, key.id, kek_id, wrapped)


def test_ahvn13_index_ignores_formatting() -> None:
    key = b"k" * 32
    assert blind_index(key, normalise_ahvn13("756.1234.5678.97")) == blind_index(
        key, normalise_ahvn13("7561234567897")
    )


def test_name_index_is_the_same_for_case_width_and_composition_variants() -> None:
    key = b"k" * 32
    born = date(1984, 3, 12)
    reference = blind_index(key, normalise_name_birth_date("Müller", "Anna Lena", born))
    for family, given_name in [
        ("MÜLLER", "anna lena"),
        ("Mu\u0308ller", "Anna  Lena"),  # decomposed umlaut, double space
        ("Ｍüller", "Anna Lena "),  # full-width M, trailing space
    ]:
        assert blind_index(key, normalise_name_birth_date(family, given_name, born)) == reference
    assert blind_index(key, normalise_name_birth_date("Müller", "Anna Lena", date(1984, 3, 13))) != reference
    assert blind_index(b"o" * 32, normalise_name_birth_date("Müller", "Anna Lena", born)) != reference


def test_name_fields_cannot_shift_into_each_other() -> None:
    born = date(1984, 3, 12)
    assert normalise_name_birth_date("Anna", "Lena Müller", born) != normalise_name_birth_date(
        "Anna Lena", "Müller", born
    )
