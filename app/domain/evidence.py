"""The signed consent form: accepted only as PDF, PNG or JPEG, recognised by content, not by name."""

from __future__ import annotations

import hashlib

from app.domain.documents import recognised_media_type
from app.domain.errors import InvalidValue

DEFAULT_MAX_BYTES = 512 * 1024  # base64 in a JSON body of at most 1 MB


def check_evidence_file(content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """(media type, SHA-256 hex) of an acceptable form; InvalidValue otherwise."""
    if not content:
        raise InvalidValue("Das unterschriebene Formular fehlt.", "evidence.file")
    if len(content) > max_bytes:
        raise InvalidValue(f"Das Formular ist zu gross (höchstens {max_bytes // 1024} KiB).", "evidence.file")
    media_type = recognised_media_type(content)
    if media_type is None:
        raise InvalidValue("Das Formular muss ein PDF, PNG oder JPEG sein.", "evidence.file")
    return media_type, hashlib.sha256(content).hexdigest()
