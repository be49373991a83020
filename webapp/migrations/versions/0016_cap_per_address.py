"""The per-target hourly cap counts letters per address: people who share one inbox (a
ministry's general address) get one letter from a supporter, and share the cap.

`ix_letter_target_sent` (target_id, campaign_id, sent_at) served only the cap's query; it is
replaced by `ix_letter_address_sent` (to_address, campaign_id, sent_at), partial on sent
letters as before, so a submit writes no more index pages than it did.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_SENT = "sent_at IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_target_sent")
        batch_op.create_index(
            "ix_letter_address_sent", ["to_address", "campaign_id", "sent_at"], unique=False,
            sqlite_where=sa.text(_SENT), postgresql_where=sa.text(_SENT),
        )


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_address_sent")
        batch_op.create_index(
            "ix_letter_target_sent", ["target_id", "campaign_id", "sent_at"], unique=False,
            sqlite_where=sa.text(_SENT), postgresql_where=sa.text(_SENT),
        )
