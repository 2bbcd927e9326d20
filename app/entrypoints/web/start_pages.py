"""Starting a case in the thin client: register the client (or find the one the institution already
registered) and open the shared case, through the same use cases as the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.ahvn13 import Ahvn13
from app.domain.errors import DomainError
from app.entrypoints.web.case_pages import _uow
from app.entrypoints.web.formats import parse_date
from app.entrypoints.web.pages import redirect
from app.entrypoints.web.render import CHANGE_ERRORS, FormErrors, form_errors, show
from app.entrypoints.web.web_auth import SignedIn, SignedInForm, WebUser
from app.services import cases as case_service
from app.services import persons as person_service
from app.services.errors import PersonAlreadyRegistered

router = APIRouter(include_in_schema=False)

# service field -> form field id
FIELDS = {
    "ahvn13": "ahv",
    "family_name": "nachname",
    "given_name": "vorname",
    "birth_date": "geburtsdatum",
    "local_reference": "dossier",
    "opened_on": "eroeffnet",
    "person_id": "ahv",
}


def _form_page(
    request: Request, web: WebUser, errors: FormErrors | None = None, status: int = 200
) -> Response:
    return show(
        request,
        web,
        "new_case.html",
        status,
        nav="faelle",
        today=web.ctx.today,
        errors=errors or FormErrors(),
    )


@router.get("/faelle/neu")
def new_case_form(request: Request, web: SignedIn) -> Response:
    return _form_page(request, web)


def _date(text: str, field: str, required: bool) -> date | None:
    if not text.strip():
        if required:
            raise DomainError("Bitte ein Datum angeben (TT.MM.JJJJ).", field)
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise DomainError("Bitte ein gültiges Datum angeben (TT.MM.JJJJ).", field) from None


@router.post("/faelle/neu")
def start_case(
    request: Request,
    web: SignedInForm,
    ahvn13: Annotated[str, Form(max_length=20)] = "",
    family_name: Annotated[str, Form(max_length=100)] = "",
    given_name: Annotated[str, Form(max_length=100)] = "",
    birth_date: Annotated[str, Form(max_length=10)] = "",
    local_reference: Annotated[str, Form(max_length=64)] = "",
    opened_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        number = Ahvn13.parse(ahvn13)
    except DomainError as exc:
        return _form_page(request, web, FormErrors({"ahv": str(exc)}), 422)
    try:
        born = _date(birth_date, "geburtsdatum", required=True)
        opened = _date(opened_on, "eroeffnet", required=False) or web.ctx.today
        if not local_reference.strip():
            raise DomainError("Bitte die Dossier-Nr. Ihrer Stelle angeben.", "dossier")
    except DomainError as exc:
        return _form_page(request, web, FormErrors({exc.field or "ahv": str(exc)}), 422)
    assert born is not None
    data = person_service.PersonData(number, family_name, given_name, born)
    try:
        person_id = _registered(web, data)
        view = case_service.open_case(
            _uow(web),
            web.ctx,
            case_service.OpenCase(
                person_id=person_id, local_reference=local_reference.strip(), opened_on=opened
            ),
            web.container.settings.reassessment_interval_months,
        )
    except CHANGE_ERRORS as exc:
        return _form_page(request, web, form_errors(exc, FIELDS), 422)
    return redirect(f"/faelle/{view.case.id}?ok=eroeffnet")


def _registered(web: WebUser, data: person_service.PersonData) -> Any:
    """The person as this institution registers it; a person the institution may already see (it
    registered them earlier, say when a first attempt to open the case failed) is taken as it is."""
    try:
        return person_service.register_person(_uow(web), web.ctx, data).id
    except PersonAlreadyRegistered as exc:
        if exc.person_id is None:
            raise
        return exc.person_id
