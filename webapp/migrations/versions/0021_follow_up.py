"""Follow up: supporters' answers to "did they reply?" (`followup_answer`, one per letter) and
the replies and commitments staff record for a target (`target_response`). The new notice
kinds ("followup", "followup_again") fit the notice table's kind column as it is.

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=8), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"],
                                name=op.f("fk_followup_answer_letter_id_letter"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submission_id"], ["submission.id"],
                                name=op.f("fk_followup_answer_submission_id_submission"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_answer")),
        sa.UniqueConstraint("letter_id", name=op.f("uq_followup_answer_letter_id")),
    )
    with op.batch_alter_table("followup_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_answer_submission_id"),
                              ["submission_id"], unique=False)
    op.create_table(
        "target_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=254), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_response")),
    )
    with op.batch_alter_table("target_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_response_country"), ["country"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_target_response_target_id"), ["target_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("target_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_response_target_id"))
        batch_op.drop_index(batch_op.f("ix_target_response_country"))
    op.drop_table("target_response")
    with op.batch_alter_table("followup_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_answer_submission_id"))
    op.drop_table("followup_answer")
