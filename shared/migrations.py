"""Alembic migrations per service: the env.py body and a programmatic upgrade."""

import asyncio
from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, TypeDecorator, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config


def alembic_config(script_location: Path, database_url: str) -> Config:
    """An Alembic config for one service's migrations folder and database."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, database_url: str, revision: str = "head") -> None:
    """Apply migrations up to revision (blocking; call from a thread inside an event loop)."""
    command.upgrade(alembic_config(script_location, database_url), revision)


async def upgrade_async(script_location: Path, database_url: str, revision: str = "head") -> None:
    """Apply migrations from async code without blocking the loop."""
    await asyncio.to_thread(upgrade, script_location, database_url, revision)


def run_env(target_metadata: MetaData) -> None:
    """The body of a service's migrations/env.py: online, async, batch mode on SQLite."""
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(config, target_metadata))


def render_plain_types(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Migrations name plain SQL types, never Steward's Python-side decorators."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl_instance
        autogen_context.imports.add("import sqlalchemy as sa")
        return f"sa.{impl!r}"
    return False


def _do_run(connection: Connection, target_metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_plain_types,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(config: Config, target_metadata: MetaData) -> None:
    engine = async_engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    async with engine.connect() as connection:
        await connection.run_sync(_do_run, target_metadata)
    await engine.dispose()
