"""Documents of a case in the thin client: list what the user may see, upload (PDF, PNG, JPEG), download.

The upload is fully received (spooled by the form parser) before the use case opens its transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from app.domain.categories import DataCategory
from app.entrypoints.web.case_pages import _uow, case_page
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import CHANGE_ERRORS, FormErrors, PageRefused, form_errors, read, refused
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import documents

router = APIRouter(include_in_schema=False)
_CHUNK = 64 * 1024


def _documents_page(
    request: Request, web: WebUser, case_id: uuid.UUID, errors: FormErrors | None = None, status: int = 200
) -> Response:
    try:
        listed = read(lambda: documents.list_documents(_uow(web), web.ctx, case_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    return case_page(
        request,
        web,
        case_id,
        "documents.html",
        errors=errors,
        status=status,
        part="dokumente",
        documents=sorted(listed.documents, key=lambda d: d.created_at, reverse=True),
        withheld_documents=sorted(listed.withheld, key=list(DataCategory).index),
    )


@router.get("/faelle/{case_id}/dokumente")
def documents_of_case(request: Request, web: SignedIn, case_id: uuid.UUID) -> Response:
    return _documents_page(request, web, case_id)


def _chunks(upload: UploadFile) -> Iterator[bytes]:
    while piece := upload.file.read(_CHUNK):
        yield piece


@router.post("/faelle/{case_id}/dokumente")
def upload_document(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    datei: Annotated[UploadFile, File()],
    category: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    if category not in {c.value for c in DataCategory}:
        return _documents_page(
            request, web, case_id, FormErrors({"d-kategorie": "Bitte eine Kategorie wählen."}), 422
        )
    try:
        documents.store_document(
            _uow(web),
            web.ctx,
            case_id,
            DataCategory(category),
            datei.filename or "",
            _chunks(datei),
            web.container.settings.document_max_bytes,
        )
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"filename": "d-datei", "content": "d-datei", "category": "d-kategorie"})
        return _documents_page(request, web, case_id, errors, 422)
    return redirect(f"/faelle/{case_id}/dokumente?ok=dokument")


@router.get("/faelle/{case_id}/dokumente/{document_id}")
def download(request: Request, web: SignedIn, case_id: uuid.UUID, document_id: uuid.UUID) -> Response:
    try:
        document, content = read(lambda: documents.open_document(_uow(web), web.ctx, case_id, document_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    return StreamingResponse(
        content,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.filename or 'dokument')}",
            "Content-Length": str(document.size_bytes),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
