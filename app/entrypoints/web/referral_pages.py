"""Zuweisungen in the thin client: an institution refers a client to IIZ case management; the
case-management body plans the joint meeting and decides admission; a declined referral goes to the
clearing body (AGS), which decides. The same use cases as `POST /referrals…`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.ahvn13 import Ahvn13
from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.domain.errors import DomainError
from app.domain.institutions import InstitutionKind
from app.domain.referral import AdmissionOutcome, Referral, ReferralStatus, Urgency
from app.entrypoints.web.case_pages import _uow
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
from app.entrypoints.web.start_pages import _registered
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import persons as person_service
from app.services import referrals as service
from app.services.context import RequestContext
from app.services.ports import UnitOfWork

router = APIRouter(include_in_schema=False)
CATEGORY_CHOICES = sorted(CONTENT_CATEGORIES, key=lambda c: c.label)
NEW_FIELDS = {
    "ahvn13": "ahv",
    "family_name": "nachname",
    "given_name": "vorname",
    "birth_date": "geburtsdatum",
    "person_id": "ahv",
    "region_institution_id": "region",
    "reason": "grund",
    "tried": "versucht",
    "category": "kategorie",
}
NOTICES = {
    "erfasst": "Die Zuweisung ist erfasst; die Fallführungsstelle der Region entscheidet über die Aufnahme.",
    "gespraech": "Das gemeinsame Gespräch ist geplant.",
    "entschieden": "Der Aufnahmeentscheid ist festgehalten.",
    "schlichtung": "Die Zuweisung liegt jetzt bei der Schlichtungsstelle.",
    "geschlichtet": "Der Entscheid der Schlichtungsstelle ist festgehalten.",
}


def _config(web: WebUser) -> service.ReferralConfig:
    settings = web.container.settings
    return service.ReferralConfig(dict(settings.referral_cm_bodies), settings.referral_clearing_body_code)


def _institutions(web: WebUser, *kinds: InstitutionKind) -> list[tuple[uuid.UUID, str]]:
    with web.container.uow_factory() as uow:
        found = [i for i in uow.institutions.list() if i.active and (not kinds or i.kind in kinds)]
    return sorted(((i.id, i.name) for i in found), key=lambda pair: pair[1])


def _new_page(
    request: Request, web: WebUser, errors: FormErrors | None = None, status: int = 200
) -> Response:
    return show(
        request,
        web,
        "referral_new.html",
        status,
        nav="zuweisungen",
        regions=_institutions(web, InstitutionKind.SOZIALDIENST),
        urgencies=list(Urgency),
        categories=CATEGORY_CHOICES,
        errors=errors or FormErrors(),
    )


def _list_page(
    request: Request,
    web: WebUser,
    errors: FormErrors | None = None,
    status: int = 200,
    open_id: uuid.UUID | None = None,
) -> Response:
    try:
        found = read(lambda: service.list_referrals(_uow(web), web.ctx))
    except PageRefused as exc:
        return refused(request, web, exc)
    mine = web.user.institution_id
    return show(
        request,
        web,
        "referrals.html",
        status,
        nav="zuweisungen",
        to_decide=[r for r in found if r.deciding_institution_id == mine],
        others=[r for r in found if r.deciding_institution_id != mine],
        may_request_clearing=lambda r: (
            r.status is ReferralStatus.DECLINED
            and mine in (r.referring_institution_id, r.cm_body_institution_id)
        ),
        outcomes=list(AdmissionOutcome),
        leads=_institutions(web, InstitutionKind.SOZIALDIENST, InstitutionKind.RAV, InstitutionKind.IV),
        names=institution_names(web),
        today=web.ctx.today,
        open_id=open_id,
        errors=errors or FormErrors(),
        notice=NOTICES.get(request.query_params.get("ok", "")),
    )


@router.get("/zuweisungen")
def referrals(request: Request, web: SignedIn) -> Response:
    return _list_page(request, web)


@router.get("/zuweisungen/neu")
def new_referral_form(request: Request, web: SignedIn) -> Response:
    return _new_page(request, web)


@router.post("/zuweisungen/neu")
def refer_client(
    request: Request,
    web: SignedInForm,
    ahvn13: Annotated[str, Form(max_length=20)] = "",
    family_name: Annotated[str, Form(max_length=100)] = "",
    given_name: Annotated[str, Form(max_length=100)] = "",
    birth_date: Annotated[str, Form(max_length=10)] = "",
    region: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    tried: Annotated[str, Form(max_length=4000)] = "",
    urgency: Annotated[str, Form(max_length=10)] = "",
    category: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        number = Ahvn13.parse(ahvn13)
    except DomainError as exc:
        return _new_page(request, web, FormErrors({"ahv": str(exc)}), 422)
    try:
        born = parse_date(birth_date)
    except ValueError:
        return _new_page(
            request, web, FormErrors({"geburtsdatum": "Bitte ein gültiges Datum (TT.MM.JJJJ)."}), 422
        )
    try:
        region_id = uuid.UUID(region)
    except ValueError:
        return _new_page(request, web, FormErrors({"region": "Bitte die Sozialregion wählen."}), 422)
    chosen = DataCategory(category) if category in {c.value for c in CATEGORY_CHOICES} else None
    new = service.NewReferral(
        person_id=uuid.uuid4(),  # replaced by the registered person below
        region_institution_id=region_id,
        reason=reason,
        tried=tried,
        urgency=Urgency.URGENT if urgency == Urgency.URGENT.value else Urgency.NORMAL,
        category=chosen,
    )
    try:
        person_id = _registered(web, person_service.PersonData(number, family_name, given_name, born))
        service.refer_client(_uow(web), web.ctx, _with_person(new, person_id), _config(web))
    except CHANGE_ERRORS as exc:
        return _new_page(request, web, form_errors(exc, NEW_FIELDS), 422)
    return redirect("/zuweisungen?ok=erfasst")


def _with_person(new: service.NewReferral, person_id: uuid.UUID) -> service.NewReferral:
    return replace(new, person_id=person_id)


@router.post("/zuweisungen/{referral_id}/gespraech")
def schedule_meeting(
    request: Request,
    web: SignedInForm,
    referral_id: uuid.UUID,
    meeting_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    field = f"gespraech-{referral_id}"
    try:
        day = parse_date(meeting_on)
    except ValueError:
        return _list_page(request, web, FormErrors({field: "Bitte ein gültiges Datum (TT.MM.JJJJ)."}), 422)
    try:
        service.schedule_meeting(_uow(web), web.ctx, referral_id, day)
    except CHANGE_ERRORS as exc:
        return _refused_or_errors(request, web, exc, {"meeting_on": field}, referral_id)
    return redirect("/zuweisungen?ok=gespraech")


def _decision_of(
    referral_id: uuid.UUID, outcome: str, reason: str, lead: str, local_reference: str
) -> service.Decision | FormErrors:
    chosen = next((o for o in AdmissionOutcome if o.value == outcome), None)
    if chosen is None:
        return FormErrors({f"entscheid-{referral_id}": "Bitte den Entscheid wählen."})
    lead_id = None
    if chosen is AdmissionOutcome.ADMITTED:
        try:
            lead_id = uuid.UUID(lead)
        except ValueError:
            return FormErrors(
                {f"fallfuehrung-{referral_id}": "Bei der Aufnahme ist die fallführende Stelle zu nennen."}
            )
    return service.Decision(chosen, reason, lead_id, local_reference)


def _decision_fields(referral_id: uuid.UUID) -> dict[str, str]:
    return {
        "outcome": f"entscheid-{referral_id}",
        "reason": f"begruendung-{referral_id}",
        "lead_institution_id": f"fallfuehrung-{referral_id}",
        "decided_on": f"entscheid-{referral_id}",
        "status": f"entscheid-{referral_id}",
    }


@router.post("/zuweisungen/{referral_id}/entscheid")
def decide_admission(
    request: Request,
    web: SignedInForm,
    referral_id: uuid.UUID,
    outcome: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    lead: Annotated[str, Form(max_length=40)] = "",
    local_reference: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    form = (outcome, reason, lead, local_reference)
    return _decide(request, web, referral_id, form, service.decide_admission, "entschieden")


@router.post("/zuweisungen/{referral_id}/schlichtung")
def request_clearing(request: Request, web: SignedInForm, referral_id: uuid.UUID) -> Response:
    try:
        service.request_clearing(_uow(web), web.ctx, referral_id)
    except CHANGE_ERRORS as exc:
        return _refused_or_errors(request, web, exc, {"status": f"schlichtung-{referral_id}"}, referral_id)
    return redirect("/zuweisungen?ok=schlichtung")


@router.post("/zuweisungen/{referral_id}/schlichtung/entscheid")
def decide_clearing(
    request: Request,
    web: SignedInForm,
    referral_id: uuid.UUID,
    outcome: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    lead: Annotated[str, Form(max_length=40)] = "",
    local_reference: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    form = (outcome, reason, lead, local_reference)
    return _decide(request, web, referral_id, form, service.decide_clearing, "geschlichtet")


def _decide(
    request: Request,
    web: WebUser,
    referral_id: uuid.UUID,
    form: tuple[str, str, str, str],
    decide: Callable[[UnitOfWork, RequestContext, uuid.UUID, service.Decision], Referral],
    notice: str,
) -> Response:
    """One admission or clearing decision from its form: (outcome, reason, lead, local reference)."""
    decision = _decision_of(referral_id, *form)
    if isinstance(decision, FormErrors):
        return _list_page(request, web, decision, 422, referral_id)
    try:
        decided = decide(_uow(web), web.ctx, referral_id, decision)
    except CHANGE_ERRORS as exc:
        return _refused_or_errors(request, web, exc, _decision_fields(referral_id), referral_id)
    return _after_decision(decided, web, notice)


def _after_decision(referral: Referral, web: WebUser, notice: str) -> Response:
    # The deciding body that also leads the new case goes straight to it.
    if referral.case_id is not None and referral.lead_institution_id == web.user.institution_id:
        return redirect(f"/faelle/{referral.case_id}?ok=eroeffnet")
    return redirect(f"/zuweisungen?ok={notice}")


def _refused_or_errors(
    request: Request, web: WebUser, exc: Exception, fields: dict[str, str], referral_id: uuid.UUID
) -> Response:
    if isinstance(exc, service.ReferralNotFound):
        return refused(request, web, PageRefused(404, exc.message))
    return _list_page(request, web, form_errors(exc, fields), 422, referral_id)
