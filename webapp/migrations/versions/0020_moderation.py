"""Moderation (issue 25): a campaign's rules for holding confirmed letters for an editor
(`moderation_rules`), and the past hour's letters by address for the flood rule
(`moderation_recent_letter`, written only for campaigns that have that rule on).

Revision ID: 0020
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_rules",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("flood_per_hour", sa.Integer(), nullable=True),
        sa.Column("flood_similarity", sa.Integer(), server_default="90", nullable=False),
        sa.Column("hold_supporter_as_target", sa.Boolean(), server_default=sa.false(),
                  nullable=False),
        sa.Column("held_words", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_moderation_rules_campaign_id_campaign"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_moderation_rules")),
    )
    op.create_table(
        "moderation_recent_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("sketch", sa.String(length=512), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"],
                                name=op.f("fk_moderation_recent_letter_campaign_id_campaign"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"],
                                name=op.f("fk_moderation_recent_letter_letter_id_letter"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_recent_letter")),
    )
    with op.batch_alter_table("moderation_recent_letter", schema=None) as batch_op:
        batch_op.create_index("ix_moderation_recent_letter_address",
                              ["campaign_id", "to_address", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_recent_letter_letter_id"),
                              ["letter_id"], unique=False)


def downgrade() -> None:
    op.drop_table("moderation_recent_letter")
    op.drop_table("moderation_rules")
