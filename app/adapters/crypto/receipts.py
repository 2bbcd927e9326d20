"""Deletion receipts: canonical JSON signed with the service's Ed25519 receipt key."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def canonical(statement: dict[str, Any]) -> str:
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def public_key_of(secret: bytes) -> str:
    raw = (
        Ed25519PrivateKey.from_private_bytes(secret).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode()


def sign(secret: bytes, body: str) -> str:
    return base64.b64encode(Ed25519PrivateKey.from_private_bytes(secret).sign(body.encode())).decode()


def verify(public_key: str, body: str, signature: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(signature), body.encode())
    except (InvalidSignature, ValueError):
        return False
    return True
