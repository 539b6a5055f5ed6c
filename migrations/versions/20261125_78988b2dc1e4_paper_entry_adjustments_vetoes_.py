"""paper entry, adjustments, vetoes, materials, results

Revision ID: 78988b2dc1e4
Revises: a9b15503f19e
Create Date: 2026-11-25 04:41:49.043921

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '78988b2dc1e4'
down_revision = 'a9b15503f19e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('award_band',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_award_band_contest_id_contest')),
    sa.ForeignKeyConstraint(['group_id'], ['contest_group.id'], name=op.f('fk_award_band_group_id_contest_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_band')),
    sa.UniqueConstraint('group_id', 'name', name='uq_award_band_group_name')
    )
    with op.batch_alter_table('award_band', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_band_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_band_group_id'), ['group_id'], unique=False)

    op.create_table('result_signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('package_hash', sa.String(length=64), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_result_signoff_contest_id_contest')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['user_account.id'], name=op.f('fk_result_signoff_supervisor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_signoff'))
    )
    with op.batch_alter_table('result_signoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_signoff_contest_id'), ['contest_id'], unique=False)

    op.create_table('judge_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_judge_alias_contest_id_contest')),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_judge_alias_judge_id_judge')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_alias')),
    sa.UniqueConstraint('contest_id', 'scope', 'alias', name='uq_judge_alias_alias'),
    sa.UniqueConstraint('contest_id', 'scope', 'judge_id', name='uq_judge_alias_judge')
    )
    with op.batch_alter_table('judge_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_alias_contest_id'), ['contest_id'], unique=False)

    op.create_table('result_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('package', sa.JSON(), nullable=False),
    sa.Column('package_hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('signoff_id', sa.Integer(), nullable=False),
    sa.Column('causes', sa.JSON(), nullable=True),
    sa.Column('notice_starts_on', sa.Date(), nullable=True),
    sa.Column('notice_ends_on', sa.Date(), nullable=True),
    sa.Column('finalized_at', sa.DateTime(), nullable=True),
    sa.Column('finalized_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_result_version_contest_id_contest')),
    sa.ForeignKeyConstraint(['finalized_by_id'], ['user_account.id'], name=op.f('fk_result_version_finalized_by_id_user_account')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_result_version_published_by_id_user_account')),
    sa.ForeignKeyConstraint(['signoff_id'], ['result_signoff.id'], name=op.f('fk_result_version_signoff_id_result_signoff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_version')),
    sa.UniqueConstraint('contest_id', 'scope', 'number', name='uq_result_version_number')
    )
    with op.batch_alter_table('result_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_version_contest_id'), ['contest_id'], unique=False)

    op.create_table('adjustment_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('measure', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('points', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_adjustment_record_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_adjustment_record_entry_id_entry')),
    sa.ForeignKeyConstraint(['item_id'], ['adjustment_item.id'], name=op.f('fk_adjustment_record_item_id_adjustment_item')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_adjustment_record_round_id_contest_round')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['adjustment_record.id'], name=op.f('fk_adjustment_record_supersedes_id_adjustment_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustment_record')),
    sa.UniqueConstraint('round_id', 'entry_id', 'item_id', 'version', name='uq_adjustment_version')
    )
    with op.batch_alter_table('adjustment_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustment_record_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustment_record_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adjustment_record_round_id'), ['round_id'], unique=False)

    op.create_table('material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('income_target', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_material_entry_id_entry')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_material_round_id_contest_round')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['material.id'], name=op.f('fk_material_supersedes_id_material')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_material_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material')),
    sa.UniqueConstraint('round_id', 'entry_id', 'version', name='uq_material_version')
    )
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_round_id'), ['round_id'], unique=False)

    op.create_table('paper_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('feeds_version', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('marks', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('scan_path', sa.String(length=80), nullable=True),
    sa.Column('scan_mime', sa.String(length=32), nullable=True),
    sa.Column('scan_size', sa.Integer(), nullable=True),
    sa.Column('scan_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['clerk_id'], ['user_account.id'], name=op.f('fk_paper_entry_clerk_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_paper_entry_entry_id_entry')),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_paper_entry_judge_id_judge')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_paper_entry_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_entry')),
    sa.UniqueConstraint('round_id', 'entry_id', 'judge_id', 'feeds_version', 'attempt', name='uq_paper_entry_attempt'),
    sa.UniqueConstraint('round_id', 'entry_id', 'judge_id', 'feeds_version', 'clerk_id', name='uq_paper_entry_clerk')
    )
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_entry_clerk_id'), ['clerk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_entry_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_entry_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_entry_round_id'), ['round_id'], unique=False)

    op.create_table('veto_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_veto_record_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_veto_record_entry_id_entry')),
    sa.ForeignKeyConstraint(['item_id'], ['veto_item.id'], name=op.f('fk_veto_record_item_id_veto_item')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_veto_record_proposed_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_veto_record_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_veto_record'))
    )
    with op.batch_alter_table('veto_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_veto_record_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_veto_record_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_veto_record_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_veto_record_state'), ['state'], unique=False)

    op.create_table('paper_reconciliation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('feeds_version', sa.Integer(), nullable=False),
    sa.Column('reconciler_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('marks', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_paper_reconciliation_entry_id_entry')),
    sa.ForeignKeyConstraint(['judge_id'], ['judge.id'], name=op.f('fk_paper_reconciliation_judge_id_judge')),
    sa.ForeignKeyConstraint(['reconciler_id'], ['user_account.id'], name=op.f('fk_paper_reconciliation_reconciler_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_paper_reconciliation_round_id_contest_round')),
    sa.ForeignKeyConstraint(['version_id'], ['sheet_version.id'], name=op.f('fk_paper_reconciliation_version_id_sheet_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_reconciliation')),
    sa.UniqueConstraint('round_id', 'entry_id', 'judge_id', 'feeds_version', name='uq_paper_reconciliation_sheet'),
    sa.UniqueConstraint('version_id', name=op.f('uq_paper_reconciliation_version_id'))
    )
    with op.batch_alter_table('paper_reconciliation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_reconciliation_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_reconciliation_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paper_reconciliation_round_id'), ['round_id'], unique=False)



def downgrade():
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key needs first.
    op.drop_table('paper_reconciliation')
    op.drop_table('veto_record')
    op.drop_table('paper_entry')
    op.drop_table('material')
    op.drop_table('adjustment_record')
    op.drop_table('result_version')
    op.drop_table('judge_alias')
    op.drop_table('result_signoff')
    op.drop_table('award_band')
