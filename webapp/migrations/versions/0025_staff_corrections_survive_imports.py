"""Staff corrections survive a re-import: a contact staff corrected remembers the kind and
address the import wrote (`imported_kind`, `imported_value`), so that an import still listing
the old address does not add it back beside the correction.

Revision ID: 0025
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa

revision = "0025"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rep_contact_detail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("imported_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("imported_value", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rep_contact_detail", schema=None) as batch_op:
        batch_op.drop_column("imported_value")
        batch_op.drop_column("imported_kind")
