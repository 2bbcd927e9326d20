"""The client's consent on a case: list, record with the signed form, revoke after confirmation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from app.domain.categories import DataCategory
from app.domain.consent import FORM_LANGUAGES, Flow
from app.entrypoints.web.case_pages import case_page
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
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import consents as service
from app.services.consent_inbox import consents_awaiting_confirmation
from app.services.context import LOCAL_TIME

router = APIRouter(include_in_schema=False)
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "fr": "Französisch",
    "it": "Italienisch",
    "en": "Englisch",
    "sq": "Albanisch",
    "pt": "Portugiesisch",
    "es": "Spanisch",
    "tr": "Türkisch",
    "ti": "Tigrinya",
    "ar": "Arabisch",
    "uk": "Ukrainisch",
}
CONSENT_FIELDS = {
    "flows": "von_stelle",
    "categories": "kategorien",
    "purpose": "zweck",
    "valid_from": "gueltig_bis",
    "valid_until": "gueltig_bis",
    "evidence.file": "formular",
    "evidence.language": "sprache",
    "evidence.collected_at": "unterschrieben_am",
    "evidence.collected_by": "formular",
    "form_version": "formularversion",
}
# the largest signed form accepted by the page before the use case checks it
UPLOAD_LIMIT = 11 * 1024 * 1024


def _consents_page(
    request: Request,
    web: WebUser,
    case_id: uuid.UUID,
    errors: FormErrors | None = None,
    status: int = 200,
    entered: dict[str, Any] | None = None,
) -> Response:
    try:
        states = read(lambda: service.list_consents(web.container.uow_factory(), web.ctx, case_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    # The case head names the client (when the caller may read the Stammdaten); the forms offer only
    # the institutions taking part in the case.
    return case_page(
        request,
        web,
        case_id,
        "consents.html",
        errors=errors,
        status=status,
        part="einwilligungen",
        states=states,
        consent_categories=[c for c in DataCategory if c is not DataCategory.STAMMDATEN],
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in sorted(FORM_LANGUAGES)],
        own_institution=web.user.institution_id,
        entered=entered or {},
    )


@router.get("/faelle/{case_id}/einwilligungen")
def consents(request: Request, web: SignedIn, case_id: uuid.UUID) -> Response:
    return _consents_page(request, web, case_id)


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


@router.post("/faelle/{case_id}/einwilligungen")
async def record_consent(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    from_institution: Annotated[str, Form(max_length=40)] = "",
    to_institution: Annotated[str, Form(max_length=40)] = "",
    both_directions: Annotated[str, Form(max_length=4)] = "",
    categories: Annotated[list[str] | None, Form()] = None,
    purpose: Annotated[str, Form(max_length=500)] = "",
    form_version: Annotated[str, Form(max_length=40)] = "",
    language: Annotated[str, Form(max_length=5)] = "de",
    collected_on: Annotated[str, Form(max_length=10)] = "",
    valid_until: Annotated[str, Form(max_length=10)] = "",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    # Only the upload is read on the event loop; the use case and the page run in a worker thread.
    content = await evidence.read(UPLOAD_LIMIT + 1) if evidence is not None else b""
    form = ConsentForm(
        from_institution,
        to_institution,
        both_directions,
        categories or [],
        purpose,
        form_version,
        language,
        collected_on,
        valid_until,
    )
    return await run_in_threadpool(_record_consent, request, web, case_id, form, content)


@dataclass(frozen=True)
class ConsentForm:
    from_institution: str
    to_institution: str
    both_directions: str
    categories: list[str]
    purpose: str
    form_version: str
    language: str
    collected_on: str
    valid_until: str


def _record_consent(
    request: Request, web: WebUser, case_id: uuid.UUID, form: ConsentForm, content: bytes
) -> Response:
    from_institution, to_institution = form.from_institution, form.to_institution
    both_directions, categories, purpose = form.both_directions, form.categories, form.purpose
    form_version, language = form.form_version, form.language
    collected_on, valid_until = form.collected_on, form.valid_until
    entered = {
        "from_institution": from_institution,
        "to_institution": to_institution,
        "purpose": purpose,
        "form_version": form_version,
        "language": language,
        "collected_on": collected_on,
        "valid_until": valid_until,
        "categories": set(categories or []),
        "both": both_directions == "1",
    }

    def again(errors: FormErrors) -> Response:
        return _consents_page(request, web, case_id, errors, 422, entered)

    source, target = _uuid(from_institution), _uuid(to_institution)
    if source is None or target is None:
        field = "von_stelle" if source is None else "an_stelle"
        return again(FormErrors({field: "Bitte eine Stelle wählen."}))
    chosen = {c for c in DataCategory if c.value in (categories or [])}
    if not chosen:
        return again(FormErrors({"kategorien": "Bitte mindestens eine Datenkategorie wählen."}))
    if not form_version.strip():
        return again(FormErrors({"formularversion": "Bitte die Version des Formulars angeben."}))
    try:
        signed_on = parse_date(collected_on)
    except ValueError:
        return again(FormErrors({"unterschrieben_am": "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."}))
    until = None
    if valid_until:
        try:
            until = datetime.combine(parse_date(valid_until), time(23, 59), LOCAL_TIME)
        except ValueError:
            return again(FormErrors({"gueltig_bis": "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."}))
    if len(content) > UPLOAD_LIMIT:
        return again(FormErrors({"formular": "Das Formular ist zu gross."}))
    # signed today: now; an earlier day: noon of that day (the form carries no time)
    signed_at = (
        web.ctx.now if signed_on == web.ctx.today else datetime.combine(signed_on, time(12), LOCAL_TIME)
    )
    flows = [Flow(source, target)]
    if both_directions == "1":
        flows.append(Flow(target, source))
    command = service.GrantConsent(
        flows=tuple(flows),
        categories=frozenset(chosen),
        purpose=purpose,
        form_version=form_version.strip(),
        collected_by_user_id=web.user.id,
        collected_at=signed_at,
        language=language,
        evidence_file=content,
        valid_until=until,
    )
    try:
        service.grant_consent(web.container.uow_factory(), web.ctx, case_id, command)
    except CHANGE_ERRORS as exc:
        return again(form_errors(exc, CONSENT_FIELDS))
    return redirect(f"/faelle/{case_id}/einwilligungen?ok=einwilligung")


@router.get("/faelle/{case_id}/einwilligungen/{consent_id}/widerruf")
def confirm_revocation(
    request: Request, web: SignedIn, case_id: uuid.UUID, consent_id: uuid.UUID
) -> Response:
    return _revocation_page(request, web, case_id, consent_id)


def _revocation_page(
    request: Request,
    web: WebUser,
    case_id: uuid.UUID,
    consent_id: uuid.UUID,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    try:
        state = read(lambda: service.get_consent(web.container.uow_factory(), web.ctx, case_id, consent_id))
    except PageRefused as exc:
        return refused(request, web, exc)
    return case_page(
        request, web, case_id, "revoke.html", errors=errors, status=status, part="einwilligungen", state=state
    )


@router.post("/faelle/{case_id}/einwilligungen/{consent_id}/widerruf")
def revoke(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    consent_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=500)] = "",
    confirmed: Annotated[str, Form(max_length=4)] = "",
    break_glass_allowed: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    if confirmed != "1":
        errors = FormErrors({"bestaetigt": "Bitte bestätigen Sie den Widerruf."})
        return _revocation_page(request, web, case_id, consent_id, errors, 422)
    try:
        service.revoke_consent(
            web.container.uow_factory(),
            web.ctx,
            case_id,
            consent_id,
            reason,
            bars_break_glass=break_glass_allowed != "1",
        )
    except CHANGE_ERRORS as exc:
        errors = form_errors(exc, {"reason": "widerrufsgrund"})
        return _revocation_page(request, web, case_id, consent_id, errors, 422)
    return redirect(f"/faelle/{case_id}/einwilligungen?ok=widerruf")


@router.post("/faelle/{case_id}/einwilligungen/{consent_id}/bestaetigung")
def confirm_consent(
    request: Request,
    web: SignedInForm,
    case_id: uuid.UUID,
    consent_id: uuid.UUID,
) -> Response:
    """The data owner confirms a consent another institution recorded."""
    try:
        service.confirm_consent(web.container.uow_factory(), web.ctx, case_id, consent_id)
    except CHANGE_ERRORS as exc:
        return _consents_page(request, web, case_id, form_errors(exc, {}), 409)
    return redirect(f"/faelle/{case_id}/einwilligungen?ok=bestaetigt")


@router.get("/einwilligungen/offen")
def awaiting_confirmation(request: Request, web: SignedIn) -> Response:
    """What waits for the user's institution to release its data."""
    try:
        waiting = read(lambda: consents_awaiting_confirmation(web.container.uow_factory(), web.ctx))
    except PageRefused as exc:
        return refused(request, web, exc)
    return show(
        request,
        web,
        "consents_awaiting.html",
        200,
        nav="offen",
        waiting=waiting,
        names=institution_names(web),
    )
