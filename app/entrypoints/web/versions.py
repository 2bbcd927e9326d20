"""The case version tag a form was rendered from (optimistic concurrency in the thin client).

Forms that only add a record (journal entry, goal, measure, assessment, review, conference) send no
version: adding never conflicts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form

from app.domain.cases.versions import VersionTag
from app.domain.errors import StaleVersion

STALE_MESSAGE = (
    "Jemand hat diesen Teil des Falls inzwischen geändert. Es wurde nichts gespeichert; Ihre Eingabe "
    "steht unverändert im Formular. Bitte mit dem aktuellen Stand unten vergleichen und erneut speichern."
)

VersionField = Annotated[str, Form(max_length=2000)]


def rendered_version(text: str) -> VersionTag:
    """The version tag from the hidden form field; a form without one counts as stale."""
    if not text.strip():
        raise StaleVersion()
    return VersionTag.parse(text)
