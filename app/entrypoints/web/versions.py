"""The case version a form was rendered from (optimistic concurrency in the thin client)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form

from app.domain.errors import StaleVersion

STALE_MESSAGE = (
    "Der Fall wurde inzwischen geändert. Es wurde nichts gespeichert; "
    "bitte den aktuellen Stand prüfen und die Eingabe wiederholen."
)

VersionField = Annotated[str, Form(max_length=12)]


def rendered_version(text: str) -> int:
    """The version from the hidden form field; a form without one counts as stale."""
    try:
        version = int(text)
    except ValueError:
        raise StaleVersion() from None
    if version < 0:
        raise StaleVersion()
    return version
