"""Documents sealed in chunks under the data key of the case's person.

Each chunk is sealed on its own with its position and whether it is the last one in the associated
data, so chunks cannot be reordered, moved to another document, or cut off at the end unnoticed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.crypto.envelope import Place
from app.adapters.db.crypto_models import DocumentChunkRow, DocumentRow
from app.adapters.db.key_store import SqlKeyStore
from app.domain.categories import DataCategory
from app.domain.documents import Document, DocumentTooLarge, sniff_media_type

CHUNK_BYTES = 64 * 1024
_FLUSH_EVERY = 16


def _filename_place(document_id: uuid.UUID, person_id: uuid.UUID) -> Place:
    return Place("documents", "sealed_filename", document_id, person_id)


def _chunk_place(document_id: uuid.UUID, person_id: uuid.UUID, seq: int, last: bool) -> Place:
    position = uuid.uuid5(document_id, f"chunk/{seq}/{'last' if last else 'more'}")
    return Place("document_chunks", "sealed", position, person_id)


def rechunk(pieces: Iterable[bytes], size: int = CHUNK_BYTES) -> Iterator[tuple[bytes, bool]]:
    """Pieces of any size as chunks of `size` bytes, each with "is the last one"."""
    buffer = b""
    pending: bytes | None = None
    for piece in pieces:
        buffer += piece
        while len(buffer) >= size:
            if pending is not None:
                yield pending, False
            pending, buffer = buffer[:size], buffer[size:]
    if buffer:
        if pending is not None:
            yield pending, False
        pending = buffer
    if pending is not None:
        yield pending, True


class SqlDocumentRepository:
    def __init__(self, session: Session, keys: SqlKeyStore) -> None:
        self._session = session
        self._keys = keys

    def add(self, document: Document, filename: str, content: Iterable[bytes], max_bytes: int) -> Document:
        """Seal and store `content` chunk by chunk; checks the type on the first bytes and the size as
        it goes. Returns the document with its media type and size."""
        key = self._keys.data_key(document.person_id)
        row = DocumentRow(
            id=document.id,
            case_id=document.case_id,
            person_id=document.person_id,
            category=document.category.value,
            owner_institution_id=document.owner_institution_id,
            media_type="",
            size_bytes=0,
            chunk_count=0,
            sealed_filename=key.seal(_filename_place(document.id, document.person_id), filename.encode()),
            created_at=document.created_at,
            created_by=document.created_by,
        )
        self._session.add(row)
        self._session.flush()
        size = 0
        seq = 0
        for seq, (chunk, last) in enumerate(rechunk(content)):
            if seq == 0:
                row.media_type = sniff_media_type(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise DocumentTooLarge(
                    f"Das Dokument ist grösser als {max_bytes // (1024 * 1024)} MB.", "content"
                )
            place = _chunk_place(document.id, document.person_id, seq, last)
            self._session.add(
                DocumentChunkRow(document_id=document.id, seq=seq, sealed=key.seal(place, chunk))
            )
            if seq % _FLUSH_EVERY == _FLUSH_EVERY - 1:
                self._session.flush()  # keeps memory bounded: sealed chunks go to the database
        if size == 0:
            sniff_media_type(b"")  # an empty upload is no allowed type either
        row.size_bytes = size
        row.chunk_count = seq + 1
        self._session.flush()
        return self._document(row, filename)

    def get(self, document_id: uuid.UUID) -> Document | None:
        """The description without the file name: nothing is decrypted."""
        row = self._session.get(DocumentRow, document_id)
        return self._document(row) if row is not None else None

    def list_for_case(self, case_id: uuid.UUID) -> list[Document]:
        rows = self._session.scalars(
            select(DocumentRow)
            .where(DocumentRow.case_id == case_id)
            .order_by(DocumentRow.created_at, DocumentRow.id)
        )
        return [self._document(row) for row in rows]

    def filename(self, document: Document) -> str:
        row = self._session.get(DocumentRow, document.id)
        assert row is not None
        key = self._keys.data_key(document.person_id)
        return key.open(_filename_place(document.id, document.person_id), row.sealed_filename).decode()

    def content(self, document: Document) -> Iterator[bytes]:
        """The plaintext, chunk by chunk, each opened only when it is read."""
        row = self._session.get(DocumentRow, document.id)
        assert row is not None
        key = self._keys.data_key(document.person_id)
        for seq in range(row.chunk_count):
            sealed = self._session.scalar(
                select(DocumentChunkRow.sealed).where(
                    DocumentChunkRow.document_id == document.id, DocumentChunkRow.seq == seq
                )
            )
            place = _chunk_place(document.id, document.person_id, seq, seq == row.chunk_count - 1)
            yield key.open(place, sealed or b"")

    @staticmethod
    def _document(row: DocumentRow, filename: str | None = None) -> Document:
        return Document(
            id=row.id,
            case_id=row.case_id,
            person_id=row.person_id,
            category=DataCategory(row.category),
            owner_institution_id=row.owner_institution_id,
            media_type=row.media_type,
            size_bytes=row.size_bytes,
            created_at=row.created_at,
            created_by=row.created_by,
            filename=filename,
        )
