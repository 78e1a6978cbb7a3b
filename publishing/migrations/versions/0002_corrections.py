"""Corrections: « Signaler une erreur ou un projet manquant », reports from anyone (issue #26).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_url", sa.String(2000), nullable=False),
        sa.Column("contact", sa.String(254), nullable=False),
        sa.Column("page", sa.String(1000), nullable=False),
        sa.Column("project_id", sa.String(128), nullable=True),
        sa.Column("alliance_id", sa.String(64), nullable=True),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("treated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("treated_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_corrections_created_at", "corrections", ["created_at"])
    op.create_index("ix_corrections_alliance_id", "corrections", ["alliance_id"])


def downgrade() -> None:
    op.drop_table("corrections")
