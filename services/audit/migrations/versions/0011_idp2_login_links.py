"""a CM's sign-in login linked to their manager record (issue 16)

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-07 13:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('login_links',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('login', sa.String(length=128), nullable=False),
    sa.Column('manager_id', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'login', name='pk_login_links')
    )
    with op.batch_alter_table('login_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_links_manager_id'), ['manager_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('login_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_links_manager_id'))
    op.drop_table('login_links')
