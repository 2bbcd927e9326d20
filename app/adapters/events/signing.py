"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", sent with the timestamp.

A receiver recomputes the signature with its secret, refuses timestamps outside the tolerance
window (a captured request cannot be replayed later) and drops event ids it has seen (a request
replayed inside the window, or a redelivery after a crash, is processed once).
"""

from __future__ import annotations

import hashlib
import hmac

EVENT_ID_HEADER = "Cockpit-Event-Id"
TIMESTAMP_HEADER = "Cockpit-Timestamp"
SIGNATURE_HEADER = "Cockpit-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)
