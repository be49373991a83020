"""Index letters by submission; joins the staff (0002) and partner (0003) branches.

Revision ID: 0004
Revises: 0002, 0003
"""
from alembic import op

revision = "0004"
down_revision = ("0002", "0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.create_index("ix_letter_submission_id", ["submission_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_submission_id")
