"""The few columns of the case tables that the event side reads: which cases and records fall due
(reassessment, Pendenzen), whether a subscriber's institution still participates, an institution by its code.

Named here as light table clauses rather than imported from adapters/db, so the two adapter packages
stay independent; tests/unit/test_event_case_tables.py checks them against the schema.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, String, Uuid, column, table

from app.adapters.sql_base import UtcDateTime

cases = table(
    "cases",
    column("id", Uuid()),
    column("lead_institution_id", Uuid()),
    column("phase", String()),
    column("current_segment", String()),
    column("opened_on", Date()),
    column("reassessment_due_on", Date()),
    column("case_ends_on", Date()),
)

participants = table(
    "case_participants",
    column("id", Uuid()),
    column("case_id", Uuid()),
    column("institution_id", Uuid()),
    column("left_on", Date()),
)

institutions = table("institutions", column("id", Uuid()), column("code", String()))

case_items = table(
    "case_items",
    column("id", Uuid()),
    column("case_id", Uuid()),
    column("due_kind", String()),
    column("due_on", Date()),
)

consents = table(
    "consents",
    column("id", Uuid()),
    column("case_id", Uuid()),
    column("granted_at", UtcDateTime()),
    column("valid_from", UtcDateTime()),
    column("valid_until", UtcDateTime()),
    column("revoked_at", UtcDateTime()),
    column("superseded_at", UtcDateTime()),
    column("awaiting_confirmation", Boolean()),
)

invitations = table(
    "case_invitations",
    column("id", Uuid()),
    column("case_id", Uuid()),
    column("invited_on", Date()),
    column("status", String()),
)
