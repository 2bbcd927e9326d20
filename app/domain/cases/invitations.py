"""Invitation, not conscription: an institution takes part in a case, or takes over its lead, only
once it has accepted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.domain.categories import DataCategory


class InvitationKind(StrEnum):
    PARTICIPATION = "participation"  # take part in the case
    LEAD = "lead"  # take over the Fallführung

    @property
    def label(self) -> str:
        return {
            InvitationKind.PARTICIPATION: "Einladung zur Mitarbeit",
            InvitationKind.LEAD: "Übergabe der Fallführung",
        }[self]


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            InvitationStatus.PENDING: "Offen",
            InvitationStatus.ACCEPTED: "Angenommen",
            InvitationStatus.DECLINED: "Abgelehnt",
            InvitationStatus.WITHDRAWN: "Zurückgezogen",
        }[self]


@dataclass
class Invitation:
    """A structured fact of the shared core; the free texts (hand-over note, reason to decline) are
    notes of their own, each under the category its author chose."""

    kind: InvitationKind
    institution_id: uuid.UUID  # the invited (receiving) institution
    invited_by_institution_id: uuid.UUID
    invited_by: uuid.UUID
    invited_on: date
    local_reference: str = ""  # proposed by the inviter; the invited institution may change it
    status: InvitationStatus = InvitationStatus.PENDING
    answered_on: date | None = None
    answered_by: uuid.UUID | None = None
    note_id: uuid.UUID | None = None  # hand-over note (lead) or the reason given when declining
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    category = DataCategory.FALLFUEHRUNG

    @property
    def owner_institution_id(self) -> uuid.UUID:
        return self.invited_by_institution_id

    @property
    def pending(self) -> bool:
        return self.status is InvitationStatus.PENDING
