"""Where key-encryption keys (KEKs) live. The data keys are wrapped and unwrapped only through here."""

from __future__ import annotations

from typing import Protocol


class KeyProviderError(Exception):
    """The key provider is missing, misconfigured, or refused an operation."""


class KeyProvider(Protocol):
    """Holds KEKs by id. `context` is bound to the wrapped key as associated data."""

    def current_kek_id(self) -> str: ...

    def create_kek(self) -> str:
        """Create a new KEK, make it the current one and return its id (for rotation)."""
        ...

    def destroy_kek(self, kek_id: str) -> None:
        """Remove a KEK that is not the current one, for good (`cockpit keys retire-kek`)."""
        ...

    def wrap(self, kek_id: str, secret: bytes, context: bytes) -> bytes: ...

    def unwrap(self, kek_id: str, wrapped: bytes, context: bytes) -> bytes: ...
