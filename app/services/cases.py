"""Use cases on the shared case itself: open, list, read, change its settings."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import ContactPerson, SharedCase
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import CASE_ALREADY_OPEN, ConcurrentConflict, InvalidValue
from app.domain.permissions import Permission
from app.domain.persons import Person
from app.domain.policy import decide
from app.services.access.basis import sees_all_institution_cases
from app.services.access.case_work import (
    CaseChange,
    change_case,
    read_case,
    require_lead,
    view_of_new_case,
)
from app.services.access.refusals import refusals_recorded
from app.services.assignments import assign_opener
from app.services.authorization import require
from app.services.case_view import CaseView
from app.services.changes import UNSET, Unset
from app.services.consents import ConsentState, consents_naming_caller
from app.services.context import RequestContext
from app.services.errors import PersonNotFound
from app.services.persons import person_is_accessible
from app.services.ports import CaseFilter, CaseSummary, Page, UnitOfWork

MAX_PAGE_SIZE = 100


def resolve_contact_person(uow: UnitOfWork, user_id: uuid.UUID | None) -> ContactPerson | None:
    if user_id is None:
        return None
    user = uow.users.get(user_id)
    if user is None or not user.active:
        raise InvalidValue("Diese Ansprechperson gibt es nicht.", "contact_person_id")
    return ContactPerson(user.id, user.institution_id)


@dataclass(frozen=True)
class OpenCase:
    person_id: uuid.UUID
    local_reference: str
    opened_on: date
    contact_person_id: uuid.UUID | None = None
    reassessment_interval_months: int | None = None


def open_case(
    uow: UnitOfWork, ctx: RequestContext, command: OpenCase, default_interval_months: int
) -> CaseView:
    """A caseworker or system of any institution opens a shared case; its institution leads it."""
    with refusals_recorded(
        uow, ctx, operation="cases.open", action=AuditAction.CREATE, person_id=command.person_id
    ):
        return _open_case(uow, ctx, command, default_interval_months)


def _open_case(
    uow: UnitOfWork, ctx: RequestContext, command: OpenCase, default_interval_months: int
) -> CaseView:
    require(ctx.principal, Permission.CASE_WRITE)
    institution_id = ctx.principal.institution_id
    with uow:
        person = uow.persons.get(command.person_id)
        if person is None or not person_is_accessible(uow, ctx, person):
            raise PersonNotFound(field="person_id")
        if uow.cases.open_case_of_person(person.id) is not None:
            raise ConcurrentConflict(CASE_ALREADY_OPEN, "person_id")
        case = SharedCase.open(
            person_id=person.id,
            lead_institution_id=institution_id,
            local_reference=command.local_reference,
            opened_on=command.opened_on,
            today=ctx.today,
            contact_person=resolve_contact_person(uow, command.contact_person_id),
            reassessment_interval_months=command.reassessment_interval_months or default_interval_months,
        )
        uow.cases.add(case)
        assign_opener(uow, ctx, case)
        view = view_of_new_case(uow, ctx, case)
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.CREATE,
                operation="cases.open",
                outcome=AuditOutcome.ALLOWED,
                reason="Fall eröffnet.",
                case_id=case.id,
                person_id=person.id,
                categories=(DataCategory.FALLFUEHRUNG,),
                bases=("own",),
            )
        )
    return view


@dataclass(frozen=True)
class CaseListItem:
    summary: CaseSummary
    display_name: str | None  # only where the principal may see the Stammdaten


def list_cases(
    uow: UnitOfWork, ctx: RequestContext, case_filter: CaseFilter, cursor: str | None, limit: int
) -> Page[CaseListItem]:
    """Cases the principal's institution participates in; nothing else is counted or hinted at."""
    with refusals_recorded(uow, ctx, operation="cases.list", action=AuditAction.READ):
        require(ctx.principal, Permission.CASE_READ)
        return _list_cases(uow, ctx, case_filter, cursor, max(1, min(limit, MAX_PAGE_SIZE)))


@dataclass(frozen=True)
class CaseSearch:
    """What a caseworker types to find a client among the cases they may see."""

    ahvn13: Ahvn13 | None = None
    name_and_birth_date: tuple[str, str, date] | None = None  # family name, given name, birth date
    own_reference: str | None = None  # the caller institution's Dossier-Nr.
    name: str | None = None  # "Nachname" or "Nachname Vorname": the family name must match exactly


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace(",", " ").split())


def _name_candidates(uow: UnitOfWork, typed: str) -> dict[uuid.UUID, set[str]]:
    """Persons whose family name is the typed words or their beginning (through the blind index), with
    the given name each reading expects ("" for any). "von Arx Anna" tries "von", "von Arx", ..."""
    words = _folded(typed).split()
    wanted: dict[uuid.UUID, set[str]] = {}
    for cut in range(1, min(len(words), 4) + 1):
        family, given = " ".join(words[:cut]), " ".join(words[cut:])
        for person_id in uow.persons.ids_by_family_name(family):
            wanted.setdefault(person_id, set()).add(given)
    return wanted


