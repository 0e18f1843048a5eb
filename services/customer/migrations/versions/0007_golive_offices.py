"""customers belong to offices; the office tree and staff offices projected (issue 21)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:40:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("customers") as batch:
        batch.add_column(
            sa.Column(
                "office_id",
                sa.String(length=64),
                nullable=True,
                comment="the office it belongs to; none: the cooperative's head office",
            )
        )
        batch.create_index("ix_customers_office_id", ["office_id"])
    with op.batch_alter_table("manager_projection") as batch:
        batch.add_column(
            sa.Column(
                "employee_no", sa.String(length=32), nullable=True, comment="as staffing published it"
            )
        )
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


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("staff_office_projection")
    op.drop_index("ix_office_closure_descendant", table_name="office_closure")
    op.drop_table("office_closure")
    op.drop_table("office_projection")
    with op.batch_alter_table("manager_projection") as batch:
        batch.drop_column("employee_no")
    with op.batch_alter_table("customers") as batch:
        batch.drop_index("ix_customers_office_id")
        batch.drop_column("office_id")
