"""desk reports handled, sheet reopenings

Revision ID: 0461910367e5
Revises: 1793966007db
Create Date: 2026-11-25 07:14:32.366189

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0461910367e5'
down_revision = '1793966007db'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sheet_reopening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('request_reason', sa.String(length=200), nullable=False),
    sa.Column('reopened_at', sa.DateTime(), nullable=False),
    sa.Column('reopened_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['user_account.id'], name=op.f('fk_sheet_reopening_reopened_by_id_user_account')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_sheet_reopening_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_sheet_reopening_sheet_id_score_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_reopening'))
    )
    with op.batch_alter_table('sheet_reopening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_reopening_sheet_id'), ['sheet_id'], unique=False)

    with op.batch_alter_table('desk_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_desk_report_resolved_by_id_user_account'), 'user_account', ['resolved_by_id'], ['id'])

    # Wider, so a version's reason holds the judge's request and the organizer's reopen reason together.
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.alter_column('correction_reason', existing_type=sa.String(length=200), type_=sa.String(length=500),
                              existing_nullable=False, existing_server_default='')

    with op.batch_alter_table('sheet_version', schema=None) as batch_op:
        batch_op.alter_column('reason', existing_type=sa.String(length=200), type_=sa.String(length=500),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('sheet_version', schema=None) as batch_op:
        batch_op.alter_column('reason', existing_type=sa.String(length=500), type_=sa.String(length=200),
                              existing_nullable=False)

    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.alter_column('correction_reason', existing_type=sa.String(length=500), type_=sa.String(length=200),
                              existing_nullable=False, existing_server_default='')

    with op.batch_alter_table('desk_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_desk_report_resolved_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('resolved_by_id')

    op.drop_table('sheet_reopening')
