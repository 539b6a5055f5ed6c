"""notice settings

Revision ID: fd62d0fe6744
Revises: eb9cec192080
Create Date: 2026-11-25 06:34:47.778072

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd62d0fe6744'
down_revision = 'eb9cec192080'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('issuing_body', sa.String(length=100), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_notice_settings_contest_id_contest')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_notice_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_settings')),
    sa.UniqueConstraint('contest_id', name=op.f('uq_notice_settings_contest_id'))
    )


def downgrade():
    op.drop_table('notice_settings')
