"""Password and client-secret hashing.

Passwords are chosen by people: argon2id, slow on purpose. Client secrets are 256 random bits made
by us: a SHA-256 hash is enough for them and keeps the token endpoint fast.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_SECRET_PREFIX = "sha256:"  # noqa: S105 - a hash label


class Argon2PasswordHasher:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()  # argon2id, RFC 9106 low-memory profile
        self._dummy_hash: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> None:
        """Spend the time of a real check, so an unknown user name does not answer faster."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self.verify(self._dummy_hash, password)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_client_secret(secret: str) -> str:
    return _SECRET_PREFIX + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def client_secret_matches(secret_hash: str, secret: str) -> bool:
    return hmac.compare_digest(secret_hash.encode(), hash_client_secret(secret).encode())


class SecretTools:
    """New secrets for the administration (client secrets hashed, webhook secrets sealed elsewhere)."""

    def new_client_secret(self) -> str:
        return new_client_secret()

    def hash_client_secret(self, secret: str) -> str:
        return hash_client_secret(secret)

    def new_webhook_secret(self) -> str:
        return secrets.token_urlsafe(32)
