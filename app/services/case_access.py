"""Loading a case for a principal: the need-to-know gate, optimistic concurrency and the audit trail.

Every use case on an existing case goes through `read_case` or `change_case`, so the access
check and the one audit event per request live in one place.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.errors import ConcurrentConflict, InvariantViolation, StaleVersion
from app.domain.permissions import Permission, permits
from app.domain.policy import BasisKind, decide, may_open_case
from app.services.access_grants import decision_basis, grants_for, is_assigned
from app.services.case_view import CaseView, build_case_view
from app.services.context import RequestContext
from app.services.dossier_view import add_dossiers
from app.services.errors import CaseNotFound, Forbidden, ServiceError
from app.services.ports import Reveal, UnitOfWork
from app.services.refusals import refusals_recorded
from app.services.reveal import ParticipantReveal, PolicyReveal


@dataclass(frozen=True)
class CaseChange:
    """What a change touched, for the audit event."""

    categories: tuple[DataCategory, ...]
    record_ids: tuple[uuid.UUID, ...] = ()
    action: AuditAction = AuditAction.CHANGE


def _sorted(categories: Iterable[DataCategory]) -> tuple[DataCategory, ...]:
    return tuple(sorted(set(categories)))


def gate(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    operation: str,
    action: AuditAction,
    reveal: Reveal | None = None,
) -> tuple[SharedCase | None, ServiceError]:
    """The case if the principal may open it; otherwise records the denial and returns the refusal.

    Without the permission the answer is 403 whether the case exists or not; without a basis for
    this case it is the same 404 as for a case that does not exist.
    """
    reading = action in (AuditAction.READ, AuditAction.DISCLOSE)
    permission = Permission.CASE_READ if reading else Permission.CASE_WRITE
    refusal: ServiceError = CaseNotFound(audited=True)
    case = uow.cases.get(case_id, reveal)
    if not permits(ctx.principal, permission):
        reason = "Für diese Aktion fehlt die Berechtigung."
        refusal = Forbidden(audited=True)
    elif case is not None:
        grants = grants_for(uow, ctx, case)
        decision = may_open_case(ctx.principal, case, is_assigned(uow, ctx, case), grants)
        if decision.allow and (action is AuditAction.READ or decision.basis is not BasisKind.BREAK_GLASS):
            return case, refusal
        reason = decision.reason if not decision.allow else "Ein Notfallzugriff erlaubt nur das Lesen."
    else:
        reason = "Fall nicht vorhanden."
    uow.audit.append(
        ctx.audit_event(
            action=action,
            operation=operation,
            outcome=AuditOutcome.DENIED,
            reason=reason,
            case_id=case_id,
            person_id=case.person_id if case else None,
        )
    )
    return None, refusal


def _record_allowed(
    uow: UnitOfWork,
    ctx: RequestContext,
    case: SharedCase,
    action: AuditAction,
    operation: str,
    reason: str,
    **details: object,
) -> None:
    uow.audit.append(
        ctx.audit_event(
            action=action,
            operation=operation,
            outcome=AuditOutcome.ALLOWED,
            reason=reason,
            case_id=case.id,
            person_id=case.person_id,
            **details,
        )
    )


def read_case(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, operation: str = "cases.read"
) -> CaseView:
    reveal = PolicyReveal(ctx.principal, lambda case: decision_basis(uow, ctx, case))
    with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.READ, case_id=case_id), uow:
        case, refusal = gate(uow, ctx, case_id, operation, AuditAction.READ, reveal)
        if case is not None:
            view = view_for(uow, ctx, case)
            view.withheld |= reveal.withheld  # items never decrypted are withheld as well
            grants = grants_for(uow, ctx, case)
            add_dossiers(uow, case.id, lambda c, o: decide(ctx.principal, case, c, o, grants), view)
            _record_allowed(
                uow,
                ctx,
                case,
                AuditAction.READ,
                operation,
                _read_reason(view),
                categories=_sorted(view.allowed),
                withheld_categories=_sorted(view.withheld),
                bases=tuple(sorted(view.bases)),
            )
    if case is None:
        raise refusal
    return view


def _read_reason(view: CaseView) -> str:
    if not view.withheld:
        return "Fall gelesen."
    return "Fall gelesen; nicht freigegeben: " + ", ".join(sorted(c.label for c in view.withheld)) + "."


# A change sent without If-Match is meant for whatever the case is now: lost races are retried,
# after a short random pause so that the same writers do not collide again at once.
ATTEMPTS_WITHOUT_IF_MATCH = 5
_BACKOFF_SECONDS = 0.01


def change_case(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: int | None,
    operation: str,
    mutate: Callable[[SharedCase], CaseChange],
) -> CaseView:
    """Apply `mutate` to the case if the principal may open it and the version still matches.

    Every outcome is audited: the change, a denial at the gate, or a refusal by a rule.
    """
    attempts = 1 if expected_version is not None else ATTEMPTS_WITHOUT_IF_MATCH
    with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.CHANGE, case_id=case_id):
        for attempt in range(1, attempts + 1):
            try:
                return _change_once(uow, ctx, case_id, expected_version, operation, mutate)
            except StaleVersion:
                if expected_version is not None:
                    raise
                if attempt == attempts:
                    raise ConcurrentConflict(
                        "Der Fall wird gerade von anderen geändert. Bitte wiederholen."
                    ) from None
                time.sleep(random.uniform(0, _BACKOFF_SECONDS * attempt))  # noqa: S311 - jitter, not a secret
    raise AssertionError("unreachable")


def _change_once(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: int | None,
    operation: str,
    mutate: Callable[[SharedCase], CaseChange],
) -> CaseView:
    with uow:
        reveal = ParticipantReveal(ctx.principal, lambda case: decision_basis(uow, ctx, case))
        case, refusal = gate(uow, ctx, case_id, operation, AuditAction.CHANGE, reveal)
        if case is not None:
            if expected_version is not None and expected_version != case.version:
                raise StaleVersion()
            change = mutate(case)
            uow.cases.save(case)
            view = view_for(uow, ctx, case)
            _record_allowed(
                uow,
                ctx,
                case,
                change.action,
                operation,
                "Fall geändert.",
                categories=_sorted(change.categories),
                record_ids=change.record_ids,
                bases=("own",),
            )
    if case is None:
        raise refusal
    return view


def require_lead(case: SharedCase, ctx: RequestContext) -> None:
    if case.lead_institution_id != ctx.principal.institution_id:
        raise InvariantViolation("Nur die fallführende Stelle kann dies ändern.")


def view_for(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> CaseView:
    contact = uow.users.get(case.contact_person.user_id) if case.contact_person else None
    grants = grants_for(uow, ctx, case)
    return build_case_view(ctx.principal, case, uow.persons.get(case.person_id), contact, grants)


@dataclass(frozen=True)
class CaseAct:
    """What an act on a case (not a change of the case record itself) reports for the audit event."""

    reason: str
    categories: tuple[DataCategory, ...] = ()
    record_ids: tuple[uuid.UUID, ...] = ()
    bases: tuple[str, ...] = ("participation",)


Result = TypeVar("Result")


def act_on_case(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    operation: str,
    action: AuditAction,
    work: Callable[[SharedCase], tuple[Result, CaseAct]],
    *,
    permission: Permission | None = None,
) -> Result:
    """Run `work` on a case the principal may open, with one audit event of `action` for the request.

    `permission`: what the act needs beyond reading (READ acts) or changing cases (all others);
    refused with 403 before the case is even looked up, and audited like any refusal.
    """
    gate_as = AuditAction.READ if action is AuditAction.READ else AuditAction.CHANGE
    with refusals_recorded(uow, ctx, operation=operation, action=action, case_id=case_id):
        if permission is not None and not permits(ctx.principal, permission):
            raise Forbidden()
        return _act(uow, ctx, case_id, operation, action, gate_as, work)


def _act(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    operation: str,
    action: AuditAction,
    gate_as: AuditAction,
    work: Callable[[SharedCase], tuple[Result, CaseAct]],
) -> Result:
    with uow:
        reveal = ParticipantReveal(ctx.principal, lambda case: decision_basis(uow, ctx, case))
        case, refusal = gate(uow, ctx, case_id, operation, gate_as, reveal)
        if case is not None:
            result, act = work(case)
            uow.audit.append(
                ctx.audit_event(
                    action=action,
                    operation=operation,
                    outcome=AuditOutcome.ALLOWED,
                    reason=act.reason,
                    case_id=case.id,
                    person_id=case.person_id,
                    categories=_sorted(act.categories),
                    record_ids=act.record_ids,
                    bases=act.bases,
                )
            )
    if case is None:
        raise refusal
    return result
