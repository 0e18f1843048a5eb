"""R-A3 reminders for evaluations still owed: who was reminded, by whom, when

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 13:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('evaluation_reminders',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.String(length=40), nullable=False),
    sa.Column('manager_id', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('evaluator', sa.String(length=64), nullable=True),
    sa.Column('reminded_by', sa.String(length=64), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('evaluation_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_reminders_cycle_id'), ['cycle_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('evaluation_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_reminders_cycle_id'))
    op.drop_table('evaluation_reminders')
