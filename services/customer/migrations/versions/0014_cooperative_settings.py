"""Each cooperative's settings as audit publishes them, by effective date (ADR 0012)

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-07 15:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.tables import UtcDateTime


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0012'  # main's head when merged; the lead re-chains
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'cooperative_settings',
        sa.Column('org_id', sa.String(length=64), nullable=False),
        sa.Column('effective_from', UtcDateTime(), nullable=False),
        sa.Column('settings', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('org_id', 'effective_from', name='pk_cooperative_settings'),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('cooperative_settings')
