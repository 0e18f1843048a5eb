"""One customer file read on a short path (issue 20): the visibility statement compiled once, run bare.

`GET /customers/{id}` runs `files.visible_on`'s own statement (cooperative, role, served directly or
through a team, office scope) with the customer's current assignments joined. It is compiled to the
database's SQL once per caller and day; each request runs it as one statement on a connection of the
engine's pool. On PostgreSQL it goes to asyncpg directly, outside a transaction (one statement reads one
snapshot, so BEGIN and ROLLBACK would be two round trips for nothing; a lost connection is invalidated
and answers 503 as on every path; a client span when tracing is on). Elsewhere (SQLite) it goes through
`exec_driver_sql`. The columns' own result processors apply, and `files.read` builds the answer.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

import asyncpg
from sqlalchemy import Dialect, String, Table, and_, bindparam, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.customer.models import AssignmentRow, CustomerRow
from services.customer.queries.files import read, visible_on
from services.customer.schemas import CustomerRead
from shared.auth import Principal
from shared.errors import NotFound
from shared.telemetry import database_span
from shared.timeutil import utcnow

Processor = Callable[[Any], Any] | None
CUSTOMERS = cast(Table, CustomerRow.__table__)
# Aliased: the visibility condition's own subqueries on `assignments` must not correlate with the join.
CURRENT = cast(Table, AssignmentRow.__table__).alias("current_assignments")
ASSIGNMENT = ("id", "manager_id", "role", "share", "valid_from", "valid_to", "changed_by", "reason")
# SQLSTATE classes of a connection the database dropped or cannot serve (as shared.http_errors).
_LOST_STATES = ("08", "53", "57P0")


@dataclass(frozen=True)
class _Compiled:
    """A caller's statement as the driver runs it, and how to read its rows."""

    sql: str
    params: tuple[Any, ...]
    customer_slots: tuple[int, ...]
    customer: tuple[tuple[str, int, Processor], ...]
    assignment: tuple[tuple[str, int, Processor], ...]


@lru_cache(maxsize=4096)
def _compiled(caller: Principal, today: date, dialect: Dialect) -> _Compiled:
    visible = visible_on(caller, today).whereclause
    assert visible is not None, "a caller sees at most their cooperative"
    current = and_(CURRENT.c.customer_id == CUSTOMERS.c.id, CURRENT.c.valid_to.is_(None))
    statement = (
        select(*CUSTOMERS.c, *(CURRENT.c[name] for name in ASSIGNMENT))
        .select_from(CUSTOMERS.outerjoin(CURRENT, current))
        .where(visible)
        .where(CUSTOMERS.c.id == bindparam("customer_id", value="", type_=String))
    )
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    names = compiled.positiontup or []
    bound = compiled.params

    def bind(name: str) -> Any:
        """The parameter as SQLAlchemy itself would send it (the day, on SQLite, becomes text)."""
        processor = compiled._bind_processors.get(name)
        assert processor is None or callable(processor), "no tuple parameters here"
        return bound[name] if processor is None else processor(bound[name])

    params = tuple(bind(name) for name in names)
    columns = list(statement.selected_columns)

    def readers(selected: Sequence[Any], start: int) -> tuple[tuple[str, int, Processor], ...]:
        return tuple(
            (column.name, start + i, column.type.dialect_impl(dialect).result_processor(dialect, None))
            for i, column in enumerate(selected)
        )

    width = len(CUSTOMERS.c)
    return _Compiled(
        sql=compiled.string,
        params=params,
        customer_slots=tuple(i for i, n in enumerate(names) if n == "customer_id"),
        customer=readers(columns[:width], 0),
        assignment=readers(columns[width:], width),
    )


async def _fetch(conn: AsyncConnection, sql: str, params: tuple[Any, ...]) -> Sequence[Sequence[Any]]:
    """Run the statement on the pooled asyncpg connection itself."""
    pooled = await conn.get_raw_connection()
    driver: asyncpg.Connection = pooled.driver_connection
    try:
        with database_span("postgresql", sql):
            rows: list[asyncpg.Record] = await driver.fetch(sql, *params)
            return rows
    # InternalClientError: the connection's protocol is mid-way through another operation (one the server
    # dropped under it): as unusable as a closed one, so it is replaced and the caller gets a 503, not a 500.
    except (
        OSError,
        TimeoutError,
        asyncpg.InterfaceError,
        asyncpg.InternalClientError,
        asyncpg.PostgresError,
    ) as error:
        state = getattr(error, "sqlstate", None)
        if isinstance(error, asyncpg.PostgresError) and not str(state).startswith(_LOST_STATES):
            raise
        # What SQLAlchemy does on a disconnect: every connection as old as this one is replaced.
        conn.sync_engine.pool._invalidate(pooled, error, _checkin=False)
        await conn.invalidate(error)
        raise OperationalError(sql, params, error, connection_invalidated=True) from error


def _value(row: Sequence[Any], index: int, processor: Processor) -> Any:
    value = row[index]
    return processor(value) if processor is not None and value is not None else value


async def one_customer(engine: AsyncEngine, customer_id: str, caller: Principal) -> CustomerRead:
    """One customer the caller may see, else 404; the same answer as `queries.files.get_customer`."""
    plan = _compiled(caller, utcnow().date(), engine.dialect)
    params = list(plan.params)
    for slot in plan.customer_slots:
        params[slot] = customer_id
    async with engine.connect() as conn:
        if engine.dialect.driver == "asyncpg":
            rows = await _fetch(conn, plan.sql, tuple(params))
        else:  # SQLite's driver opens no transaction for a SELECT
            rows = (await conn.exec_driver_sql(plan.sql, tuple(params))).all()
    if not rows:
        raise NotFound("customer.not_found", customer_id=customer_id)
    first = rows[0]
    file = SimpleNamespace(**{name: _value(first, i, p) for name, i, p in plan.customer})
    file.assignments = [
        SimpleNamespace(**{name: _value(row, i, p) for name, i, p in plan.assignment})
        for row in rows
        if row[plan.assignment[0][1]] is not None
    ]
    return read(cast(CustomerRow, file))
