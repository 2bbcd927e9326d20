"""The integration plan as PDF for printing and signing, from the plan page."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.bootstrap import plan_pdf as render_plan_pdf
from app.domain.cases.plan import Measure
from app.domain.categories import DataCategory
from app.domain.plan_document import PlanDocument, PlannedGoal, PlannedMeasure, plan_filename
from app.entrypoints.web.case_outline import plan_outline
from app.entrypoints.web.case_pages import _uow
from app.entrypoints.web.formats import ahvn13, german_date, label
from app.entrypoints.web.render import PageRefused, institution_names, read, refused
from app.entrypoints.web.web_auth import SignedIn
from app.services import cases as case_service

router = APIRouter(include_in_schema=False)


def _measure(m: Measure, names: dict[uuid.UUID, str]) -> PlannedMeasure:
    start = german_date(m.start_on) if m.start_on else "offen"
    end = german_date(m.end_on) if m.end_on else "offen"
    return PlannedMeasure(
        m.title, label(m.kind), names.get(m.owner_institution_id, "–"), f"{start} bis {end}", label(m.status)
    )


@router.get("/faelle/{case_id}/teil/plan/pdf")
def plan_pdf(request: Request, web: SignedIn, case_id: uuid.UUID) -> Response:
    """The same protected read as the page (one audit event); only what the caller may see is printed."""
    try:
        view = read(lambda: case_service.get_case(_uow(web), web.ctx, case_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    if DataCategory.INTEGRATIONSPLAN not in view.allowed or view.person is None:
        return refused(request, web, PageRefused(404, "Der Integrationsplan ist für Sie nicht freigegeben."))
    names = institution_names(web)
    outline = plan_outline(view)
    goals = [
        PlannedGoal(
            title=g.goal.title,
            target=german_date(g.goal.target_on) if g.goal.target_on else "offen",
            status=label(g.goal.status),
            owner=names.get(g.goal.owner_institution_id, "–"),
            description=g.goal.description,
            latest_rating=f"{label(g.latest.progress.rating)} ({german_date(g.latest.held_on)})"
            if g.latest
            else "",
            measures=[_measure(m, names) for m in g.measures],
        )
        for g in outline.goals
    ]
    person = view.person
    document = PlanDocument(
        client=f"{person.given_name} {person.family_name}",
        ahvn13=ahvn13(person.ahvn13),
        lead_institution=names.get(view.case.lead_institution_id, "–"),
        printed_on=web.ctx.today,
        goals=goals,
        loose_measures=[_measure(m, names) for m in outline.loose_measures],
    )
    return Response(
        render_plan_pdf(document),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{plan_filename(document)}"',
            "Cache-Control": "no-store",
        },
    )
