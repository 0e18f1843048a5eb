"""access log: who read which customer, when, at which endpoint (issue 16)

Revision ID: 0006
Revises: 0008 (main's head at merge time)
Create Date: 2026-12-07 12:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from shared.tables import UtcDateTime


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0008'  # main's head when merged; the lead re-chains
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'access_log',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('at', UtcDateTime(), nullable=False),
        sa.Column('org_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=128), nullable=False),
        sa.Column('roles', sa.String(length=200), nullable=False),
        sa.Column('endpoint', sa.String(length=200), nullable=False),
        sa.Column('customer_id', sa.String(length=64), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=True),
    )
    op.create_index('ix_access_log_org_customer_at', 'access_log', ['org_id', 'customer_id', 'at'])
    op.create_index('ix_access_log_org_user_at', 'access_log', ['org_id', 'user_id', 'at'])
    op.create_index('ix_access_log_at', 'access_log', ['at'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('access_log')
