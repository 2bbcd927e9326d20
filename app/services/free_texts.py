"""Free texts on a case: each is a note under the category its author chose, by default the category
of the author's own institution (the shared core holds structured facts only)."""

from __future__ import annotations

from app.domain.cases import NoteKind, ProcessNote
from app.domain.cases.notes import own_category
from app.domain.categories import DataCategory
from app.services.context import RequestContext
from app.services.ports import UnitOfWork


def author_category(uow: UnitOfWork, ctx: RequestContext, chosen: DataCategory | None) -> DataCategory:
    """The author's choice, or the own category of the author's institution."""
    if chosen is not None:
        return chosen
    institution = uow.institutions.get(ctx.principal.institution_id)
    return own_category(institution.kind) if institution else DataCategory.FALLFUEHRUNG


def author_note(
    uow: UnitOfWork, ctx: RequestContext, kind: NoteKind, text: str, category: DataCategory | None
) -> ProcessNote:
    return ProcessNote(
        kind=kind,
        text=text.strip(),
        category=author_category(uow, ctx, category),
        author_institution_id=ctx.principal.institution_id,
        written_on=ctx.today,
        recorded_by=ctx.principal.id,
        recorded_at=ctx.now,
    )


def optional_note(
    uow: UnitOfWork, ctx: RequestContext, kind: NoteKind, text: str, category: DataCategory | None
) -> ProcessNote | None:
    """A note for a text the author may leave empty: none when it is."""
    return author_note(uow, ctx, kind, text, category) if text.strip() else None
