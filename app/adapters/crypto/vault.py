"""The process-wide side of field encryption: the key provider and a cache of unwrapped keys.

Unwrapping goes to the provider (for an HSM a round trip), so unwrapped keys are cached by the
exact wrapped bytes they came from: a re-wrap by rotation is a new entry, a destroyed key (its
wrapped bytes gone from the database) can no longer be looked up.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from app.adapters.crypto.envelope import DataKey, new_data_key_secret
from app.adapters.crypto.providers import KeyProvider
from app.adapters.operations_metrics import KEY_PROVIDER_ERRORS


def data_key_context(person_id: uuid.UUID, key_id: uuid.UUID) -> bytes:
    return b"cockpit-data-key/v1" + person_id.bytes + key_id.bytes


def secret_context(purpose: str, version: int) -> bytes:
    return b"cockpit-secret/v1" + purpose.encode() + b"/" + str(version).encode()


def counted(operation: str, call: Callable[[str, bytes, bytes], bytes], *args: Any) -> bytes:
    """A provider call; a failure is counted (cockpit_key_provider_errors) and raised on."""
    try:
        return call(*args)
    except Exception:
        KEY_PROVIDER_ERRORS.labels(operation).inc()
        raise


class Vault:
    def __init__(self, provider: KeyProvider, cache_size: int = 4096) -> None:
        self.provider = provider
        self._cache: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def new_data_key(self, person_id: uuid.UUID) -> tuple[DataKey, str, bytes]:
        key_id = uuid.uuid4()
        secret = new_data_key_secret()
        kek_id = self.provider.current_kek_id()
        wrapped = counted("wrap", self.provider.wrap, kek_id, secret, data_key_context(person_id, key_id))
        key = DataKey.from_secret(key_id, person_id, secret)
        self._remember(("dek", key_id, kek_id, wrapped), key)
        return key, kek_id, wrapped

    def data_key(self, person_id: uuid.UUID, key_id: uuid.UUID, kek_id: str, wrapped: bytes) -> DataKey:
        cache_key = ("dek", key_id, kek_id, wrapped)
        cached = self._recall(cache_key)
        if isinstance(cached, DataKey) and cached.person_id == person_id:
            return cached
        secret = counted("unwrap", self.provider.unwrap, kek_id, wrapped, data_key_context(person_id, key_id))
        key = DataKey.from_secret(key_id, person_id, secret)
        self._remember(cache_key, key)
        return key

    def rewrap(self, context: bytes, kek_id: str, wrapped: bytes, new_kek_id: str) -> bytes:
        secret = self.provider.unwrap(kek_id, wrapped, context)
        return self.provider.wrap(new_kek_id, secret, context)

    def wrap_secret(self, purpose: str, version: int, secret: bytes) -> tuple[str, bytes]:
        kek_id = self.provider.current_kek_id()
        return kek_id, self.provider.wrap(kek_id, secret, secret_context(purpose, version))

    def secret(self, purpose: str, version: int, kek_id: str, wrapped: bytes) -> bytes:
        cache_key = ("secret", purpose, version, kek_id, wrapped)
        cached = self._recall(cache_key)
        if isinstance(cached, bytes):
            return cached
        secret = counted("unwrap", self.provider.unwrap, kek_id, wrapped, secret_context(purpose, version))
        self._remember(cache_key, secret)
        return secret

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()

    def _recall(self, cache_key: tuple[object, ...]) -> object | None:
        with self._lock:
            value = self._cache.get(cache_key)
            if value is not None:
                self._cache.move_to_end(cache_key)
            return value

    def _remember(self, cache_key: tuple[object, ...], value: object) -> None:
        with self._lock:
            self._cache[cache_key] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
