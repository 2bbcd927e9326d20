"""Pages of the IIZ process: the Pendenzen (with the invitations to answer) and the invitation answers."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.pendenzen import Involvement, PendenzenRules, PendenzKind
from app.entrypoints.web.case_pages import notice_of
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import (
    CHANGE_ERRORS,
    FormErrors,
    PageRefused,
    form_errors,
    institution_names,
    read,
    refused,
    show,
)
from app.entrypoints.web.web_auth import SignedIn, WebUser
from app.services import invitations
from app.services.access_grants import sees_all_institution_cases
from app.services.pendenzen import Scope, list_pendenzen

router = APIRouter(include_in_schema=False)
CATEGORY_CHOICES = sorted(CONTENT_CATEGORIES, key=lambda c: c.label)
NOTICES = {
    "angenommen": "Die Einladung ist angenommen.",
    "abgelehnt": "Die Einladung ist abgelehnt; die Begründung ist festgehalten.",
}


def _rules(web: WebUser) -> PendenzenRules:
    settings = web.container.settings
    return PendenzenRules(
        settings.pendenzen_preview_days, settings.intake_segment_due_days, settings.pendenzen_escalation_days
    )


def _pendenzen_page(
    request: Request, web: WebUser, scope: Scope, errors: FormErrors | None = None, status: int = 200
) -> Response:
    rules = _rules(web)
    try:
        entries = read(lambda: list_pendenzen(web.container.uow_factory(), web.ctx, scope, rules))
    except PageRefused as exc:
        return refused(request, web, exc)
    to_answer = [
        e
        for e in entries
        if e.pendenz.kind is PendenzKind.INVITATION and e.pendenz.involvement is Involvement.RESPONSIBLE
    ]
    notice = NOTICES.get(request.query_params.get("ok", "")) or notice_of(request)
    return show(
        request,
        web,
        "pendenzen.html",
        status,
        nav="pendenzen",
        entries=[e for e in entries if e not in to_answer],
        to_answer=to_answer,
        scope=scope,
        may_see_institution=sees_all_institution_cases(web.ctx),
        preview_days=rules.preview_days,
        names=institution_names(web),
        categories=CATEGORY_CHOICES,
        errors=errors or FormErrors(),
        notice=notice,
    )


@router.get("/pendenzen")
def pendenzen(
    request: Request, web: SignedIn, umfang: Annotated[str, Query(max_length=12)] = "mine"
) -> Response:
    scope = Scope.INSTITUTION if umfang == Scope.INSTITUTION.value else Scope.MINE
    return _pendenzen_page(request, web, scope)


@router.post("/faelle/{case_id}/einladungen/{invitation_id}/annehmen")
def accept_invitation(
    request: Request,
    web: SignedIn,
    case_id: uuid.UUID,
    invitation_id: uuid.UUID,
    local_reference: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web.check_csrf(csrf_token)
    answer = invitations.Answer(accept=True, local_reference=local_reference)
    try:
        read(
            lambda: invitations.answer_invitation(
                web.container.uow_factory(), web.ctx, case_id, invitation_id, answer
            )
        )
    except PageRefused as exc:
        if exc.status == 404:
            return refused(request, web, exc)
        field_errors = FormErrors({f"aktenzeichen-{invitation_id}": exc.message})
        return _pendenzen_page(request, web, Scope.MINE, field_errors, 422)
    return redirect("/pendenzen?ok=angenommen")


@router.post("/faelle/{case_id}/einladungen/{invitation_id}/ablehnen")
def decline_invitation(
    request: Request,
    web: SignedIn,
    case_id: uuid.UUID,
    invitation_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=2000)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web.check_csrf(csrf_token)
    chosen = DataCategory(category) if category in {c.value for c in CATEGORY_CHOICES} else None
    answer = invitations.Answer(accept=False, reason=reason, category=chosen)
    try:
        invitations.answer_invitation(web.container.uow_factory(), web.ctx, case_id, invitation_id, answer)
    except CHANGE_ERRORS as exc:
        errors = form_errors(
            exc, {"note": f"begruendung-{invitation_id}", "reason": f"begruendung-{invitation_id}"}
        )
        return _pendenzen_page(request, web, Scope.MINE, errors, 422)
    return redirect("/pendenzen?ok=abgelehnt")
