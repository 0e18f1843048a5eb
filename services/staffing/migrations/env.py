"""Alembic environment of the staffing database."""

from services.staffing.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
