"""organizer set-up and judging

Revision ID: a9b15503f19e
Revises: a8b261791e3a
Create Date: 2026-11-25 04:15:49.531624

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9b15503f19e'
down_revision = 'a8b261791e3a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contest_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('venue', sa.String(length=120), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('order_seed', sa.String(length=32), nullable=True),
    sa.Column('order_drawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['contest_group.id'], name=op.f('fk_contest_session_group_id_contest_group')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_contest_session_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_session'))
    )
    with op.batch_alter_table('contest_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_session_round_id'), ['round_id'], unique=False)

    op.create_table('people_import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('committed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_people_import_batch_contest_id_contest')),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_people_import_batch_county_id_county')),
    sa.ForeignKeyConstraint(['uploader_id'], ['user_account.id'], name=op.f('fk_people_import_batch_uploader_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_import_batch'))
    )
    with op.batch_alter_table('people_import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_import_batch_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_import_batch_county_id'), ['county_id'], unique=False)

    op.create_table('panel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('recusal_scope', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('seed', sa.String(length=32), nullable=True),
    sa.Column('draw_inputs', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_panel_county_id_county')),
    sa.ForeignKeyConstraint(['group_id'], ['contest_group.id'], name=op.f('fk_panel_group_id_contest_group')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_panel_round_id_contest_round')),
    sa.ForeignKeyConstraint(['session_id'], ['contest_session.id'], name=op.f('fk_panel_session_id_contest_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel'))
    )
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_round_id'), ['round_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_assignment_entry_id_entry')),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_assignment_judge_id_judge')),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_assignment_panel_id_panel')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_assignment_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id', name='uq_assignment_round_judge_entry')
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_panel_id'), ['panel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_round_id'), ['round_id'], unique=False)

    op.create_table('desk_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_desk_report_entry_id_entry')),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_desk_report_judge_id_judge')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_desk_report_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_report'))
    )
    with op.batch_alter_table('desk_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_report_judge_id'), ['judge_id'], unique=False)

    op.create_table('panel_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('seat', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_panel_member_judge_id_judge')),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_panel_member_panel_id_panel')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_member')),
    sa.UniqueConstraint('panel_id', 'judge_id', name='uq_panel_member_judge')
    )
    with op.batch_alter_table('panel_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_member_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_member_panel_id'), ['panel_id'], unique=False)

    op.create_table('recusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_recusal_entry_id_entry')),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_recusal_judge_id_judge')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_recusal_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusal')),
    sa.UniqueConstraint('round_id', 'judge_id', 'entry_id', name='uq_recusal_round_judge_entry')
    )
    with op.batch_alter_table('recusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusal_round_id'), ['round_id'], unique=False)

    op.create_table('scoring_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_scoring_window_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_scoring_window_entry_id_entry')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_scoring_window_opened_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_scoring_window_round_id_contest_round')),
    sa.ForeignKeyConstraint(['session_id'], ['contest_session.id'], name=op.f('fk_scoring_window_session_id_contest_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_window'))
    )
    with op.batch_alter_table('scoring_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_window_round_id'), ['round_id'], unique=False)

    op.create_table('session_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_session_slot_entry_id_entry')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_session_slot_round_id_contest_round')),
    sa.ForeignKeyConstraint(['session_id'], ['contest_session.id'], name=op.f('fk_session_slot_session_id_contest_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_slot')),
    sa.UniqueConstraint('round_id', 'entry_id', name='uq_session_slot_round_entry')
    )
    with op.batch_alter_table('session_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_slot_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_slot_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('judge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signin_token_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('token_issued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('token_revoked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pin_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('pin_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pin_locked_until', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_judge_signin_token_digest'), ['signin_token_digest'], unique=True)

    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('correction_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('correction_reason', sa.String(length=200), nullable=False, server_default=''))



def downgrade():
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key needs first.
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_column('correction_reason')
        batch_op.drop_column('correction_requested_at')
        batch_op.drop_column('draft')
    with op.batch_alter_table('judge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_signin_token_digest'))
        batch_op.drop_column('pin_locked_until')
        batch_op.drop_column('pin_failures')
        batch_op.drop_column('pin_digest')
        batch_op.drop_column('token_revoked_at')
        batch_op.drop_column('token_issued_at')
        batch_op.drop_column('signin_token_digest')
    op.drop_table('session_slot')
    op.drop_table('scoring_window')
    op.drop_table('recusal')
    op.drop_table('panel_member')
    op.drop_table('desk_report')
    op.drop_table('assignment')
    op.drop_table('panel')
    op.drop_table('people_import_batch')
    op.drop_table('contest_session')
