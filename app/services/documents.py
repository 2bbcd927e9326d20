"""Documents on a case: stored sealed, listed and read through the policy, every access audited.

`store_document` is also the entry point for other evidence files (e.g. a signed consent form):
they are documents of the case with a category of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import SharedCase
from app.domain.categories import DataCategory
from app.domain.documents import Document, check_category, check_filename
from app.domain.permissions import Permission
from app.domain.policy import BasisKind
from app.services.access.case_access import CaseAccess
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import NotFound
from app.services.ports import UnitOfWork


class DocumentNotFound(NotFound):
    message = "Das Dokument wurde nicht gefunden."


def _opened(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, *, writing: bool = False
) -> CaseAccess | None:
    """The access to the case (its skeleton: documents need none of its items) if the principal may
    open it; a break-glass opening only reads."""
    access = CaseAccess.consider(uow, ctx, case_id)
    if access is None or not access.may_open:
        return None
    if writing and access.opening.basis is BasisKind.BREAK_GLASS:
        return None
    return access


def store_document(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    category: DataCategory,
    filename: str,
    content: Iterable[bytes],
    max_bytes: int,
) -> Document:
    """A participating institution attaches a document; it owns it. PDF, PNG or JPEG by content."""
    with refusals_recorded(uow, ctx, operation="documents.store", action=AuditAction.CREATE, case_id=case_id):
        require(ctx.principal, Permission.CASE_WRITE)
        check_category(category)
        name = check_filename(filename)
        with uow:
            opened = _opened(uow, ctx, case_id, writing=True)
            if opened is None:
                raise DocumentNotFound("Der Fall wurde nicht gefunden.")
            case = opened.case
            document = Document(
                id=uuid.uuid4(),
                case_id=case.id,
                person_id=case.person_id,
                category=category,
                owner_institution_id=ctx.principal.institution_id,
                media_type="",
                size_bytes=0,
                created_at=ctx.now,
                created_by=ctx.principal.id,
            )
            stored = uow.documents.add(document, name, content, max_bytes)
            _audit(uow, ctx, AuditAction.CREATE, "documents.store", case, stored, "Dokument abgelegt.")
        return stored


@dataclass(frozen=True)
class DocumentList:
    documents: list[Document]
    withheld: set[DataCategory]


def list_documents(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID) -> DocumentList:
    """The documents of a case the principal may see, with their names; the others are absent."""
    with refusals_recorded(uow, ctx, operation="documents.list", action=AuditAction.READ, case_id=case_id):
        require(ctx.principal, Permission.CASE_READ)
        with uow:
            opened = _opened(uow, ctx, case_id)
            if opened is None:
                raise DocumentNotFound("Der Fall wurde nicht gefunden.")
            case, decisions = opened.case, opened.decisions
            shown: list[Document] = []
            for document in uow.documents.list_for_case(case.id):
                if decisions.of(document.category, document.owner_institution_id).allow:
                    shown.append(replace(document, filename=uow.documents.filename(document)))
            withheld = decisions.withheld
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.READ,
                    operation="documents.list",
                    outcome=AuditOutcome.ALLOWED,
                    reason=f"{len(shown)} Dokumente aufgelistet.",
                    case_id=case.id,
                    person_id=case.person_id,
                    categories=tuple(sorted({d.category for d in shown})),
                    withheld_categories=tuple(sorted(withheld)),
                    bases=tuple(sorted(decisions.bases)),
                    record_ids=tuple(d.id for d in shown),
                )
            )
        return DocumentList(shown, withheld)


def open_document(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, document_id: uuid.UUID
) -> tuple[Document, Iterator[bytes]]:
    """The document and its content as a stream, if the policy allows it; the read is audited
    before the first byte goes out. A withheld document is "not found", like a missing one."""
    refusals = refusals_recorded(
        uow, ctx, operation="documents.read", action=AuditAction.READ, case_id=case_id
    )
    with refusals, uow:
        require(ctx.principal, Permission.CASE_READ)
        opened = _opened(uow, ctx, case_id)
        document = uow.documents.get(document_id)
        if opened is None or document is None or document.case_id != opened.case.id:
            raise DocumentNotFound()
        case = opened.case
        decision = opened.decisions.of(document.category, document.owner_institution_id)
        if not decision.allow:
            raise DocumentNotFound()
        document = replace(document, filename=uow.documents.filename(document))
        _audit(
            uow,
            ctx,
            AuditAction.READ,
            "documents.read",
            case,
            document,
            "Dokument gelesen.",
            basis=decision.basis_label,
        )
    return document, _stream(uow, document)


def _stream(uow: UnitOfWork, document: Document) -> Iterator[bytes]:
    with uow:
        yield from uow.documents.content(document)


def _audit(
    uow: UnitOfWork,
    ctx: RequestContext,
    action: AuditAction,
    operation: str,
    case: SharedCase,
    document: Document,
    reason: str,
    basis: str = "own",
) -> None:
    uow.audit.append(
        ctx.audit_event(
            action=action,
            operation=operation,
            outcome=AuditOutcome.ALLOWED,
            reason=reason,
            case_id=case.id,
            person_id=case.person_id,
            categories=(document.category,),
            bases=(basis,),
            record_ids=(document.id,),
        )
    )
