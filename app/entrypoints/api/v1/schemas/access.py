"""Bodies of consent, assignment and break-glass."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from app.domain.categories import DataCategory
from app.domain.consent import ConsentEvent
from app.entrypoints.api.v1.schemas.common import Command, Out, ShortText, single_line
from app.services.consents import ConsentState


def _base64(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("Die Datei muss Base64-kodiert sein.") from None
    return value


class FlowIn(Command):
    from_institution_id: uuid.UUID = Field(description="Stelle, deren Daten freigegeben werden")
    to_institution_id: uuid.UUID = Field(description="Stelle, die sie sehen darf")


class EvidenceIn(Command):
    file: Annotated[str, AfterValidator(_base64)] = Field(
        description="Unterschriebenes Formular als PDF, PNG oder JPEG, Base64-kodiert", max_length=700_000
    )
    form_version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    collected_by: uuid.UUID = Field(description="Benutzer, der das Formular entgegennahm")
    collected_at: datetime
    language: Annotated[str, StringConstraints(min_length=2, max_length=5)] = Field(examples=["de"])


class ConsentIn(Command):
    flows: list[FlowIn] = Field(min_length=1, max_length=20)
    categories: list[DataCategory] = Field(
        min_length=1,
        description="Jede Kategorie einzeln; gesundheit und sozialhilfe nur ausdrücklich genannt",
    )
    purpose: ShortText
    valid_from: datetime | None = None
    valid_until: datetime | None = Field(default=None, description="Standard und Höchstdauer: 24 Monate")
    evidence: EvidenceIn
    supersedes: uuid.UUID | None = Field(default=None, description="Ersetzt diese frühere Einwilligung")

    @property
    def evidence_bytes(self) -> bytes:
        return base64.b64decode(self.evidence.file)


class RevocationIn(Command):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="Wie und wann der Widerruf erklärt wurde"
    )


class FlowOut(Out):
    from_institution_id: uuid.UUID
    to_institution_id: uuid.UUID


class EvidenceOut(Out):
    sha256: str
    form_version: str
    collected_by: uuid.UUID
    collected_at: datetime
    language: str
    media_type: str
    size: int


class ConsentOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    person_id: uuid.UUID
    status: str
    flows: list[FlowOut]
    categories: list[DataCategory]
    purpose: str
    valid_from: datetime
    valid_until: datetime
    evidence: EvidenceOut
    granted_by: uuid.UUID
    granted_at: datetime
    revoked_at: datetime | None = None
    superseded_by: uuid.UUID | None = None
    supersedes: uuid.UUID | None = None
    version: int

    @classmethod
    def of(cls, state: ConsentState) -> ConsentOut:
        c, e = state.consent, state.consent.evidence
        return cls(
            id=c.id,
            case_id=c.case_id,
            person_id=c.person_id,
            status=state.status.value,
            flows=[
                FlowOut(from_institution_id=f.from_institution_id, to_institution_id=f.to_institution_id)
                for f in c.flows
            ],
            categories=sorted(c.categories),
            purpose=c.purpose,
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            evidence=EvidenceOut(
                sha256=e.sha256,
                form_version=e.form_version,
                collected_by=e.collected_by_user_id,
                collected_at=e.collected_at,
                language=e.language,
                media_type=e.media_type,
                size=e.size,
            ),
            granted_by=c.granted_by_id,
            granted_at=c.granted_at,
            revoked_at=c.revoked_at,
            superseded_by=c.superseded_by_id,
            supersedes=c.supersedes_id,
            version=c.version,
        )


class ConsentListOut(Out):
    items: list[ConsentOut]


class ConsentEventOut(Out):
    id: uuid.UUID
    kind: str
    occurred_at: datetime
    actor_id: uuid.UUID
    actor_institution_id: uuid.UUID
    note: str
    related_consent_id: uuid.UUID | None = None

    @classmethod
    def of(cls, event: ConsentEvent) -> ConsentEventOut:
        return cls(
            id=event.id,
            kind=event.kind.value,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_institution_id=event.actor_institution_id,
            note=event.note,
            related_consent_id=event.related_consent_id,
        )


class ConsentHistoryOut(Out):
    items: list[ConsentEventOut]


class AssignmentIn(Command):
    user_id: uuid.UUID


class AssignmentOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    user_id: uuid.UUID
    institution_id: uuid.UUID
    assigned_by: uuid.UUID
    assigned_at: datetime


class AssignmentListOut(Out):
    items: list[AssignmentOut]


class BreakGlassIn(Command):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(single_line)
    ] = Field(description="Schriftliche Begründung, mindestens 30 Zeichen")


class BreakGlassOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    opened_at: datetime
    expires_at: datetime
