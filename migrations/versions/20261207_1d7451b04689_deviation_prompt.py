"""deviation prompt: the sheet version a judge was asked to look again at (asked once per version)

Revision ID: 1d7451b04689
Revises: 97f41b0a7f03
Create Date: 2026-12-07 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1d7451b04689'
down_revision = '97f41b0a7f03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deviation_prompted', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_column('deviation_prompted')
