"""partners: embed and API partners, their keys, consents and counts; partner on submissions

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-25 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('allowed_origins', sa.Text(), nullable=False),
    sa.Column('privacy_url', sa.String(length=500), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner')),
    sa.UniqueConstraint('code', name=op.f('uq_partner_code'))
    )
    op.create_table('partner_api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_api_key_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_api_key')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_partner_api_key_key_hash')),
    sa.UniqueConstraint('prefix', name=op.f('uq_partner_api_key_prefix'))
    )
    with op.batch_alter_table('partner_api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_api_key_partner_id'), ['partner_id'], unique=False)

    op.create_table('partner_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('supporter_name', sa.String(length=100), nullable=False),
    sa.Column('supporter_email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_partner_consent_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_partner_consent_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_consent'))
    )
    with op.batch_alter_table('partner_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_consent_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partner_consent_supporter_email'), ['supporter_email'], unique=False)

    op.create_table('partner_draft_count',
    sa.Column('partner_code', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('letters', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_partner_draft_count_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('partner_code', 'campaign_id', 'day', 'country', name=op.f('pk_partner_draft_count'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_code', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_submission_partner_code'), ['partner_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_partner_code'))
        batch_op.drop_column('partner_code')
    op.drop_table('partner_draft_count')
    with op.batch_alter_table('partner_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_consent_supporter_email'))
        batch_op.drop_index(batch_op.f('ix_partner_consent_partner_id'))
    op.drop_table('partner_consent')
    with op.batch_alter_table('partner_api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_api_key_partner_id'))
    op.drop_table('partner_api_key')
    op.drop_table('partner')
