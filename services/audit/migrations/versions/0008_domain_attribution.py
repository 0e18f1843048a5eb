"""who is primary in audit's assignment projection, and the newest balance judged per customer, ladder limits by date

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07 12:30:00

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
    with op.batch_alter_table('assignment_projection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=True))
    op.create_table('balance_seen',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'customer_id', name='pk_balance_seen')
    )
    op.create_table('ladder_limits',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('limits', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'version', name='pk_ladder_limits')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('ladder_limits')
    op.drop_table('balance_seen')
    with op.batch_alter_table('assignment_projection', schema=None) as batch_op:
        batch_op.drop_column('role')
