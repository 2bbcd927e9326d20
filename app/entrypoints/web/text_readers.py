"""Who will be able to read a free text, said on every field that takes one: the author's own
institution always, the other participants only on the basis the text's category needs."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.cases.notes import own_category
from app.domain.categories import CONTENT_CATEGORIES, DataCategory
from app.entrypoints.web.web_auth import WebUser
from app.services.case_view import CaseView

TEXT_CATEGORIES = tuple(sorted(CONTENT_CATEGORIES, key=lambda c: c.label))


@dataclass(frozen=True)
class TextReaders:
    own: DataCategory  # the default: the category of the author's own institution
    choices: tuple[DataCategory, ...]
    author: str
    participants: tuple[str, ...]  # every active participant, the author's institution first

    def of(self, category: DataCategory) -> str:
        if category is DataCategory.FALLFUEHRUNG:
            return f"alle beteiligten Stellen ({', '.join(self.participants)})"
        return (
            f"{self.author}, und Institutionen mit Einwilligung oder gesetzlicher Grundlage "
            f"für {category.label}"
        )

    @property
    def default(self) -> str:
        return self.of(self.own)


def text_readers(web: WebUser, view: CaseView) -> TextReaders:
    with web.container.uow_factory() as uow:
        institutions = {i.id: i for i in uow.institutions.list()}
    mine = institutions.get(web.user.institution_id)
    author = mine.name if mine is not None else "Ihre Stelle"
    others = [
        institutions[p.institution_id].name
        for p in view.participations
        if p.active and p.institution_id != web.user.institution_id and p.institution_id in institutions
    ]
    own = own_category(mine.kind) if mine is not None else DataCategory.FALLFUEHRUNG
    return TextReaders(own, TEXT_CATEGORIES, author, (author, *others))


def chosen_text_category(value: str) -> DataCategory | None:
    """The category a form chose for its text; none (the author's own) when it names no valid one."""
    return DataCategory(value) if value in {c.value for c in TEXT_CATEGORIES} else None
