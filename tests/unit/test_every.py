"""The one background loop (shared/every.py): runs its step on a period, survives a failed step, and a
period of 0 turns it off."""

import asyncio
import contextlib
import logging

import pytest

from shared.every import every

LOG = logging.getLogger("test.every")


async def test_a_failed_step_is_logged_and_tried_again(caplog: pytest.LogCaptureFixture):
    calls: list[int] = []
    third = asyncio.Event()
    errors: list[str] = []

    async def step() -> None:
        calls.append(len(calls))
        if len(calls) == 3:
            third.set()
        if len(calls) == 1:
            raise RuntimeError("database down")

    loop = asyncio.create_task(
        every(0.001, step, what="sweep", log=LOG, on_error=lambda e: errors.append(str(e)))
    )
    await asyncio.wait_for(third.wait(), timeout=10)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
    assert errors == ["database down"]
    assert "sweep failed: database down" in caplog.text


async def test_a_period_of_zero_runs_nothing():
    async def step() -> None:
        raise AssertionError("must not run")

    await asyncio.wait_for(every(0, step, what="sweep", log=LOG), timeout=1)


async def test_the_loop_ends_when_cancelled_even_if_its_step_swallowed_the_cancel():
    """aiokafka's close() methods await their own tasks under suppress(CancelledError), which also eats a
    cancel aimed at their caller (the consumer watch's topic check calls one): the loop must end anyway."""
    waiting = asyncio.Event()
    swallowing = asyncio.Event()
    swallowing.set()

    async def step() -> None:
        waiting.set()
        if swallowing.is_set():
            with contextlib.suppress(asyncio.CancelledError):  # as AIOKafkaClient.close() awaits its task
                await asyncio.Event().wait()

    loop = asyncio.create_task(every(0.001, step, what="watch", log=LOG))
    await asyncio.wait_for(waiting.wait(), timeout=10)
    loop.cancel()
    try:
        done, _ = await asyncio.wait([loop], timeout=2)
        assert done, "the loop went on after it was cancelled"
        assert loop.cancelled()
    finally:  # a loop left running would hang the event loop's own shutdown: end it in any case
        swallowing.clear()
        loop.cancel()
        await asyncio.wait([loop], timeout=2)
