"""Blind indexes: keyed HMAC-SHA256 over normalised input, one key per indexed column.

An exact lookup computes the same HMAC and compares; the database holds no searchable plaintext.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date
from enum import StrEnum

_SPACES = re.compile(r"\s+")


class IndexedColumn(StrEnum):
    AHVN13 = "persons.ahvn13"
    NAME_BIRTH_DATE = "persons.name_birth_date"
    FAMILY_NAME = "persons.family_name"  # a search by name alone, among the caller's own cases


def normalise_ahvn13(value: str) -> bytes:
    return "".join(ch for ch in value if ch.isdigit() and ch.isascii()).encode()


def normalise_name(value: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def normalise_family_name(family_name: str) -> bytes:
    return normalise_name(family_name).encode()


def normalise_name_birth_date(family_name: str, given_name: str, birth_date: date) -> bytes:
    return "\x1f".join(
        (normalise_name(family_name), normalise_name(given_name), birth_date.isoformat())
    ).encode()


def blind_index(key: bytes, normalised: bytes) -> bytes:
    return hmac.new(key, normalised, hashlib.sha256).digest()
