"""Proof of work before "send it for me": a campaign's setting, and the challenges spent.

`campaign.proof_of_work` (off for every existing campaign) asks the supporter's browser for an
ALTCHA proof of work before letters are stored to send; `spent_challenge` holds each solved
challenge that stored letters until it expires, so that it cannot store letters again.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proof_of_work", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        "spent_challenge",
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("form_key", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_spent_challenge")),
    )
    with op.batch_alter_table("spent_challenge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spent_challenge_expires_at"), ["expires_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("spent_challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_challenge_expires_at"))
    op.drop_table("spent_challenge")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("proof_of_work")
