"""notices and objections

Revision ID: eb9cec192080
Revises: 78988b2dc1e4
Create Date: 2026-11-25 05:56:50.685291

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'eb9cec192080'
down_revision = '78988b2dc1e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('period_days', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('fallback_calendar', sa.Boolean(), nullable=False),
    sa.Column('issuing_body', sa.String(length=100), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['result_version.id'], name=op.f('fk_notice_version_id_result_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('version_id', name=op.f('uq_notice_version_id'))
    )
    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('public_number', sa.String(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_objection_entered_by_id_user_account')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user_account.id'], name=op.f('fk_objection_handled_by_id_user_account')),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_objection_notice_id_notice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection')),
    sa.UniqueConstraint('receipt', name=op.f('uq_objection_receipt'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_notice_id'), ['notice_id'], unique=False)



def downgrade():
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key needs first.
    op.drop_table('objection')
    op.drop_table('notice')
