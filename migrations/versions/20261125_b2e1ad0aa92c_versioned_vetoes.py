"""versioned vetoes: each veto record is one version; a withdrawal is a new version

Revision ID: b2e1ad0aa92c
Revises: 7b441f3dd844
Create Date: 2026-11-25 07:53:25.042199

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2e1ad0aa92c'
down_revision = '7b441f3dd844'
branch_labels = None
depends_on = None

veto = sa.table('veto_record', sa.column('id', sa.Integer), sa.column('round_id', sa.Integer),
                sa.column('entry_id', sa.Integer), sa.column('item_id', sa.Integer),
                sa.column('version', sa.Integer), sa.column('withdrawn', sa.Boolean),
                sa.column('state', sa.String))


def upgrade():
    with op.batch_alter_table('veto_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('withdrawn', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Existing rows are version 1; where a contestant already had several for one item (a veto rejected,
    # then proposed again), they are numbered in the order they were made.
    conn = op.get_bind()
    rows = conn.execute(sa.select(veto.c.id, veto.c.round_id, veto.c.entry_id, veto.c.item_id)
                        .order_by(veto.c.id)).all()
    seen: dict[tuple[int, int, int], int] = {}
    for row in rows:
        key = (row.round_id, row.entry_id, row.item_id)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            conn.execute(veto.update().where(veto.c.id == row.id).values(version=seen[key]))
    # A proposal taken back before a decision was state "withdrawn"; that word now means a withdrawal version.
    conn.execute(veto.update().where(veto.c.state == 'withdrawn').values(state='retracted'))

    with op.batch_alter_table('veto_record', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_veto_version', ['round_id', 'entry_id', 'item_id', 'version'])


def downgrade():
    # The old schema cannot express a withdrawal: withdrawal versions become proposals taken back (kept, not
    # counted), so a veto withdrawn under this revision is in force again after a downgrade.
    conn = op.get_bind()
    conn.execute(veto.update().where(veto.c.state == 'retracted').values(state='withdrawn'))
    conn.execute(veto.update().where(veto.c.withdrawn == sa.true()).values(state='withdrawn'))
    with op.batch_alter_table('veto_record', schema=None) as batch_op:
        batch_op.drop_constraint('uq_veto_version', type_='unique')
        batch_op.drop_column('withdrawn')
        batch_op.drop_column('version')
