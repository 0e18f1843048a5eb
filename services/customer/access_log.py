"""Who read which customer (issue 16): every read recorded, buffered in memory, written in batches.

A read costs an append to a list; a background task writes the buffer every `access_log_flush_seconds` (or
sooner when it fills) in one insert, deletes rows older than `access_log_retention_days`, and writes what is
left when the service stops, so a clean shutdown loses nothing; a last write the database does not finish
within `shutdown_step_seconds` is cut short and the reads it loses are counted in the log.
"""

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import delete, insert

from services.customer.models import ACCESS_LOG
from services.customer.settings import CustomerSettings
from shared.auth import Principal
from shared.runtime import Runtime
from shared.timeutil import utcnow

log = logging.getLogger(__name__)
CHUNK = 1000  # rows per insert statement
PURGE_EVERY = timedelta(hours=1)


class AccessLog:
    """The reads not written yet, and the task that writes them."""

    def __init__(self, settings: CustomerSettings) -> None:
        self._settings = settings
        self._pending: list[dict[str, Any]] = []
        self._full = asyncio.Event()
        self._purged_at = utcnow() - PURGE_EVERY

    @property
    def pending(self) -> int:
        """Reads recorded and not yet written."""
        return len(self._pending)

    def record(
        self, caller: Principal, endpoint: str, customer_ids: Iterable[str], rows: int | None = None
    ) -> None:
        """Note that the caller read these customers at this endpoint (an export: with its row count)."""
        at = utcnow()
        roles = ",".join(sorted(r.value for r in caller.roles))
        for customer_id in dict.fromkeys(customer_ids):
            self._pending.append(
                {
                    "at": at,
                    "org_id": caller.org_id,
                    "user_id": caller.user_id,
                    "roles": roles,
                    "endpoint": endpoint[:200],
                    "customer_id": customer_id,
                    "rows": rows,
                }
            )
        if len(self._pending) >= self._settings.access_log_batch_size:
            self._full.set()

    async def flush(self, runtime: Runtime) -> int:
        """Write every pending read; on a database error they stay pending (bounded) for the next round."""
        taken, self._pending = self._pending, []
        self._full.clear()
        try:
            async with runtime.uow() as uow:
                for start in range(0, len(taken), CHUNK):
                    await uow.session.execute(insert(ACCESS_LOG), taken[start : start + CHUNK])
                await uow.commit()
        except BaseException:  # an outage, or cancelled mid-write: put them back
            keep = self._settings.access_log_max_pending - len(self._pending)
            self._pending[:0] = taken[-keep:] if keep > 0 else []
            raise
        return len(taken)

    async def purge(self, runtime: Runtime, *, now: bool = False) -> None:
        """Delete reads older than the retention period (at most once an hour unless told `now`)."""
        if not now and utcnow() - self._purged_at < PURGE_EVERY:
            return
        self._purged_at = utcnow()
        cutoff = self._purged_at - timedelta(days=self._settings.access_log_retention_days)
        async with runtime.uow() as uow:
            await uow.session.execute(delete(ACCESS_LOG).where(ACCESS_LOG.c.at < cutoff))
            await uow.commit()

    async def run(self, runtime: Runtime) -> None:
        """Write the buffer on a schedule until the service stops; then write what is left."""
        try:
            while True:
                try:
                    if self._pending:
                        await self.flush(runtime)
                    await self.purge(runtime)
                except Exception as exc:  # a database outage must not kill the loop
                    log.warning("access log not written: %s", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self._settings.access_log_flush_seconds)
        finally:
            if self._pending:
                # shielded from the runtime's second cancel, and bounded by itself: it never outlives shutdown
                await asyncio.shield(self.last_flush(runtime))

    async def last_flush(self, runtime: Runtime) -> int:
        """Write what is left within `shutdown_step_seconds`; return how many reads were lost (logged)."""
        bound, left = self._settings.shutdown_step_seconds, len(self._pending)
        try:
            async with asyncio.timeout(bound):
                await self.flush(runtime)
            return 0
        except TimeoutError:
            log.error("access log: %d reads lost, the last write did not finish within %.1fs", left, bound)
        except Exception as exc:
            log.error("access log: %d reads lost, the last write failed: %s", left, exc)
        return left


async def get_access_log(request: Request) -> "Reads":
    """A recorder bound to this request's route."""
    route = request.scope.get("route")  # the template (`/customers/{customer_id}`), not the URL
    endpoint = f"{request.method} {route.path if route is not None else request.scope['path']}"
    return Reads(request.app.state.access_log, endpoint)


class Reads:
    """Records the customers one request reads."""

    def __init__(self, access_log: AccessLog, endpoint: str) -> None:
        self._log = access_log
        self.endpoint = endpoint

    def customers(self, caller: Principal, customer_ids: Iterable[str], rows: int | None = None) -> None:
        """Record that the caller read these customers."""
        self._log.record(caller, self.endpoint, customer_ids, rows)


AccessReads = Annotated[Reads, Depends(get_access_log)]
