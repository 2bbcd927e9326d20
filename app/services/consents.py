"""Use cases on consent: record (or replace), confirm, list, read, revoke, history.

The data owner releases: any participant with CONSENT_MANAGE may record the client's signed form,
but a flow releasing institution X's data is in force only once X recorded or confirmed the consent.
The others wait (`awaiting_confirmation`) and X sees them in its list of consents to confirm.
Replacing a consent needs every owner of the old and the new flows. The client's revocation counts
at once, whoever of the named institutions records it. A consent record is shown only to the
institutions named in its flows; to every other caller it does not exist.

Every grant, confirmation and revocation is audited (CONSENT_GRANT / CONSENT_REVOKE) in the same
transaction as the change and its history entry.
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
    status = consent.status_at(now, case_end(case))
    if case.phase is CasePhase.ARCHIVED and status in (ConsentStatus.ACTIVE, ConsentStatus.AWAITING):
        status = ConsentStatus.EXPIRED  # archiving a case ends its consents
    return ConsentState(consent, status)


def _own(uow: UnitOfWork, ctx: RequestContext, case: SharedCase, consent_id: uuid.UUID) -> Consent:
    """The consent if it belongs to the case and names the caller's institution in a flow."""
    consent = uow.consents.get(consent_id)
    if consent is None or consent.case_id != case.id or not consent.names(ctx.principal.institution_id):
        raise ConsentNotFound()
    return consent


def _replaced(uow: UnitOfWork, consent: Consent) -> Consent | None:
    return uow.consents.get(consent.supersedes_id) if consent.supersedes_id else None


def _supersede_when_confirmed(
    uow: UnitOfWork, ctx: RequestContext, consent: Consent, replaced: Consent | None
) -> tuple[uuid.UUID, ...]:
    """The replaced consent ends once every owner of both confirmed the replacement."""
    if replaced is None or consent.awaiting(replaced) or replaced.superseded_at or replaced.revoked_at:
        return ()
    replaced.supersede(by=consent.id, at=ctx.now)
    uow.consents.save(replaced)
    _record(uow, ctx, replaced, ConsentEventKind.SUPERSEDED, related_consent_id=consent.id)
    return (replaced.id,)


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
        if collector is None or collector.institution_id != ctx.principal.institution_id:
            raise InvalidValue(
                "Das Formular nahm jemand Ihrer eigenen Stelle entgegen (Sie, eine Kollegin, ein Kollege).",
                "evidence.collected_by",
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
        for index, flow in enumerate(command.flows):  # a routing consent names an institution off the case
            if flow.to_institution_id in participants:
                continue
            recipient = uow.institutions.get(flow.to_institution_id)
            if recipient is None or not recipient.active:
                raise InvalidValue("Diese Stelle gibt es nicht.", f"flows.{index}")
        replaced = _own(uow, ctx, case, command.supersedes_id) if command.supersedes_id else None
        if replaced is not None and replaced.status_at(ctx.now, case_end(case)) not in (
            ConsentStatus.ACTIVE,
            ConsentStatus.AWAITING,
            ConsentStatus.PENDING,
        ):
            raise PhaseConflict("Nur eine geltende Einwilligung kann ersetzt werden.")
        own = ctx.principal.institution_id
        required = frozenset(f.from_institution_id for f in command.flows) | (
            replaced.owners if replaced else frozenset()
        )
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
            confirmed_by=frozenset({own}) & required,  # the recorder releases its own data at once
        )
        uow.consents.add(consent, command.evidence_file)
        _record(uow, ctx, consent, ConsentEventKind.GRANTED, related_consent_id=consent.supersedes_id)
        record_ids = (consent.id, *_supersede_when_confirmed(uow, ctx, consent, replaced))
        return _state(consent, case, ctx.now), CaseAct(
            _grant_reason(consent, replaced), tuple(command.categories), record_ids, _flow_bases(consent)
        )

    return act_on_case(
        uow,
        ctx,
        case_id,
        "consents.grant",
        AuditAction.CONSENT_GRANT,
        work,
        permission=Permission.CONSENT_MANAGE,
    )


def _grant_reason(consent: Consent, replaced: Consent | None) -> str:
    waiting = len(consent.awaiting(replaced))
    reason = "Einwilligung erfasst" if replaced is None else "Einwilligung erfasst; ersetzt die frühere"
    if waiting:
        return f"{reason}; wartet auf die Bestätigung von {waiting} Stelle(n), deren Daten sie freigibt."
    return reason + "."


