"""The Ed25519 key that signs audit checkpoints, kept in a PEM file outside the database.

A database administrator who rewrites the log cannot produce a matching checkpoint without this key;
in production it belongs on a separate volume or an HSM (the file is read once at start-up).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.domain.audit_chain.checkpoint import Checkpoint, key_id


class MissingSigningKey(RuntimeError):
    pass


class CheckpointSigner:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public_key = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.key_id = key_id(self.public_key)

    def sign(self, checkpoint: Checkpoint) -> Checkpoint:
        unsigned = replace(checkpoint, key_id=self.key_id, signature=b"")
        return replace(unsigned, signature=self._private_key.sign(unsigned.signed_body()))

    def public_key_pem(self) -> str:
        return public_key_pem(self.public_key)


def public_key_pem(raw: bytes) -> str:
    return (
        Ed25519PublicKey.from_public_bytes(raw)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_public_key(path: Path) -> bytes:
    """A PEM public key (as `cockpit audit public-key` prints it) or a PEM private key."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        private = serialization.load_pem_private_key(data, password=None)
        assert isinstance(private, Ed25519PrivateKey)
        return CheckpointSigner(private).public_key
    public = serialization.load_pem_public_key(data)
    if not isinstance(public, Ed25519PublicKey):
        raise ValueError("kein Ed25519-Schlüssel")
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_signer(path: Path, *, create_if_missing: bool) -> CheckpointSigner:
    if not path.exists():
        if not create_if_missing:
            raise MissingSigningKey(f"Signaturschlüssel für Checkpoints fehlt: {path}")
        _create(path)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise MissingSigningKey(f"{path} enthält keinen Ed25519-Schlüssel")
    return CheckpointSigner(private)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    try:
        os.link(temporary, path)  # atomic; a key another process created first wins
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
