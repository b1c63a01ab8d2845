"""The first schema of `checklist serve`: accounts, evaluations, the 整改台账 and its edits.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("units", sa.Text, nullable=False, server_default="[]"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("pack", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("window_from", sa.Date, nullable=False),
        sa.Column("window_to", sa.Date, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(200)),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("records", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    op.create_table(
        "evaluation_units",
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("unit", sa.String(200), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("rating", sa.Float),
        sa.Column("rank", sa.Integer),
        sa.Column("met", sa.Integer, nullable=False),
        sa.Column("violations", sa.Integer, nullable=False),
        sa.Column("due", sa.Integer, nullable=False),
    )
    op.create_index("ix_evaluation_units_unit", "evaluation_units", ["unit"])
    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item", sa.String(40), nullable=False, unique=True),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("period", sa.String(100), nullable=False),
        sa.Column("problem", sa.Text, nullable=False),
        sa.Column("measure", sa.Text, nullable=False, server_default=""),
        sa.Column("owner", sa.String(200), nullable=False, server_default=""),
        sa.Column("deadline", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("closed_by", sa.Text, nullable=False, server_default=""),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("opened_in", sa.Integer, sa.ForeignKey("evaluations.id")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plan_items_unit", "plan_items", ["unit"])
    op.create_table(
        "item_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("plan_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
        sa.Column("evaluation_id", sa.Integer),
    )
    op.create_index("ix_item_events_item_id", "item_events", ["item_id"])


def downgrade() -> None:
    for table in ("item_events", "plan_items", "evaluation_units", "evaluations", "users", "settings"):
        op.drop_table(table)
