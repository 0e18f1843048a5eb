"""Migrated templates: each service's migrations run once per test run; fresh databases are copies.

Running Alembic from scratch costs seconds per database on a loaded machine and the suite creates hundreds.
`migrate` brings a database to head like `shared.migrations.upgrade`, but a fresh one (a SQLite file not yet
written, an empty PostgreSQL database) becomes a copy of a template migrated once per run and service:
a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL. A database that already holds tables
is upgraded by Alembic as before. The templates live for one run (shared by the xdist workers through
`STEWARD_TEST_TEMPLATES`) and `cleanup` removes them at the end, with the copies `tests.pgpool` keeps
for reuse (named after their template).
"""

import asyncio
import fcntl
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from shared.migrations import upgrade

if TYPE_CHECKING:
    from steward.suite import Suite

RUN_ENV = "STEWARD_TEST_TEMPLATES"
PG_PREFIX = "steward_tpl_"


def run_id() -> str:
    """This run's id (the controller sets it before the xdist workers start; they inherit it)."""
    if not os.environ.get(RUN_ENV):
        os.environ[RUN_ENV] = uuid.uuid4().hex[:10]
    return os.environ[RUN_ENV]


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / f"steward-templates-{run_id()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _locked(name: str) -> Iterator[None]:
    """One process at a time builds a template; the others wait and then use it."""
    with (_folder() / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _key(migrations: Path) -> str:
    """A template name for one migrations folder (its service's name and a short digest of its path)."""
    digest = hashlib.sha256(str(migrations.resolve()).encode()).hexdigest()[:8]
    return f"{migrations.resolve().parent.name}_{digest}"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_template(migrations: Path) -> Path:
    key = _key(migrations)
    template = _folder() / f"{key}.db"
    with _locked(key):
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            upgrade(migrations, f"sqlite+aiosqlite:///{building}")
            building.rename(template)
    return template


async def _pg(url: str, statement: str, *args: object) -> object:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        if statement.lstrip().upper().startswith("SELECT"):
            return await conn.fetchval(statement, *args)
        await conn.execute(statement, *args)
        return None
    finally:
        await conn.close()


def _pg_admin(url: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/postgres"


def _pg_is_empty(url: str) -> bool:
    query = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    tables = asyncio.run(_pg(url, query))
    return tables == 0


def pg_template(migrations: Path, url: str) -> str:
    """This run's migrated PostgreSQL template for these migrations (the first caller builds it)."""
    name = f"{PG_PREFIX}{run_id()}_{_key(migrations)}"
    admin = _pg_admin(url)
    with _locked(name):
        exists = asyncio.run(_pg(admin, "SELECT 1 FROM pg_database WHERE datname = $1", name))
        if not exists:
            building = f"{name}_b"
            asyncio.run(_pg(admin, f'DROP DATABASE IF EXISTS "{building}"'))
            asyncio.run(_pg(admin, f'CREATE DATABASE "{building}"'))
            base, _, _ = url.rpartition("/")
            upgrade(migrations, f"{base}/{building}")
            asyncio.run(_pg(admin, f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    return name


def _pg_copy(template: str, url: str) -> None:
    """Recreate the (empty, unused) database at url as a copy of the template, one copy at a time."""
    asyncio.run(_pg(_pg_admin(url), f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    copy_template(template, url)


def copy_template(template: str, url: str) -> None:
    """Create the database at url (absent so far) as a copy of the template, one copy at a time."""
    with _locked(template):  # CREATE DATABASE refuses a template another CREATE is reading
        asyncio.run(_pg(_pg_admin(url), f'CREATE DATABASE "{make_url(url).database}" TEMPLATE "{template}"'))


def migrate(migrations: Path, url: str) -> None:
    """Bring the database at url to head; a fresh one becomes a copy of this run's migrated template."""
    path = _sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_sqlite_template(migrations), path)
        return
    if path is None and make_url(url).get_backend_name() == "postgresql" and _pg_is_empty(url):
        _pg_copy(pg_template(migrations, url), url)
        return
    upgrade(migrations, url)


async def migrate_async(migrations: Path, url: str) -> None:
    """`migrate` from async code, off the event loop."""
    await asyncio.to_thread(migrate, migrations, url)


def cleanup(admin_url: str | None) -> None:
    """Remove this run's template files and PostgreSQL template databases."""
    shutil.rmtree(_folder(), ignore_errors=True)
    if not admin_url:
        return

    async def drop() -> None:
        import asyncpg

        conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
        try:
            names = await conn.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", f"{PG_PREFIX}{run_id()}_%"
            )
            for row in names:
                await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
        finally:
            await conn.close()

    try:
        asyncio.run(drop())
    except Exception:  # no PostgreSQL this run: nothing was made there
        return


def start_suite(suite: "Suite", log: Callable[[str], None]) -> None:
    """`Suite.start` (as `steward up` runs it) with each fresh database copied from this run's template."""
    from unittest import mock

    with mock.patch("steward.suite.upgrade", migrate):
        suite.start(log)


def prepare_var_dir(var_dir: Path) -> None:
    """Put every service's migrated SQLite database where `steward up --var-dir` looks for it."""
    from steward.catalog import SERVICES

    var_dir.mkdir(parents=True, exist_ok=True)
    for service in SERVICES:
        migrate(service.migrations, f"sqlite+aiosqlite:///{(var_dir / f'{service.name}.db').resolve()}")
