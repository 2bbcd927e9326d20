"""One principal's access to one case, for one request.

`CaseAccess.open` loads the case skeleton (participants, phase, lead, end of follow-up, the items'
categories and owners: nothing decrypted) and what decisions rest on (assignment, consents, rules,
break-glass, institution kinds) once, decides whether the case may be opened, and records the
denial if not. The caller then decrypts only what it needs: `reveal()` for a read (the items the
policy allows), `reveal_all()` for a change (the domain checks its rules on the whole case; nothing
of it leaves unless the policy allows it). Every item is decided once (`Decisions`), and the same
answers give the view and the audit facts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import SharedCase
from app.domain.cases.sealed import SealedCase
from app.domain.cases.versions import Part, PartVersions, Section
from app.domain.categories import DataCategory
from app.domain.permissions import Permission, permits
from app.domain.policy import BasisKind, Decision, may_open_case
from app.services.access.basis import DecisionBasis, load_basis
from app.services.access.decisions import Decisions
from app.services.case_view import CaseView, build_case_view
from app.services.context import RequestContext
from app.services.errors import CaseNotFound, Forbidden, ServiceError
from app.services.ports import UnitOfWork

NO_PERMISSION = "Für diese Aktion fehlt die Berechtigung."
BREAK_GLASS_READS_ONLY = "Ein Notfallzugriff erlaubt nur das Lesen."


@dataclass
class CaseAccess:
    uow: UnitOfWork
    ctx: RequestContext
    sealed: SealedCase
    basis: DecisionBasis
    opening: Decision
    decisions: Decisions

    # -- opening ---------------------------------------------------------------------------------

    @classmethod
    def consider(cls, uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID) -> CaseAccess | None:
        """The access if the case exists (whether it may be opened is `opening`); records nothing."""
        sealed = uow.cases.load(case_id)
        if sealed is None:
            return None
        if sealed.end_unknown:
            _settle_end(uow, sealed)
        basis = load_basis(uow, ctx, sealed.case)
        principal = ctx.principal
        opening = may_open_case(principal, sealed.case, basis.assigned, basis.grants)
        return cls(uow, ctx, sealed, basis, opening, Decisions(principal, sealed.case, basis.grants))

    @classmethod
    def of_case(cls, uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> CaseAccess:
        """For a case already in memory (just opened by this request)."""
        sealed = SealedCase(case, ())
        basis = load_basis(uow, ctx, case)
        opening = may_open_case(ctx.principal, case, basis.assigned, basis.grants)
        return cls(uow, ctx, sealed, basis, opening, Decisions(ctx.principal, case, basis.grants))

    @classmethod
    def open(
        cls, uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, operation: str, action: AuditAction
    ) -> tuple[CaseAccess | None, ServiceError]:
        """The access if the principal may open the case for `action`; otherwise the denial is
        recorded (in this transaction) and the refusal returned for the caller to raise after it.

        Without the permission the answer is 403 whether the case exists or not; without a basis for
        this case it is the same 404 as for a case that does not exist."""
        reading = action in (AuditAction.READ, AuditAction.DISCLOSE)
        permission = Permission.CASE_READ if reading else Permission.CASE_WRITE
        refusal: ServiceError = CaseNotFound(audited=True)
        access = None
        if not permits(ctx.principal, permission):
            reason, refusal = NO_PERMISSION, Forbidden(audited=True)
            # The case is not looked up: nothing about it may depend on a call without permission.
        else:
            access = cls.consider(uow, ctx, case_id)
            if access is None:
                reason = "Fall nicht vorhanden."
            elif not access.opening.allow:
                reason = access.opening.reason
            elif action is not AuditAction.READ and access.opening.basis is BasisKind.BREAK_GLASS:
                reason = BREAK_GLASS_READS_ONLY
            else:
                return access, refusal
        uow.audit.append(
            ctx.audit_event(
                action=action,
                operation=operation,
                outcome=AuditOutcome.DENIED,
                reason=reason,
                case_id=case_id,
                person_id=access.case.person_id if access else None,
            )
        )
        return None, refusal

    # -- what was loaded and decided ---------------------------------------------------------------

    @property
    def case(self) -> SharedCase:
        return self.sealed.case

    @property
    def may_open(self) -> bool:
        return self.opening.allow

    # -- decrypting --------------------------------------------------------------------------------

    def reveal(self) -> SharedCase:
        """The case with exactly the items the policy allows decrypted; the others stay sealed."""
        allowed = [
            item.id
            for item in self.sealed.items
            if self.decisions.of(item.category, item.owner_institution_id).allow
        ]
        return self.uow.cases.open(self.sealed, allowed)

    def reveal_all(self) -> SharedCase:
        """For a change by someone who may open the case: the domain checks its rules on all of it."""
        return self.uow.cases.open(self.sealed, [item.id for item in self.sealed.items])

    # -- answers -----------------------------------------------------------------------------------

    def view(self) -> CaseView:
        """The case as the principal may see it, from the decisions already made (no second load)."""
        case = self.case
        person = self.uow.persons.get(case.person_id)
        contact = self.uow.users.get(case.contact_person.user_id) if case.contact_person else None
        view = build_case_view(self.decisions, case, person, contact)
        view.version_tag = self.part_versions().seen_by(self.may_see).render()
        return view

    # -- versions ----------------------------------------------------------------------------------

    def part_versions(self) -> PartVersions:
        """The versions of the case's parts as loaded, or as this request's save left them."""
        return PartVersions(self.uow.cases.version_key(self.case), self.uow.cases.current(self.case))

    def may_see(self, part: Part) -> bool:
        """The core goes with the shared case management facts; a section with its category and owner."""
        if isinstance(part, Section):
            return self.decisions.of(part.category, part.owner_institution_id).allow
        return self.decisions.of(DataCategory.FALLFUEHRUNG, self.case.lead_institution_id).allow

    def after_change(self) -> CaseAccess:
        """Decisions on the case as the change left it (participants, phase and end may have moved).

        A break-glass opening only reads: the answer to a change shows what the principal may see
        without it (a read under it is a request of its own, audited with that basis)."""
        basis = self.basis.for_case(self.case)
        basis = replace(basis, grants=replace(basis.grants, break_glass=None))
        principal = self.ctx.principal
        return CaseAccess(
            self.uow,
            self.ctx,
            self.sealed,
            basis,
            may_open_case(principal, self.case, basis.assigned, basis.grants),
            Decisions(principal, self.case, basis.grants),
        )


def _settle_end(uow: UnitOfWork, sealed: SealedCase) -> None:
    """A case closed before `case_ends_on` was stored: its closure tells (opened in memory only, to
    decide; the next write of the case stores the date)."""
    case = uow.cases.open(sealed, [item.id for item in sealed.ending_items()])
    case.settle_end()
