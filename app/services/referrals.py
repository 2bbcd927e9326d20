"""Use cases of the Zuweisung to IIZ case management: refer, schedule the joint meeting, decide the
admission (opening the shared case with the named lead), and the clearing by the AGS.

A referral is visible to the institutions involved only; to anyone else it does not exist (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import SharedCase
from app.domain.cases.notes import own_category
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue, InvariantViolation
from app.domain.institutions import Institution, InstitutionKind
from app.domain.permissions import Permission
from app.domain.referral import AdmissionDecision, AdmissionOutcome, Referral, Urgency
from app.services.access.refusals import refusals_recorded
from app.services.assignments import assign_opener
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import NotFound, PersonNotFound
from app.services.persons import person_is_accessible
from app.services.ports import UnitOfWork


class ReferralNotFound(NotFound):
    message = "Die Zuweisung wurde nicht gefunden."


@dataclass(frozen=True)
class ReferralConfig:
    """Per region, who is the case-management body (by institution code); default: the region's own
    Sozialdienst. The clearing body is the AGS (the canton's institution), unless configured."""

    cm_bodies: dict[str, str] = field(default_factory=dict)
    clearing_body_code: str = ""


@dataclass(frozen=True)
class NewReferral:
    person_id: uuid.UUID
    region_institution_id: uuid.UUID  # the Sozialregion of the client
    reason: str
    tried: str = ""
    urgency: Urgency = Urgency.NORMAL
    document_ids: list[uuid.UUID] = field(default_factory=list)
    category: DataCategory | None = None


def refer_client(uow: UnitOfWork, ctx: RequestContext, new: NewReferral, config: ReferralConfig) -> Referral:
    """An institution refers a client it knows to the case-management body of the client's region."""
    with refusals_recorded(
        uow, ctx, operation="referrals.create", action=AuditAction.CREATE, person_id=new.person_id
    ):
        require(ctx.principal, Permission.CASE_WRITE)
        with uow:
            person = uow.persons.get(new.person_id)
            if person is None or not person_is_accessible(uow, ctx, person):
                raise PersonNotFound(field="person_id")
            region = uow.institutions.get(new.region_institution_id)
            if region is None or region.kind is not InstitutionKind.SOZIALDIENST:
                raise InvalidValue("Diese Sozialregion gibt es nicht.", "region_institution_id")
            own = uow.institutions.get(ctx.principal.institution_id)
            referral = Referral(
                person_id=person.id,
                referring_institution_id=ctx.principal.institution_id,
                cm_body_institution_id=_cm_body(uow, region, config).id,
                clearing_body_institution_id=_clearing_body(uow, config).id,
                referred_on=ctx.today,
                referred_by=ctx.principal.id,
                urgency=new.urgency,
                reason=new.reason.strip(),
                tried=new.tried.strip(),
                category=new.category or (own_category(own.kind) if own else DataCategory.FALLFUEHRUNG),
                document_ids=list(new.document_ids),
            )
            uow.referrals.add(referral)
            _audit(uow, ctx, referral, AuditAction.CREATE, "referrals.create", "Zuweisung erfasst.")
        return referral


def _cm_body(uow: UnitOfWork, region: Institution, config: ReferralConfig) -> Institution:
    code = config.cm_bodies.get(region.code)
    body = uow.institutions.by_code(code) if code else region
    if body is None or not body.active:
        raise InvalidValue(
            "Für diese Region ist keine Fallführungsstelle eingerichtet.", "region_institution_id"
        )
    return body


def _clearing_body(uow: UnitOfWork, config: ReferralConfig) -> Institution:
    if config.clearing_body_code:
        body = uow.institutions.by_code(config.clearing_body_code)
    else:
        body = next(
            (i for i in uow.institutions.list() if i.kind is InstitutionKind.KANTON and i.active), None
        )
    if body is None:
        raise InvariantViolation("Es ist keine Schlichtungsstelle (AGS) eingerichtet.")
    return body


def list_referrals(uow: UnitOfWork, ctx: RequestContext) -> list[Referral]:
    """The referrals the caller's institution is involved in."""
    with refusals_recorded(uow, ctx, operation="referrals.list", action=AuditAction.READ):
        require(ctx.principal, Permission.CASE_READ)
        with uow:
            found = uow.referrals.involving(ctx.principal.institution_id)
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.READ,
                    operation="referrals.list",
                    outcome=AuditOutcome.ALLOWED,
                    reason=f"Zuweisungen gelesen ({len(found)}).",
                    categories=(DataCategory.FALLFUEHRUNG,),
                    record_ids=tuple(r.id for r in found),
                    bases=("participation",),
                )
            )
        return found


def get_referral(uow: UnitOfWork, ctx: RequestContext, referral_id: uuid.UUID) -> Referral:
    return _act(
        uow, ctx, referral_id, AuditAction.READ, "referrals.read", "Zuweisung gelesen.", lambda r: None
    )


