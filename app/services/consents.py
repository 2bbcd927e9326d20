"""Use cases on consent: grant (or replace), list, read, revoke, history.

Who: principals with CONSENT_MANAGE who may open the case. Every grant and revocation is audited
(CONSENT_GRANT / CONSENT_REVOKE) in the same transaction as the change and its history entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.domain.audit import AuditAction
from app.domain.cases import CasePhase, SharedCase
from app.domain.categories import DataCategory
from app.domain.consent import (
    FORM_LANGUAGES,
    Consent,
    ConsentEvent,
    ConsentEventKind,
    ConsentStatus,
    Evidence,
    Flow,
    months,
    validate_grant,
)
from app.domain.errors import InvalidValue, PhaseConflict, StaleVersion
from app.domain.evidence import check_evidence_file
from app.domain.permissions import Permission
from app.services.access.basis import case_end
from app.services.access.case_work import CaseAct, act_on_case
from app.services.context import RequestContext
from app.services.errors import NotFound
from app.services.ports import UnitOfWork


class ConsentNotFound(NotFound):
    message = "Die Einwilligung wurde nicht gefunden."


@dataclass(frozen=True)
class GrantConsent:
    flows: tuple[Flow, ...]
    categories: frozenset[DataCategory]
    purpose: str
    form_version: str
    collected_by_user_id: uuid.UUID
    collected_at: datetime
    language: str
    evidence_file: bytes
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    supersedes_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ConsentState:
    consent: Consent
    status: ConsentStatus


def _state(consent: Consent, case: SharedCase, now: datetime) -> ConsentState:
    return ConsentState(consent, consent.status_at(now, case_end(case)))


def _own(uow: UnitOfWork, case: SharedCase, consent_id: uuid.UUID) -> Consent:
    consent = uow.consents.get(consent_id)
    if consent is None or consent.case_id != case.id:
        raise ConsentNotFound()
    return consent


def _record(
    uow: UnitOfWork, ctx: RequestContext, consent: Consent, kind: ConsentEventKind, **extra: object
) -> None:
    uow.consents.append_event(
        ConsentEvent(
            consent.id,
            kind,
            ctx.now,
            ctx.principal.id,
            ctx.principal.institution_id,
            **extra,  # type: ignore[arg-type]
        )
    )


def grant_consent(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, command: GrantConsent
) -> ConsentState:
    """Record the client's signed consent; with `supersedes_id` it replaces an earlier one."""

    def work(case: SharedCase) -> tuple[ConsentState, CaseAct]:
        end = case_end(case)
        if case.phase is CasePhase.ARCHIVED or (end is not None and end <= ctx.now):
            raise PhaseConflict(
                "Für einen Fall nach Ende der Nachbetreuung wird keine Einwilligung mehr erfasst."
            )
        media_type, sha256 = check_evidence_file(command.evidence_file, ctx.access.evidence_max_bytes)
        if command.language not in FORM_LANGUAGES:
            raise InvalidValue("Unbekannte Sprache des Formulars.", "evidence.language")
        if command.collected_at > ctx.now:
            raise InvalidValue(
                "Das Formular kann nicht in der Zukunft unterschrieben sein.", "evidence.collected_at"
            )
        collector = uow.users.get(command.collected_by_user_id)
        if collector is None or not case.is_participant(collector.institution_id):
            raise InvalidValue(
                "Wer das Formular entgegennahm, gehört zu einer beteiligten Stelle.", "evidence.collected_by"
            )
        valid_from = command.valid_from or ctx.now
        valid_until = command.valid_until or valid_from + months(ctx.access.consent_default_months)
        participants = frozenset(p.institution_id for p in case.participations if p.left_on is None)
        validate_grant(
            flows=command.flows,
            categories=command.categories,
            purpose=command.purpose,
            valid_from=valid_from,
            valid_until=valid_until,
            now=ctx.now,
            participants=participants,
            max_months=ctx.access.consent_max_months,
        )
        replaced = _own(uow, case, command.supersedes_id) if command.supersedes_id else None
        consent = Consent(
            person_id=case.person_id,
            case_id=case.id,
            flows=command.flows,
            categories=command.categories,
            purpose=command.purpose.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            evidence=Evidence(
                sha256,
                command.form_version,
                collector.id,
                command.collected_at,
                command.language,
                media_type,
                len(command.evidence_file),
            ),
            granted_by_id=ctx.principal.id,
            granted_by_institution_id=ctx.principal.institution_id,
            granted_at=ctx.now,
            supersedes_id=replaced.id if replaced else None,
        )
        uow.consents.add(consent, command.evidence_file)
        _record(uow, ctx, consent, ConsentEventKind.GRANTED, related_consent_id=consent.supersedes_id)
        record_ids: tuple[uuid.UUID, ...] = (consent.id,)
        if replaced is not None:
            replaced.supersede(by=consent.id, at=ctx.now)
            uow.consents.save(replaced)
            _record(uow, ctx, replaced, ConsentEventKind.SUPERSEDED, related_consent_id=consent.id)
            record_ids += (replaced.id,)
        reason = "Einwilligung erfasst." if replaced is None else "Einwilligung erfasst; ersetzt die frühere."
        return _state(consent, case, ctx.now), CaseAct(reason, tuple(command.categories), record_ids)

    return act_on_case(
        uow,
        ctx,
        case_id,
        "consents.grant",
        AuditAction.CONSENT_GRANT,
        work,
        permission=Permission.CONSENT_MANAGE,
    )


