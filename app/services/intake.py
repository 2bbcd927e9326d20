"""Use cases of the intake: Bedürftigkeitsklärung, Subsidiaritätsprüfung, Kurzassessment as records
with outcomes, and the Mitwirkung of the client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from app.domain.cases import AgreementForm, Cooperation, IntakeOutcome, IntakeRecord, IntakeStep, SharedCase
from app.domain.cases.intake import STEP_CATEGORY
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.errors import InvalidValue
from app.services.access.case_work import CaseChange, change_case
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.ports import UnitOfWork


@dataclass(frozen=True)
class NewIntakeStep:
    step: IntakeStep
    outcome: IntakeOutcome
    summary: str = ""
    done_on: date | None = None
    category: DataCategory | None = None  # chosen by the author; default: the step's own


def record_intake_step(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewIntakeStep,
) -> CaseView:
    """A participating institution records an intake step it carried out, with its outcome."""

    def mutate(case: SharedCase) -> CaseChange:
        record = IntakeRecord(
            step=new.step,
            outcome=new.outcome,
            done_on=new.done_on or ctx.today,
            institution_id=ctx.principal.institution_id,
            summary=new.summary.strip(),
            recorded_by=ctx.principal.id,
            recorded_at=ctx.now,
            category=new.category or STEP_CATEGORY[new.step],
        )
        case.record_intake_step(record, ctx.today)
        return CaseChange((record.category,), (record.id,))

    return change_case(uow, ctx, case_id, expected_version, "intake.record", mutate)


@dataclass(frozen=True)
class NewCooperation:
    form: AgreementForm
    agreed_goal_ids: list[uuid.UUID] = field(default_factory=list)
    strategy: str = ""
    agreed_on: date | None = None
    document_id: uuid.UUID | None = None


def record_cooperation(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    new: NewCooperation,
) -> CaseView:
    """The lead institution records the client's Mitwirkung and the goals agreed (Zielvereinbarung)."""

    def mutate(case: SharedCase) -> CaseChange:
        if new.document_id is not None:
            document = uow.documents.get(new.document_id)
            if document is None or document.case_id != case.id:
                raise InvalidValue("Dieses Dokument gehört nicht zum Fall.", "document_id")
        cooperation = Cooperation(
            agreed_on=new.agreed_on or ctx.today,
            form=new.form,
            agreed_goal_ids=list(new.agreed_goal_ids),
            institution_id=ctx.principal.institution_id,
            recorded_by=ctx.principal.id,
            recorded_at=ctx.now,
            strategy=new.strategy.strip(),
            document_id=new.document_id,
        )
        case.record_cooperation(cooperation, ctx.today)
        return CaseChange((cooperation.category,), (cooperation.id,))

    return change_case(uow, ctx, case_id, expected_version, "cooperation.record", mutate)
