"""Merkmale für die Kennzahlen: the lead institution records residence status group, kind of
assistance, support dates, a preventive case and employment (coarse groups, no identifiers)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.figures.facts import AssistanceKind, CaseFacts, ResidenceStatus
from app.entrypoints.web.formats import german_date, parse_date
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
from app.entrypoints.web.versions import VersionField, rendered_version
from app.entrypoints.web.web_auth import SignedIn, WebUser
from app.services import figures
from app.services.figures import FiguresUnitOfWork

router = APIRouter(include_in_schema=False)
FIELD_IDS = {
    "residence_status": "k-status",
    "assistance_kind": "k-art",
    "support_start_on": "k-beginn",
    "support_end_on": "k-ende",
    "preventive": "k-praeventiv",
    "employed": "k-erwerb",
}
Text = Annotated[str, Form(max_length=40)]


def _uow(web: WebUser) -> FiguresUnitOfWork:
    return web.container.uow_factory()  # type: ignore[return-value]  # the SQL unit of work has the figures


def _page(
    request: Request,
    web: WebUser,
    case_id: uuid.UUID,
    errors: FormErrors,
    entered: dict[str, str],
    status: int,
) -> Response:
    try:
        view, facts = read(lambda: figures.read_case_facts(_uow(web), web.ctx, case_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    shown = entered or {
        "residence_status": facts.residence_status.value if facts.residence_status else "",
        "assistance_kind": facts.assistance_kind.value if facts.assistance_kind else "",
        "support_start_on": german_date(facts.support_start_on) if facts.support_start_on else "",
        "support_end_on": german_date(facts.support_end_on) if facts.support_end_on else "",
        "preventive": "ja" if facts.preventive else "",
        "employed": {True: "ja", False: "nein", None: ""}[facts.employed],
    }
    return show(
        request,
        web,
        "case_facts.html",
        status,
        nav="faelle",
        view=view,
        case=view.case,
        entered=shown,
        errors=errors,
        residence=list(ResidenceStatus),
        assistance=list(AssistanceKind),
    )


@router.get("/faelle/{case_id}/kennzahlen-merkmale")
def facts_form(request: Request, web: SignedIn, case_id: uuid.UUID) -> Response:
    return _page(request, web, case_id, FormErrors(), {}, 200)


@router.post("/faelle/{case_id}/kennzahlen-merkmale")
def record_facts(
    request: Request,
    web: SignedIn,
    case_id: uuid.UUID,
    residence_status: Text = "",
    assistance_kind: Text = "",
    support_start_on: Text = "",
    support_end_on: Text = "",
    preventive: Text = "",
    employed: Text = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    version: VersionField = "",
) -> Response:
    web.check_csrf(csrf_token)
    entered = {
        "residence_status": residence_status,
        "assistance_kind": assistance_kind,
        "support_start_on": support_start_on,
        "support_end_on": support_end_on,
        "preventive": preventive,
        "employed": employed,
    }
    errors = FormErrors()
    days = {}
    for name in ("support_start_on", "support_end_on"):
        try:
            days[name] = parse_date(entered[name]) if entered[name].strip() else None
        except ValueError:
            errors = FormErrors({FIELD_IDS[name]: "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."})
    if not errors:
        facts = CaseFacts(
            residence_status=next((r for r in ResidenceStatus if r.value == residence_status), None),
            assistance_kind=next((a for a in AssistanceKind if a.value == assistance_kind), None),
            support_start_on=days["support_start_on"],
            support_end_on=days["support_end_on"],
            preventive=preventive == "ja",
            employed={"ja": True, "nein": False}.get(employed),
        )
        try:
            figures.record_case_facts(_uow(web), web.ctx, case_id, rendered_version(version), facts)
            return redirect(f"/faelle/{case_id}/kennzahlen-merkmale?ok=1")
        except CHANGE_ERRORS as exc:
            errors = form_errors(exc, FIELD_IDS)
    return _page(request, web, case_id, errors, entered, 422)
