"""audit keeps every version of a cooperative's compliance settings, each in force from its date (issue 19)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: the one row per cooperative becomes its first version, in force since it was written."""
    op.create_table(
        "settings_versions",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rechecked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("org_id", "effective_from"),
    )
    op.execute(
        "INSERT INTO settings_versions (org_id, effective_from, settings, updated_by, updated_at, rechecked_at) "
        "SELECT org_id, updated_at, settings, updated_by, updated_at, updated_at FROM compliance_config"
    )
    op.drop_table("compliance_config")


def downgrade() -> None:
    """Downgrade schema: keep the version in force now (scheduled ones are lost)."""
    op.create_table(
        "compliance_config",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.execute(
        "INSERT INTO compliance_config (org_id, settings, updated_by, updated_at) "
        "SELECT v.org_id, v.settings, v.updated_by, v.updated_at FROM settings_versions v "
        "WHERE v.effective_from = (SELECT max(w.effective_from) FROM settings_versions w "
        "WHERE w.org_id = v.org_id AND w.rechecked_at IS NOT NULL)"
    )
    op.drop_table("settings_versions")
