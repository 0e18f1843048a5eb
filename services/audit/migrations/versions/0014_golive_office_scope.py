"""audit projects the office tree and staff offices; a spot check keeps the office it was drawn in (issue 21)

Revision ID: 0014
Revises: 0011b
Create Date: 2026-12-07 15:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0011b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "office_projection",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "office_id", "effective_from"),
    )
    op.create_table(
        "office_closure",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("ancestor_id", sa.String(length=64), nullable=False),
        sa.Column("descendant_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "as_of", "ancestor_id", "descendant_id"),
    )
    op.create_index(
        "ix_office_closure_descendant", "office_closure", ["org_id", "as_of", "descendant_id"]
    )
    op.create_table(
        "staff_office_projection",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("office_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "user_id"),
    )
    with op.batch_alter_table("spot_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_id", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_spot_checks_office_id", ["office_id"])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("spot_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_spot_checks_office_id")
        batch_op.drop_column("office_id")
    op.drop_table("staff_office_projection")
    op.drop_index("ix_office_closure_descendant", table_name="office_closure")
    op.drop_table("office_closure")
    op.drop_table("office_projection")
