"""publication kind: a published version says what its package is (recompute: a result; allocate: a fund allocation)

Revision ID: 5a1c0e7b9d42
Revises: 95d682be7a49
Create Date: 2026-12-08 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a1c0e7b9d42'
down_revision = '95d682be7a49'
branch_labels = None
depends_on = None


def upgrade():
    # Every version published so far is a result: the server default fills them.
    with op.batch_alter_table('result_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='recompute'))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy would drop the table that other tables' foreign keys name.
    op.drop_column('result_version', 'kind')
