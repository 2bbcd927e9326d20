"""Forms of the case team: the contact person of the lead institution, handing over the lead."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.entrypoints.web.case_pages import case_page
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import CHANGE_ERRORS, FormErrors, form_errors
from app.entrypoints.web.versions import VersionField, rendered_version
from app.entrypoints.web.web_auth import SignedInForm
from app.services import cases, invitations

router = APIRouter(include_in_schema=False)


@router.post("/faelle/{case_id}/ansprechperson")
def change_contact_person(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    contact_person_id: Annotated[str, Form(max_length=40)] = "",
    version: VersionField = "",
) -> Response:
    try:
        chosen = uuid.UUID(contact_person_id) if contact_person_id else None
    except ValueError:
        errors = FormErrors({"ansprechperson": "Bitte eine Person der eigenen Stelle wählen."})
        return case_page(request, web, case_id, errors=errors, status=422)
    try:
        cases.change_case_settings(
            web.container.uow_factory(),
            web.ctx,
            case_id,
            rendered_version(version),
            cases.CaseSettings(contact_person_id=chosen),
        )
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"contact_person_id": "ansprechperson"})
        return case_page(request, web, case_id, errors=errors, status=422)
    return redirect(f"/faelle/{case_id}?ok=ansprechperson")


@router.post("/faelle/{case_id}/fallfuehrung")
def hand_over_lead(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    institution_id: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    version: VersionField = "",
) -> Response:
    chosen = DataCategory(category) if category in {c.value for c in CONTENT_CATEGORIES} else None
    try:
        institution = uuid.UUID(institution_id)
    except ValueError:
        errors = FormErrors({"neue-fallfuehrung": "Bitte eine beteiligte Stelle wählen."})
        return case_page(request, web, case_id, errors=errors, status=422)
    try:
        invitations.propose_lead_handover(
            web.container.uow_factory(),
            web.ctx,
            case_id,
            rendered_version(version),
            institution,
            note,
            chosen,
        )
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"institution_id": "neue-fallfuehrung", "note": "uebergabenotiz"})
        return case_page(request, web, case_id, errors=errors, status=422)
    return redirect(f"/faelle/{case_id}?ok=uebergeben")
