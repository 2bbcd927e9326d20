"""Pendenzen: what is due or overdue on a case, for one institution, with a preview.

Pure: computed from the case as the institution may see it. "fallführend" where the institution
must act (lead, owner of the goal, measure or action item, invited institution), "zur Kenntnis"
where another participant acts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.domain.cases import CasePhase, SharedCase
from app.domain.consent import Consent, ConsentStatus
from app.domain.referral import Referral
from app.domain.referral import Urgency as ReferralUrgency

LOCAL_TIME = ZoneInfo("Europe/Zurich")
DEFAULT_PREVIEW_DAYS = 30
DEFAULT_INTAKE_SEGMENT_DAYS = 30
DEFAULT_ESCALATION_DAYS = 14
# Days the case-management body (or the clearing body) has to decide a referral.
DECISION_DAYS = {ReferralUrgency.NORMAL: 20, ReferralUrgency.URGENT: 5}


class PendenzKind(StrEnum):
    REASSESSMENT = "reassessment"
    INTAKE_SEGMENT = "intake_segment"
    REVIEW = "review"
    GOAL = "goal"
    MEASURE = "measure"
    FOLLOW_UP = "follow_up"
    INVITATION = "invitation"
    ACTION_ITEM = "action_item"
    CONFERENCE = "conference"
    REFERRAL = "referral"
    CONSENT_EXPIRY = "consent_expiry"
    CONSENT_CONFIRMATION = "consent_pending"  # a data owner has still to confirm the release

    @property
    def label(self) -> str:
        return {
            PendenzKind.REASSESSMENT: "Neubeurteilung des Segments",
            PendenzKind.INTAKE_SEGMENT: "Segmentierung der Fallaufnahme",
            PendenzKind.REVIEW: "Standortbestimmung",
            PendenzKind.GOAL: "Zieldatum",
            PendenzKind.MEASURE: "Ende einer Massnahme",
            PendenzKind.FOLLOW_UP: "Nachbetreuung",
            PendenzKind.INVITATION: "Einladung beantworten",
            PendenzKind.ACTION_ITEM: "Pendenz aus der Fallkonferenz",
            PendenzKind.CONFERENCE: "Fallkonferenz",
            PendenzKind.REFERRAL: "Zuweisung: Aufnahmeentscheid",
            PendenzKind.CONSENT_EXPIRY: "Einwilligung läuft ab",
            PendenzKind.CONSENT_CONFIRMATION: "Freigabe einer Einwilligung bestätigen",
        }[self]


class Involvement(StrEnum):
    RESPONSIBLE = "fallfuehrend"
    INFORMED = "zur_kenntnis"

    @property
    def label(self) -> str:
        return "fallführend" if self is Involvement.RESPONSIBLE else "zur Kenntnis"


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"  # today
    SOON = "soon"  # within the preview

    @property
    def label(self) -> str:
        return {Urgency.OVERDUE: "überfällig", Urgency.DUE: "heute fällig", Urgency.SOON: "demnächst"}[self]


@dataclass(frozen=True)
class PendenzenRules:
    preview_days: int = DEFAULT_PREVIEW_DAYS
    intake_segment_days: int = DEFAULT_INTAKE_SEGMENT_DAYS  # an intake without segment is due after
    escalation_days: int = DEFAULT_ESCALATION_DAYS  # overdue this long: the supervisor is told


@dataclass(frozen=True)
class DueWindow:
    """What can be due by `today` + the preview: the bounds the stores filter on before anything is
    opened (a superset of the Pendenzen; `pendenzen_of_case` decides)."""

    due_by: date
    intake_opened_by: date  # an intake opened on or before this date without segment is due
    consents_until: datetime  # a consent running out before this instant

    @classmethod
    def of(cls, today: date, rules: PendenzenRules) -> DueWindow:
        due_by = today + timedelta(days=rules.preview_days)
        end_of_day = datetime.combine(due_by + timedelta(days=1), datetime.min.time(), LOCAL_TIME)
        return cls(due_by, due_by - timedelta(days=rules.intake_segment_days), end_of_day)


@dataclass(frozen=True)
class Pendenz:
    kind: PendenzKind
    case_id: uuid.UUID | None  # None for a referral not (yet) admitted
    due_on: date
    involvement: Involvement
    urgency: Urgency
    escalated: bool
    item_id: uuid.UUID | None = None
    responsible_institution_id: uuid.UUID | None = None

    @property
    def key(self) -> str:
        """Stable per occasion: the same Pendenz raises its event once per urgency."""
        return f"{self.kind.value}:{self.case_id}:{self.item_id or '-'}:{self.due_on.isoformat()}"


def urgency_of(due_on: date, today: date, preview_days: int) -> Urgency | None:
    if due_on < today:
        return Urgency.OVERDUE
    if due_on == today:
        return Urgency.DUE
    if due_on <= today + timedelta(days=preview_days):
        return Urgency.SOON
    return None


def pendenzen_of_case(
    case: SharedCase, institution_id: uuid.UUID, today: date, rules: PendenzenRules = PendenzenRules()
) -> list[Pendenz]:
    """Everything due on `case` within the preview, as seen by `institution_id`."""
    found: list[Pendenz] = []
    lead = case.lead_institution_id

    def add(
        kind: PendenzKind, due_on: date | None, responsible: uuid.UUID, item_id: uuid.UUID | None = None
    ) -> None:
        if due_on is None:
            return
        urgency = urgency_of(due_on, today, rules.preview_days)
        if urgency is None:
            return
        involvement = Involvement.RESPONSIBLE if responsible == institution_id else Involvement.INFORMED
        escalated = urgency is Urgency.OVERDUE and (today - due_on).days > rules.escalation_days
        found.append(Pendenz(kind, case.id, due_on, involvement, urgency, escalated, item_id, responsible))

    for invitation in case.pending_invitations():
        if institution_id in (invitation.institution_id, invitation.invited_by_institution_id):
            add(PendenzKind.INVITATION, invitation.invited_on, invitation.institution_id, invitation.id)
    if not case.is_participant(institution_id) or case.phase is CasePhase.ARCHIVED:
        return _sorted(found)

    if case.phase.is_open:
        add(PendenzKind.REASSESSMENT, case.reassessment_due_on, lead)
        if case.phase is CasePhase.INTAKE and case.current_segment is None:
            add(PendenzKind.INTAKE_SEGMENT, case.opened_on + timedelta(days=rules.intake_segment_days), lead)
        add(PendenzKind.REVIEW, case.next_review_on, lead)
        for goal in case.goals:
            if goal.status.value == "open":
                add(PendenzKind.GOAL, goal.target_on, goal.owner_institution_id, goal.id)
    for measure in case.measures:
        add(PendenzKind.MEASURE, measure.due_on, measure.owner_institution_id, measure.id)
    for conference in case.conferences:
        if conference.scheduled and institution_id in (
            conference.organiser_institution_id,
            *conference.participant_institution_ids,
        ):
            add(
                PendenzKind.CONFERENCE, conference.held_on, conference.organiser_institution_id, conference.id
            )
        for item in conference.action_items:
            if item.done_on is None:
                add(PendenzKind.ACTION_ITEM, item.due_on, item.owner_institution_id, item.id)
    follow_up = case.follow_up
    if follow_up is not None and follow_up.completed_on is None:
        add(PendenzKind.FOLLOW_UP, follow_up.due_on, follow_up.institution_id)
    return _sorted(found)


def _sorted(found: list[Pendenz]) -> list[Pendenz]:
    return sorted(found, key=lambda p: (p.due_on, p.kind.value, str(p.case_id or "")))


def pendenzen_of_referral(
    referral: Referral, institution_id: uuid.UUID, today: date, rules: PendenzenRules = PendenzenRules()
) -> list[Pendenz]:
    """A referral awaiting a decision: the deciding body must act, the referring institution is told."""
    deciding = referral.deciding_institution_id
    due_on = referral_decision_due_on(referral)
    if deciding is None or due_on is None or institution_id not in referral.involved_institution_ids:
        return []
    urgency = urgency_of(due_on, today, rules.preview_days)
    if urgency is None:
        return []
    involvement = Involvement.RESPONSIBLE if deciding == institution_id else Involvement.INFORMED
    escalated = urgency is Urgency.OVERDUE and (today - due_on).days > rules.escalation_days
    return [
        Pendenz(
            PendenzKind.REFERRAL,
            referral.case_id,
            due_on,
            involvement,
            urgency,
            escalated,
            referral.id,
            deciding,
        )
    ]


def referral_decision_due_on(referral: Referral) -> date | None:
    """When the deciding body (case management, or the clearing body) must have decided; None once
    decided."""
    if referral.deciding_institution_id is None:
        return None
    since = referral.clearing_requested_on or referral.referred_on
    return since + timedelta(days=DECISION_DAYS[referral.urgency])


def item_due_dates(case: SharedCase) -> dict[uuid.UUID, tuple[PendenzKind, date] | None]:
    """The earliest open date each loaded dated item carries, the same dates `pendenzen_of_case`
    reads (goals, measures, the latest Standortbestimmung, conferences and their action items); None
    for an item that carries none. Kept in plain text beside the sealed item, so the Pendenzen and
    the worker ask only for what can be due."""
    found: dict[uuid.UUID, tuple[PendenzKind, date] | None] = {}

    def earliest(*dates: tuple[PendenzKind, date | None]) -> tuple[PendenzKind, date] | None:
        dated = [(kind, on) for kind, on in dates if on is not None]
        return min(dated, key=lambda d: d[1]) if dated else None

    for goal in case.goals:
        found[goal.id] = earliest((PendenzKind.GOAL, goal.target_on if goal.status.value == "open" else None))
    for measure in case.measures:
        found[measure.id] = earliest((PendenzKind.MEASURE, measure.due_on))
    latest = max((r for r in case.reviews if r.next_review_on), key=lambda r: r.held_on, default=None)
    for review in case.reviews:
        found[review.id] = earliest((PendenzKind.REVIEW, review.next_review_on if review is latest else None))
    for conference in case.conferences:
        open_items = [i for i in conference.action_items if i.done_on is None]
        found[conference.id] = earliest(
            (PendenzKind.CONFERENCE, conference.held_on if conference.scheduled else None),
            *((PendenzKind.ACTION_ITEM, item.due_on) for item in open_items),
        )
    return found


def pendenzen_of_consents(
    case: SharedCase,
    consents: list[Consent],
    institution_id: uuid.UUID,
    now: datetime,
    today: date,
    rules: PendenzenRules = PendenzenRules(),
) -> list[Pendenz]:
    """Active consents that run out within the preview: the institution that recorded the consent
    renews it with the client; the institutions whose flows it carries are told. Consents awaiting
    the confirmation of a data owner: the owner confirms (due at once), the recording one is told."""
    found = []
    for consent in consents:
        status = consent.status_at(now)
        if status is ConsentStatus.AWAITING:
            found.extend(_confirmation(case, consent, institution_id, today, rules))
            continue
        if status is not ConsentStatus.ACTIVE:
            continue
        due_on = consent.valid_until.astimezone(LOCAL_TIME).date()
        urgency = urgency_of(due_on, today, rules.preview_days)
        involved = {consent.granted_by_institution_id} | {
            i for flow in consent.flows for i in (flow.from_institution_id, flow.to_institution_id)
        }
        if urgency is None or institution_id not in involved:
            continue
        responsible = consent.granted_by_institution_id
        involvement = Involvement.RESPONSIBLE if responsible == institution_id else Involvement.INFORMED
        found.append(
            Pendenz(
                PendenzKind.CONSENT_EXPIRY,
                case.id,
                due_on,
                involvement,
                urgency,
                False,
                consent.id,
                responsible,
            )
        )
    return found


def _confirmation(
    case: SharedCase, consent: Consent, institution_id: uuid.UUID, today: date, rules: PendenzenRules
) -> list[Pendenz]:
    missing = consent.owners - consent.confirmed_by
    if institution_id not in missing and institution_id != consent.granted_by_institution_id:
        return []
    due_on = consent.granted_at.astimezone(LOCAL_TIME).date()
    urgency = urgency_of(due_on, today, rules.preview_days) or Urgency.DUE
    responsible = institution_id if institution_id in missing else min(missing)
    involvement = Involvement.RESPONSIBLE if institution_id in missing else Involvement.INFORMED
    escalated = urgency is Urgency.OVERDUE and (today - due_on).days > rules.escalation_days
    return [
        Pendenz(
            PendenzKind.CONSENT_CONFIRMATION,
            case.id,
            due_on,
            involvement,
            urgency,
            escalated,
            consent.id,
            responsible,
        )
    ]
