"""Free texts out of the shared core: `cockpit cases reclassify-texts`.

Segment reasons, closure and follow-up notes and conference minutes recorded before free texts
carried their own category sit sealed inside items of the category `fallfuehrung`, which every
participant reads. Moving them needs the data keys, which a schema migration does not have, so this
job re-seals them online: one case per transaction, each text becomes a note under the own category
of its author's institution, and one `change` audit event names the case, the person and the new
notes. A second run finds nothing left to move; an interrupted run continues with `after`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.cases.notes import NoteKind, own_category
from app.domain.cases.text_moves import ITEM_KINDS_WITH_TEXT, move_free_texts
from app.domain.categories import DataCategory
from app.domain.institutions import InstitutionKind
from app.domain.principal import Principal, PrincipalKind, Role
from app.services.ports import UnitOfWork

# The job acts as the system itself; its institution is the platform operator (as retention's).
RECLASSIFICATION_PRINCIPAL = Principal(
    id=uuid.UUID("6f1d3c52-9a5e-5b7e-8c1d-0d5e6f7a8b91"),
    kind=PrincipalKind.SYSTEM,
    name="reclassify-texts",
    institution_id=uuid.UUID("6f1d3c52-9a5e-5b7e-8c1d-000000000000"),
    roles=frozenset({Role.ADMIN}),
)
OPERATION = "cases.reclassify_texts"
CORE = DataCategory.FALLFUEHRUNG


@dataclass
class ReclassificationReport:
    dry_run: bool
    cases_checked: int = 0
    cases_changed: int = 0
    texts: Counter[NoteKind] = field(default_factory=Counter)
    last_case_id: uuid.UUID | None = None  # to continue an interrupted run (`after`)

    @property
    def moved(self) -> int:
        return sum(self.texts.values())


def reclassify_texts(
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
    *,
    dry_run: bool = False,
    batch_size: int = 100,
    after: uuid.UUID | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> ReclassificationReport:
    """Operator only (CLI). With `dry_run` the texts are counted, nothing is written."""
    report = ReclassificationReport(dry_run=dry_run)
    cursor = after
    while True:
        with uow_factory() as uow:
            case_ids = uow.cases.with_items_of(
                DataCategory.FALLFUEHRUNG, ITEM_KINDS_WITH_TEXT, cursor, batch_size
            )
        if not case_ids:
            return report
        for case_id in case_ids:
            _reclassify_case(uow_factory(), case_id, now, report)
            report.cases_checked += 1
            report.last_case_id = case_id
            progress(1)
        cursor = case_ids[-1]


def _reclassify_case(
    uow: UnitOfWork, case_id: uuid.UUID, now: datetime, report: ReclassificationReport
) -> None:
    with uow:
        case = uow.cases.get(case_id)
        if case is None:
            return
        kinds = uow.institutions.kinds()
        moved = move_free_texts(case, _own_category_of(kinds), RECLASSIFICATION_PRINCIPAL.id, now)
        if not moved:
            return
        report.cases_changed += 1
        report.texts.update(m.note.kind for m in moved)
        if report.dry_run:
            return  # nothing saved: the decrypted case stays in memory
        uow.cases.save(case)
        categories = sorted({DataCategory.FALLFUEHRUNG, *(m.note.category for m in moved)})
        uow.audit.append(
            AuditEvent.by(
                RECLASSIFICATION_PRINCIPAL,
                occurred_at=now,
                correlation_id=f"reclassify-{case_id}",
                action=AuditAction.CHANGE,
                operation=OPERATION,
                outcome=AuditOutcome.ALLOWED,
                reason=(
                    f"{len(moved)} freie Texte aus der Fallführung in die eigene Kategorie der "
                    "schreibenden Stelle verschoben."
                ),
                case_id=case.id,
                person_id=case.person_id,
                categories=tuple(categories),
                purpose="Datenschutz: Freitexte ausserhalb des gemeinsamen Kerns",
                record_ids=tuple(m.note.id for m in moved),
            )
        )


def _own_category_of(kinds: dict[uuid.UUID, InstitutionKind]) -> Callable[[uuid.UUID], DataCategory]:
    def own(institution_id: uuid.UUID) -> DataCategory:
        kind = kinds.get(institution_id)
        return own_category(kind) if kind is not None else DataCategory.FALLFUEHRUNG

    return own
