"""offline confirmation time: the phone's claimed time of an offline confirmation, on each sheet version

Revision ID: e77380f1af59
Revises: b2e1ad0aa92c
Create Date: 2026-11-25 08:27:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e77380f1af59'
down_revision = 'b2e1ad0aa92c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sheet_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_offline_at', sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column('sheet_version', 'confirmed_offline_at')
