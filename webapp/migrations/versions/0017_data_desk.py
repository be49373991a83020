"""The data desk: who last checked a contact by hand (`checked_by` of contacts and of roles), and
the desk's one row of settings (`data_desk_settings`: after how many months a contact is due
for a re-check).

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_by", sa.String(length=254), nullable=True))
    with op.batch_alter_table("rep_contact_detail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_by", sa.String(length=254), nullable=True))
    op.create_table(
        "data_desk_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recheck_months", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_desk_settings")),
    )


def downgrade() -> None:
    op.drop_table("data_desk_settings")
    with op.batch_alter_table("rep_contact_detail", schema=None) as batch_op:
        batch_op.drop_column("checked_by")
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.drop_column("checked_by")
