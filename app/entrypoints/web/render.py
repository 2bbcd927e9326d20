"""Rendering a signed-in page: the header's user, German error messages next to their fields."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.domain.errors import DomainError, StaleVersion
from app.domain.permissions import Permission
from app.entrypoints.web import pending_forms
from app.entrypoints.web.pages import page
from app.entrypoints.web.versions import STALE_MESSAGE
from app.entrypoints.web.web_auth import WebUser
from app.services.errors import Forbidden, NotFound, ServiceError

T = TypeVar("T")


@dataclass(frozen=True)
class Me:
    display_name: str
    institution: str
    csrf_token: str
    may_casework: bool
    may_review: bool
    may_assign: bool
    session_ends_at: datetime | None = None  # without activity; any page view extends it
    may_steer: bool = False  # Kantonale Steuerung: the figures page
    institution_id: uuid.UUID | None = None


@dataclass
class FormErrors:
    """Messages per form field (shown beside it, referenced by aria-describedby) and one for the form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: str | None = None

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


class PageRefused(Exception):
    """A use case refused the request; the page shows the German message with this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def me_of(web: WebUser) -> Me:
    with web.container.uow_factory() as uow:
        institution = uow.institutions.get(web.user.institution_id)
    return Me(
        display_name=web.user.display_name,
        institution=institution.name if institution else "",
        csrf_token=web.csrf_token,
        may_casework=web.may(Permission.CASE_READ),
        may_review=web.may(Permission.AUDIT_REVIEW),
        may_assign=web.may(Permission.CASE_ASSIGN),
        session_ends_at=web.ctx.now + timedelta(minutes=web.container.settings.session_idle_minutes),
        may_steer=web.may(Permission.FIGURES_READ),
        institution_id=web.user.institution_id,
    )


def institution_names(web: WebUser) -> dict[uuid.UUID, str]:
    """The directory of institutions (no personal data)."""
    with web.container.uow_factory() as uow:
        return {i.id: i.name for i in uow.institutions.list()}


def staff_names(web: WebUser) -> dict[uuid.UUID, str]:
    """Display names of all staff (the DPO's pages show people, not usernames)."""
    with web.container.uow_factory() as uow:
        return {u.id: u.display_name for u in uow.users.list()}


def show(request: Request, web: WebUser, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("errors", FormErrors())
    restored = pending_forms.restore(request, web.container, web.user.id)
    forget = restored.pop("forget_pending_form", False)
    context.update(restored)
    response = page(request, template, status, me=me_of(web), **context)
    if forget:
        pending_forms.forget(response, web.container)
    return response


def refused(request: Request, web: WebUser, error: PageRefused) -> HTMLResponse:
    return show(request, web, "refused.html", error.status, message=error.message)


def read(call: Callable[[], T]) -> T:
    """Run a reading use case; a refusal becomes a German page (404 looks like a missing case)."""
    try:
        return call()
    except NotFound as exc:
        raise PageRefused(404, exc.message) from exc
    except Forbidden as exc:
        raise PageRefused(403, exc.message) from exc
    except (ServiceError, DomainError) as exc:
        raise PageRefused(422, str(exc)) from exc


def form_errors(exc: Exception, field_ids: Mapping[str, str]) -> FormErrors:
    """Place the use case's message beside the form field it names (service field -> form field id)."""
    if isinstance(exc, StaleVersion):
        return FormErrors(general=STALE_MESSAGE)
    message = exc.message if isinstance(exc, ServiceError) else str(exc)
    name = getattr(exc, "field", None)
    if name and name in field_ids:
        return FormErrors(fields={field_ids[name]: message})
    return FormErrors(general=message)


CHANGE_ERRORS = (ServiceError, DomainError, StaleVersion)
