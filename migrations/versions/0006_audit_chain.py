"""Sealing tables of the audit log: pending queue, seals, tree states, checkpoints, prunes.

Inserting an audit event enqueues it (trigger) for the sequencer, which seals it into the hash chain
and Merkle tree. Seals, tree states, checkpoints and prunes are append-only like the events; an event
may be deleted only once a recorded pruning (export plus checkpoint) covers its position.

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("audit_seals", "audit_tree_states", "audit_checkpoints", "audit_prunes")
EVENTS_MESSAGE = "audit_events is append-only"
PRUNED = (
    "EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_seq = OLD.seq AND s.position < "
    "(SELECT coalesce(max(p.before_position), 0) FROM audit_prunes p))"
)


def _position() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _create_tables() -> None:
    op.create_table(
        "audit_pending",
        sa.Column("event_seq", _position(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("event_seq", name=op.f("pk_audit_pending")),
    )
    op.create_table(
        "audit_seals",
        sa.Column("position", _position(), autoincrement=False, nullable=False),
        sa.Column("event_seq", _position(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("previous_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("entry_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_audit_seals")),
        sa.UniqueConstraint("event_seq", name=op.f("uq_audit_seals_event_seq")),
    )
    op.create_table(
        "audit_tree_states",
        sa.Column("tree_size", _position(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("chain_head", sa.LargeBinary(length=32), nullable=False),
        sa.Column("frontier", sa.JSON(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_audit_tree_states")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", _position(), autoincrement=True, nullable=False),
        sa.Column("tree_size", _position(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("chain_head", sa.LargeBinary(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_checkpoints_tree_size"), ["tree_size"], unique=False)
    op.create_table(
        "audit_prunes",
        sa.Column("id", _position(), autoincrement=True, nullable=False),
        sa.Column("before_position", _position(), nullable=False),
        sa.Column("checkpoint_tree_size", _position(), nullable=False),
        sa.Column("export_sha256", sa.String(length=64), nullable=False),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_prunes")),
    )


def upgrade() -> None:
    _create_tables()
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def _postgres_upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION audit_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO audit_pending (event_seq) VALUES (NEW.seq);
            RETURN NULL;
        END;
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER audit_events_enqueue AFTER INSERT ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_enqueue()"
    )
    op.execute(
        """
        CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END;
        $$
        """
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
        )
    op.execute(
        f"""
        CREATE FUNCTION audit_events_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {PRUNED} THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION '{EVENTS_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END;
        $$
        """
    )
    op.execute("DROP TRIGGER audit_events_no_update_delete ON audit_events")
    op.execute(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_delete_only_pruned BEFORE DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_guard_delete()"
    )


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE TRIGGER audit_events_enqueue AFTER INSERT ON audit_events "
        "BEGIN INSERT INTO audit_pending (event_seq) VALUES (NEW.seq); END"
    )
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    op.execute("DROP TRIGGER audit_events_no_delete")
    op.execute(
        f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events WHEN NOT {PRUNED} "
        f"BEGIN SELECT RAISE(ABORT, '{EVENTS_MESSAGE}'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_delete_only_pruned ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_update ON audit_events")
        op.execute(
            "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()"
        )
        op.execute("DROP FUNCTION audit_events_guard_delete()")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
        op.execute("DROP FUNCTION audit_refuse_change()")
        op.execute("DROP TRIGGER audit_events_enqueue ON audit_events")
        op.execute("DROP FUNCTION audit_events_enqueue()")
    else:
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute(
            "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
            f"BEGIN SELECT RAISE(ABORT, '{EVENTS_MESSAGE}'); END"
        )
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"DROP TRIGGER {table}_no_{verb.lower()}")
        op.execute("DROP TRIGGER audit_events_enqueue")
    op.drop_table("audit_prunes")
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_checkpoints_tree_size"))
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_tree_states")
    op.drop_table("audit_seals")
    op.drop_table("audit_pending")
