"""account session epoch: a counter stored in each session at sign-in; raising it ends every session of the account

Revision ID: 97f41b0a7f03
Revises: e77380f1af59
Create Date: 2026-12-07 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '97f41b0a7f03'
down_revision = 'e77380f1af59'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy would drop the table that other tables' foreign keys name.
    op.drop_column('user_account', 'session_epoch')
