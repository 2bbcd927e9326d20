"""Documents on a case: streamed upload and download, sealed at rest."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse

from app.domain.categories import DataCategory
from app.domain.documents import Document
from app.entrypoints.api.deps import Context, Uow
from app.entrypoints.api.upload_staging import UploadSlots, pieces, stage
from app.entrypoints.api.v1.responses import json_response, problems
from app.entrypoints.api.v1.schemas.common import Out
from app.services import documents

router = APIRouter(prefix="/cases/{case_id}/documents", tags=["Dokumente"])

# The framework's cut-off for this route; the configured limit (COCKPIT_DOCUMENT_MAX_BYTES) is
# enforced while the upload streams in.
UPLOAD_BACKSTOP = 100 * 1024 * 1024 + 1024


class DocumentOut(Out):
    id: uuid.UUID
    category: DataCategory
    filename: str
    media_type: str
    size_bytes: int
    owner_institution_id: uuid.UUID
    created_at: datetime


class DocumentListOut(Out):
    items: list[DocumentOut]


def _out(document: Document) -> DocumentOut:
    return DocumentOut(
        id=document.id,
        category=document.category,
        filename=document.filename or "",
        media_type=document.media_type,
        size_bytes=document.size_bytes,
        owner_institution_id=document.owner_institution_id,
        created_at=document.created_at,
    )


def _upload_slots(request: Request) -> UploadSlots:
    slots = getattr(request.app.state, "upload_slots", None)
    if slots is None:
        settings = request.app.state.container.settings
        slots = request.app.state.upload_slots = UploadSlots(settings.uploads_per_client)
    return slots


@router.post(
    "",
    status_code=201,
    response_model=DocumentOut,
    responses=problems(404, 408, 413, 422, 429),
    max_body_size=UPLOAD_BACKSTOP,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("application/pdf", "image/png", "image/jpeg", "application/octet-stream")
            },
        }
    },
)
async def upload_document(
    case_id: uuid.UUID,
    request: Request,
    uow: Uow,
    ctx: Context,
    category: Annotated[DataCategory, Query(description="Datenkategorie des Dokuments")],
    filename: Annotated[str, Query(min_length=1, max_length=200, description="Dateiname")],
) -> JSONResponse:
    """Ein Dokument (PDF, PNG oder JPEG, am Inhalt erkannt) als Rohdaten im Body hochladen."""
    settings = request.app.state.container.settings
    # The body arrives in full before the use case opens its transaction (upload_staging.py).
    async with _upload_slots(request).slot(str(ctx.principal.id), settings.retry_after_seconds):
        staged = await stage(
            request.stream(),
            settings.document_max_bytes,
            settings.upload_idle_timeout_seconds,
            settings.upload_total_timeout_seconds,
            settings.upload_staging_dir,
        )
    with staged:
        stored = await run_in_threadpool(
            documents.store_document,
            uow,
            ctx,
            case_id,
            category,
            filename,
            pieces(staged),
            settings.document_max_bytes,
        )
    return json_response(
        _out(stored), status_code=201, location=f"/api/v1/cases/{case_id}/documents/{stored.id}"
    )


@router.get("", response_model=DocumentListOut, responses=problems(404))
def list_documents(case_id: uuid.UUID, uow: Uow, ctx: Context) -> JSONResponse:
    """Die Dokumente des Falls, die Ihre Stelle sehen darf; andere fehlen in der Liste."""
    listed = documents.list_documents(uow, ctx, case_id)
    return json_response(DocumentListOut(items=[_out(d) for d in listed.documents]))


@router.get(
    "/{document_id}",
    responses={200: {"content": {"application/octet-stream": {}}}, **problems(404, 410)},
    response_class=StreamingResponse,
)
def download_document(
    case_id: uuid.UUID, document_id: uuid.UUID, uow: Uow, ctx: Context
) -> StreamingResponse:
    """Ein Dokument herunterladen (gestreamt, beim Lesen entschlüsselt)."""
    document, content = documents.open_document(uow, ctx, case_id, document_id)
    disposition = f"attachment; filename*=UTF-8''{quote(document.filename or 'dokument')}"
    return StreamingResponse(
        content,
        media_type=document.media_type,
        headers={"Content-Disposition": disposition, "Content-Length": str(document.size_bytes)},
    )
