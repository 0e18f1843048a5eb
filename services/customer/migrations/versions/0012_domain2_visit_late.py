"""R-M2: a visit report filed later than the delay after the visit is flagged

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 13:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'  # main's head when merged; the lead re-chains
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_late', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_column('filed_late')
