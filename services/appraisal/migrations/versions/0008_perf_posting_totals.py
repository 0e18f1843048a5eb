"""posting totals per customer and year; a posting id unique per cooperative

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-07 12:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_BACKFILL = """
INSERT INTO posting_totals (org_id, year, customer_id, total)
SELECT org_id, year, customer_id, sum(amount) FROM postings GROUP BY org_id, year, customer_id
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('posting_totals',
    sa.Column('org_id', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('org_id', 'year', 'customer_id')
    )
    op.execute(_BACKFILL)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE postings DROP CONSTRAINT postings_pkey, ADD PRIMARY KEY (org_id, posting_id)')
    else:
        # SQLite's key is unnamed: name it while reflecting so it can be dropped (its columns cleared)
        # before the new key is added, rather than left for SQLAlchemy to override with a warning.
        with op.batch_alter_table(
            'postings', recreate='always', reflect_args=[sa.PrimaryKeyConstraint('posting_id', name='pk_old')]
        ) as batch_op:
            batch_op.drop_constraint('pk_old', type_='primary')
            batch_op.create_primary_key('pk_postings', ['org_id', 'posting_id'])


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE postings DROP CONSTRAINT postings_pkey, ADD PRIMARY KEY (posting_id)')
    else:
        with op.batch_alter_table(
            'postings',
            recreate='always',
            reflect_args=[sa.PrimaryKeyConstraint('org_id', 'posting_id', name='pk_old')],
        ) as batch_op:
            batch_op.drop_constraint('pk_old', type_='primary')
            batch_op.create_primary_key('pk_postings', ['posting_id'])
    op.drop_table('posting_totals')
