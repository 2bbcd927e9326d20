"""Request bodies of the IIZ process: invitations, lead hand-over, intake steps, Mitwirkung,
case conferences."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from app.domain.cases import AgreementForm, IntakeOutcome, IntakeStep
from app.domain.categories import DataCategory
from app.entrypoints.api.v1.schemas.common import Command, LongText, OptionalShortText, ShortText

CategoryChoice = Annotated[
    DataCategory | None,
    Field(description="Kategorie des Textes, von der Autorin gewählt; ohne Angabe die der eigenen Stelle"),
]


class InvitationIn(Command):
    institution_id: uuid.UUID
    local_reference: OptionalShortText = Field(default="", description="Vorschlag; die Stelle kann es ändern")


class AcceptIn(Command):
    local_reference: OptionalShortText = ""
    contact_person_id: uuid.UUID | None = Field(
        default=None, description="Bei der Übernahme der Fallführung: die neue Ansprechperson"
    )


class DeclineIn(Command):
    reason: LongText = Field(min_length=1)
    category: CategoryChoice = None


class LeadHandoverIn(Command):
    institution_id: uuid.UUID
    note: LongText = Field(min_length=1, description="Übergabenotiz")
    category: CategoryChoice = None


class IntakeStepIn(Command):
    step: IntakeStep
    outcome: IntakeOutcome
    summary: LongText = ""
    done_on: date | None = None
    category: CategoryChoice = None


class CooperationIn(Command):
    form: AgreementForm
    agreed_goal_ids: list[uuid.UUID] = []
    strategy: LongText = ""
    agreed_on: date | None = None
    document_id: uuid.UUID | None = None


class ConferencePlanIn(Command):
    planned_on: date = Field(description="Datum der Fallkonferenz (auch in der Zukunft)")
    invited_institution_ids: Annotated[list[uuid.UUID], Field(min_length=1)]
    client_attends: bool | None = None


class ActionItemIn(Command):
    title: ShortText
    owner_institution_id: uuid.UUID
    due_on: date


class MinutesIn(Command):
    decisions: LongText = Field(min_length=1)
    category: CategoryChoice = None
    client_attended: bool | None = None
    action_items: list[ActionItemIn] = []
    agreed_goal_ids: list[uuid.UUID] = []


class ActionItemDoneIn(Command):
    done_on: date | None = None