def search_cases(uow: UnitOfWork, ctx: RequestContext, search: CaseSearch, limit: int) -> Page[CaseListItem]:
    """Any caseworker: finds only among the cases listed for them; a person known elsewhere, unknown or
    without a case of the caller's answers the same empty list."""
    with refusals_recorded(uow, ctx, operation="cases.list", action=AuditAction.READ):
        require(ctx.principal, Permission.CASE_READ)
        with uow:
            person_ids: frozenset[uuid.UUID] | None = None
            if search.ahvn13 is not None:
                related = uow.persons.registrations_related_to(search.ahvn13, ctx.principal.institution_id)
                person_ids = frozenset(p.id for p in related)
            elif search.name_and_birth_date is not None:
                persons = uow.persons.name_twins_related_to(
                    *search.name_and_birth_date, ctx.principal.institution_id
                )
                person_ids = frozenset(p.id for p in persons)
            elif search.name is not None:
                wanted = _name_candidates(uow, search.name)
                person_ids = frozenset(wanted)
        case_filter = CaseFilter(person_ids=person_ids, own_reference=search.own_reference)
        if search.name is None:
            return _list_cases(uow, ctx, case_filter, None, max(1, min(limit, MAX_PAGE_SIZE)))

        def named_as_typed(person: Person) -> bool:
            given = _folded(person.given_name)
            return any(given.startswith(typed) for typed in wanted[person.id])

        # A name found only where the caller may read the Stammdaten: a case whose name is withheld
        # must not be identified by matching it.
        return _list_cases(uow, ctx, case_filter, None, MAX_PAGE_SIZE, only_named=named_as_typed)


def _list_cases(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_filter: CaseFilter,
    cursor: str | None,
    limit: int,
    only_named: Callable[[Person], bool] | None = None,
) -> Page[CaseListItem]:
    with uow:
        assigned_to = None if sees_all_institution_cases(ctx) else ctx.principal.id
        page = uow.cases.page_for_institution(
            ctx.principal.institution_id, case_filter, cursor, limit, assigned_user_id=assigned_to
        )
        persons = uow.persons.get_many([s.person_id for s in page.items])
        items = []
        shown: list[uuid.UUID] = []  # persons whose Stammdaten the list showed, for their Auskunft
        for summary in page.items:
            person = persons.get(summary.person_id)
            name = None
            if (
                person is not None
                and decide(ctx.principal, summary, person.category, person.owner_institution_id).allow
            ):
                if only_named is not None and not only_named(person):
                    continue
                name = f"{person.family_name}, {person.given_name}"
                shown.append(person.id)
            elif only_named is not None:
                continue
            items.append(CaseListItem(summary, name))
        uow.audit.append(
            ctx.audit_event(
                action=AuditAction.READ,
                operation="cases.list",
                outcome=AuditOutcome.ALLOWED,
                reason=f"{len(items)} Fälle aufgelistet.",
                categories=(DataCategory.FALLFUEHRUNG, DataCategory.STAMMDATEN),
                record_ids=(*(i.summary.id for i in items), *shown),  # cases, then the persons shown
                bases=("participation",),
            )
        )
    return Page(items, page.next_cursor)


def get_case(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID) -> CaseView:
    """Any principal; an inaccessible case is reported exactly like a missing one."""
    return read_case(uow, ctx, case_id)


@dataclass(frozen=True)
class CasePage:
    """What the thin client's case page shows: the case and, for the lead institution, the active
    colleagues who may become the contact person (id, display name, by name)."""

    view: CaseView
    colleagues: tuple[tuple[uuid.UUID, str], ...]
    consents: tuple[ConsentState, ...]  # naming the caller's institution; read only when data is withheld


def get_case_page(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID) -> CasePage:
    """The case read, the contact-person choices and why withheld categories are withheld, in one
    transaction."""
    colleagues: list[tuple[uuid.UUID, str]] = []
    states: list[ConsentState] = []

    def around_the_view(view: CaseView) -> None:
        mine = ctx.principal.institution_id
        if view.case.lead_institution_id == mine:
            users = [u for u in uow.users.list() if u.active and u.institution_id == mine]
            colleagues.extend(sorted(((u.id, u.display_name) for u in users), key=lambda pair: pair[1]))
        if view.withheld - view.allowed:
            states.extend(consents_naming_caller(uow, ctx, view.case))

    view = read_case(uow, ctx, case_id, then=around_the_view)
    return CasePage(view, tuple(colleagues), tuple(states))


@dataclass(frozen=True)
class CaseSettings:
    contact_person_id: uuid.UUID | Unset | None = UNSET  # None removes the contact person
    reassessment_interval_months: int | Unset = UNSET


def change_case_settings(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    settings: CaseSettings,
) -> CaseView:
    """The lead institution sets the contact person or the reassessment interval."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        if settings.contact_person_id is not UNSET:
            contact = resolve_contact_person(uow, settings.contact_person_id)
            if contact is None:
                case.clear_contact_person()
            else:
                case.set_contact_person(contact)
        if settings.reassessment_interval_months is not UNSET:
            case.set_reassessment_interval(settings.reassessment_interval_months)
        return CaseChange((DataCategory.FALLFUEHRUNG,))

    return change_case(uow, ctx, case_id, expected_version, "cases.change", mutate)
