"""Fewer index pages per submit: partial indexes for target and partner, none by e-mail.

Every index a row enters is one more page written by the commit that stores a submission.
`ix_letter_target_id` put each of a submission's letters into a different page (Dutch MEPs:
31 pages); the only query by target asks for letters sent lately, which a partial index on
sent letters serves better. `ix_submission_partner_code` held every submission, though only
partners' have a code; nothing queried `ix_submission_supporter_email`.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_target_id")
        batch_op.create_index(
            "ix_letter_target_sent", ["target_id", "campaign_id", "sent_at"], unique=False,
            sqlite_where=sa.text("sent_at IS NOT NULL"),
            postgresql_where=sa.text("sent_at IS NOT NULL"),
        )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_supporter_email")
        batch_op.drop_index("ix_submission_partner_code")
        batch_op.create_index(
            "ix_submission_partner_code", ["partner_code"], unique=False,
            sqlite_where=sa.text("partner_code IS NOT NULL"),
            postgresql_where=sa.text("partner_code IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_partner_code")
        batch_op.create_index("ix_submission_partner_code", ["partner_code"], unique=False)
        batch_op.create_index("ix_submission_supporter_email", ["supporter_email"],
                              unique=False)
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_target_sent")
        batch_op.create_index("ix_letter_target_id", ["target_id"], unique=False)
