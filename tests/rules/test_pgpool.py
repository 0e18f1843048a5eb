"""The reused PostgreSQL databases (`tests.pgpool`): a test never sees what an earlier test left there."""

from typing import Any

import asyncpg
import pytest

from tests import pgpool
from tests.inprocess import migrations

pytestmark = pytest.mark.postgres
INBOX_ROW = "INSERT INTO inbox VALUES ('c', 'e-1', 't', 0, 0, now())"


async def _connect(url: str) -> Any:
    return await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))


async def _value(url: str, statement: str) -> object:
    conn = await _connect(url)
    try:
        return await conn.fetchval(statement)
    finally:
        await conn.close()


async def test_a_database_handed_out_again_holds_what_its_template_holds(postgres_admin_url: str):
    async with pgpool.database(migrations("audit"), postgres_admin_url) as url:
        version = await _value(url, "SELECT version_num FROM alembic_version")
        first_id = await _value(url, "SELECT nextval('outbox_id_seq')")
        await _value(url, INBOX_ROW)
        await _value(url, "DELETE FROM alembic_version")
        await _value(url, "SELECT setval('outbox_id_seq', 500)")
        left_open = await _connect(url)  # a connection the test forgot: ended before the reset
        await left_open.execute("BEGIN; " + INBOX_ROW.replace("e-1", "e-2"))
        used = url
    async with pgpool.database(migrations("audit"), postgres_admin_url) as url:
        assert url == used
        assert await _value(url, "SELECT count(*) FROM inbox") == 0
        assert await _value(url, "SELECT pg_relation_size('inbox')") == 0  # not even dead rows
        assert await _value(url, "SELECT version_num FROM alembic_version") == version
        assert await _value(url, "SELECT nextval('outbox_id_seq')") == first_id
    assert left_open.is_closed() or not await _still_answers(left_open)


async def _still_answers(conn: Any) -> bool:
    try:
        await conn.fetchval("SELECT 1")
        return True
    except (asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError):
        return False


async def test_a_database_whose_schema_a_test_changed_is_dropped_not_reused(postgres_admin_url: str):
    async with pgpool.database(migrations("audit"), postgres_admin_url) as url:
        await _value(url, "ALTER TABLE inbox ADD COLUMN scratch text")
        changed = url
    async with pgpool.database(migrations("audit"), postgres_admin_url) as url:
        assert url != changed
        added = "SELECT count(*) FROM information_schema.columns WHERE column_name = 'scratch'"
        assert await _value(url, added) == 0
    conn = await _connect(postgres_admin_url)
    try:
        left = await conn.fetchval(
            "SELECT count(*) FROM pg_database WHERE datname = $1", changed.rpartition("/")[2]
        )
    finally:
        await conn.close()
    assert left == 0
