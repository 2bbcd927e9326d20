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
from app.domain.policy import decide, may_open_case
from app.services.authorization import require
from app.services.context import RequestContext
from app.services.errors import NotFound
from app.services.ports import UnitOfWork
from app.services.refusals import refusals_recorded


class DocumentNotFound(NotFound):
    message = "Das Dokument wurde nicht gefunden."


def _nothing(_case: SharedCase, _category: DataCategory, _owner: uuid.UUID) -> bool:
    return False


def _case_skeleton(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID) -> SharedCase | None:
    """The case without any of its content decrypted, if the principal's institution works on it."""
    case = uow.cases.get(case_id, _nothing)
    if case is None or not may_open_case(ctx.principal, case).allow:
        return None
    return case


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
            case = _case_skeleton(uow, ctx, case_id)
            if case is None:
                raise DocumentNotFound("Der Fall wurde nicht gefunden.")
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
            case = _case_skeleton(uow, ctx, case_id)
            if case is None:
                raise DocumentNotFound("Der Fall wurde nicht gefunden.")
            shown: list[Document] = []
            withheld: set[DataCategory] = set()
            bases: set[str] = set()
            for document in uow.documents.list_for_case(case.id):
                decision = decide(ctx.principal, case, document.category, document.owner_institution_id)
                if decision.allow:
                    bases.add(decision.basis_label)
                    shown.append(replace(document, filename=uow.documents.filename(document)))
                else:
                    withheld.add(document.category)
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
                    bases=tuple(sorted(bases)),
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
        case = _case_skeleton(uow, ctx, case_id)
        document = uow.documents.get(document_id)
        if case is None or document is None or document.case_id != case.id:
            raise DocumentNotFound()
        decision = decide(ctx.principal, case, document.category, document.owner_institution_id)
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
