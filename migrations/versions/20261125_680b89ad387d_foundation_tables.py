"""foundation tables

Revision ID: 680b89ad387d
Revises: 
Create Date: 2026-11-25 03:41:49.777721

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '680b89ad387d'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('absent_round', sa.String(length=16), nullable=False),
    sa.Column('ranking', sa.String(length=16), nullable=False),
    sa.Column('tie_break', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest')),
    sa.UniqueConstraint('year', 'name', name=op.f('uq_contest_year'))
    )
    op.create_table('county',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county')),
    sa.UniqueConstraint('code', name=op.f('uq_county_code'))
    )
    op.create_table('contest_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_group_contest_id_contest')),
    sa.ForeignKeyConstraint(['parent_id'], ['contest_group.id'], name=op.f('fk_contest_group_parent_id_contest_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_group')),
    sa.UniqueConstraint('contest_id', 'code', name=op.f('uq_contest_group_contest_id'))
    )
    with op.batch_alter_table('contest_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_group_contest_id'), ['contest_id'], unique=False)

    op.create_table('contest_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=8, scale=4), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('venue', sa.String(length=120), nullable=True),
    sa.Column('panel_method', sa.String(length=16), nullable=False),
    sa.Column('trim', sa.Integer(), nullable=False),
    sa.Column('trim_from', sa.Integer(), nullable=False),
    sa.Column('min_judges', sa.Integer(), nullable=False),
    sa.Column('normalize', sa.String(length=8), nullable=False),
    sa.Column('deviation_points', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('deviation_share', sa.Numeric(precision=6, scale=4), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_round_contest_id_contest')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_round')),
    sa.UniqueConstraint('contest_id', 'code', name=op.f('uq_contest_round_contest_id'))
    )
    with op.batch_alter_table('contest_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_round_contest_id'), ['contest_id'], unique=False)

    op.create_table('township',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_township_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_township')),
    sa.UniqueConstraint('code', name=op.f('uq_township_code'))
    )
    with op.batch_alter_table('township', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_township_county_id'), ['county_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('activation_digest', sa.String(length=64), nullable=True),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_user_account_county_id_county')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_account_role'), ['role'], unique=False)

    op.create_table('adjustment_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('rule_text', sa.String(length=200), nullable=False),
    sa.Column('unit_label', sa.String(length=16), nullable=False),
    sa.Column('unit_size', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('points_per_unit', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('cap', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_adjustment_item_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustment_item'))
    )
    with op.batch_alter_table('adjustment_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adjustment_item_round_id'), ['round_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)

    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('min_points', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('max_points', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('step', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_criterion_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion'))
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_round_id'), ['round_id'], unique=False)

    op.create_table('judge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('home_county_id', sa.Integer(), nullable=True),
    sa.Column('home_township_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_judge_contest_id_contest')),
    sa.ForeignKeyConstraint(['home_county_id'], ['county.id'], name=op.f('fk_judge_home_county_id_county')),
    sa.ForeignKeyConstraint(['home_township_id'], ['township.id'], name=op.f('fk_judge_home_township_id_township')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_judge_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge')),
    sa.UniqueConstraint('contest_id', 'user_id', name=op.f('uq_judge_contest_id'))
    )
    with op.batch_alter_table('judge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judge_home_county_id'), ['home_county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judge_user_id'), ['user_id'], unique=False)

    op.create_table('veto_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_veto_item_round_id_contest_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_veto_item'))
    )
    with op.batch_alter_table('veto_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_veto_item_round_id'), ['round_id'], unique=False)

    op.create_table('village',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_village_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village')),
    sa.UniqueConstraint('code', name=op.f('uq_village_code'))
    )
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_village_township_id'), ['township_id'], unique=False)

    op.create_table('entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('subgroup_id', sa.Integer(), nullable=True),
    sa.Column('public_number', sa.String(length=16), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_entry_contest_id_contest')),
    sa.ForeignKeyConstraint(['county_id'], ['county.id'], name=op.f('fk_entry_county_id_county')),
    sa.ForeignKeyConstraint(['group_id'], ['contest_group.id'], name=op.f('fk_entry_group_id_contest_group')),
    sa.ForeignKeyConstraint(['subgroup_id'], ['contest_group.id'], name=op.f('fk_entry_subgroup_id_contest_group')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_entry_township_id_township')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_entry_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry')),
    sa.UniqueConstraint('contest_id', 'public_number', name=op.f('uq_entry_contest_id')),
    sa.UniqueConstraint('contest_id', 'township_id', 'village_id', name='uq_entry_place')
    )
    with op.batch_alter_table('entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_group_id'), ['group_id'], unique=False)

    op.create_table('entry_holder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['entry.id'], name=op.f('fk_entry_holder_entry_id_entry')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_entry_holder_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_holder'))
    )
    with op.batch_alter_table('entry_holder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_holder_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_holder_user_id'), ['user_id'], unique=False)



def downgrade():
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key needs first.
    op.drop_table('entry_holder')
    op.drop_table('entry')
    op.drop_table('village')
    op.drop_table('veto_item')
    op.drop_table('judge')
    op.drop_table('criterion')
    op.drop_table('audit_event')
    op.drop_table('adjustment_item')
    op.drop_table('user_account')
    op.drop_table('township')
    op.drop_table('contest_round')
    op.drop_table('contest_group')
    op.drop_table('county')
    op.drop_table('contest')
