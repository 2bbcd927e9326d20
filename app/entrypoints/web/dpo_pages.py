"""The data-protection officer: audit search, anomalies, integrity of the log, the access report.

Searches are POSTed so that an AHV number never stands in a URL; each search is itself audited by
the use case, as in the API.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.bootstrap import access_report_pdf
from app.domain.access_report import access_report_filename
from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditAction, AuditOutcome
from app.domain.audit_anomalies import anomaly_key
from app.domain.audit_review import AuditQuery
from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.entrypoints.attachments import attachment
from app.entrypoints.web.formats import german_date, parse_date
from app.entrypoints.web.render import (
    FormErrors,
    PageRefused,
    form_errors,
    institution_names,
    read,
    refused,
    show,
    staff_names,
)
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import audit_integrity, audit_review
from app.services.authorization import require
from app.services.context import LOCAL_TIME
from app.services.errors import Forbidden, ServiceError

router = APIRouter(include_in_schema=False)
ACTION_LABELS = {
    AuditAction.READ: "Lesen",
    AuditAction.CREATE: "Erfassen",
    AuditAction.CHANGE: "Ändern",
    AuditAction.DISCLOSE: "Bekanntgeben",
    AuditAction.EXPORT: "Exportieren",
    AuditAction.DELETE: "Löschen",
    AuditAction.DESTROY: "Vernichten",
    AuditAction.LOGIN: "Anmelden",
    AuditAction.LOGOUT: "Abmelden",
    AuditAction.CONSENT_GRANT: "Einwilligung erfassen",
    AuditAction.CONSENT_REVOKE: "Einwilligung widerrufen",
    AuditAction.BREAK_GLASS: "Notfallzugriff",
}
OUTCOME_LABELS = {
    AuditOutcome.ALLOWED: "erlaubt",
    AuditOutcome.DENIED: "verweigert",
    AuditOutcome.REFUSED: "abgelehnt",
}
PAGE_SIZE = 50


def _refused_unless_dpo(request: Request, web: WebUser) -> Response | None:
    """The refusal page for anyone who may not review the audit log; None for the DPO."""
    try:
        read(lambda: require(web.ctx.principal, Permission.AUDIT_REVIEW))
    except PageRefused as exc:
        return refused(request, web, exc)
    return None


def _day(text: str, field: str) -> date | None:
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise DomainError("Bitte ein gültiges Datum angeben (TT.MM.JJJJ).", field) from None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TIME)


def _end_of(day: date) -> datetime:
    return _start_of(day + timedelta(days=1))


def _show_anomalies(request: Request, web: WebUser, status: int = 200, **context: Any) -> Response:
    return show(request, web, "anomalies.html", status, nav="anomalien", **context)


def _search_page(request: Request, web: WebUser, status: int = 200, **context: Any) -> Response:
    context.setdefault("entered", {})
    return show(
        request,
        web,
        "audit_search.html",
        status,
        nav="protokoll",
        actions=ACTION_LABELS,
        outcomes=OUTCOME_LABELS,
        names=institution_names(web),
        **context,
    )


@router.get("/dsb/protokoll")
def audit_search_form(request: Request, web: SignedIn) -> Response:
    if (refusal := _refused_unless_dpo(request, web)) is not None:
        return refusal
    return _search_page(request, web)


@router.post("/dsb/protokoll")
def audit_search(
    request: Request,
    web: SignedInForm,
    ahvn13: Annotated[str, Form(max_length=20)] = "",
    actor_name: Annotated[str, Form(max_length=64)] = "",
    action: Annotated[str, Form(max_length=20)] = "",
    outcome: Annotated[str, Form(max_length=20)] = "",
    occurred_from: Annotated[str, Form(max_length=10)] = "",
    occurred_to: Annotated[str, Form(max_length=10)] = "",
    vor: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    entered = {
        "ahvn13": ahvn13,
        "actor_name": actor_name,
        "action": action,
        "outcome": outcome,
        "occurred_from": occurred_from,
        "occurred_to": occurred_to,
    }
    try:
        start, end = _day(occurred_from, "von"), _day(occurred_to, "bis")
        person = Ahvn13.parse(ahvn13) if ahvn13.strip() else None
        query = AuditQuery(
            actor_name=actor_name.strip() or None,
            action=AuditAction(action) if action in {a.value for a in AuditAction} else None,
            outcome=AuditOutcome(outcome) if outcome in {o.value for o in AuditOutcome} else None,
            occurred_from=_start_of(start) if start else None,
            occurred_to=_end_of(end) if end else None,
            limit=PAGE_SIZE + 1,
            newest_first=True,
            before=_page_cursor(vor),
        )
        found = audit_review.search_events(web.container.uow_factory(), web.ctx, query, person)
    except (ServiceError, DomainError) as exc:
        errors = form_errors(exc, {"von": "von", "bis": "bis"})
        status = 403 if isinstance(exc, Forbidden) else 422
        if errors.general and status == 422:  # the AHV number was malformed or names no person
            errors = FormErrors({"ahv": errors.general})
        return _search_page(request, web, status, errors=errors, entered=entered)
    events, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    older = f"{events[-1].occurred_at.isoformat()}|{events[-1].id}" if more else None
    consents = audit_review.consent_bases(web.container.uow_factory(), web.ctx, events)
    return _search_page(
        request,
        web,
        events=events,
        searched=True,
        entered=entered,
        older=older,
        first_page=not vor,
        staff=staff_names(web),
        consents=consents,
    )


def _page_cursor(text: str) -> tuple[datetime, uuid.UUID] | None:
    """The (time, id) of the last event of the previous page; anything malformed starts at the newest."""
    at, _, event_id = text.partition("|")
    try:
        return datetime.fromisoformat(at), uuid.UUID(event_id)
    except ValueError:
        return None


@router.get("/dsb/anomalien")
def anomalies_form(request: Request, web: SignedIn) -> Response:
    if (refusal := _refused_unless_dpo(request, web)) is not None:
        return refusal
    today = web.ctx.today
    entered = {"von": german_date(today - timedelta(days=30)), "bis": german_date(today)}
    return _show_anomalies(request, web, entered=entered)


@router.post("/dsb/anomalien")
def anomalies(
    request: Request,
    web: SignedInForm,
    occurred_from: Annotated[str, Form(max_length=10)] = "",
    occurred_to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    entered = {"von": occurred_from, "bis": occurred_to}
    try:
        start, end = _day(occurred_from, "von"), _day(occurred_to, "bis")
        if start is None or end is None:
            raise DomainError("Bitte Beginn und Ende angeben.", "von" if start is None else "bis")
        if end < start:
            raise DomainError("Das Ende muss nach dem Beginn liegen.", "bis")
        return _anomalies_page(request, web, entered, start, end)
    except (ServiceError, DomainError) as exc:
        errors = form_errors(exc, {"von": "von", "bis": "bis"})
        return _show_anomalies(request, web, 422, entered=entered, errors=errors)


def _anomalies_page(
    request: Request,
    web: WebUser,
    entered: dict[str, str],
    start: date,
    end: date,
    status: int = 200,
    **context: Any,
) -> Response:
    found, events = audit_review.anomaly_report(
        web.container.uow_factory(), web.ctx, _start_of(start), _end_of(end)
    )
    reviews = audit_review.anomaly_reviews(web.container.uow_factory(), web.ctx, found)
    return _show_anomalies(
        request,
        web,
        status,
        entered=entered,
        anomalies=[(a, anomaly_key(a)) for a in found],
        events=events,
        reviews=reviews,
        staff=staff_names(web),
        searched=True,
        names=institution_names(web),
        actions=ACTION_LABELS,
        outcomes=OUTCOME_LABELS,
        **context,
    )


@router.post("/dsb/anomalien/erledigt")
def anomaly_done(
    request: Request,
    web: SignedInForm,
    anomaly: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    occurred_from: Annotated[str, Form(max_length=10)] = "",
    occurred_to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """The DPO marks an anomaly "erledigt" with a note; the same list is shown again."""
    entered = {"von": occurred_from, "bis": occurred_to}
    start: date | None = None
    end: date | None = None
    try:
        start, end = _day(occurred_from, "von"), _day(occurred_to, "bis")
        if start is None or end is None or end < start:
            raise DomainError("Bitte den Zeitraum neu wählen.", "von")
        audit_review.mark_anomaly_done(web.container.uow_factory(), web.ctx, anomaly, note)
    except (ServiceError, DomainError) as exc:
        message = exc.message if isinstance(exc, ServiceError) else str(exc)
        if isinstance(exc, Forbidden):
            return refused(request, web, PageRefused(403, message))
        if getattr(exc, "field", None) == "von" or start is None or end is None:
            errors = form_errors(exc, {"von": "von", "bis": "bis"})
            return _show_anomalies(request, web, 422, entered=entered, errors=errors)
        errors = FormErrors({f"notiz-{anomaly}": message})
        return _anomalies_page(request, web, entered, start, end, 422, errors=errors)
    notice = "Die Anomalie ist als erledigt markiert."
    return _anomalies_page(request, web, entered, start, end, notice=notice)


@router.get("/dsb/integritaet")
def integrity(request: Request, web: SignedIn) -> Response:
    if (refusal := _refused_unless_dpo(request, web)) is not None:
        return refusal
    ledger = request.app.state.audit_ledger
    signer = ledger.signer
    report = audit_integrity.verify_database(ledger, {signer.key_id: signer.public_key})
    checkpoint = ledger.latest_checkpoint()  # a page never seals or signs: the sequencer does
    return show(
        request,
        web,
        "integrity.html",
        nav="integritaet",
        report=report,
        checkpoint=checkpoint,
        key_id=signer.key_id,
    )


@router.get("/dsb/auskunft")
def access_report_form(request: Request, web: SignedIn) -> Response:
    if (refusal := _refused_unless_dpo(request, web)) is not None:
        return refusal
    return show(request, web, "access_report.html", nav="auskunft", entered={})


@router.post("/dsb/auskunft")
def access_report(
    request: Request,
    web: SignedInForm,
    ahvn13: Annotated[str, Form(max_length=20)] = "",
    include_staff: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    try:
        report = audit_review.access_report(
            web.container.uow_factory(),
            web.ctx,
            ahvn13=Ahvn13.parse(ahvn13),
            include_staff=include_staff == "1",
            retention_days=web.container.settings.audit_retention_days,
        )
    except (ServiceError, DomainError) as exc:
        message = exc.message if isinstance(exc, ServiceError) else str(exc)
        status = 403 if isinstance(exc, Forbidden) else 422
        return show(
            request,
            web,
            "access_report.html",
            status,
            nav="auskunft",
            entered={"ahvn13": ahvn13},
            errors=FormErrors({"ahv": message}),
        )
    return attachment(access_report_pdf(report), "application/pdf", access_report_filename(report))
