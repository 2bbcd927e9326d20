"""Cantonal steering figures and the facts recorded for them.

`figure_report` is for the Kantonale Steuerung (permission figures.read): counts computed from
structured metadata only, released under small-cell protection, one audit event per request and no
person in it. `record_case_facts` is for the lead institution of a case.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Protocol

from app.domain.audit import AuditAction, AuditOutcome
from app.domain.cases import SharedCase
from app.domain.cases.versions import VersionTag
from app.domain.categories import DataCategory
from app.domain.dates import add_months
from app.domain.errors import InvalidValue
from app.domain.figures.facts import CaseFacts
from app.domain.figures.records import FigureCase, FigureQuery
from app.domain.figures.report import FigureReport, build_report
from app.domain.institutions import InstitutionKind
from app.domain.permissions import Permission
from app.services.access.case_work import CaseChange, change_case, read_case, require_lead
from app.services.access.refusals import refusals_recorded
from app.services.authorization import require
from app.services.case_view import CaseView
from app.services.context import RequestContext
from app.services.errors import Forbidden
from app.services.ports import UnitOfWork

PURPOSE = "Kantonale Steuerung und Evaluation"


class FigureStore(Protocol):
    def facts(self, case_id: uuid.UUID) -> CaseFacts: ...
    def save_facts(self, case: SharedCase, facts: CaseFacts) -> None: ...
    def set_dff_introduction(self, institution_id: uuid.UUID, introduced_on: date | None) -> None: ...
    def cases(self, period_start: date, period_end: date) -> list[FigureCase]:
        """Metadata of every case that can count in the period; never decrypts anything."""
        ...


class FiguresUnitOfWork(UnitOfWork, Protocol):
    @property
    def figures(self) -> FigureStore: ...


def figure_report(uow: FiguresUnitOfWork, ctx: RequestContext, query: FigureQuery, k: int) -> FigureReport:
    """The Kantonale Steuerung reads the figures of a period, optionally for one region or cohort."""
    with refusals_recorded(uow, ctx, operation="figures.report", action=AuditAction.READ):
        require(ctx.principal, Permission.FIGURES_READ)
        with uow:
            cases = uow.figures.cases(query.period_start, query.period_end)
            report = build_report(cases, query, k, ctx.now)
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.READ,
                    operation="figures.report",
                    outcome=AuditOutcome.ALLOWED,
                    reason=f"Kennzahlen abgefragt: {_describe(query)}, k={k}.",
                    purpose=PURPOSE,
                )
            )
        return report


def _describe(query: FigureQuery) -> str:
    parts = [f"Zeitraum {query.period_start.isoformat()} bis {query.period_end.isoformat()}"]
    if query.region:
        parts.append(f"Sozialregion {query.region}")
    if query.cohort:
        parts.append(f"Kohorte {query.cohort}")
    return ", ".join(parts)


def read_case_facts(
    uow: FiguresUnitOfWork, ctx: RequestContext, case_id: uuid.UUID
) -> tuple[CaseView, CaseFacts]:
    """The lead institution reads the recorded facts; the read of the case is audited as usual."""
    view = read_case(uow, ctx, case_id, operation="figures.read_facts")
    if view.case.lead_institution_id != ctx.principal.institution_id:
        raise Forbidden("Die Merkmale für die Kennzahlen sieht nur die fallführende Stelle.")
    with uow:
        return view, uow.figures.facts(case_id)


def record_case_facts(
    uow: FiguresUnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    expected_version: VersionTag | None,
    facts: CaseFacts,
) -> CaseView:
    """The lead institution records the facts the evaluation needs (residence status group, kind
    of assistance, support dates, preventive case, employment)."""

    def mutate(case: SharedCase) -> CaseChange:
        require_lead(case, ctx)
        facts.validate(ctx.today)
        uow.figures.save_facts(case, facts)
        return CaseChange((DataCategory.FALLFUEHRUNG, DataCategory.SOZIALHILFE))

    return change_case(uow, ctx, case_id, expected_version, "figures.record_facts", mutate)


def record_dff_introduction(
    uow: FiguresUnitOfWork, ctx: RequestContext, institution_id: uuid.UUID, introduced_on: date | None
) -> None:
    """The Kantonale Steuerung records the day a Sozialregion introduced the DFF (its cohort)."""
    with refusals_recorded(uow, ctx, operation="figures.dff_introduction", action=AuditAction.CHANGE):
        require(ctx.principal, Permission.FIGURES_READ)
        with uow:
            institution = uow.institutions.get(institution_id)
            if institution is None or institution.kind is not InstitutionKind.SOZIALDIENST:
                raise InvalidValue("Diese Sozialregion gibt es nicht.", "institution_id")
            if introduced_on is not None and introduced_on > add_months(ctx.today, 36):
                raise InvalidValue("Das Einführungsdatum liegt zu weit in der Zukunft.", "dff_introduced_on")
            uow.figures.set_dff_introduction(institution_id, introduced_on)
            uow.audit.append(
                ctx.audit_event(
                    action=AuditAction.CHANGE,
                    operation="figures.dff_introduction",
                    outcome=AuditOutcome.ALLOWED,
                    reason=f"DFF-Einführung von {institution.name}: "
                    f"{introduced_on.isoformat() if introduced_on else 'keine'}.",
                    purpose=PURPOSE,
                    record_ids=(institution_id,),
                )
            )
