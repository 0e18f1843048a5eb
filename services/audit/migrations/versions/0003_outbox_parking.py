"""outbox parking and dead letters by event id (issue 13)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:50:00.000000

"""
from typing import Sequence, Union

from shared.migration_ops import add_outbox_parking, drop_outbox_parking

# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    add_outbox_parking()


def downgrade() -> None:
    """Downgrade schema."""
    drop_outbox_parking()
