"""Forms for an assessment (Kurz-/Praxisassessment, vPe) and a review with progress per goal."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.cases import AssessmentKind, GoalProgress, ProgressRating
from app.domain.categories import DataCategory
from app.entrypoints.web.case_pages import case_page
from app.entrypoints.web.formats import DATE_ERROR, date_or_none
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import CHANGE_ERRORS, FormErrors, form_errors
from app.entrypoints.web.web_auth import SignedInForm
from app.services import records

router = APIRouter(include_in_schema=False)


def _progress(
    goal_ids: list[str], ratings: list[str], comments: list[str]
) -> tuple[list[GoalProgress], FormErrors]:
    """Progress per goal from the review form's rows (goal, rating, comment); an empty rating skips it."""
    progress: list[GoalProgress] = []
    for index, (goal_text, rating_text) in enumerate(zip(goal_ids, ratings, strict=False)):
        if not rating_text:
            continue
        rating = next((r for r in ProgressRating if r.value == rating_text), None)
        try:
            goal_id = uuid.UUID(goal_text)
        except ValueError:
            rating = None
        if rating is None:
            return [], FormErrors({f"r-stand-{index}": "Bitte einen Stand wählen."})
        comment = comments[index] if index < len(comments) else ""
        progress.append(GoalProgress(goal_id, rating, comment))
    return progress, FormErrors()


@router.post("/faelle/{case_id}/abklaerungen")
def record_assessment(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    kind: Annotated[str, Form(max_length=30)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    assessed_on: Annotated[str, Form(max_length=10)] = "",
    findings: Annotated[str, Form(max_length=10000)] = "",
    recommendation: Annotated[str, Form(max_length=10000)] = "",
) -> Response:
    chosen_kind = next((k for k in AssessmentKind if k.value == kind), None)
    chosen_category = next((c for c in DataCategory if c.value == category), None)
    day = date_or_none(assessed_on)
    if chosen_kind is None:
        errors = FormErrors({"b-art": "Bitte eine Art der Abklärung wählen."})
    elif chosen_category is None:
        errors = FormErrors({"b-kategorie": "Bitte eine Datenkategorie wählen."})
    elif day is None:
        errors = FormErrors({"b-datum": DATE_ERROR})
    else:
        try:
            new = records.NewAssessment(chosen_kind, day, findings, recommendation, chosen_category)
            records.record_assessment(web.container.uow_factory(), web.ctx, case_id, None, new)
            return redirect(f"/faelle/{case_id}/teil/abklaerungen?ok=abklaerung")
        except CHANGE_ERRORS as exc:
            errors = form_errors(
                exc,
                {
                    "kind": "b-art",
                    "category": "b-kategorie",
                    "assessed_on": "b-datum",
                    "findings": "b-befund",
                },
            )
    return case_page(request, web, case_id, "case_part.html", "abklaerungen", errors, 422)


@router.post("/faelle/{case_id}/standortbestimmungen")
def record_review(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    held_on: Annotated[str, Form(max_length=10)] = "",
    summary: Annotated[str, Form(max_length=10000)] = "",
    next_review_on: Annotated[str, Form(max_length=10)] = "",
    goal_ids: Annotated[list[str] | None, Form()] = None,
    ratings: Annotated[list[str] | None, Form()] = None,
    comments: Annotated[list[str] | None, Form()] = None,
) -> Response:
    day, next_day = date_or_none(held_on), date_or_none(next_review_on)
    progress, errors = _progress(goal_ids or [], ratings or [], comments or [])
    if errors:
        pass  # the rating's message stands
    elif day is None:
        errors = FormErrors({"r-datum": DATE_ERROR})
    elif next_review_on and next_day is None:
        errors = FormErrors({"r-naechste": DATE_ERROR})
    else:
        try:
            new = records.NewReview(day, summary, progress, next_day)
            records.record_review(web.container.uow_factory(), web.ctx, case_id, None, new)
            return redirect(f"/faelle/{case_id}/teil/standortbestimmungen?ok=standort")
        except CHANGE_ERRORS as exc:
            errors = form_errors(
                exc,
                {"held_on": "r-datum", "summary": "r-zusammenfassung", "next_review_on": "r-naechste"},
            )
    return case_page(request, web, case_id, "case_part.html", "standortbestimmungen", errors, 422)
