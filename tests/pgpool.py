"""Migrated PostgreSQL databases reused across tests: each handed out exactly as its template left it.

`CREATE DATABASE ... TEMPLATE` and `DROP DATABASE` cost a few tenths of a second each on a busy machine,
and a rule test on PostgreSQL needs a database per service. So each process keeps the databases it made
(copies of this run's migrated templates, `tests.templates`) and hands one back only after restoring it
to the template's state: every session of the last test ended, every table it wrote to (any page, live
or dead rows) truncated, the template's own rows (Alembic's version) written back and every sequence set
where the template had it. A database whose schema no longer matches the template's (a test that
ran DDL) or whose reset fails is dropped instead. The copies are named after the run's templates, so
`tests.templates.cleanup` drops them with the templates at the end of the run.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests import templates

# The shape of the user schemas: relations, columns, constraints, triggers, functions.
_SCHEMA = """
SELECT md5(coalesce(string_agg(item, ',' ORDER BY item), '')) FROM (
  SELECT 'r:' || n.nspname || '.' || c.relname || ':' || c.relkind::text || c.relpersistence::text AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT 'a:' || a.attrelid::regclass::text || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
         || ':' || a.attnotnull::text || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
     AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'c:' || conrelid::regclass::text || '.' || conname || ':' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace NOT IN (SELECT oid FROM pg_namespace
                                                  WHERE nspname IN ('pg_catalog', 'information_schema'))
  UNION ALL
  SELECT 't:' || tgrelid::regclass::text || '.' || tgname || ':' || tgenabled::text
    FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL
  SELECT 'f:' || p.oid::regprocedure::text || ':' || md5(p.prosrc)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'
  UNION ALL
  SELECT 'l:' || count(*) FROM pg_largeobject_metadata
) AS shape
"""
_TABLES = """
SELECT schemaname, tablename, format('%I.%I', schemaname, tablename) FROM pg_tables
 WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 3
"""
_SEQUENCES = """
SELECT format('%I.%I', schemaname, sequencename), coalesce(last_value, start_value), last_value IS NOT NULL
  FROM pg_sequences ORDER BY 1
"""
_WRITTEN = """
SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
 WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
   AND pg_relation_size(format('%I.%I', schemaname, tablename)::regclass) > 0
"""
_SETVAL = """
SELECT count(setval(s::regclass, v, c)) FROM unnest($1::text[], $2::bigint[], $3::bool[]) AS x(s, v, c)
"""
_OTHERS = """
SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
"""


@dataclass(frozen=True)
class _Pristine:
    """What a fresh copy of one template holds: its schema shape, its rows, its sequence positions."""

    shape: str
    rows: dict[tuple[str, str], list[tuple[Any, ...]]]
    sequences: tuple[list[str], list[int], list[bool]]


_free: dict[str, list[str]] = {}  # migrations folder: copies ready for a test
_template_of: dict[str, str] = {}  # copy: its template
_pristine: dict[str, _Pristine] = {}  # template: what its fresh copies hold


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def _url(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


async def _connect(url: str) -> Any:
    import asyncpg

    return await asyncpg.connect(_plain(url), timeout=10)


async def _create(migrations: Path, admin_url: str) -> str:
    """A new copy of the run's template for these migrations; its pristine state recorded once."""
    template = await asyncio.to_thread(templates.pg_template, migrations, admin_url)
    name = f"{template}_p{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(templates.copy_template, template, _url(admin_url, name))
    _template_of[name] = template
    if template not in _pristine:
        conn = await _connect(_url(admin_url, name))
        try:
            tables = await conn.fetch(_TABLES)
            rows = {}
            for schema, table, quoted in tables:
                if found := await conn.fetch(f"SELECT * FROM {quoted}"):  # noqa: S608 (a quoted catalog name)
                    rows[(schema, table)] = [tuple(r) for r in found]
            sequences = await conn.fetch(_SEQUENCES)
            _pristine[template] = _Pristine(
                shape=await conn.fetchval(_SCHEMA),
                rows=rows,
                sequences=([r[0] for r in sequences], [r[1] for r in sequences], [r[2] for r in sequences]),
            )
        finally:
            await conn.close()
    return name


async def _reset(url: str, name: str, pristine: _Pristine) -> bool:
    """Bring a used copy back to its template's state; False when it cannot be (then it is dropped)."""
    conn = await _connect(url)
    try:
        for _ in range(500):  # until no session of the test is left (its locks and temporary tables gone)
            if not await conn.fetchval(_OTHERS, name):
                break
            await asyncio.sleep(0.01)
        else:
            return False
        if await conn.fetchval(_SCHEMA) != pristine.shape:
            return False
        async with conn.transaction():
            written = [r[0] for r in await conn.fetch(_WRITTEN)]
            if written:  # every table with a page, live rows or dead: empty and unread again, like a copy's
                await conn.execute(f"TRUNCATE {', '.join(written)} CASCADE")
            for (schema, table), rows in pristine.rows.items():
                await conn.copy_records_to_table(table, schema_name=schema, records=rows)
            await conn.fetchval(_SETVAL, *pristine.sequences)
        return True
    except Exception:
        return False
    finally:
        await conn.close()


async def _drop(admin_url: str, name: str) -> None:
    conn = await _connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def database(migrations: Path, admin_url: str) -> AsyncIterator[str]:
    """A database at head for these migrations, as fresh as a new copy of the template, only this test's."""
    free = _free.setdefault(str(migrations.resolve()), [])
    name = free.pop() if free else await _create(migrations, admin_url)
    url = _url(admin_url, name)
    try:
        yield url
    finally:
        if await _reset(url, name, _pristine[_template_of[name]]):
            free.append(name)
        else:
            await _drop(admin_url, name)
