"""A membership's political group in its parliament ("EPP", "Greens/EFA") and the committees
its member sits on, so that supporters can filter a long list of members by them.

Revision ID: 0026
Revises: 0025
"""
from alembic import op
import sqlalchemy as sa

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("political_group", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("committees", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.drop_column("committees")
        batch_op.drop_column("political_group")
