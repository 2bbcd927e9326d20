"""Pages of the IIZ process: the Pendenzen (with the invitations to answer) and the invitation answers."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from app.domain.cases import IntakeOutcome, IntakeStep
from app.domain.cases.cooperation import AgreementForm
from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.pendenzen import Involvement, PendenzenRules, PendenzKind
from app.entrypoints.web.case_pages import case_page, notice_of
from app.entrypoints.web.formats import DATE_ERROR, date_or_none
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
from app.entrypoints.web.versions import VersionField, rendered_version
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import conferences, intake, invitations
from app.services.access.basis import sees_all_institution_cases
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


@router.post("/faelle/{case_id}/fallaufnahme")
def record_intake_step(
    request: Request,
    web: SignedIn,
    case_id: uuid.UUID,
    step_outcome: Annotated[str, Form(max_length=40)] = "",
    summary: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
    version: VersionField = "",
) -> Response:
    web.check_csrf(csrf_token)
    step_text, _, outcome_text = step_outcome.partition(":")
    step = next((s for s in IntakeStep if s.value == step_text), None)
    outcome = next((o for o in IntakeOutcome if o.value == outcome_text), None)
    if step is None or outcome is None:
        errors = FormErrors({"f-schritt": "Bitte Schritt und Ergebnis wählen."})
        return case_page(request, web, case_id, "case_part.html", "abklaerungen", errors=errors, status=422)
    new = intake.NewIntakeStep(step, outcome, summary)
    try:
        intake.record_intake_step(
            web.container.uow_factory(), web.ctx, case_id, rendered_version(version), new
        )
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"outcome": "f-schritt", "step": "f-schritt"})
        return case_page(request, web, case_id, "case_part.html", "abklaerungen", errors=errors, status=422)
    return redirect(f"/faelle/{case_id}/teil/abklaerungen?ok=fallaufnahme")


@router.post("/faelle/{case_id}/fallkonferenzen/geplant")
def schedule_conference(
    request: Request,
    web: SignedIn,
    case_id: uuid.UUID,
    planned_on: Annotated[str, Form(max_length=10)] = "",
    invited: Annotated[list[str] | None, Form()] = None,
    client_attends: Annotated[str, Form(max_length=1)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    web.check_csrf(csrf_token)
    day = date_or_none(planned_on)
    try:
        institutions = [uuid.UUID(i) for i in invited or []]
    except ValueError:
        institutions = []
    if day is None:
        errors = FormErrors({"kp-datum": DATE_ERROR})
        return case_page(
            request, web, case_id, "case_part.html", "fallkonferenzen", errors=errors, status=422
        )
    plan = conferences.ConferencePlan(day, institutions, client_attends == "1")
    try:
        conferences.schedule_conference(web.container.uow_factory(), web.ctx, case_id, None, plan)
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"held_on": "kp-datum", "participant_institution_ids": "kp-datum"})
        return case_page(
            request, web, case_id, "case_part.html", "fallkonferenzen", errors=errors, status=422
        )
    return redirect(f"/faelle/{case_id}/teil/fallkonferenzen?ok=konferenz-geplant")


def _ids(values: list[str] | None) -> list[uuid.UUID]:
    found = []
    for value in values or []:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def _part_refused(
    request: Request, web: WebUser, case_id: uuid.UUID, tab: str, errors: FormErrors
) -> Response:
    return case_page(request, web, case_id, "case_part.html", tab, errors=errors, status=422)


@router.post("/faelle/{case_id}/mitwirkung")
def record_cooperation(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    agreed_on: Annotated[str, Form(max_length=10)] = "",
    agreement_form: Annotated[str, Form(max_length=10)] = "",
    document_id: Annotated[str, Form(max_length=40)] = "",
    strategy: Annotated[str, Form(max_length=4000)] = "",
    goals: Annotated[list[str] | None, Form()] = None,
    version: VersionField = "",
) -> Response:
    form = next((f for f in AgreementForm if f.value == agreement_form), None)
    day = date_or_none(agreed_on) if agreed_on.strip() else None
    if form is None:
        return _part_refused(request, web, case_id, "plan", FormErrors({"mw-form": "Bitte die Form wählen."}))
    if agreed_on.strip() and day is None:
        return _part_refused(request, web, case_id, "plan", FormErrors({"mw-datum": DATE_ERROR}))
    document = _ids([document_id])
    new = intake.NewCooperation(form, _ids(goals), strategy, day, document[0] if document else None)
    try:
        intake.record_cooperation(
            web.container.uow_factory(), web.ctx, case_id, rendered_version(version), new
        )
    except CHANGE_ERRORS as exc:
        fields = {"document_id": "mw-dokument", "agreed_on": "mw-datum", "agreed_goal_ids": "mw-ziele"}
        return _part_refused(request, web, case_id, "plan", form_errors(exc, fields))
    return redirect(f"/faelle/{case_id}/teil/plan?ok=mitwirkung")


@router.post("/faelle/{case_id}/fallkonferenzen/{conference_id}/protokoll")
def record_minutes(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    conference_id: uuid.UUID,
    decisions: Annotated[str, Form(max_length=10000)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    client_attended: Annotated[str, Form(max_length=1)] = "",
    item_title: Annotated[list[str] | None, Form()] = None,
    item_owner: Annotated[list[str] | None, Form()] = None,
    item_due: Annotated[list[str] | None, Form()] = None,
    goals: Annotated[list[str] | None, Form()] = None,
    version: VersionField = "",
) -> Response:
    field = f"pr-{conference_id}"
    items = []
    rows = zip(item_title or [], item_owner or [], item_due or [], strict=False)
    for number, (title, owner, due) in enumerate(rows, start=1):
        if not (title.strip() or due.strip()):
            continue  # an empty row of the form
        owner_ids, due_on = _ids([owner]), date_or_none(due)
        if not title.strip() or not owner_ids or due_on is None:
            message = f"Pendenz {number}: bitte Titel, zuständige Stelle und Fälligkeitsdatum (TT.MM.JJJJ)."
            return _part_refused(
                request, web, case_id, "fallkonferenzen", FormErrors({f"{field}-pendenzen": message})
            )
        items.append(conferences.NewActionItem(title, owner_ids[0], due_on))
    chosen = DataCategory(category) if category in {c.value for c in CATEGORY_CHOICES} else None
    minutes = conferences.Minutes(decisions, chosen, client_attended == "1", items, _ids(goals))
    try:
        conferences.record_minutes(
            web.container.uow_factory(), web.ctx, case_id, rendered_version(version), conference_id, minutes
        )
    except CHANGE_ERRORS as exc:
        fields = {
            "decisions": f"{field}-beschluesse",
            "conference_id": f"{field}-beschluesse",
            "held_on": f"{field}-beschluesse",
            "category": f"{field}-kategorie",
            "action_items": f"{field}-pendenzen",
            "agreed_goal_ids": f"{field}-pendenzen",
        }
        return _part_refused(request, web, case_id, "fallkonferenzen", form_errors(exc, fields))
    return redirect(f"/faelle/{case_id}/teil/fallkonferenzen?ok=protokoll")


@router.post("/faelle/{case_id}/konferenz-pendenzen/{item_id}/erledigt")
def complete_action_item(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    item_id: uuid.UUID,
    version: VersionField = "",
) -> Response:
    try:
        conferences.complete_action_item(
            web.container.uow_factory(), web.ctx, case_id, rendered_version(version), item_id
        )
    except CHANGE_ERRORS as exc:
        return _part_refused(
            request, web, case_id, "fallkonferenzen", form_errors(exc, {"item_id": f"ap-{item_id}"})
        )
    return redirect(f"/faelle/{case_id}/teil/fallkonferenzen?ok=pendenz-erledigt")
