"""round absences (缺席登记)

Revision ID: 7b441f3dd844
Revises: 0461910367e5
Create Date: 2026-11-25 07:29:40.629785

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b441f3dd844'
down_revision = '0461910367e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('round_absence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('in_effect', sa.Boolean(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_round_absence_entry_id_entry')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_round_absence_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_round_absence_round_id_contest_round')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user_account.id'], name=op.f('fk_round_absence_withdrawn_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_absence')),
    sa.UniqueConstraint('round_id', 'entry_id', 'in_effect', name='uq_round_absence_in_effect')
    )
    op.create_index(op.f('ix_round_absence_entry_id'), 'round_absence', ['entry_id'], unique=False)
    op.create_index(op.f('ix_round_absence_round_id'), 'round_absence', ['round_id'], unique=False)


def downgrade():
    # The table's indexes go with it (MariaDB refuses to drop an index a foreign key still needs).
    op.drop_table('round_absence')
