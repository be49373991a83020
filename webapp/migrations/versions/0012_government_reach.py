"""Governments within reach: offices addressed by title, records checked on a stored copy, the
next summit, the next host as a campaign setting, and supporters' reports about the data.

- `rep_person.by_title`: an office whose holder the data does not name; letters greet the office.
- `rep_membership.stored_copy`, `rep_contact_detail.stored_copy`: checked against a stored copy
  of the source page, not the live site, so staff re-check these first.
- `rep_summit.status` ("held", "next", "announced") and `year`; dates may be unknown.
- `campaign.write_to_next_host` (on): every supporter is also offered the next summit's host.
- `data_report`: "wrong address or person?" and "whom should we write to?" from supporters.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rep_person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by_title", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stored_copy", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("rep_contact_detail", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stored_copy", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("rep_summit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False,
                                      server_default="held"))
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.alter_column("start_date", existing_type=sa.Date(), nullable=True)
        batch_op.alter_column("end_date", existing_type=sa.Date(), nullable=True)
        batch_op.create_check_constraint(
            "status", "status IN ('held', 'next', 'announced')"
        )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("write_to_next_host", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.create_table(
        "data_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("campaign_slug", sa.String(length=80), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("target_id", sa.String(length=160), nullable=True),
        sa.Column("target_name", sa.String(length=300), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_report")),
    )
    with op.batch_alter_table("data_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_report_country"), ["country"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_report_target_id"), ["target_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_report_target_id"))
        batch_op.drop_index(batch_op.f("ix_data_report_country"))
    op.drop_table("data_report")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("write_to_next_host")
    # Summits known only by their year have no place in 0011's schema, whose dates are required.
    undated = "SELECT id FROM rep_summit WHERE start_date IS NULL OR end_date IS NULL"
    op.execute(f"DELETE FROM rep_summit_participation WHERE summit_id IN ({undated})")
    op.execute(f"DELETE FROM rep_summit WHERE id IN ({undated})")
    with op.batch_alter_table("rep_summit", schema=None) as batch_op:
        batch_op.drop_constraint("status", type_="check")
        batch_op.drop_column("year")
        batch_op.drop_column("status")
        batch_op.alter_column("start_date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("end_date", existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table("rep_contact_detail", schema=None) as batch_op:
        batch_op.drop_column("stored_copy")
    with op.batch_alter_table("rep_membership", schema=None) as batch_op:
        batch_op.drop_column("stored_copy")
    with op.batch_alter_table("rep_person", schema=None) as batch_op:
        batch_op.drop_column("by_title")
