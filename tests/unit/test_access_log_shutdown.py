"""The access log's last write at shutdown is bounded by `shutdown_step_seconds`: a database that never
answers costs the reads still buffered (counted in the log), never a write that outlives the service."""

import asyncio
import logging
from typing import Any, cast

import pytest
from sqlalchemy.sql.dml import Insert

from services.customer.access_log import AccessLog
from services.customer.settings import CustomerSettings
from shared.auth import Principal, Role
from shared.runtime import Runtime
from tests.support import make_settings

BOUND = 0.2


class _HangingDatabase:
    """A unit of work whose inserts never finish (a database gone mid-shutdown); `writing` is set at each."""

    def __init__(self) -> None:
        self.writing = asyncio.Event()
        self.session = self

    def uow(self) -> "_HangingDatabase":
        return self

    async def __aenter__(self) -> "_HangingDatabase":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def execute(self, statement: Any, *args: Any) -> None:
        if isinstance(statement, Insert):
            self.writing.set()
            await asyncio.Event().wait()  # never answers

    async def commit(self) -> None:
        return None


def _access_log() -> AccessLog:
    settings = make_settings(
        CustomerSettings,
        database_url="sqlite+aiosqlite:///:memory:",
        bootstrap="127.0.0.1:9",
        idempotent=False,
        prefix="t.",
        shutdown_step_seconds=BOUND,
    )
    access_log = AccessLog(settings)
    caller = Principal(user_id="aud-1", org_id="rcc-a", roles=frozenset({Role.AUDITOR}))
    access_log.record(caller, "GET /customers/{customer_id}", ["c-1", "c-2"])
    return access_log


async def _cancelled_while_writing(runs: "asyncio.Task[None]", database: _HangingDatabase) -> None:
    """Cancel the loop once its write hangs: it starts the last write, which hangs too."""
    await database.writing.wait()
    database.writing.clear()
    runs.cancel()
    await database.writing.wait()


async def test_the_last_write_ends_by_itself_when_the_runtime_stops_waiting_for_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    database, access_log = _HangingDatabase(), _access_log()
    runs = asyncio.create_task(access_log.run(cast(Runtime, database)))
    await _cancelled_while_writing(runs, database)
    runs.cancel()  # the runtime's second round: it stops waiting, the shielded write goes on alone
    with pytest.raises(asyncio.CancelledError):
        await runs
    others = asyncio.all_tasks() - {asyncio.current_task()}
    assert others, "the shielded last write is still running on its own"
    with caplog.at_level(logging.ERROR, logger="services.customer.access_log"):
        _, still = await asyncio.wait(others, timeout=BOUND * 25)
    assert still == set(), "the last write outlived its bound"
    assert "access log: 2 reads lost, the last write did not finish within 0.2s" in caplog.text
    assert access_log.pending == 2


async def test_the_task_ends_within_the_bound_after_one_cancel(caplog: pytest.LogCaptureFixture) -> None:
    database, access_log = _HangingDatabase(), _access_log()
    runs = asyncio.create_task(access_log.run(cast(Runtime, database)))
    with caplog.at_level(logging.ERROR, logger="services.customer.access_log"):
        await _cancelled_while_writing(runs, database)
        done, _ = await asyncio.wait({runs}, timeout=BOUND * 25)
    assert done == {runs}
    assert runs.cancelled()
    assert asyncio.all_tasks() == {asyncio.current_task()}
    assert "2 reads lost" in caplog.text
