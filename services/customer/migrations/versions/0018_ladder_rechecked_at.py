"""When a ladder version's customers were re-evaluated, on the day it took effect (R-Q3, issue 19 finding 1)

Revision ID: 0018
Revises: 0014
Create Date: 2026-12-07 16:45:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.tables import UtcDateTime


revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0014'  # main's head when merged; the lead re-chains
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (versions already kept are re-checked once by the first sweep, which changes nothing
    where the verdict holds)."""
    with op.batch_alter_table('ladder_versions') as batch:
        batch.add_column(sa.Column('rechecked_at', UtcDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('ladder_versions') as batch:
        batch.drop_column('rechecked_at')
