"""Export of a case to an institution's own system: a disclosure, filtered and audited as one.

Who may call: a principal with the permission to read cases, for a case its institution may open,
in the format of its own institution kind. The export holds exactly what the policy lets the
institution see (app/services/case_view.py) plus its own dossier; withheld parts are absent.
"""

from __future__ import annotations

import uuid

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.exchange import CaseExport, PersonFacts, PlannedMeasure
from app.domain.permissions import Permission
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.errors import Forbidden
from app.services.ports import InstitutionFormat, UnitOfWork


def export_case(uow: UnitOfWork, ctx: RequestContext, fmt: InstitutionFormat, case_id: uuid.UUID) -> bytes:
    operation = f"export.{fmt.kind.value}"
    with refusals_recorded(uow, ctx, operation=operation, action=AuditAction.DISCLOSE, case_id=case_id):
        require(ctx.principal, Permission.CASE_READ)
        export = _export(uow, ctx, fmt, case_id, operation)
    return fmt.render(export)


def _export(
    uow: UnitOfWork, ctx: RequestContext, fmt: InstitutionFormat, case_id: uuid.UUID, operation: str
) -> CaseExport:
    recipient_id = ctx.principal.institution_id
    with uow:
        recipient = uow.institutions.get(recipient_id)
        if recipient is None or recipient.kind is not fmt.kind:
            raise Forbidden(f"Dieses Format ist den Stellen der Art «{fmt.kind.label}» vorbehalten.")
        access, refusal = CaseAccess.open(uow, ctx, case_id, operation, AuditAction.DISCLOSE)
        if access is not None:
            case = access.reveal()
            view = access.view()
            dossier = uow.dossiers.get(case.id, recipient_id)
            allowed, withheld = set(view.allowed), set(view.withheld)
            facts = None
            if dossier is not None:
                if access.decisions.of(dossier.category, dossier.owner_institution_id).allow:
                    facts = dict(dossier.facts)
                    allowed.add(dossier.category)
                else:
                    withheld.add(dossier.category)
            participation = case.participation_of(recipient_id)
            export = CaseExport(
                case_id=case.id,
                kind=fmt.kind,
                office_code=recipient.code,
                local_reference=participation.local_reference if participation else str(case.id),
                registered_on=dossier.registered_on if dossier else case.opened_on,
                person=_person(view),
                facts=facts,
                measures=_measures(uow, view, recipient_id),
            )
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.DISCLOSE,
                    operation=operation,
                    outcome=AuditOutcome.ALLOWED,
                    reason=f"Fall an das System der Stelle übermittelt ({fmt.media_type}).",
                    case_id=case.id,
                    person_id=case.person_id,
                    categories=tuple(sorted(allowed)),
                    withheld_categories=tuple(sorted(withheld)),
                    bases=tuple(sorted(view.bases | ({"own"} if facts is not None else set()))),
                    recipient_institution_id=recipient_id,
                )
            )
    if access is None:
        raise refusal
    return export


def _person(view: CaseView) -> PersonFacts | None:
    person = view.person
    if person is None:
        return None
    return PersonFacts(person.ahvn13, person.family_name, person.given_name, person.birth_date)


def _measures(uow: UnitOfWork, view: CaseView, recipient_id: uuid.UUID) -> tuple[PlannedMeasure, ...]:
    codes = {institution.id: institution.code for institution in uow.institutions.list()}
    return tuple(
        PlannedMeasure(
            title=m.title,
            kind=m.kind,
            start_on=m.start_on,
            end_on=m.end_on,
            status=m.status,
            provider=m.provider,
            owner_code=None if m.owner_institution_id == recipient_id else codes.get(m.owner_institution_id),
        )
        for m in view.measures
    )
