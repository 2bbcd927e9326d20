"""Sealing one field value: AES-256-GCM under a per-person data key, bound to its place.

Format (version 1), all in one byte string:

    version (1) | data key id (16) | nonce (12) | key commitment (32) | ciphertext + GCM tag (16)

The associated data is the version, the key id and the place (table, column, row id, person id),
each length-prefixed, so a ciphertext moved to another row, column or person fails to open.
AES-GCM alone is not key-committing; the commitment is an HMAC under a key derived from the data
key, checked before decryption (see docs/encryption.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = 1
NONCE_BYTES = 12
KEY_ID_BYTES = 16
COMMITMENT_BYTES = 32
TAG_BYTES = 16
HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES + COMMITMENT_BYTES
DATA_KEY_BYTES = 32


class DecryptionRefused(Exception):
    """The ciphertext is damaged, moved, or sealed under another key. Carries no detail on purpose."""


@dataclass(frozen=True)
class Place:
    """Where a ciphertext lives. Everything here goes into the associated data."""

    table: str
    column: str
    row_id: uuid.UUID
    person_id: uuid.UUID

    def associated_data(self, key_id: uuid.UUID) -> bytes:
        parts = [
            b"cockpit-field",
            bytes([FORMAT_VERSION]),
            key_id.bytes,
            self.table.encode(),
            self.column.encode(),
            self.row_id.bytes,
            self.person_id.bytes,
        ]
        return b"".join(len(part).to_bytes(2, "big") + part for part in parts)


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret)


@dataclass(frozen=True)
class DataKey:
    """A person's unwrapped data key with the keys derived from it (AES-GCM, the commitment, the
    tags of the person's case versions), so the raw key is never used directly."""

    id: uuid.UUID
    person_id: uuid.UUID
    _aead: AESGCM = field(repr=False)
    _commit_key: bytes = field(repr=False)
    version_tag_key: bytes = field(repr=False, default=b"")

    @classmethod
    def from_secret(cls, key_id: uuid.UUID, person_id: uuid.UUID, secret: bytes) -> DataKey:
        if len(secret) != DATA_KEY_BYTES:
            raise ValueError("data key must be 32 bytes")
        return cls(
            key_id,
            person_id,
            AESGCM(_derive(secret, b"cockpit/v1/aes-256-gcm")),
            _derive(secret, b"cockpit/v1/commitment"),
            _derive(secret, b"cockpit/v1/version-tags"),
        )

    def commitment(self, nonce: bytes) -> bytes:
        return hmac.new(self._commit_key, b"cockpit/v1/commit" + nonce, hashlib.sha256).digest()

    def seal(self, place: Place, plaintext: bytes) -> bytes:
        if place.person_id != self.person_id:
            raise ValueError("data key of another person")
        nonce = os.urandom(NONCE_BYTES)
        header = bytes([FORMAT_VERSION]) + self.id.bytes + nonce + self.commitment(nonce)
        return header + self._aead.encrypt(nonce, plaintext, place.associated_data(self.id))

    def open(self, place: Place, sealed: bytes) -> bytes:
        if len(sealed) < HEADER_BYTES + TAG_BYTES or sealed[0] != FORMAT_VERSION:
            raise DecryptionRefused()
        if sealed[1 : 1 + KEY_ID_BYTES] != self.id.bytes or place.person_id != self.person_id:
            raise DecryptionRefused()
        nonce = sealed[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + NONCE_BYTES]
        commitment = sealed[1 + KEY_ID_BYTES + NONCE_BYTES : HEADER_BYTES]
        if not hmac.compare_digest(commitment, self.commitment(nonce)):
            raise DecryptionRefused()
        try:
            return self._aead.decrypt(nonce, sealed[HEADER_BYTES:], place.associated_data(self.id))
        except InvalidTag:
            raise DecryptionRefused() from None


def new_data_key_secret() -> bytes:
    return os.urandom(DATA_KEY_BYTES)
