"""Secrets the service must read back (TOTP seeds, webhook signing keys), sealed directly under the KEK.

Each is AES-GCM-wrapped by the key provider like a data key, bound by associated data to its kind and
its row: a sealed value copied into another row does not open. `cockpit keys rotate-kek` re-wraps
them (app/adapters/sealed_columns.py lists where they live).
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from app.adapters.crypto.providers import KeyProvider


class SecretKind(StrEnum):
    TOTP = "totp"
    WEBHOOK = "webhook"
    PENDING_FORM = "pending_form"  # a form kept across a session timeout (JSON)
    ANOMALY_NOTE = "anomaly_note"  # the DPO's note on an anomaly


def sealed_secret_context(kind: SecretKind | str, row_id: uuid.UUID) -> bytes:
    return b"cockpit-sealed-secret/v1/" + str(kind).encode() + b"/" + row_id.bytes


def seal_secret(provider: KeyProvider, kind: SecretKind, row_id: uuid.UUID, secret: str) -> tuple[str, bytes]:
    """(kek id, sealed bytes) of a secret."""
    kek_id = provider.current_kek_id()
    return kek_id, provider.wrap(kek_id, secret.encode("utf-8"), sealed_secret_context(kind, row_id))


def open_secret(
    provider: KeyProvider, kind: SecretKind, row_id: uuid.UUID, kek_id: str, sealed: bytes
) -> str:
    return provider.unwrap(kek_id, sealed, sealed_secret_context(kind, row_id)).decode("utf-8")
