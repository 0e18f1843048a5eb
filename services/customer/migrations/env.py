"""Alembic environment of the customer database."""

from services.customer.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
