"""score sheets and id numbers

Revision ID: a8b261791e3a
Revises: 680b89ad387d
Create Date: 2026-11-25 03:51:54.939897

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8b261791e3a'
down_revision = '680b89ad387d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('score_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_score_sheet_entry_id_entry')),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_score_sheet_judge_id_judge')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_score_sheet_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheet')),
    sa.UniqueConstraint('round_id', 'entry_id', 'judge_id', name='uq_sheet_round_entry_judge')
    )
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheet_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_round_id'), ['round_id'], unique=False)

    op.create_table('sheet_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('client_token', sa.String(length=64), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.Column('deviation_flag', sa.Boolean(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_sheet_version_entered_by_id_user_account')),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_sheet_version_sheet_id_score_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_version')),
    sa.UniqueConstraint('client_token', name=op.f('uq_sheet_version_client_token')),
    sa.UniqueConstraint('sheet_id', 'number', name='uq_sheet_version_number')
    )
    with op.batch_alter_table('sheet_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_version_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_mark_criterion_id_criterion')),
    sa.ForeignKeyConstraint(['version_id'], ['sheet_version.id'], name=op.f('fk_mark_version_id_sheet_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mark')),
    sa.UniqueConstraint('version_id', 'criterion_id', name='uq_mark_version_criterion')
    )
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mark_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mark_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number', sa.String(length=18), nullable=True))



def downgrade():
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key needs first.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('id_number')
    op.drop_table('mark')
    op.drop_table('sheet_version')
    op.drop_table('score_sheet')
