"""Reference directory (Referenzverzeichnis): which institutions hold an active dossier on a person.

Routing only: institutions and which of them leads, never content or reference numbers.
Who may ask: a principal with the permission to read cases. The asker names a person by its
registration; it learns the institutions on that registration's open case where it takes part in
it, and the institutions on the open cases of the same client's other registrations (other
institutions registered the AHVN13 on their own) only where a basis allows it: a routing rule in
force (`effect = "routing"` in the rule file, off until the cantonal law is in force) or the
client's routing consent (a consent that releases only `fallfuehrung` from the case's lead to the
asking institution, recorded or confirmed by the lead). Such an answer is audited as a disclosure to
the asking institution. Anyone else gets "not found", exactly as for a person who does not exist, so
the answer cannot be used to probe who is a client where.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.consent import Consent
from app.domain.institutions import Institution
from app.domain.legal_bases import LegalRule
from app.domain.permissions import Permission
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import PersonNotFound
from app.services.ports import UnitOfWork

OPERATION = "directory.dossiers_of_person"


@dataclass(frozen=True)
class DossierHolder:
    institution: Institution
    lead: bool


def dossier_holders(uow: UnitOfWork, ctx: RequestContext, person_id: uuid.UUID) -> list[DossierHolder]:
    with refusals_recorded(uow, ctx, operation=OPERATION, action=AuditAction.READ, person_id=person_id):
        require(ctx.principal, Permission.CASE_READ)
        return _holders(uow, ctx, person_id)


@dataclass(frozen=True)
class _Routing:
    case: SharedCase
    basis: str  # rule label or consent:<id>
    citation: str  # for the audit reason


def _holders(uow: UnitOfWork, ctx: RequestContext, person_id: uuid.UUID) -> list[DossierHolder]:
    with uow:
        own_case: SharedCase | None = None
        routed: list[_Routing] = []
        case_id = uow.cases.open_case_of_person(person_id)
        access = CaseAccess.consider(uow, ctx, case_id) if case_id else None  # routing only: no content
        if access is not None and access.may_open:
            own_case = access.case
        elif access is not None and (routing := _routing_basis(uow, ctx, access)) is not None:
            routed.append(routing)
        # The same client's cases at other institutions: two statements whether there are any or not;
        # a case is loaded only where a rule or a consent naming the asker could allow the answer.
        others = uow.cases.open_cases_of_other_registrations(person_id)
        naming_asker = {c.case_id for c in uow.consents.for_cases(others) if _names_as_recipient(ctx, c)}
        rule_for_asker = _asker_may_be_routed(uow, ctx)
        for other_id in others:
            if not (rule_for_asker or other_id in naming_asker):
                continue
            other = CaseAccess.consider(uow, ctx, other_id)
            if other is not None and (routing := _routing_basis(uow, ctx, other)) is not None:
                routed.append(routing)
        holders = _holders_of(uow, own_case) if own_case else {}
        for routing in routed:
            for institution_id, holder in _holders_of(uow, routing.case).items():
                known = holders.get(institution_id)
                holders[institution_id] = DossierHolder(
                    holder.institution, holder.lead or bool(known and known.lead)
                )
        _audit(uow, ctx, person_id, own_case, routed, bool(holders))
    if not holders:
        raise PersonNotFound(audited=True)
    return sorted(holders.values(), key=lambda h: (not h.lead, h.institution.code))


def _names_as_recipient(ctx: RequestContext, consent: Consent) -> bool:
    return any(f.to_institution_id == ctx.principal.institution_id for f in consent.flows)


def _asker_may_be_routed(uow: UnitOfWork, ctx: RequestContext) -> bool:
    """A routing rule is in force for the asking institution's kind (the case decides the rest)."""
    asker = uow.institutions.get(ctx.principal.institution_id)
    return asker is not None and ctx.access.rules.routing_rule(asker.kind) is not None


def _audit(
    uow: UnitOfWork,
    ctx: RequestContext,
    person_id: uuid.UUID,
    own_case: SharedCase | None,
    routed: list[_Routing],
    answered: bool,
) -> None:
    if routed:
        action = AuditAction.DISCLOSE
        bases = tuple(sorted({r.basis for r in routed} | ({"participation"} if own_case else set())))
        citations = ", ".join(sorted({r.citation for r in routed}))
        outcome, reason = AuditOutcome.ALLOWED, f"Verweis auf die beteiligten Stellen ({citations})."
    elif own_case is not None:
        action, bases = AuditAction.READ, ("participation",)
        outcome, reason = AuditOutcome.ALLOWED, "Beteiligte Stellen abgefragt."
    else:
        action, bases = AuditAction.READ, ()
        outcome, reason = AuditOutcome.DENIED, "Keine Beteiligung am Fall dieser Person."
    cases = [c.id for c in ([own_case] if own_case else []) + [r.case for r in routed]]
    uow.audit.append(
        ctx.audit_event(
            action=action,
            operation=OPERATION,
            outcome=outcome,
            reason=reason,
            case_id=cases[0] if cases else None,
            person_id=person_id,
            categories=(DataCategory.FALLFUEHRUNG,) if answered else (),
            bases=bases,
            record_ids=tuple(cases[1:]),
            recipient_institution_id=ctx.principal.institution_id if action is AuditAction.DISCLOSE else None,
        )
    )


def _routing_basis(uow: UnitOfWork, ctx: RequestContext, access: CaseAccess) -> _Routing | None:
    case = access.case
    rule = _routing_rule(uow, ctx, case)
    if rule is not None:
        return _Routing(case, rule.label, rule.article)
    consent = _routing_consent(ctx, access)
    if consent is not None:
        return _Routing(case, f"consent:{consent.id}", "Einwilligung")
    return None


def _routing_consent(ctx: RequestContext, access: CaseAccess) -> Consent | None:
    """The client's consent, in force, releasing the case's Fallführung from its lead to the asker."""
    grants = access.basis.grants
    lead = access.case.lead_institution_id
    asker = ctx.principal.institution_id
    return next(
        (
            c
            for c in grants.consents
            if c.covers(lead, asker, DataCategory.FALLFUEHRUNG, ctx.now, grants.case_end)
        ),
        None,
    )


def _holders_of(uow: UnitOfWork, case: SharedCase) -> dict[uuid.UUID, DossierHolder]:
    holders = {}
    for participation in case.active_participations:
        institution = uow.institutions.get(participation.institution_id)
        if institution is not None:
            holders[institution.id] = DossierHolder(institution, institution.id == case.lead_institution_id)
    return holders


def _routing_rule(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> LegalRule | None:
    """A routing rule in force for the asking institution's kind, if no institution on the case is
    of a kind the rule leaves out."""
    asker = uow.institutions.get(ctx.principal.institution_id)
    rule = ctx.access.rules.routing_rule(asker.kind) if asker is not None else None
    if rule is None:
        return None
    kinds = [uow.institutions.get(p.institution_id) for p in case.active_participations]
    return rule if all(k is not None and k.kind in rule.from_kinds for k in kinds) else None