def schedule_meeting(uow: UnitOfWork, ctx: RequestContext, referral_id: uuid.UUID, on: date) -> Referral:
    """The case-management body schedules the joint meeting."""
    return _act(
        uow,
        ctx,
        referral_id,
        AuditAction.CHANGE,
        "referrals.meeting",
        "Gemeinsames Gespräch geplant.",
        lambda r: r.schedule_meeting(on, ctx.principal.institution_id),
    )


@dataclass(frozen=True)
class Decision:
    outcome: AdmissionOutcome
    reason: str
    lead_institution_id: uuid.UUID | None = None
    local_reference: str = ""  # the lead's reference for the new case; default derived from the referral
    decided_on: date | None = None


def decide_admission(
    uow: UnitOfWork, ctx: RequestContext, referral_id: uuid.UUID, decision: Decision
) -> Referral:
    """The case-management body decides; admitted opens the shared case with the named lead."""

    def work(referral: Referral) -> None:
        referral.decide(_decision(ctx, decision), ctx.today)
        if referral.admitted:
            _open_case(uow, ctx, referral, decision)

    return _act(uow, ctx, referral_id, AuditAction.CHANGE, "referrals.decide", "Aufnahme entschieden.", work)


def request_clearing(uow: UnitOfWork, ctx: RequestContext, referral_id: uuid.UUID) -> Referral:
    """The referring institution (or the body) takes a declined referral to the clearing body."""
    return _act(
        uow,
        ctx,
        referral_id,
        AuditAction.CHANGE,
        "referrals.clearing_request",
        "Schlichtung verlangt.",
        lambda r: r.request_clearing(ctx.principal.institution_id, ctx.today),
    )


def decide_clearing(
    uow: UnitOfWork, ctx: RequestContext, referral_id: uuid.UUID, decision: Decision
) -> Referral:
    """The clearing body (AGS) decides a declined referral; admitted opens the shared case."""

    def work(referral: Referral) -> None:
        referral.clear(_decision(ctx, decision), ctx.today)
        if referral.admitted:
            _open_case(uow, ctx, referral, decision)

    return _act(
        uow, ctx, referral_id, AuditAction.CHANGE, "referrals.clear", "Schlichtung entschieden.", work
    )


def _decision(ctx: RequestContext, decision: Decision) -> AdmissionDecision:
    return AdmissionDecision(
        outcome=decision.outcome,
        decided_on=decision.decided_on or ctx.today,
        reason=decision.reason.strip(),
        decided_by=ctx.principal.id,
        institution_id=ctx.principal.institution_id,
        lead_institution_id=decision.lead_institution_id,
    )


def _open_case(uow: UnitOfWork, ctx: RequestContext, referral: Referral, decision: Decision) -> None:
    lead = uow.institutions.get(referral.lead_institution_id) if referral.lead_institution_id else None
    if lead is None or not lead.active:
        raise InvalidValue("Diese Stelle gibt es nicht.", "lead_institution_id")
    if uow.cases.open_case_of_person(referral.person_id) is not None:
        raise InvariantViolation(
            "Für diese Person besteht bereits ein gemeinsamer Fall; "
            "die Zuweisung geht an dessen fallführende Stelle.",
            "outcome",
        )
    opened_on = (referral.clearing or referral.decision or _decision(ctx, decision)).decided_on
    reference = decision.local_reference.strip() or f"ZUW-{referral.id.hex[:8].upper()}"
    case = SharedCase.open(
        person_id=referral.person_id,
        lead_institution_id=lead.id,
        local_reference=reference,
        opened_on=opened_on,
        today=ctx.today,
    )
    if referral.referring_institution_id != lead.id:
        # The referring institution asked for case management: it takes part from the start.
        case.add_participant(
            referral.referring_institution_id, f"ZUW-{referral.id.hex[:8].upper()}", opened_on, ctx.today
        )
    uow.cases.add(case)
    if ctx.principal.institution_id == lead.id:
        assign_opener(uow, ctx, case)
    referral.case_id = case.id


Result = TypeVar("Result")


def _act(
    uow: UnitOfWork,
    ctx: RequestContext,
    referral_id: uuid.UUID,
    action: AuditAction,
    operation: str,
    reason: str,
    work: Callable[[Referral], None],
) -> Referral:
    permission = Permission.CASE_READ if action is AuditAction.READ else Permission.CASE_WRITE
    with refusals_recorded(uow, ctx, operation=operation, action=action):
        require(ctx.principal, permission)
        with uow:
            referral = uow.referrals.get(referral_id)
            if referral is None or ctx.principal.institution_id not in referral.involved_institution_ids:
                raise ReferralNotFound()
            work(referral)
            if action is not AuditAction.READ:
                uow.referrals.save(referral)
            _audit(uow, ctx, referral, action, operation, reason)
        return referral


def _audit(
    uow: UnitOfWork, ctx: RequestContext, referral: Referral, action: AuditAction, operation: str, reason: str
) -> None:
    uow.audit.append(
        ctx.audit_event(
            action=action,
            operation=operation,
            outcome=AuditOutcome.ALLOWED,
            reason=reason,
            case_id=referral.case_id,
            person_id=referral.person_id,
            categories=tuple(sorted({DataCategory.FALLFUEHRUNG, referral.category})),
            record_ids=(referral.id,),
            bases=("referral",),
        )
    )