def revoke_consent(
    uow: UnitOfWork,
    ctx: RequestContext,
    case_id: uuid.UUID,
    consent_id: uuid.UUID,
    reason: str,
    expected_version: int | None = None,
) -> ConsentState:
    """Widerruf: effective at once; the next request no longer finds a basis in this consent."""

    def work(case: SharedCase) -> tuple[ConsentState, CaseAct]:
        consent = _own(uow, case, consent_id)
        if expected_version is not None and expected_version != consent.version:
            raise StaleVersion()
        if not reason.strip():
            raise InvalidValue("Bitte den Widerruf kurz festhalten (wie und wann erklärt).", "reason")
        consent.revoke(by=ctx.principal.id, at=ctx.now, reason=reason.strip())
        uow.consents.save(consent)
        _record(uow, ctx, consent, ConsentEventKind.REVOKED, note=reason.strip())
        act = CaseAct("Einwilligung widerrufen.", tuple(consent.categories), (consent.id,))
        return _state(consent, case, ctx.now), act

    return act_on_case(
        uow,
        ctx,
        case_id,
        "consents.revoke",
        AuditAction.CONSENT_REVOKE,
        work,
        permission=Permission.CONSENT_MANAGE,
    )


# A consent record says which institutions exchange what: case-management data of the case.
_RECORD_CATEGORIES = (DataCategory.FALLFUEHRUNG,)


def list_consents(uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID) -> list[ConsentState]:
    """Every principal who may open the case sees its consents (what was released, not the data)."""

    def work(case: SharedCase) -> tuple[list[ConsentState], CaseAct]:
        states = [_state(c, case, ctx.now) for c in uow.consents.for_case(case.id)]
        return states, CaseAct(
            f"{len(states)} Einwilligungen gelesen.", _RECORD_CATEGORIES, tuple(s.consent.id for s in states)
        )

    return act_on_case(uow, ctx, case_id, "consents.list", AuditAction.READ, work)


def get_consent(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, consent_id: uuid.UUID
) -> ConsentState:
    def work(case: SharedCase) -> tuple[ConsentState, CaseAct]:
        consent = _own(uow, case, consent_id)
        return _state(consent, case, ctx.now), CaseAct(
            "Einwilligung gelesen.", _RECORD_CATEGORIES, (consent.id,)
        )

    return act_on_case(uow, ctx, case_id, "consents.read", AuditAction.READ, work)


def consent_history(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, consent_id: uuid.UUID
) -> list[ConsentEvent]:
    def work(case: SharedCase) -> tuple[list[ConsentEvent], CaseAct]:
        consent = _own(uow, case, consent_id)
        return uow.consents.history(consent.id), CaseAct(
            "Verlauf der Einwilligung gelesen.", _RECORD_CATEGORIES, (consent.id,)
        )

    return act_on_case(uow, ctx, case_id, "consents.history", AuditAction.READ, work)
