"""Finding a client among my cases by AHV number, name (with or without birth date), or my Dossier-Nr.

The search is POSTed so that an AHV number or a name never stands in a URL, a log line or the history.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.domain.ahvn13 import Ahvn13
from app.domain.cases import CasePhase, Segment
from app.domain.errors import DomainError
from app.entrypoints.web.case_pages import PAGE_SIZE, _uow
from app.entrypoints.web.formats import parse_date
from app.entrypoints.web.render import FormErrors, PageRefused, institution_names, read, refused, show
from app.entrypoints.web.web_auth import SignedInForm
from app.services import cases as case_service
from app.services.cases import CaseSearch

router = APIRouter(include_in_schema=False)

_AHV = re.compile(r"^756[\d. ]+$")
_NAME_AND_DATE = re.compile(
    r"^(?P<family>[^,\d]+?)[, ]+(?P<given>[^,\d]+?)[, ]+(?P<born>\d{1,2}\.\d{1,2}\.\d{4})$"
)
_NAME_ONLY = re.compile(r"^[^\d]+$")
HINT = "AHV-Nummer (756.…), Nachname (mit Vorname oder Geburtsdatum TT.MM.JJJJ) oder Ihre Dossier-Nr."


def parse_search(text: str) -> CaseSearch:
    """What the caseworker typed: an AHV number, a name with birth date, or else one's own Dossier-Nr."""
    value = " ".join(text.split())
    if not value:
        raise DomainError("Bitte einen Suchbegriff eingeben: " + HINT, "suche")
    if _AHV.match(value):
        return CaseSearch(ahvn13=Ahvn13.parse(value))
    named = _NAME_AND_DATE.match(value)
    if named:
        try:
            born = parse_date(named["born"])
        except ValueError:
            raise DomainError("Bitte ein gültiges Geburtsdatum angeben (TT.MM.JJJJ).", "suche") from None
        return CaseSearch(name_and_birth_date=(named["family"].strip(), named["given"].strip(), born))
    if _NAME_ONLY.match(value):  # no digit: a name (a Dossier-Nr. without a digit is not searched)
        return CaseSearch(name=value)
    return CaseSearch(own_reference=value)


@router.post("/faelle/suche")
def search_my_cases(
    request: Request,
    web: SignedInForm,
    suche: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    context: dict[str, Any] = {
        "names": institution_names(web),
        "today": web.ctx.today,
        "segments": list(Segment),
        "phases": list(CasePhase),
        "searched": True,
    }
    try:
        search = parse_search(suche)
    except DomainError as exc:
        errors = FormErrors({"suche": str(exc)})
        return show(request, web, "cases.html", 422, nav="faelle", items=[], errors=errors, **context)
    try:
        found = read(lambda: case_service.search_cases(_uow(web), web.ctx, search, PAGE_SIZE))
    except PageRefused as exc:
        return refused(request, web, exc)
    return show(request, web, "cases.html", nav="faelle", items=found.items, **context)
