"""customers carry core banking's number and a hashed ID document

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 06:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True, comment="core banking's customer number"))
        batch_op.add_column(sa.Column('id_document_hash', sa.String(length=64), nullable=True, comment='HMAC-SHA256 of the ID-document number; never the number itself'))
        batch_op.create_unique_constraint('uq_customers_org_external_id', ['org_id', 'external_id'])
        batch_op.create_index('ix_customers_org_id_document', ['org_id', 'id_document_hash'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_org_id_document')
        batch_op.drop_constraint('uq_customers_org_external_id', type_='unique')
        batch_op.drop_column('id_document_hash')
        batch_op.drop_column('external_id')
