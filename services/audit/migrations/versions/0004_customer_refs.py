"""core banking's customer numbers

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 06:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('customer_refs',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'external_id', name='pk_customer_refs')
    )
    with op.batch_alter_table('customer_refs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_refs_customer_id'), ['customer_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('customer_refs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_refs_customer_id'))
    op.drop_table('customer_refs')
