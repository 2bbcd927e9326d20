"""Caseworkers' pages: "Meine Fälle", due reassessments, the case overview and its parts.

Every page reads through the same use cases as the API (one audited read per page); a withheld
category is shown as "nicht freigegeben" and nothing else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from app.domain.cases import (
    AssessmentKind,
    CasePhase,
    ClosureReason,
    FollowUpResult,
    MeasureKind,
    MeasureStatus,
    ProgressRating,
    Segment,
)
from app.domain.cases.cooperation import AgreementForm
from app.domain.cases.intake import OUTCOMES_OF, IntakeStep
from app.domain.cases.plan import GoalStatus
from app.domain.categories import DataCategory
from app.domain.documents import Document
from app.domain.figures.facts import CostBearer
from app.entrypoints.web.case_outline import journal_timeline, next_steps, plan_outline
from app.entrypoints.web.case_sorting import sort_headers, sort_of, sort_query
from app.entrypoints.web.consent_reasons import withheld_reasons
from app.entrypoints.web.formats import parse_date
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
from app.entrypoints.web.text_readers import chosen_text_category, text_readers
from app.entrypoints.web.versions import VersionField, rendered_version
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import cases as case_service
from app.services import documents, participants, segmentation
from app.services.case_view import CaseView
from app.services.ports import CaseFilter

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
NOTICES = {
    "beteiligt": "Die Stelle ist eingeladen; sie nimmt am Fall teil, sobald sie die Einladung annimmt.",
    "segment": "Die Segmentierung ist erfasst.",
    "einwilligung": "Die Einwilligung ist erfasst.",
    "widerruf": "Die Einwilligung ist widerrufen. Der Widerruf wirkt ab sofort.",
    "bestaetigt": "Die Einwilligung ist bestätigt: die Daten Ihrer Stelle sind wie vereinbart freigegeben.",
    "zugeteilt": "Die Zuteilung ist erfasst.",
    "aufgehoben": "Die Zuteilung ist aufgehoben.",
    "journal": "Der Journaleintrag ist erfasst.",
    "konferenz": "Die Fallkonferenz ist erfasst.",
    "abschluss": "Der Fall ist abgeschlossen.",
    "nachbetreuung": "Die Nachbetreuung ist erfasst.",
    "ziel": "Das Ziel ist im Integrationsplan erfasst.",
    "massnahme": "Die Massnahme ist im Integrationsplan erfasst.",
    "status": "Der Status der Massnahme ist geändert.",
    "abklaerung": "Die Abklärung ist erfasst.",
    "ansprechperson": "Die Ansprechperson ist geändert.",
    "uebergeben": "Die Übergabe ist angeboten; Ihre Stelle bleibt fallführend, bis die neue Stelle annimmt.",
    "standort": "Die Standortbestimmung ist erfasst.",
    "fallaufnahme": "Der Schritt der Fallaufnahme ist erfasst.",
    "konferenz-geplant": "Die Fallkonferenz ist geplant.",
    "mitwirkung": "Die Mitwirkung der Klientin / des Klienten ist festgehalten.",
    "protokoll": "Das Protokoll der Fallkonferenz ist erfasst; ihre Pendenzen sehen die zuständigen Stellen.",
    "pendenz-erledigt": "Die Pendenz der Fallkonferenz ist erledigt.",
    "notfall": "Der Notfallzugriff ist geöffnet, befristet und der Datenschutzaufsicht gemeldet.",
    "eroeffnet": "Der Fall ist eröffnet. Ihre Stelle ist fallführend; der Fall steht in der Fallaufnahme.",
    "aktiviert": "Die Fallaufnahme ist beendet; der Fall ist aktiv.",
    "archiviert": "Der Fall ist archiviert.",
    "dokument": "Das Dokument ist abgelegt.",
    "zielstatus": "Der Status des Ziels ist geändert.",
}
TABS = {
    "plan": "Integrationsplan",
    "abklaerungen": "Abklärungen",
    "standortbestimmungen": "Standortbestimmungen",
    "journal": "Journal",
    "fallkonferenzen": "Fallkonferenz",
    "abschluss": "Abschluss und Nachbetreuung",
}
# which data categories a part of the case shows
TAB_CATEGORIES = {
    "plan": (DataCategory.INTEGRATIONSPLAN,),
    "abklaerungen": tuple(c for c in DataCategory if c is not DataCategory.STAMMDATEN),
    "standortbestimmungen": (DataCategory.INTEGRATIONSPLAN,),
    "journal": tuple(c for c in DataCategory if c is not DataCategory.STAMMDATEN),
    "fallkonferenzen": tuple(c for c in DataCategory if c is not DataCategory.STAMMDATEN),
    "abschluss": (DataCategory.FALLFUEHRUNG,),
}


TAB_KINDS = {
    "plan": ("Goal", "Measure"),
    "abklaerungen": ("Assessment",),
    "standortbestimmungen": ("Review",),
    "journal": ("JournalEntry",),
    "fallkonferenzen": ("CaseConference",),
    "abschluss": ("Closure", "FollowUp"),
}


def notice_of(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("ok", ""))


def _uow(web: WebUser) -> Any:
    return web.container.uow_factory()


def _case_list(
    request: Request,
    web: WebUser,
    case_filter: CaseFilter,
    cursor: str | None,
    template: str,
    nav: str,
    **context: Any,
) -> Response:
    try:
        found = read(lambda: case_service.list_cases(_uow(web), web.ctx, case_filter, cursor, PAGE_SIZE))
    except PageRefused as exc:
        return refused(request, web, exc)
    return show(
        request,
        web,
        template,
        nav=nav,
        items=found.items,
        next_cursor=found.next_cursor,
        names=institution_names(web),
        today=web.ctx.today,
        segments=list(Segment),
        phases=list(CasePhase),
        **context,
    )


@router.get("/faelle")
def my_cases(
    request: Request,
    web: SignedIn,
    segment: Annotated[str, Query(max_length=2)] = "",
    phase: Annotated[str, Query(max_length=20)] = "",
    faellig: Annotated[str, Query(max_length=4)] = "",
    weiter: Annotated[str | None, Query(max_length=200)] = None,
    sortierung: Annotated[str, Query(max_length=20)] = "",
    richtung: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    chosen_segment = Segment(segment) if segment in {s.value for s in Segment} else None
    chosen_phase = CasePhase(phase) if phase in {p.value for p in CasePhase} else None
    due = web.ctx.today if faellig == "1" else None
    sort = sort_of(sortierung, richtung)
    return _case_list(
        request,
        web,
        CaseFilter(chosen_segment, chosen_phase, due, sort=sort),
        weiter,
        "cases.html",
        "faelle",
        chosen_segment=chosen_segment,
        chosen_phase=chosen_phase,
        due=due is not None,
        sorting=sort_headers(request, sort),
        sort_query=sort_query(sort),
    )


@router.get("/faellig")
def due_reassessments(
    request: Request,
    web: SignedIn,
    weiter: Annotated[str | None, Query(max_length=200)] = None,
    sortierung: Annotated[str, Query(max_length=20)] = "",
    richtung: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    sort = sort_of(sortierung, richtung)
    return _case_list(
        request,
        web,
        CaseFilter(None, None, web.ctx.today, sort=sort),
        weiter,
        "due.html",
        "faellig",
        sorting=sort_headers(request, sort),
        sort_query=sort_query(sort),
    )


@dataclass(frozen=True)
class CategorySection:
    category: DataCategory
    shown: bool  # at least one item (or the core) is shown
    withheld_only: bool  # everything of this category is withheld: "nicht freigegeben"
    items: list[Any]
    withheld_reason: str | None = None  # why, in the words of the consents ("widerrufen am …")


def sections_of(
    view: CaseView, categories: tuple[DataCategory, ...], kinds: tuple[str, ...] | None = None
) -> list[CategorySection]:
    items: dict[DataCategory, list[Any]] = {c: [] for c in DataCategory}
    every: tuple[Any, ...] = (
        *view.segment_history,
        *view.goals,
        *view.measures,
        *view.assessments,
        *view.reviews,
        *view.conferences,
        *view.journal,
        *([view.closure] if view.closure else []),
        *([view.follow_up] if view.follow_up else []),
        *view.dossiers,
    )
    for item in every:
        if kinds is None or type(item).__name__ in kinds:
            items[item.category].append(item)
    sections = []
    for category in categories:
        withheld_only = category in view.withheld and category not in view.allowed
        sections.append(
            CategorySection(
                category, category in view.allowed, withheld_only, [] if withheld_only else items[category]
            )
        )
    return sections


def case_page(
    request: Request,
    web: WebUser,
    case_id: uuid.UUID,
    template: str = "case.html",
    tab: str | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    try:
        opened = read(lambda: case_service.get_case_page(_uow(web), web.ctx, case_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    view = opened.view
    names = institution_names(web)
    lead = view.case.lead_institution_id == web.user.institution_id
    reasons = withheld_reasons(
        list(opened.consents), view.withheld - view.allowed, web.user.institution_id, web.ctx.now
    )
    shown = sections_of(view, TAB_CATEGORIES.get(tab or "", tuple(DataCategory)), TAB_KINDS.get(tab or ""))
    sections = [replace(s, withheld_reason=reasons.get(s.category)) for s in shown]
    wanted = request.query_params.get("kategorie", "")
    journal_filter = DataCategory(wanted) if wanted in {c.value for c in DataCategory} else None
    return show(
        request,
        web,
        template,
        status,
        nav="faelle",
        view=view,
        case=view.case,
        tab=tab,
        tabs=TABS,
        names=names,
        sections=sections,
        withheld_reasons=reasons,
        is_lead=lead,
        colleagues=list(opened.colleagues),
        lead_candidates=[
            p.institution_id
            for p in view.participations
            if not p.left_on and p.institution_id != view.case.lead_institution_id
        ],
        me_institution_id=web.user.institution_id,
        others=[
            i
            for i in names
            if not view.case.is_participant(i) and view.case.pending_invitation_for(i) is None
        ],
        readers=text_readers(web, view),
        segments=list(Segment),
        closure_reasons=list(ClosureReason),
        follow_up_results=list(FollowUpResult),
        measure_kinds=list(MeasureKind),
        goal_statuses=list(GoalStatus),
        cost_bearers=list(CostBearer),
        assessment_kinds=list(AssessmentKind),
        intake_choices=[(step, outcome) for step in IntakeStep for outcome in sorted(OUTCOMES_OF[step])],
        progress_ratings=list(ProgressRating),
        measure_statuses=[s for s in MeasureStatus if not s.is_settled],
        content_categories=[c for c in DataCategory if c is not DataCategory.STAMMDATEN],
        today=web.ctx.today,
        errors=errors or FormErrors(),
        notice=notice_of(request),
        plan=plan_outline(view) if tab == "plan" else None,
        agreement_forms=list(AgreementForm),
        # The signed Mitwirkung is one of the case's documents: offered where the lead records it.
        plan_documents=_documents(web, case_id) if tab == "plan" and lead and view.case.phase.is_open else [],
        plan_withheld=DataCategory.INTEGRATIONSPLAN in view.withheld - view.allowed,
        plan_category=DataCategory.INTEGRATIONSPLAN,
        timeline=journal_timeline(view, journal_filter) if tab == "journal" else None,
        journal_filter=journal_filter,
        next_steps=next_steps(view, web.ctx.today) if tab is None else [],
        **extra,
    )


def _documents(web: WebUser, case_id: uuid.UUID) -> list[Document]:
    try:
        return read(lambda: documents.list_documents(_uow(web), web.ctx, case_id)).documents
    except PageRefused:
        return []


@router.get("/faelle/{case_id}")
def case_overview(request: Request, web: SignedIn, case_id: uuid.UUID) -> Response:
    return case_page(request, web, case_id)


@router.get("/faelle/{case_id}/teil/{tab}")
def case_part(request: Request, web: SignedIn, case_id: uuid.UUID, tab: str) -> Response:
    if tab not in TABS:
        return refused(request, web, PageRefused(404, "Diese Seite gibt es nicht."))
    return case_page(request, web, case_id, "case_part.html", tab)


@router.post("/faelle/{case_id}/beteiligte")
def add_participant(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    institution_id: Annotated[str, Form(max_length=40)] = "",
    local_reference: Annotated[str, Form(max_length=64)] = "",
    version: VersionField = "",
) -> Response:
    try:
        institution = uuid.UUID(institution_id)
    except ValueError:
        return case_page(
            request, web, case_id, errors=FormErrors({"stelle": "Bitte eine Stelle wählen."}), status=422
        )
    try:
        participants.add_participant(
            _uow(web), web.ctx, case_id, rendered_version(version), institution, local_reference, None
        )
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"institution_id": "stelle", "local_reference": "aktenzeichen"})
        return case_page(request, web, case_id, errors=errors, status=422)
    return redirect(f"/faelle/{case_id}?ok=beteiligt")


@router.post("/faelle/{case_id}/segment")
def assess_segment(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    segment: Annotated[str, Form(max_length=2)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    assessed_on: Annotated[str, Form(max_length=10)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
    version: VersionField = "",
) -> Response:
    if segment not in {s.value for s in Segment}:
        errors = FormErrors({"segment": "Bitte ein Segment wählen."})
        return case_page(request, web, case_id, errors=errors, status=422)
    try:
        on = parse_date(assessed_on) if assessed_on else None
    except ValueError:
        errors = FormErrors({"beurteilt_am": "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."})
        return case_page(request, web, case_id, errors=errors, status=422)
    try:
        segmentation.assess_segment(
            _uow(web),
            web.ctx,
            case_id,
            rendered_version(version),
            Segment(segment),
            on,
            reason,
            chosen_text_category(category),
        )
    except CHANGE_ERRORS as exc:
        errors = form_errors(
            exc, {"segment": "segment", "reason": "begruendung", "assessed_on": "beurteilt_am"}
        )
        return case_page(request, web, case_id, errors=errors, status=422)
    return redirect(f"/faelle/{case_id}?ok=segment")
