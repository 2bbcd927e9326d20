"""Documents: streamed in and out, type checked by content, sealed at rest, read through the policy."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from app.adapters.crypto.envelope import DecryptionRefused
from app.adapters.db.crypto_models import DocumentChunkRow, DocumentRow
from app.adapters.db.document_repository import CHUNK_BYTES
from app.adapters.db.engine import make_session_factory
from app.bootstrap import Container
from app.entrypoints.api.app import create_app
from app.services.ports import UnitOfWork
from tests.api_helpers import Api
from tests.audit_log import audit_events

PDF = b"%PDF-1.7\n" + b"Arztbericht: Arbeitsfaehigkeit 50 Prozent. " * 40 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _upload(api: Api, case_id: str, content: bytes, user: str = "sd", **params: str) -> object:
    query = {"category": "gesundheit", "filename": "arztbericht.pdf", **params}
    return api.client.post(
        f"/api/v1/cases/{case_id}/documents",
        params=query,
        content=content,
        headers={**api.headers(user), "Content-Type": "application/octet-stream"},
    )


def test_upload_list_and_download_round_trip(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    response = _upload(api, case["id"], PDF)
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    stored = response.json()  # type: ignore[attr-defined]
    assert (stored["media_type"], stored["size_bytes"], stored["filename"]) == (
        "application/pdf",
        len(PDF),
        "arztbericht.pdf",
    )
    listed = api.client.get(f"/api/v1/cases/{case['id']}/documents", headers=api.headers("sd")).json()
    assert [d["id"] for d in listed["items"]] == [stored["id"]]
    download = api.client.get(
        f"/api/v1/cases/{case['id']}/documents/{stored['id']}", headers=api.headers("sd")
    )
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    operations = [(e.operation, e.action, e.outcome) for e in audit_events(engine)[-3:]]
    assert operations == [
        ("documents.store", "create", "allowed"),
        ("documents.list", "read", "allowed"),
        ("documents.read", "read", "allowed"),
    ]
    assert str(audit_events(engine)[-1].record_ids[0]) == stored["id"]


def test_another_institution_neither_lists_nor_reads_a_withheld_document(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    api.add_participant(case["id"], api.world.rav.id)
    stored = _upload(api, case["id"], PDF).json()  # type: ignore[attr-defined]
    _upload(api, case["id"], PNG, user="rav", category="arbeitsmarkt", filename="zeugnis.png")

    listed = api.client.get(f"/api/v1/cases/{case['id']}/documents", headers=api.headers("rav")).json()
    assert [d["filename"] for d in listed["items"]] == ["zeugnis.png"]
    assert audit_events(engine)[-1].withheld_categories == ["gesundheit"]
    download = api.client.get(
        f"/api/v1/cases/{case['id']}/documents/{stored['id']}", headers=api.headers("rav")
    )
    assert download.status_code == 404
    assert (audit_events(engine)[-1].operation, audit_events(engine)[-1].outcome) == (
        "documents.read",
        "denied",
    )
    outsider = api.client.get(f"/api/v1/cases/{case['id']}/documents", headers=api.headers("olten"))
    assert outsider.status_code == 404


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00 not a pdf", b"<html>%PDF-</html>", b"", b"GIF89a......"],
    ids=["executable", "html with a pdf marker inside", "empty", "gif"],
)
def test_only_pdf_png_and_jpeg_by_content_are_accepted(api: Api, content: bytes) -> None:
    case = api.open_case("sd")
    response = _upload(api, case["id"], content)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["detail"] == "Erlaubt sind nur PDF-, PNG- und JPEG-Dateien."  # type: ignore[attr-defined]


def test_stammdaten_is_no_document_category(api: Api) -> None:
    case = api.open_case("sd")
    assert _upload(api, case["id"], PDF, category="stammdaten").status_code == 422  # type: ignore[attr-defined]


def test_a_large_document_streams_in_chunks_and_back(api: Api, engine: Engine) -> None:
    case = api.open_case("sd")
    content = b"\xff\xd8\xff\xe0" + uuid.uuid4().bytes * (3 * 1024 * 1024 // 16)  # ~3 MB JPEG-like
    stored = _upload(api, case["id"], content, filename="scan.jpg").json()  # type: ignore[attr-defined]
    with make_session_factory(engine)() as session:
        chunks = session.scalars(
            select(DocumentChunkRow.seq).where(DocumentChunkRow.document_id == uuid.UUID(stored["id"]))
        ).all()
    assert len(chunks) == -(-len(content) // CHUNK_BYTES)
    download = api.client.get(
        f"/api/v1/cases/{case['id']}/documents/{stored['id']}", headers=api.headers("sd")
    )
    assert download.content == content


def test_the_size_limit_is_enforced_while_streaming(api: Api, container: Container, engine: Engine) -> None:
    small = dataclasses.replace(
        container, settings=container.settings.model_copy(update={"document_max_bytes": 100_000})
    )
    case = api.open_case("sd")
    with TestClient(create_app(small.settings, small), raise_server_exceptions=False) as client:
        response = client.post(
            f"/api/v1/cases/{case['id']}/documents",
            params={"category": "gesundheit", "filename": "gross.pdf"},
            content=PDF * 200,
            headers=api.headers("sd"),
        )
    assert response.status_code == 413
    with make_session_factory(engine)() as session:
        assert session.scalar(select(DocumentRow.id)) is None  # nothing half-written


def test_reordered_or_cut_off_chunks_are_refused(
    api: Api, engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    case = api.open_case("sd")
    content = b"%PDF-" + b"x" * (3 * CHUNK_BYTES)
    document_id = uuid.UUID(_upload(api, case["id"], content).json()["id"])  # type: ignore[attr-defined]
    session_factory = make_session_factory(engine)
    with session_factory() as session:
        first, second = (
            session.scalar(select(DocumentChunkRow.sealed).where(DocumentChunkRow.seq == seq))
            for seq in (0, 1)
        )
        session.execute(update(DocumentChunkRow).where(DocumentChunkRow.seq == 0).values(sealed=second))
        session.execute(update(DocumentChunkRow).where(DocumentChunkRow.seq == 1).values(sealed=first))
        session.commit()
    with uow_factory() as uow:
        document = uow.documents.get(document_id)
        assert document is not None
        with pytest.raises(DecryptionRefused):
            list(uow.documents.content(document))
    with session_factory() as session:  # put them back, then cut off the last chunk
        session.execute(update(DocumentChunkRow).where(DocumentChunkRow.seq == 0).values(sealed=first))
        session.execute(update(DocumentChunkRow).where(DocumentChunkRow.seq == 1).values(sealed=second))
        session.execute(update(DocumentRow).values(chunk_count=DocumentRow.chunk_count - 1))
        session.commit()
    with uow_factory() as uow:
        document = uow.documents.get(document_id)
        assert document is not None
        with pytest.raises(DecryptionRefused):
            list(uow.documents.content(document))
