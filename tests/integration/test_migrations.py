"""Each service's migrations build exactly its models' schema, and come down again, on both databases."""

import pytest
from alembic import command

from shared.migrations import alembic_config
from steward.catalog import SERVICES


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_migrations_match_the_models_and_downgrade(service, database_url):
    entry = next(s for s in SERVICES if s.name == service)
    config = alembic_config(entry.migrations, database_url)
    command.upgrade(config, "head")
    command.check(config)  # raises when the models need a migration that does not exist
    command.downgrade(config, "base")
    command.upgrade(config, "head")
