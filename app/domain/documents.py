"""Documents (attachments) on a case: allowed types, recognised by their content, not their name."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import InvalidValue

# Magic numbers of the allowed types. The declared type and the file name are not trusted.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
SNIFF_BYTES = max(len(magic) for magic, _ in SIGNATURES)
MAX_FILENAME_LENGTH = 200


class DocumentRejected(InvalidValue):
    title = "Dokument abgelehnt"


class DocumentTooLarge(InvalidValue):
    title = "Dokument zu gross"


def recognised_media_type(head: bytes) -> str | None:
    """The allowed media type the first bytes show (documents and consent forms alike), or None."""
    return next((media_type for magic, media_type in SIGNATURES if head.startswith(magic)), None)


def sniff_media_type(head: bytes) -> str:
    """The media type recognised from the first bytes; anything else is refused."""
    media_type = recognised_media_type(head)
    if media_type is None:
        raise DocumentRejected("Erlaubt sind nur PDF-, PNG- und JPEG-Dateien.", "content")
    return media_type


def check_filename(filename: str) -> str:
    name = filename.strip()
    if (
        not name
        or len(name) > MAX_FILENAME_LENGTH
        or any(ch in name for ch in "/\\")
        or not name.isprintable()
    ):
        raise InvalidValue("Der Dateiname ist ungültig.", "filename")
    return name


def check_category(category: DataCategory) -> DataCategory:
    if category not in CONTENT_CATEGORIES:
        raise InvalidValue(
            "Dokumente gehören zu einer Inhaltskategorie, nicht zu den Stammdaten.", "category"
        )
    return category


@dataclass(frozen=True)
class Document:
    """A stored document's description. `filename` is None when it was not decrypted."""

    id: uuid.UUID
    case_id: uuid.UUID
    person_id: uuid.UUID
    category: DataCategory
    owner_institution_id: uuid.UUID
    media_type: str
    size_bytes: int
    created_at: datetime
    created_by: uuid.UUID
    filename: str | None = None
