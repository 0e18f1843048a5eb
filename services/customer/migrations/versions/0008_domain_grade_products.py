"""the products each grade may market (R-Q5), from ladder.published

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07 12:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('grade_projection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('products', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('grade_projection', schema=None) as batch_op:
        batch_op.drop_column('products')
