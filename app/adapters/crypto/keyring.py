"""The local keyring: KEKs in a JSON file readable by the service user only (mode 0600).

The embedded default for development and small installations. `wrap` is AES-256-GCM under the KEK
with a random nonce; the file never leaves the host, the database never holds a KEK.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import threading
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.adapters.crypto.providers import KeyProviderError

_FORMAT = 1
_NONCE = 12


class LocalKeyring:
    """KEKs by id; `path=None` keeps them in memory only (tests, benchmarks)."""

    def __init__(self, path: Path | None, keks: dict[str, bytes], current: str) -> None:
        self._path = path
        self._keks = dict(keks)
        self._current = current
        self._aeads = {kek_id: AESGCM(key) for kek_id, key in keks.items()}
        self._lock = threading.Lock()
        self._loaded_mtime = self._mtime()

    @classmethod
    def in_memory(cls) -> LocalKeyring:
        kek_id, key = _new_kek()
        return cls(None, {kek_id: key}, kek_id)

    @classmethod
    def open(cls, path: Path, *, create: bool) -> LocalKeyring:
        """Load the keyring; create it (mode 0600) when it is missing and `create` is true."""
        if not path.exists():
            if not create:
                raise KeyProviderError(f"Schlüsselbund fehlt: {path}")
            kek_id, key = _new_kek()
            keyring = cls(path, {kek_id: key}, kek_id)
            keyring._save()
            return keyring
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyProviderError(
                f"Schlüsselbund {path} ist für andere lesbar (Modus {mode:o}, verlangt 600)."
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            keks = {kek_id: base64.b64decode(value) for kek_id, value in data["keks"].items()}
            current = data["current"]
        except (ValueError, KeyError, TypeError) as error:
            raise KeyProviderError(f"Schlüsselbund {path} ist nicht lesbar.") from error
        if data.get("format") != _FORMAT or current not in keks:
            raise KeyProviderError(f"Schlüsselbund {path} hat ein unbekanntes Format.")
        return cls(path, keks, current)

    def current_kek_id(self) -> str:
        self._refresh()  # another process (`cockpit keys rotate-kek`) may have added a KEK
        return self._current

    def kek_ids(self) -> list[str]:
        return list(self._keks)

    def create_kek(self) -> str:
        with self._lock:
            kek_id, key = _new_kek()
            self._keks[kek_id] = key
            self._aeads[kek_id] = AESGCM(key)
            previous = self._current
            self._current = kek_id
            try:
                self._save()
            except OSError:
                self._current = previous
                raise
            return kek_id

    def destroy_kek(self, kek_id: str) -> None:
        self._refresh()
        with self._lock:
            if kek_id == self._current:
                raise KeyProviderError("Der aktuelle KEK kann nicht entfernt werden.")
            if kek_id not in self._keks:
                raise KeyProviderError(f"Unbekannter Schlüssel {kek_id}.")
            removed = self._keks.pop(kek_id)
            aead = self._aeads.pop(kek_id)
            try:
                self._save()
            except OSError:
                self._keks[kek_id], self._aeads[kek_id] = removed, aead
                raise
            self._loaded_mtime = self._mtime()

    def wrap(self, kek_id: str, secret: bytes, context: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead(kek_id).encrypt(nonce, secret, context)

    def unwrap(self, kek_id: str, wrapped: bytes, context: bytes) -> bytes:
        try:
            return self._aead(kek_id).decrypt(wrapped[:_NONCE], wrapped[_NONCE:], context)
        except InvalidTag:
            raise KeyProviderError("Datenschlüssel lässt sich nicht entpacken.") from None

    def _aead(self, kek_id: str) -> AESGCM:
        aead = self._aeads.get(kek_id)
        if aead is None:
            self._refresh()
            aead = self._aeads.get(kek_id)
        if aead is None:
            raise KeyProviderError(f"Unbekannter Schlüssel {kek_id}.")
        return aead

    def _mtime(self) -> int | None:
        try:
            return self._path.stat().st_mtime_ns if self._path is not None else None
        except OSError:
            return None

    def _refresh(self) -> None:
        if self._path is None or self._mtime() == self._loaded_mtime:
            return
        fresh = LocalKeyring.open(self._path, create=False)
        with self._lock:
            self._keks.update(fresh._keks)
            self._aeads.update(fresh._aeads)
            self._current = fresh._current
            self._loaded_mtime = fresh._loaded_mtime

    def _save(self) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        body = json.dumps(
            {
                "format": _FORMAT,
                "current": self._current,
                "keks": {kek_id: base64.b64encode(key).decode() for kek_id, key in self._keks.items()},
            },
            indent=2,
        )
        temporary = self._path.with_name(self._path.name + f".{secrets.token_hex(4)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._path)
        self._loaded_mtime = self._mtime()


def _new_kek() -> tuple[str, bytes]:
    return f"kek-{secrets.token_hex(8)}", AESGCM.generate_key(bit_length=256)
