"""Due dates in plain text beside the sealed items and referrals, so the Pendenzen and the worker ask
the database only for what can be due (`case_items.due_on`, `case_items.due_kind`,
`referrals.decision_due_on`), each indexed; `consents.awaiting_confirmation` for the consents a data
owner has still to confirm.

Revision ID: 0018
Revises: 0019
Create Date: 2026-11-30

The dates of goals, measures, Standortbestimmungen and conferences sit in sealed items; the migration
has no keys, so existing items keep `due_kind` NULL ("not yet indexed"): the Pendenzen include their
case as before, and the next write of the item stores its date. An open referral's decision is due
after 5 days (urgent) or 20 (normal); the urgency is sealed, so the backfill takes the earlier date
and the next write of the referral corrects it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ALTER TABLE, no batch mode: a batch would copy `case_items` (see 0008).


def upgrade() -> None:
    op.add_column("case_items", sa.Column("due_on", sa.Date(), nullable=True))
    op.add_column("case_items", sa.Column("due_kind", sa.String(length=20), nullable=True))
    op.create_index("ix_case_items_due_on", "case_items", ["due_on"])
    op.add_column("referrals", sa.Column("decision_due_on", sa.Date(), nullable=True))
    op.create_index("ix_referrals_decision_due_on", "referrals", ["decision_due_on"])
    op.create_index("ix_consents_valid_until", "consents", ["valid_until"])
    op.add_column(
        "consents",
        sa.Column("awaiting_confirmation", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # Date arithmetic differs between the databases; open referrals are few, so Python does it.
    bind = op.get_bind()
    waiting = bind.execute(
        sa.text(
            "SELECT id, referred_on FROM referrals "
            "WHERE status IN ('submitted', 'meeting_scheduled', 'at_clearing')"
        )
    ).all()
    for referral_id, referred_on in waiting:
        start = referred_on if isinstance(referred_on, date) else date.fromisoformat(str(referred_on))
        bind.execute(
            sa.text("UPDATE referrals SET decision_due_on = :due WHERE id = :id"),
            {"due": start + timedelta(days=5), "id": referral_id},
        )

    # A consent awaits confirmation while a data owner (the source of a flow) has not confirmed it.
    for consent_id, flows, confirmed in bind.execute(sa.text("SELECT id, flows, confirmed_by FROM consents")):
        owners = {flow.split(">")[0] for flow in _listed(flows)}
        if owners - set(_listed(confirmed)):
            bind.execute(
                sa.text("UPDATE consents SET awaiting_confirmation = :yes WHERE id = :id"),
                {"yes": True, "id": consent_id},
            )


def _listed(value: object) -> list[str]:
    return json.loads(value) if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]


def downgrade() -> None:
    op.drop_column("consents", "awaiting_confirmation")
    op.drop_index("ix_consents_valid_until", table_name="consents")
    op.drop_index("ix_referrals_decision_due_on", table_name="referrals")
    op.drop_column("referrals", "decision_due_on")
    op.drop_index("ix_case_items_due_on", table_name="case_items")
    op.drop_column("case_items", "due_kind")
    op.drop_column("case_items", "due_on")
