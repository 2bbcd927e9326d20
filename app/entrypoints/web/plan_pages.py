"""Forms of the integration plan: a goal, a measure for a goal, a measure's status."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.cases import MeasureKind, MeasureStatus
from app.domain.cases.plan import GoalStatus
from app.domain.figures.facts import CostBearer
from app.entrypoints.web.case_pages import case_page
from app.entrypoints.web.formats import DATE_ERROR, parse_date
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import CHANGE_ERRORS, FormErrors, form_errors
from app.entrypoints.web.versions import VersionField, rendered_version
from app.entrypoints.web.web_auth import SignedIn, SignedInForm
from app.services import plan

router = APIRouter(include_in_schema=False)
CHOSEN_STATUSES = tuple(s for s in MeasureStatus if not s.is_settled)


def _plan_page(request: Request, web: SignedIn, case_id: uuid.UUID, errors: FormErrors) -> Response:
    return case_page(request, web, case_id, "case_part.html", "plan", errors, 422)


def _dates(fields: dict[str, str]) -> tuple[dict[str, object], FormErrors]:
    """Parse dd.mm.yyyy fields (form field id -> text); an empty field is no date."""
    parsed: dict[str, object] = {}
    for field_id, text in fields.items():
        try:
            parsed[field_id] = parse_date(text) if text else None
        except ValueError:
            return parsed, FormErrors({field_id: DATE_ERROR})
    return parsed, FormErrors()


@router.post("/faelle/{case_id}/plan/ziele")
def add_goal(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
    target_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    days, errors = _dates({"z-termin": target_on})
    if not errors:
        try:
            new = plan.NewGoal(title, description, days["z-termin"])  # type: ignore[arg-type]
            plan.add_goal(web.container.uow_factory(), web.ctx, case_id, None, new)
            return redirect(f"/faelle/{case_id}/teil/plan?ok=ziel")
        except CHANGE_ERRORS as exc:
            errors = form_errors(exc, {"title": "z-titel", "target_on": "z-termin"})
    return _plan_page(request, web, case_id, errors)


@router.post("/faelle/{case_id}/plan/massnahmen")
def add_measure(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    title: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=30)] = "",
    goal_id: Annotated[str, Form(max_length=40)] = "",
    provider: Annotated[str, Form(max_length=200)] = "",
    start_on: Annotated[str, Form(max_length=10)] = "",
    end_on: Annotated[str, Form(max_length=10)] = "",
    cost_bearer: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    chosen_kind = next((k for k in MeasureKind if k.value == kind), None)
    bearer = next((b for b in CostBearer if b.value == cost_bearer), None)
    days, errors = _dates({"m-beginn": start_on, "m-ende": end_on})
    goal: uuid.UUID | None = None
    if chosen_kind is None:
        errors = FormErrors({"m-art": "Bitte eine Art der Massnahme wählen."})
    elif goal_id:
        try:
            goal = uuid.UUID(goal_id)
        except ValueError:
            errors = FormErrors({"m-ziel": "Bitte ein Ziel des Plans wählen."})
    if not errors and chosen_kind is not None:
        try:
            new = plan.NewMeasure(
                title,
                chosen_kind,
                provider=provider,
                goal_id=goal,
                start_on=days["m-beginn"],  # type: ignore[arg-type]
                end_on=days["m-ende"],  # type: ignore[arg-type]
                cost_bearer=bearer,
            )
            plan.add_measure(web.container.uow_factory(), web.ctx, case_id, None, new)
            return redirect(f"/faelle/{case_id}/teil/plan?ok=massnahme")
        except CHANGE_ERRORS as exc:
            errors = form_errors(
                exc,
                {
                    "title": "m-titel",
                    "kind": "m-art",
                    "goal_id": "m-ziel",
                    "start_on": "m-beginn",
                    "end_on": "m-ende",
                },
            )
    return _plan_page(request, web, case_id, errors)


@router.post("/faelle/{case_id}/plan/massnahmen/{measure_id}/status")
def change_measure_status(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    measure_id: uuid.UUID,
    status: Annotated[str, Form(max_length=30)] = "",
    end_on: Annotated[str, Form(max_length=10)] = "",
    outcome: Annotated[str, Form(max_length=2000)] = "",
    version: VersionField = "",
) -> Response:
    prefix = f"s-{measure_id}"
    chosen = next((s for s in CHOSEN_STATUSES if s.value == status), None)
    days, errors = _dates({f"{prefix}-ende": end_on})
    if chosen is None:
        errors = FormErrors({f"{prefix}-status": "Bitte einen Status wählen."})
    if not errors and chosen is not None:
        ended = days[f"{prefix}-ende"]
        changes = (
            plan.MeasureChanges(status=chosen, outcome=outcome, end_on=ended)  # type: ignore[arg-type]
            if ended is not None
            else plan.MeasureChanges(status=chosen, outcome=outcome)
        )
        try:
            plan.change_measure(
                web.container.uow_factory(), web.ctx, case_id, rendered_version(version), measure_id, changes
            )
            return redirect(f"/faelle/{case_id}/teil/plan?ok=status")
        except CHANGE_ERRORS as exc:
            errors = form_errors(
                exc, {"status": f"{prefix}-status", "end_on": f"{prefix}-ende", "outcome": f"{prefix}-ende"}
            )
    return _plan_page(request, web, case_id, errors)


GOAL_STATUSES = {s.value: s for s in GoalStatus}


@router.post("/faelle/{case_id}/plan/ziele/{goal_id}/status")
def change_goal_status(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    goal_id: uuid.UUID,
    status: Annotated[str, Form(max_length=30)] = "",
    version: VersionField = "",
) -> Response:
    """The owning institution marks its goal achieved or dropped (or open again)."""
    field_id = f"zs-{goal_id}"
    chosen = GOAL_STATUSES.get(status)
    if chosen is None:
        return _plan_page(request, web, case_id, FormErrors({field_id: "Bitte einen Status wählen."}))
    try:
        plan.change_goal(
            web.container.uow_factory(),
            web.ctx,
            case_id,
            rendered_version(version),
            goal_id,
            plan.GoalChanges(status=chosen),
        )
    except CHANGE_ERRORS as exc:
        return _plan_page(request, web, case_id, form_errors(exc, {"status": field_id}))
    return redirect(f"/faelle/{case_id}/teil/plan?ok=zielstatus")
