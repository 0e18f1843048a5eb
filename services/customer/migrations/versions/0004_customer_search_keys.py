"""customer search keys: the folded name and the contact's digits reversed

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:10:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.customer.domain.identity import name_key, phone_key


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema; fill the keys of the files already there."""
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), server_default='', nullable=False, comment='the name folded, for search'))
        batch_op.add_column(sa.Column('phone_key', sa.String(length=64), nullable=True, comment="the contact's digits reversed"))
        batch_op.create_index('ix_customers_org_name_key', ['org_id', 'name_key'], unique=False, postgresql_ops={'name_key': 'varchar_pattern_ops'})
        batch_op.create_index('ix_customers_org_phone_key', ['org_id', 'phone_key'], unique=False, postgresql_ops={'phone_key': 'varchar_pattern_ops'})
    bind = op.get_bind()
    customers = sa.table('customers', sa.column('id'), sa.column('name'), sa.column('contact'), sa.column('name_key'), sa.column('phone_key'))
    rows = bind.execute(sa.select(customers.c.id, customers.c.name, customers.c.contact)).all()
    for row in rows:
        bind.execute(
            customers.update().where(customers.c.id == row.id).values(name_key=name_key(row.name), phone_key=phone_key(row.contact))
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_org_phone_key', postgresql_ops={'phone_key': 'varchar_pattern_ops'})
        batch_op.drop_index('ix_customers_org_name_key', postgresql_ops={'name_key': 'varchar_pattern_ops'})
        batch_op.drop_column('phone_key')
        batch_op.drop_column('name_key')
