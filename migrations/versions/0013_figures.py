"""Steering figures: coarse per-case metadata (region and DFF introduction, support, residence status
group, closure, follow-up, segment history, measures with kind and cost bearer).

Revision ID: 0013
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "figure_regions",
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("dff_introduced_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_figure_regions_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("institution_id", name=op.f("pk_figure_regions")),
    )
    op.create_table(
        "figure_cases",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("region_institution_id", sa.Uuid(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("reassessment_interval_months", sa.Integer(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_reason", sa.String(length=32), nullable=True),
        sa.Column("follow_up_completed_on", sa.Date(), nullable=True),
        sa.Column("follow_up_result", sa.String(length=32), nullable=True),
        sa.Column("residence_status", sa.String(length=32), nullable=True),
        sa.Column("assistance_kind", sa.String(length=16), nullable=True),
        sa.Column("support_start_on", sa.Date(), nullable=True),
        sa.Column("support_end_on", sa.Date(), nullable=True),
        sa.Column("preventive", sa.Boolean(), nullable=False),
        sa.Column("employed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_figure_cases_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["region_institution_id"],
            ["institutions.id"],
            name=op.f("fk_figure_cases_region_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_figure_cases")),
    )
    op.create_index("ix_figure_cases_region_opened", "figure_cases", ["region_institution_id", "opened_on"])
    op.create_table(
        "figure_segments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("segment", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_figure_segments_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_segments")),
    )
    op.create_index(op.f("ix_figure_segments_case_id"), "figure_segments", ["case_id"])
    op.create_table(
        "figure_measures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("cost_bearer", sa.String(length=16), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_figure_measures_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_measures")),
    )
    op.create_index(op.f("ix_figure_measures_case_id"), "figure_measures", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_figure_measures_case_id"), table_name="figure_measures")
    op.drop_table("figure_measures")
    op.drop_index(op.f("ix_figure_segments_case_id"), table_name="figure_segments")
    op.drop_table("figure_segments")
    op.drop_index("ix_figure_cases_region_opened", table_name="figure_cases")
    op.drop_table("figure_cases")
    op.drop_table("figure_regions")
