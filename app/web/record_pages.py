"""Forms on the parts of a case: a journal entry, the decisions of a case conference."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.categories import DataCategory
from app.services import records
from app.web.case_pages import case_page
from app.web.pages import redirect
from app.web.render import CHANGE_ERRORS, FormErrors, form_errors
from app.web.web_auth import SignedIn

router = APIRouter(include_in_schema=False)
CONFERENCE_FIELDS = {
    "held_on": "k-datum",
    "decisions": "k-beschluesse",
    "participant_institution_ids": "k-stellen",
}
DATE_ERROR = "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.post("/faelle/{case_id}/journal")
def add_journal_entry(
    request: Request,
    web: SignedIn,
    case_id: uuid.UUID,
    category: Annotated[str, Form(max_length=20)] = "",
    subject: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(max_length=10000)] = "",
    occurred_on: Annotated[str, Form(max_length=10)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web.check_csrf(csrf_token)
    chosen = next((c for c in DataCategory if c.value == category), None)
    day = _day(occurred_on)
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
            errors = form_errors(
                exc, {"category": "j-kategorie", "text": "j-text", "occurred_on": "j-datum"}
            )
    return case_page(request, web, case_id, "case_part.html", "journal", errors, 422)


@router.post("/faelle/{case_id}/fallkonferenzen")
def record_conference(
    request: Request,
    web: SignedIn,
    case_id: uuid.UUID,
    held_on: Annotated[str, Form(max_length=10)] = "",
    decisions: Annotated[str, Form(max_length=10000)] = "",
    participants: Annotated[list[str] | None, Form()] = None,
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web.check_csrf(csrf_token)
    day = _day(held_on)
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
                records.NewConference(day, chosen, decisions),
            )
            return redirect(f"/faelle/{case_id}/teil/fallkonferenzen?ok=konferenz")
        except CHANGE_ERRORS as exc:
            errors = form_errors(exc, CONFERENCE_FIELDS)
    return case_page(request, web, case_id, "case_part.html", "fallkonferenzen", errors, 422)
