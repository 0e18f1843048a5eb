"""Database factory: one URL setting selects SQLite (embedded) or PostgreSQL."""

import time
from typing import Any

import asyncpg
from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util import await_


def create_engine(url: str, *, pool_size: int = 5) -> AsyncEngine:
    """Create an async engine for a sqlite+aiosqlite or postgresql+asyncpg URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=5,
            connect_args={"timeout": 5, "command_timeout": 30},
        )
        event.listen(engine.sync_engine.pool, "checkout", _ping)
        event.listen(engine.sync_engine.pool, "checkin", _checked_in)
        return engine
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")


def _sqlite_pragmas(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# A connection back in the pool for less than this is not pinged again (HikariCP's "alive bypass
# window" is the same 500 ms): under load every checkout would otherwise pay a round trip.
PING_AFTER_IDLE_SECONDS = 0.5
_IDLE_SINCE = "steward_idle_since"


def _checked_in(_dbapi_conn: Any, record: ConnectionPoolEntry) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping(_dbapi_conn: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
    """Pre-ping a pooled connection idle for 0.5 s or more; a dead one is replaced (up to twice) before use.

    SQLAlchemy's own `pool_pre_ping` on asyncpg wraps its ping in BEGIN and ROLLBACK (three round trips)
    so that it works behind PgBouncer in transaction mode; a simple-protocol query prepares nothing and
    works there in one round trip. A connection that died within the window fails its statement instead:
    SQLAlchemy then invalidates the pool and the request answers 503 (shared.http_errors).
    """
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    connection = record.driver_connection
    assert connection is not None, "checked out, so connected"
    try:
        await_(connection.execute("SELECT 1"))
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise exc.DisconnectionError(f"pre-ping failed: {error!r}") from error


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
