"""Alembic environment of the appraisal database."""

from services.appraisal.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
