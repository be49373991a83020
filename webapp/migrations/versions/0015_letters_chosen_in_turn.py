"""A few letters per supporter, chosen in turn: a priority per role, and how many letters a
campaign ticks in a long list.

- `rep_membership.priority`: how strongly the campaign wants this person written to (a weight:
  2 is offered twice as often as 1, 0 never ticked by default; empty: 1).
- `campaign.letters_ticked`: in a list longer than this (96 MEPs), only this many are ticked,
  chosen in turn; the rest are one click away.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=True))
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letters_ticked", sa.Integer(), nullable=False,
                                      server_default="3"))


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("letters_ticked")
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.drop_column("priority")
