"""idempotency keys: a POST's key, request hash and first answer

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:30:00

"""
from typing import Sequence, Union

from shared.migration_ops import create_idempotency_keys, drop_idempotency_keys


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    create_idempotency_keys()


def downgrade() -> None:
    """Downgrade schema."""
    drop_idempotency_keys()
