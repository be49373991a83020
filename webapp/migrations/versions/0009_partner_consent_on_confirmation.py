"""A partner's consent waits with its submission until the supporter confirms their address.

`submission.partner_consent_text` holds the words of the partner's box the supporter ticked;
the PartnerConsent row is written when they confirm. Submissions stored before this recorded
their consent at once, so theirs stay NULL: nothing is recorded twice.

Revision ID: 0009
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_consent_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("partner_consent_text")