def _flow_bases(consent: Consent) -> tuple[str, ...]:
    """For the audit event: which flows the recorder put in force, which it only proposed."""
    return tuple(
        ("released:" if consent.flow_in_force(f) else "proposed:")
        + f"{f.from_institution_id}>{f.to_institution_id}"
        for f in consent.flows
    )


def confirm_consent(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, consent_id: uuid.UUID
) -> ConsentState:
    """The owner of released data confirms: the flows releasing its data are in force from now on.

    Who: a principal with CONSENT_MANAGE of an institution whose data the consent releases (or whose
    data the consent it replaces released), who may open the case.
    """

    def work(case: SharedCase) -> tuple[ConsentState, CaseAct]:
        consent = _own(uow, ctx, case, consent_id)
        end = case_end(case)
        if case.phase is CasePhase.ARCHIVED or (end is not None and end <= ctx.now):
            raise PhaseConflict(
                "Die Einwilligung eines abgeschlossenen Falls kann nicht mehr bestätigt werden."
            )
        replaced = _replaced(uow, consent)
        consent.confirm(institution_id=ctx.principal.institution_id, now=ctx.now, replaced=replaced)
        uow.consents.save(consent)
        _record(uow, ctx, consent, ConsentEventKind.CONFIRMED)
        record_ids = (consent.id, *_supersede_when_confirmed(uow, ctx, consent, replaced))
        act = CaseAct(
            "Einwilligung als Dateneigentümerin bestätigt.",
            tuple(consent.categories),
            record_ids,
            _flow_bases(consent),
        )
        return _state(consent, case, ctx.now), act

    return act_on_case(
        uow,
        ctx,
        case_id,
        "consents.confirm",
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
    bars_break_glass: bool = True,
) -> ConsentState:
    """Widerruf: effective at once; the next request no longer finds a basis in this consent.

    Who: a principal with CONSENT_MANAGE of an institution named in a flow. Unless the revocation
    says otherwise (`bars_break_glass=False`), a break-glass opening cannot reopen what it released."""

    def work(case: SharedCase) -> tuple[ConsentState, CaseAct]:
        consent = _own(uow, ctx, case, consent_id)
        if expected_version is not None and expected_version != consent.version:
            raise StaleVersion()
        if not reason.strip():
            raise InvalidValue("Bitte den Widerruf kurz festhalten (wie und wann erklärt).", "reason")
        consent.revoke(
            by=ctx.principal.id, at=ctx.now, reason=reason.strip(), bars_break_glass=bars_break_glass
        )
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
    """The case's consents that name the caller's institution in a flow (what was released, not the data)."""

    def work(case: SharedCase) -> tuple[list[ConsentState], CaseAct]:
        states = consents_naming_caller(uow, ctx, case)
        return states, CaseAct(
            f"{len(states)} Einwilligungen gelesen.", _RECORD_CATEGORIES, tuple(s.consent.id for s in states)
        )

    return act_on_case(uow, ctx, case_id, "consents.list", AuditAction.READ, work)


def consents_naming_caller(uow: UnitOfWork, ctx: RequestContext, case: SharedCase) -> list[ConsentState]:
    """The case's consents that name the caller's institution, for a use case that opened the case."""
    own = ctx.principal.institution_id
    return [_state(c, case, ctx.now) for c in uow.consents.for_case(case.id) if c.names(own)]


def get_consent(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, consent_id: uuid.UUID
) -> ConsentState:
    def work(case: SharedCase) -> tuple[ConsentState, CaseAct]:
        consent = _own(uow, ctx, case, consent_id)
        return _state(consent, case, ctx.now), CaseAct(
            "Einwilligung gelesen.", _RECORD_CATEGORIES, (consent.id,)
        )

    return act_on_case(uow, ctx, case_id, "consents.read", AuditAction.READ, work)


def consent_history(
    uow: UnitOfWork, ctx: RequestContext, case_id: uuid.UUID, consent_id: uuid.UUID
) -> list[ConsentEvent]:
    def work(case: SharedCase) -> tuple[list[ConsentEvent], CaseAct]:
        consent = _own(uow, ctx, case, consent_id)
        return uow.consents.history(consent.id), CaseAct(
            "Verlauf der Einwilligung gelesen.", _RECORD_CATEGORIES, (consent.id,)
        )

    return act_on_case(uow, ctx, case_id, "consents.history", AuditAction.READ, work)
