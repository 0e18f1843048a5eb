"""The one background loop of the services: run a step every so many seconds until cancelled."""

import asyncio
import logging
from collections.abc import Awaitable, Callable


def stop_if_cancelled() -> None:
    """Raise CancelledError when the current task was asked to stop, even if a library swallowed it.

    aiokafka's `close()` methods await their own tasks under `suppress(CancelledError)`, which also eats a
    cancel aimed at the caller; a retry loop that went on after that would outlive its shutdown.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def every(
    seconds: float,
    step: Callable[[], Awaitable[object]],
    *,
    what: str,
    log: logging.Logger,
    level: int = logging.WARNING,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Run `step` every `seconds` until cancelled; a failed step (a database or broker outage) is logged at
    `level`, handed to `on_error`, and tried again next time. A period of 0 or less runs nothing."""
    if seconds <= 0:
        return
    while True:
        try:
            await step()
        except Exception as exc:  # an outage must not kill the loop
            log.log(level, "%s failed: %s", what, exc)
            if on_error is not None:
                on_error(exc)
        stop_if_cancelled()
        await asyncio.sleep(seconds)
