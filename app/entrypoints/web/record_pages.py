"""Forms on the parts of a case: a journal entry, a case conference, closure and follow-up."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.cases import ClosureReason, FollowUpResult
from app.domain.categories import DataCategory
from app.entrypoints.web.case_pages import case_page
from app.entrypoints.web.formats import DATE_ERROR, date_or_none
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import CHANGE_ERRORS, FormErrors, form_errors
from app.entrypoints.web.text_readers import chosen_text_category
from app.entrypoints.web.versions import VersionField, rendered_version
from app.entrypoints.web.web_auth import SignedInForm
from app.services import closure, records

router = APIRouter(include_in_schema=False)
CONFERENCE_FIELDS = {
    "held_on": "k-datum",
    "decisions": "k-beschluesse",
    "participant_institution_ids": "k-stellen",
}


@router.post("/faelle/{case_id}/journal")
def add_journal_entry(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    category: Annotated[str, Form(max_length=20)] = "",
    subject: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(max_length=10000)] = "",
    occurred_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    chosen = next((c for c in DataCategory if c.value == category), None)
    day = date_or_none(occurred_on)
    if chosen is None:
        errors = FormErrors({"j-kategorie": "Bitte eine Datenkategorie wählen."})
    elif occurred_on and day is None:
        errors = FormErrors({"j-datum": DATE_ERROR})
    else:
        try:
            records.add_journal_entry(
                web.container.uow_factory(),
                web.ctx,
                case_id,
                None,
                records.NewJournalEntry(chosen, text, subject, day),
            )
            return redirect(f"/faelle/{case_id}/teil/journal?ok=journal")
        except CHANGE_ERRORS as exc:
            errors = form_errors(exc, {"category": "j-kategorie", "text": "j-text", "occurred_on": "j-datum"})
    return case_page(request, web, case_id, "case_part.html", "journal", errors, 422)


@router.post("/faelle/{case_id}/fallkonferenzen")
def record_conference(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    held_on: Annotated[str, Form(max_length=10)] = "",
    decisions: Annotated[str, Form(max_length=10000)] = "",
    participants: Annotated[list[str] | None, Form()] = None,
    category: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    day = date_or_none(held_on)
    chosen: list[uuid.UUID] = []
    for value in participants or []:
        try:
            chosen.append(uuid.UUID(value))
        except ValueError:
            continue
    if day is None:
        errors = FormErrors({"k-datum": DATE_ERROR})
    else:
        try:
            records.record_conference(
                web.container.uow_factory(),
                web.ctx,
                case_id,
                None,
                records.NewConference(day, chosen, decisions, chosen_text_category(category)),
            )
            return redirect(f"/faelle/{case_id}/teil/fallkonferenzen?ok=konferenz")
        except CHANGE_ERRORS as exc:
            errors = form_errors(exc, CONFERENCE_FIELDS)
    return case_page(request, web, case_id, "case_part.html", "fallkonferenzen", errors, 422)


@router.post("/faelle/{case_id}/abschluss")
def close_case(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=30)] = "",
    closed_on: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    version: VersionField = "",
) -> Response:
    chosen = next((r for r in ClosureReason if r.value == reason), None)
    day = date_or_none(closed_on)
    if chosen is None:
        errors = FormErrors({"a-grund": "Bitte einen Abschlussgrund wählen."})
    elif closed_on and day is None:
        errors = FormErrors({"a-datum": DATE_ERROR})
    else:
        try:
            closure.close_case(
                web.container.uow_factory(),
                web.ctx,
                case_id,
                rendered_version(version),
                chosen,
                day,
                note,
                note_category=chosen_text_category(category),
            )
            return redirect(f"/faelle/{case_id}/teil/abschluss?ok=abschluss")
        except CHANGE_ERRORS as exc:
            errors = form_errors(exc, {"reason": "a-grund", "closed_on": "a-datum"})
    return case_page(request, web, case_id, "case_part.html", "abschluss", errors, 422)


@router.post("/faelle/{case_id}/nachbetreuung")
def follow_up(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    step: Annotated[str, Form(max_length=10)] = "",
    result: Annotated[str, Form(max_length=30)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    version: VersionField = "",
) -> Response:
    uow = web.container.uow_factory()
    try:
        if step == "beginn":
            closure.start_follow_up(uow, web.ctx, case_id, rendered_version(version), None)
        else:
            chosen = next((r for r in FollowUpResult if r.value == result), None)
            if chosen is None:
                errors = FormErrors({"n-ergebnis": "Bitte ein Ergebnis wählen."})
                return case_page(request, web, case_id, "case_part.html", "abschluss", errors, 422)
            text_category = chosen_text_category(category)
            closure.complete_follow_up(
                uow,
                web.ctx,
                case_id,
                rendered_version(version),
                chosen,
                None,
                note,
                note_category=text_category,
            )
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"follow_up": "n-ergebnis", "completed_on": "n-ergebnis"})
        return case_page(request, web, case_id, "case_part.html", "abschluss", errors, 422)
    return redirect(f"/faelle/{case_id}/teil/abschluss?ok=nachbetreuung")
