"""The service's token signing keys: a directory of private JWKs, one of them active.

The active key signs; every key still in the directory verifies and is published in the JWKS, so a
rotation does not break tokens issued a moment before it. Retiring a key removes it.
Keys created automatically for development carry the kid prefix `dev-`; production refuses them.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey

SIGNING_ALGORITHM = "ES256"  # pinned: the only algorithm we sign with and accept on our tokens
_CURVE = "P-256"
_ACTIVE = "active"
DEV_PREFIX = "dev-"
_SUFFIX = ".jwk.json"


class SigningKeyError(Exception):
    """The key directory is unusable; the message is German and meant for the operator."""


class SigningKeyStore:
    def __init__(self, directory: Path, *, create_dev_key: bool = False) -> None:
        self.directory = directory
        self.create_dev_key = create_dev_key  # dev and test: a key is made on first use
        self._parsed: tuple[tuple[str, ...], dict[str, ECKey]] | None = None

    # -- reading ------------------------------------------------------------------------------------

    def by_kid(self) -> dict[str, ECKey]:
        """Every key in the directory, parsed once per set of key files: a rotation or a retirement
        (also by `cockpit keys` in another process) adds or removes a file named after its kid, and a
        key file is never rewritten, so each token check lists the directory instead of parsing it."""
        try:
            names = tuple(sorted(name for name in os.listdir(self.directory) if name.endswith(_SUFFIX)))
        except (FileNotFoundError, NotADirectoryError):
            return {}
        if self._parsed is not None and self._parsed[0] == names:
            return dict(self._parsed[1])
        found = self._parse()
        self._parsed = (names, found)
        return dict(found)

    def _parse(self) -> dict[str, ECKey]:
        found: dict[str, ECKey] = {}
        for path in sorted(self.directory.glob("*" + _SUFFIX)):
            data = json.loads(path.read_text(encoding="utf-8"))
            key = ECKey.import_key(data)
            if key.kid is None or key.curve_name != _CURVE:
                raise SigningKeyError(f"Signaturschlüssel {path.name} ist kein {_CURVE}-Schlüssel mit kid.")
            found[key.kid] = key
        return found

    def active_kid(self) -> str | None:
        marker = self.directory / _ACTIVE
        return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None

    def active_key(self) -> ECKey:
        if self.create_dev_key:
            self.ensure_dev_key()
        kid = self.active_kid()
        keys = self.by_kid()
        if kid is None or kid not in keys:
            raise SigningKeyError("Kein aktiver Signaturschlüssel vorhanden.")
        return keys[kid]

    def jwks(self) -> dict[str, Any]:
        if self.create_dev_key:
            self.ensure_dev_key()
        return {
            "keys": [
                {**key.as_dict(private=False), "use": "sig", "alg": SIGNING_ALGORITHM}
                for key in self.by_kid().values()
            ]
        }

    def has_dev_keys(self) -> bool:
        return any(kid.startswith(DEV_PREFIX) for kid in self.by_kid())

    # -- changing -----------------------------------------------------------------------------------

    def rotate(self, *, dev: bool = False) -> str:
        """Create a new key and make it the active one; the previous keys keep verifying."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%d")
        kid = f"{DEV_PREFIX if dev else ''}{stamp}-{secrets.token_hex(4)}"
        key = ECKey.generate_key(_CURVE, parameters={"kid": kid}, private=True)
        _write_private(self.directory / f"{kid}{_SUFFIX}", json.dumps(key.as_dict(private=True)))
        _write_private(self.directory / _ACTIVE, kid)
        return kid

    def retire(self, kid: str) -> None:
        if kid == self.active_kid():
            raise SigningKeyError("Der aktive Schlüssel kann nicht zurückgezogen werden; zuerst rotieren.")
        path = self.directory / f"{kid}{_SUFFIX}"
        if kid not in self.by_kid():
            raise SigningKeyError("Unbekannte Schlüssel-ID.")
        path.unlink()

    def ensure_dev_key(self) -> None:
        """In dev and test: create a key on first use, so `make run` works without setup."""
        kid = self.active_kid()
        if kid is None or kid not in self.by_kid():
            self.rotate(dev=True)


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
