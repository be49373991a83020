"""The summits at the centre: outcome documents, "endorsed", and a letter goal per campaign.

- `rep_summit.documents`: the summit's outcome documents, each with its title, date and link,
  as a JSON list (staff edit them with the summit; participation rows name them by title).
- `rep_summit_participation.status` may be "endorsed" (New Delhi's declaration was endorsed,
  not signed).
- `campaign.letter_goal`: how many letters staff aim for before the next summit (the public
  counter shows progress towards it).

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_OLD = "status IN ('attended', 'signed', 'declined', 'unknown')"
_NEW = "status IN ('attended', 'signed', 'endorsed', 'declined', 'unknown')"


def upgrade() -> None:
    with op.batch_alter_table("rep_summit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("documents", sa.JSON(), nullable=True))
    with op.batch_alter_table("rep_summit_participation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_rep_summit_participation_status"), type_="check")
        batch_op.create_check_constraint("status", _NEW)
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letter_goal", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("letter_goal")
    op.execute("UPDATE rep_summit_participation SET status = 'signed' WHERE status = 'endorsed'")
    with op.batch_alter_table("rep_summit_participation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_rep_summit_participation_status"), type_="check")
        batch_op.create_check_constraint("status", _OLD)
    with op.batch_alter_table("rep_summit", schema=None) as batch_op:
        batch_op.drop_column("documents")
