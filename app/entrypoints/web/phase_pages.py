"""The lead institution moves its case on: it ends the intake, and archives a closed case."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.entrypoints.web.case_pages import _uow, case_page
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import CHANGE_ERRORS, form_errors
from app.entrypoints.web.versions import VersionField, rendered_version
from app.entrypoints.web.web_auth import SignedInForm, WebUser
from app.services import closure, segmentation

router = APIRouter(include_in_schema=False)


def _move_on(
    request: Request,
    web: WebUser,
    case_id: uuid.UUID,
    version: str,
    use_case: Callable[..., Any],
    done: str,
) -> Response:
    try:
        use_case(_uow(web), web.ctx, case_id, rendered_version(version))
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"segment": "segment"})
        return case_page(request, web, case_id, errors=errors, status=422)
    return redirect(f"/faelle/{case_id}?ok={done}")


@router.post("/faelle/{case_id}/aktivieren")
def end_intake(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    version: VersionField = "",
) -> Response:
    return _move_on(request, web, case_id, version, segmentation.activate_case, "aktiviert")


@router.post("/faelle/{case_id}/archivieren")
def archive(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    version: VersionField = "",
) -> Response:
    return _move_on(request, web, case_id, version, closure.archive_case, "archiviert")
