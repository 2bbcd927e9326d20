"""Use cases on persons (Klient/innen): register, look up, correct Stammdaten."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from app.domain.ahvn13 import Ahvn13
from app.domain.audit import AuditAction, AuditOutcome
from app.domain.categories import DataCategory
from app.domain.errors import DataDestroyed, StaleVersion
from app.domain.permissions import Permission, permits
from app.domain.persons import Address, Person
from app.services.access.basis import sees_all_institution_cases
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require, require_recorded
from app.services.changes import UNSET, Unset, changed_fields
from app.services.context import RequestContext
from app.services.errors import Forbidden, PersonAlreadyRegistered, PersonNotFound
from app.services.ports import UnitOfWork

_CATEGORIES = (DataCategory.STAMMDATEN,)


def person_is_accessible(uow: UnitOfWork, ctx: RequestContext, person: Person) -> bool:
    """Need-to-know for Stammdaten: institutions working on a case of the person; before any case
    exists, the institution that registered the person (it is about to open one)."""
    if not permits(ctx.principal, Permission.CASE_READ):
        return False
    institution_id = ctx.principal.institution_id
    # "No case yet" first: a case committed between the two questions is then seen by the second.
    if person.registered_by_institution_id == institution_id and not uow.cases.person_has_cases(person.id):
        return True
    if institution_id not in uow.cases.institutions_of_person(person.id):
        return False
    # Need-to-know inside the institution: a caseworker sees the clients of the cases assigned to them.
    return sees_all_institution_cases(ctx) or uow.assignments.assigned_to_case_of_person(
        ctx.principal.id, person.id
    )


@dataclass(frozen=True)
class PersonData:
    ahvn13: Ahvn13
    family_name: str
    given_name: str
    birth_date: date
    address: Address | None = None
    phone: str | None = None
    email: str | None = None


def register_person(uow: UnitOfWork, ctx: RequestContext, data: PersonData) -> Person:
    """Any caseworker or system registers a client: one registration per institution and AHVN13.

    An AHVN13 that another institution registered gives the caller a registration of its own (its
    own id and the Stammdaten as it typed them), exactly as for a person nobody knows; only a person
    the caller already has (its own registration, or that of a case it works on) is refused."""
    with refusals_recorded(uow, ctx, operation="persons.register", action=AuditAction.CREATE):
        return _register_person(uow, ctx, data)


REGISTERED_BY_YOU = "Ihre Stelle hat diese AHV-Nummer bereits erfasst."


def _register_person(uow: UnitOfWork, ctx: RequestContext, data: PersonData) -> Person:
    require(ctx.principal, Permission.CASE_WRITE)
    institution_id = ctx.principal.institution_id
    with uow:
        for known in uow.persons.registrations_related_to(data.ahvn13, institution_id):
            own = known.registered_by_institution_id == institution_id
            accessible = person_is_accessible(uow, ctx, known)
            if own or accessible:
                raise PersonAlreadyRegistered(
                    known.id if accessible else None,
                    probed_person_id=known.id,
                    message=REGISTERED_BY_YOU if own else None,
                )
        person = Person(
            ahvn13=data.ahvn13,
            family_name=data.family_name.strip(),
            given_name=data.given_name.strip(),
            birth_date=data.birth_date,
            address=data.address,
            phone=data.phone,
            email=data.email,
            registered_by_institution_id=institution_id,
        )
        person.validate(today=ctx.today)
        uow.persons.add(person)
        _audit(
            uow,
            ctx,
            AuditAction.CREATE,
            "persons.register",
            person.id,
            AuditOutcome.ALLOWED,
            "Person erfasst.",
        )
    return person


def person_for_caller(uow: UnitOfWork, ctx: RequestContext, ahvn13: Ahvn13) -> Person | None:
    """The registration of this AHVN13 the caller may see: that of a case it works on first, else its
    own. Another institution's registration is neither considered nor opened."""
    related = uow.persons.registrations_related_to(ahvn13, ctx.principal.institution_id)
    visible = [p for p in related if person_is_accessible(uow, ctx, p)]
    shared = [p for p in visible if p.registered_by_institution_id != ctx.principal.institution_id]
    preferred = shared or visible
    return preferred[0] if preferred else None


def get_person(uow: UnitOfWork, ctx: RequestContext, person_id: uuid.UUID) -> Person:
    with refusals_recorded(uow, ctx, operation="persons.read", action=AuditAction.READ, person_id=person_id):
        require(ctx.principal, Permission.CASE_READ)
        return _get_person(uow, ctx, person_id)


