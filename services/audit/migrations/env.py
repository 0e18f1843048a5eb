"""Alembic environment of the audit database."""

from services.audit.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
