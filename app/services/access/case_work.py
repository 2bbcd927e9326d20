"""Work on an existing case: read it, change it, or act on it (consents, assignments).

Every use case on an existing case goes through `read_case`, `change_case` or `act_on_case`, so the
access decision (`CaseAccess`, once per request), optimistic concurrency and the one audit event per
request live in one place.
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
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import ConcurrentConflict, InvariantViolation, StaleVersion
from app.domain.permissions import Permission, permits
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.dossier_view import add_dossiers
from app.services.errors import Forbidden
from app.services.ports import UnitOfWork


@dataclass(frozen=True)
class CaseChange:
    """What a change touched, for the audit event."""

    categories: tuple[DataCategory, ...]
    record_ids: tuple[uuid.UUID, ...] = ()
    action: AuditAction = AuditAction.CHANGE


def _sorted(categories: Iterable[DataCategory]) -> tuple[DataCategory, ...]:
    return tuple(sorted(set(categories)))


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
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    operation: str = "cases.read",
    then: Callable[[CaseView], None] | None = None,
) -> CaseView:
    """Any principal with the permission to read cases; an inaccessible case is the same 404 as a
    missing one. Only what the policy allows is decrypted. `then` reads more for the same answer in
    the same transaction (a page's form choices), after the case was allowed and its read audited."""
    with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.READ, case_id=case_id), uow:
        access, refusal = CaseAccess.open(uow, ctx, case_id, operation, AuditAction.READ)
        if access is not None:
            case = access.reveal()
            view = access.view()
            add_dossiers(uow, case.id, access.decisions.of, view)
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
            if then is not None:
                then(view)
    if access is None:
        raise refusal
    return view


def _read_reason(view: CaseView) -> str:
    if not view.withheld:
        return "Fall gelesen."
    return "Fall gelesen; nicht freigegeben: " + ", ".join(sorted(c.label for c in view.withheld)) + "."


# A lost race (another request changed the same part or the core between our read and our write)
# is retried, after a short random pause so that the same writers do not collide again at once; an
# If-Match is checked again against what the retry reads.
ATTEMPTS = 5
_BACKOFF_SECONDS = 0.01


class _LostRace(Exception):
    pass


def change_case(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected: VersionTag | None,
    operation: str,
    mutate: Callable[[SharedCase], CaseChange],
) -> CaseView:
    """Apply `mutate` to the case if the principal may open it and, with `expected` (If-Match), if
    every part the change touches is still as the caller saw it. A change that only adds records
    touches no part: it needs no tag and never conflicts with another.

    Every outcome is audited: the change, a denial at the gate, or a refusal by a rule.
    """
    with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.CHANGE, case_id=case_id):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return _change_once(uow, ctx, case_id, expected, operation, mutate)
            except _LostRace:
                if attempt == ATTEMPTS:
                    raise ConcurrentConflict(
                        "Der Fall wird gerade von anderen geändert. Bitte wiederholen."
                    ) from None
                time.sleep(random.uniform(0, _BACKOFF_SECONDS * attempt))  # noqa: S311 - jitter, not a secret
    raise AssertionError("unreachable")


def _change_once(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected: VersionTag | None,
    operation: str,
    mutate: Callable[[SharedCase], CaseChange],
) -> CaseView:
    checked = False
    try:
        with uow:
            access, refusal = CaseAccess.open(uow, ctx, case_id, operation, AuditAction.CHANGE)
            if access is not None:
                before = access.part_versions() if expected is not None else None
                case = access.reveal_all()
                change = mutate(case)
                if (
                    before is not None
                    and expected is not None
                    and not before.still_current(expected, uow.cases.touched(case), access.may_see)
                ):
                    checked = True
                    raise StaleVersion()
                uow.cases.save(case)
                view = access.after_change().view()
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
    except StaleVersion:
        if checked:
            raise
        raise _LostRace() from None
    if access is None:
        raise refusal
    return view


def view_of_new_case(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> CaseView:
    """The view of a case this request created (its items are all in memory)."""
    return CaseAccess.of_case(uow, ctx, case).view()


def require_lead(case: SharedCase, ctx: RequestContext) -> None:
    if case.lead_institution_id != ctx.principal.institution_id:
        raise InvariantViolation("Nur die fallführende Stelle kann dies ändern.")


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

    `work` gets the case skeleton (participants, phase, lead, end of follow-up): acts on a case need
    none of its content, so none is decrypted.

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
        access, refusal = CaseAccess.open(uow, ctx, case_id, operation, gate_as)
        if access is not None:
            case = access.case
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
    if access is None:
        raise refusal
    return result
