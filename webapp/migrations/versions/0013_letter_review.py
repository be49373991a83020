"""Letters awaiting a native reader: `letter_review` records who marked a translated letter
reviewed, and when.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_review",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_letter_review_campaign_id_campaign"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewed_by"], ["staff_user.id"],
                                name=op.f("fk_letter_review_reviewed_by_staff_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("campaign_id", "language", name=op.f("pk_letter_review")),
    )


def downgrade() -> None:
    op.drop_table("letter_review")
