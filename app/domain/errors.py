"""Domain errors carry a German message and, where known, the field they concern."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. `field` is a dotted path into the input, if any."""

    title = "Fachliche Regel verletzt"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    title = "Ungültiger Wert"


class InvariantViolation(DomainError):
    title = "Fachliche Regel verletzt"


class PhaseConflict(DomainError):
    title = "In dieser Fallphase nicht möglich"


class ConcurrentConflict(DomainError):
    """The thing exists already: found by the service, or created by another request at the same
    moment (a uniqueness rule of the database). Both answer alike (409, same text)."""

    title = "Konflikt"


CASE_ALREADY_OPEN = (
    "Für diese Person besteht bereits ein gemeinsamer Fall. "
    "Die fallführende Stelle kann Ihre Stelle als Beteiligte aufnehmen."
)


class StaleVersion(Exception):
    """The record changed since the caller read it (optimistic concurrency)."""

    message = "Der Datensatz wurde inzwischen geändert. Laden Sie ihn neu und wiederholen Sie die Änderung."


class DataDestroyed(DomainError):
    """The person's data key was destroyed when the retention period ended (crypto-shredding)."""

    title = "Daten gelöscht"

    def __init__(self) -> None:
        super().__init__(
            "Die Daten dieser Person wurden nach Ablauf der Aufbewahrungsfrist endgültig gelöscht."
        )
