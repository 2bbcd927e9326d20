"""Errors the use cases raise; the API turns each into one problem type."""

from __future__ import annotations

import uuid


class ServiceError(Exception):
    title = "Fehler"
    message = "Die Anfrage konnte nicht ausgeführt werden."

    def __init__(
        self, message: str | None = None, field: str | None = None, *, audited: bool = False
    ) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        self.field = field
        self.audited = audited  # the use case already recorded this outcome in the audit log


class NotFound(ServiceError):
    """Missing and inaccessible look the same."""

    title = "Nicht gefunden"


class CaseNotFound(NotFound):
    message = "Der Fall wurde nicht gefunden."


class PersonNotFound(NotFound):
    message = "Die Person wurde nicht gefunden."


class Forbidden(ServiceError):
    title = "Keine Berechtigung"
    message = "Für diese Aktion fehlt Ihnen die Berechtigung."


class PersonAlreadyRegistered(ServiceError):
    title = "Person bereits erfasst"
    message = "Für diese AHV-Nummer ist bereits eine Person erfasst."

    def __init__(
        self, person_id: uuid.UUID | None, *, probed_person_id: uuid.UUID, message: str | None = None
    ) -> None:
        super().__init__(message, field="ahvn13")
        self.person_id = person_id  # shown to the caller only where it has a basis
        self.audit_person_id = probed_person_id  # always in the audit log (pseudonymous)
