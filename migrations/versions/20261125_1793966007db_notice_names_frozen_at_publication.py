"""notice names frozen at publication

Revision ID: 1793966007db
Revises: fd62d0fe6744
Create Date: 2026-11-25 07:13:20.947087

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1793966007db'
down_revision = 'fd62d0fe6744'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable and not back-filled: a notice started before this shows its contestants' current holders.
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('names', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_column('names')
