"""KEKs in a hardware security module through PKCS#11 (python-pkcs11; tested against SoftHSM2).

Each KEK is a non-extractable AES-256 key on the token, labelled `cockpit-kek-<time>-<random>`; the
newest label is the current KEK. Wrapping is AES-GCM inside the HSM with a random nonce and the
caller's context as associated data, so a KEK never leaves the token.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from typing import Any

from app.adapters.crypto.providers import KeyProviderError

LABEL_PREFIX = "cockpit-kek-"
_NONCE = 12


class Pkcs11Provider:
    def __init__(self, library: str, token_label: str, pin: str) -> None:
        try:
            import pkcs11
        except ImportError as error:  # pragma: no cover - the dependency is pinned
            raise KeyProviderError("python-pkcs11 ist nicht installiert.") from error
        self._pkcs11 = pkcs11
        try:
            token = pkcs11.lib(library).get_token(token_label=token_label)
            try:
                self._session = token.open(user_pin=pin, rw=True)
            except pkcs11.UserAlreadyLoggedIn:
                # Login is per process and token: another session of this process holds it.
                self._session = token.open(rw=True)
        except (pkcs11.PKCS11Error, RuntimeError) as error:
            raise KeyProviderError(f"PKCS#11-Token {token_label!r} nicht erreichbar.") from error
        self._lock = threading.Lock()
        self._keys: dict[str, Any] = {}
        if not self._labels():
            self.create_kek()

    def close(self) -> None:
        with self._lock:
            self._session.close()

    def current_kek_id(self) -> str:
        labels = self._labels()
        if not labels:
            raise KeyProviderError("Kein KEK auf dem PKCS#11-Token.")
        return max(labels)

    def create_kek(self) -> str:
        from pkcs11 import Attribute, KeyType

        label = f"{LABEL_PREFIX}{datetime.now(UTC):%Y%m%d%H%M%S%f}-{os.urandom(4).hex()}"
        with self._lock:
            self._keys[label] = self._session.generate_key(
                KeyType.AES,
                256,
                label=label,
                store=True,
                template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
            )
        return label

    def destroy_kek(self, kek_id: str) -> None:
        if kek_id == self.current_kek_id():
            raise KeyProviderError("Der aktuelle KEK kann nicht entfernt werden.")
        key = self._key(kek_id)
        with self._lock:
            key.destroy()
            self._keys.pop(kek_id, None)

    def wrap(self, kek_id: str, secret: bytes, context: bytes) -> bytes:
        from pkcs11 import GCMParams, Mechanism

        nonce = os.urandom(_NONCE)
        key = self._key(kek_id)
        with self._lock:
            sealed = key.encrypt(
                secret, mechanism=Mechanism.AES_GCM, mechanism_param=GCMParams(nonce, context)
            )
        return nonce + bytes(sealed)

    def unwrap(self, kek_id: str, wrapped: bytes, context: bytes) -> bytes:
        from pkcs11 import GCMParams, Mechanism

        key = self._key(kek_id)
        try:
            with self._lock:
                return bytes(
                    key.decrypt(
                        wrapped[_NONCE:],
                        mechanism=Mechanism.AES_GCM,
                        mechanism_param=GCMParams(wrapped[:_NONCE], context),
                    )
                )
        except self._pkcs11.PKCS11Error:
            raise KeyProviderError("Datenschlüssel lässt sich nicht entpacken.") from None

    def _labels(self) -> list[str]:
        from pkcs11 import Attribute, KeyType, ObjectClass

        with self._lock:
            found = self._session.get_objects(
                {Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.AES}
            )
            labels = [str(o[Attribute.LABEL]) for o in found]
        return [label for label in labels if label.startswith(LABEL_PREFIX)]

    def _key(self, kek_id: str) -> Any:
        key = self._keys.get(kek_id)
        if key is not None:
            return key
        from pkcs11 import KeyType, ObjectClass

        try:
            with self._lock:
                key = self._session.get_key(
                    object_class=ObjectClass.SECRET_KEY, key_type=KeyType.AES, label=kek_id
                )
        except (self._pkcs11.NoSuchKey, self._pkcs11.MultipleObjectsReturned):
            raise KeyProviderError(f"Unbekannter Schlüssel {kek_id}.") from None
        self._keys[kek_id] = key
        return key
