"""The staff dashboard's daily counts per campaign (dashboard_count) and how far they have
counted each table (dashboard_cursor): see webapp/staff/dashboard.py.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_count",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "measure", "value", "day"),
    )
    op.create_table(
        "dashboard_cursor",
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("counted_through", sa.Integer(), nullable=False),
        sa.Column("pending_through", sa.Integer(), nullable=True),
        sa.Column("pending_since", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("source"),
    )


def downgrade() -> None:
    op.drop_table("dashboard_cursor")
    op.drop_table("dashboard_count")
