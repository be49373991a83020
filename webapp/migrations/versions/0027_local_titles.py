"""An office's title and its organisation's name in the office's own language ("Président de
la République", "Présidence de la République"), beside the English ones, for supporters who
read that language and for letters written in it.

Revision ID: 0027
Revises: 0026
"""
from alembic import op
import sqlalchemy as sa

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_role", sa.String(length=300), nullable=True))
    with op.batch_alter_table("rep_organization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_name", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rep_organization", schema=None) as batch_op:
        batch_op.drop_column("local_name")
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.drop_column("local_role")
