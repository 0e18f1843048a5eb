"""the products each grade may market (R-Q5) and every ladder version by its date (R-Q3)

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
    op.create_table('ladder_versions',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('grades', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'version', name='pk_ladder_versions')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('ladder_versions')
    with op.batch_alter_table('grade_projection', schema=None) as batch_op:
        batch_op.drop_column('products')
