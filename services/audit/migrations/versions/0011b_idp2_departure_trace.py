"""the departure's trace context on its audit case (issue 18)

Revision ID: 0011b
Revises: 0011
Create Date: 2026-12-07 13:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011b'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('departure_audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trace_parent', sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('departure_audits', schema=None) as batch_op:
        batch_op.drop_column('trace_parent')