def _load(uow: UnitOfWork, ctx: RequestContext, person_id: uuid.UUID) -> Person | None:
    """The person; for one whose data was destroyed, DataDestroyed to the institutions on their
    cases and "not found" to everyone else (the 404 must not tell them apart)."""
    try:
        return uow.persons.get(person_id)
    except DataDestroyed:
        if ctx.principal.institution_id in uow.cases.institutions_of_person(person_id):
            raise
        return None


def _get_person(uow: UnitOfWork, ctx: RequestContext, person_id: uuid.UUID) -> Person:
    with uow:
        person = _load(uow, ctx, person_id)
        found = _visible(uow, ctx, person, "persons.read", person_id)
    if found is None:
        raise PersonNotFound(audited=True)
    return found


def find_person_by_ahvn13(uow: UnitOfWork, ctx: RequestContext, ahvn13: Ahvn13) -> Person:
    """Exact lookup; a person the caller has no basis for is reported as not found."""
    require_recorded(uow, ctx, Permission.CASE_READ, operation="persons.lookup", action=AuditAction.READ)
    with uow:
        person = person_for_caller(uow, ctx, ahvn13)  # only one the caller may see
        found = _visible(uow, ctx, person, "persons.lookup", person.id if person else None, checked=True)
    if found is None:
        raise PersonNotFound(audited=True)
    return found


@dataclass(frozen=True)
class PersonCorrection:
    family_name: str | Unset = UNSET
    given_name: str | Unset = UNSET
    birth_date: date | Unset = UNSET
    address: Address | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    email: str | Unset | None = UNSET


def correct_person(
    uow: UnitOfWork,
    ctx: RequestContext,
    person_id: uuid.UUID,
    expected_version: int | None,
    fix: PersonCorrection,
) -> Person:
    """The registering institution or the lead of one of the person's cases corrects Stammdaten."""
    with refusals_recorded(
        uow, ctx, operation="persons.correct", action=AuditAction.CHANGE, person_id=person_id
    ):
        return _correct_person(uow, ctx, person_id, expected_version, fix)


def _correct_person(
    uow: UnitOfWork,
    ctx: RequestContext,
    person_id: uuid.UUID,
    expected_version: int | None,
    fix: PersonCorrection,
) -> Person:
    require(ctx.principal, Permission.CASE_WRITE)
    with uow:
        person = _load(uow, ctx, person_id)
        visible = _visible(
            uow, ctx, person, "persons.correct", person_id, action=AuditAction.CHANGE, audit_allowed=False
        )
        if visible is not None:
            may_edit = visible.registered_by_institution_id == ctx.principal.institution_id or (
                ctx.principal.institution_id in uow.cases.lead_institutions_of_person(visible.id)
            )
            if not may_edit:
                raise Forbidden("Stammdaten ändern kann nur die erfassende oder eine fallführende Stelle.")
            if expected_version is not None and expected_version != visible.version:
                raise StaleVersion()
            changes = changed_fields(fix)
            corrected = replace(visible, **changes)
            corrected.validate(today=ctx.today)
            uow.persons.save(corrected)
            _audit(
                uow,
                ctx,
                AuditAction.CHANGE,
                "persons.correct",
                person_id,
                AuditOutcome.ALLOWED,
                "Stammdaten geändert.",
            )
    if visible is None:
        raise PersonNotFound(audited=True)
    return corrected


def _visible(
    uow: UnitOfWork,
    ctx: RequestContext,
    person: Person | None,
    operation: str,
    person_id: uuid.UUID | None,
    action: AuditAction = AuditAction.READ,
    audit_allowed: bool = True,
    checked: bool = False,  # the person, if any, is already known to be accessible
) -> Person | None:
    if person is not None and (checked or person_is_accessible(uow, ctx, person)):
        if audit_allowed:
            basis = (
                "own"
                if person.registered_by_institution_id == ctx.principal.institution_id
                else "participation"
            )
            _audit(uow, ctx, action, operation, person.id, AuditOutcome.ALLOWED, "Stammdaten gelesen.", basis)
        return person
    _audit(uow, ctx, action, operation, person_id, AuditOutcome.DENIED, "Keine Grundlage für diese Person.")
    return None


def _audit(
    uow: UnitOfWork,
    ctx: RequestContext,
    action: AuditAction,
    operation: str,
    person_id: uuid.UUID | None,
    outcome: AuditOutcome,
    reason: str,
    basis: str = "own",
) -> None:
    uow.audit.append(
        ctx.audit_event(
            action=action,
            operation=operation,
            outcome=outcome,
            reason=reason,
            person_id=person_id,
            categories=_CATEGORIES if outcome is AuditOutcome.ALLOWED else (),
            withheld_categories=() if outcome is AuditOutcome.ALLOWED else _CATEGORIES,
            bases=(basis,) if outcome is AuditOutcome.ALLOWED else (),
        )
    )
