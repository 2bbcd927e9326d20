"""Supervisors: who of the own institution works on a case (assignments), and break-glass access."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.principal import Role
from app.entrypoints.web.case_pages import notice_of
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import (
    CHANGE_ERRORS,
    FormErrors,
    PageRefused,
    form_errors,
    read,
    refused,
    show,
)
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import assignments, break_glass

router = APIRouter(include_in_schema=False)


def _assignments_page(
    request: Request, web: WebUser, case_id: uuid.UUID, errors: FormErrors | None = None, status: int = 200
) -> Response:
    try:
        found = read(lambda: assignments.list_assignments(web.container.uow_factory(), web.ctx, case_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    with web.container.uow_factory() as uow:
        colleagues = [
            u
            for u in uow.users.list()
            if u.institution_id == web.user.institution_id and u.active and Role.CASEWORKER in u.roles
        ]
    by_id = {u.id: u for u in colleagues}
    assigned = {a.user_id for a in found}
    return show(
        request,
        web,
        "assignments.html",
        status,
        nav="faelle",
        case_id=case_id,
        assignments=found,
        users=by_id,
        candidates=[u for u in colleagues if u.id not in assigned],
        errors=errors or FormErrors(),
        notice=notice_of(request),
    )


@router.get("/faelle/{case_id}/zuteilung")
def case_assignments(request: Request, web: SignedIn, case_id: uuid.UUID) -> Response:
    return _assignments_page(request, web, case_id)


@router.post("/faelle/{case_id}/zuteilung")
def assign(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    user_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        chosen = uuid.UUID(user_id)
    except ValueError:
        return _assignments_page(
            request, web, case_id, FormErrors({"person": "Bitte eine Person wählen."}), 422
        )
    try:
        assignments.assign_caseworker(web.container.uow_factory(), web.ctx, case_id, chosen)
    except CHANGE_ERRORS as exc:
        return _assignments_page(request, web, case_id, form_errors(exc, {"user_id": "person"}), 422)
    return redirect(f"/faelle/{case_id}/zuteilung?ok=zugeteilt")


@router.post("/faelle/{case_id}/zuteilung/{user_id}/aufheben")
def unassign(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    user_id: uuid.UUID,
) -> Response:
    try:
        assignments.unassign_caseworker(web.container.uow_factory(), web.ctx, case_id, user_id)
    except CHANGE_ERRORS as exc:
        return _assignments_page(request, web, case_id, form_errors(exc, {}), 422)
    return redirect(f"/faelle/{case_id}/zuteilung?ok=aufgehoben")


@router.post("/faelle/{case_id}/notfallzugriff")
def open_break_glass(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        break_glass.open_break_glass(web.container.uow_factory(), web.ctx, case_id, reason)
    except CHANGE_ERRORS as exc:
        return _assignments_page(request, web, case_id, form_errors(exc, {"reason": "notfallgrund"}), 422)
    return redirect(f"/faelle/{case_id}?ok=notfall")
