"""A service shuts down within its bound however its broker fails, and leaves no Kafka client behind.

The suite hung about one run in five at teardown: a service had stopped, but tasks of its Kafka clients
went on retrying a broker that was gone, until the event loop's own shutdown cancelled them. Two causes
are reproduced here: aiokafka's `Fetcher.close()` raises the CancelledError of a fetch cancelled in its
retry back-off, so `consumer.stop()` ends before closing its client (and FastStream's `broker.stop()`
cancels the other consumers' stops with it); and aiokafka's `close()` methods suppress CancelledError
while awaiting their own tasks, which also eats the cancel of a retry loop that calls them.
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from fastapi import FastAPI

from shared.runtime import Runtime
from steward.embedded_broker import EmbeddedBroker, free_port
from tests.inprocess import QUIET, build_app, migrations, offline_settings, settings_class
from tests.support import eventually, make_settings, new_prefix
from tests.templates import migrate_async

STEP = 1.0  # shutdown_step_seconds in these tests
BOUND = 6.0  # the whole shutdown: a few bounded steps, far below aiokafka's 15 s request timeout
# What aiokafka's producer leaves when its flush is cut short: a wait on the dropped batches, no I/O.
IDLE = {"MessageAccumulator.close"}


def _kafka_tasks() -> list[str]:
    """The running tasks of aiokafka clients (metadata, heartbeat, fetch, sender routines...)."""
    found = []
    for task in asyncio.all_tasks():
        coro: Any = task.get_coro()
        code = getattr(coro, "cr_code", None)
        if task.done() or code is None or "/aiokafka/" not in code.co_filename:
            continue
        if code.co_qualname not in IDLE:
            found.append(code.co_qualname)
    return sorted(found)


async def _shut_down(lifespan: AbstractAsyncContextManager[None]) -> float:
    """Leave the app's lifespan; fail if that takes longer than BOUND. Returns the seconds it took."""
    started = time.monotonic()
    stopping = asyncio.create_task(lifespan.__aexit__(None, None, None))
    done, _ = await asyncio.wait([stopping], timeout=BOUND)
    if not done:
        stopping.cancel()  # not awaited: awaiting a task that cannot end is the very hang
        pytest.fail(f"shutdown still running after {BOUND:.0f}s")
    stopping.result()
    return time.monotonic() - started


@contextlib.asynccontextmanager
async def _cleanup_kafka_tasks() -> AsyncIterator[None]:
    """Whatever a failing test leaves running, cancel it rather than hang the event loop's shutdown."""
    try:
        yield
    finally:
        left = [t for t in asyncio.all_tasks() if "/aiokafka/" in str(getattr(t.get_coro(), "cr_code", ""))]
        for task in left:
            task.cancel()
        if left:
            await asyncio.wait(left, timeout=BOUND)


def _sample_sum(runtime: Runtime, name: str) -> float:
    """The sum of a metric's values (a counter's `_total` samples) in the service's registry."""
    return sum(
        sample.value
        for metric in runtime.metrics.registry.collect()
        for sample in metric.samples
        if sample.name in (name, f"{name}_total")
    )


async def _emit(runtime: Runtime, count: int) -> None:
    async with runtime.uow() as uow:
        for i in range(count):
            topic = runtime.settings.kafka.topic("customer.customers")
            uow.emit_bytes(topic=topic, key=f"k{i}", value=b"{}", headers={})
        await uow.commit()


@pytest.mark.timeout(90)
async def test_a_service_whose_broker_died_stops_within_its_bound_and_leaves_no_kafka_client(tmp_path: Path):
    """Consumers joined, the relay in the middle of a send: the broker dies, then the service stops."""
    broker = EmbeddedBroker("127.0.0.1", free_port(), log_file=tmp_path / "broker.log")
    broker.start()
    try:
        settings = make_settings(
            settings_class("customer"),
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'customer.db'}",
            bootstrap=broker.bootstrap_servers,
            idempotent=False,
            prefix=new_prefix(),
            shutdown_step_seconds=STEP,
            **QUIET["customer"],
        )
        app: FastAPI = build_app("customer", settings)
        runtime: Runtime = app.state.runtime
        await migrate_async(migrations("customer"), settings.database_url)
        async with _cleanup_kafka_tasks():
            lifespan = app.router.lifespan_context(app)
            await lifespan.__aenter__()
            await eventually(_connected(runtime), timeout=60, what="kafka connection")
            await _emit(runtime, 3)
            await eventually(_published(runtime, 3), what="the first events published")
            broker.stop()
            await _emit(runtime, 5)
            # the relay has read the rows and is sending them to a broker that no longer answers
            await eventually(_lag_is(runtime, 5), what="the relay sending into the void")
            took = await _shut_down(lifespan)
            assert _kafka_tasks() == [], f"left running after the shutdown ({took:.1f}s)"
    finally:
        broker.stop()


@pytest.mark.timeout(60)
async def test_a_retry_loop_whose_kafka_call_swallowed_the_cancel_still_ends(tmp_path: Path):
    """The runtime retries a broker that refuses; its cancel arrives inside a close() that suppresses it."""
    settings = offline_settings(
        "customer", f"sqlite+aiosqlite:///{tmp_path / 'customer.db'}", shutdown_step_seconds=STEP
    )
    app: FastAPI = build_app("customer", settings)
    runtime: Runtime = app.state.runtime
    await migrate_async(migrations("customer"), settings.database_url)
    inside = asyncio.Event()
    swallowing = asyncio.Event()
    swallowing.set()

    async def ensure_topics() -> None:
        inside.set()
        if swallowing.is_set():
            # as aiokafka's AIOKafkaClient.close() awaits its metadata task under suppress(CancelledError)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.Event().wait()
        raise KafkaConnectionError("Unable to bootstrap")

    runtime.ensure_topics = ensure_topics  # type: ignore[method-assign]
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    try:
        await asyncio.wait_for(inside.wait(), timeout=10)
        await _shut_down(lifespan)
    finally:  # a loop left retrying would hang the event loop's own shutdown: let it end in any case
        swallowing.clear()
        for task in runtime._tasks:
            task.cancel()
        await asyncio.wait(runtime._tasks, timeout=BOUND)


def _connected(runtime: Runtime) -> Any:
    async def check() -> bool:
        return runtime.kafka_connected

    return check


def _lag_is(runtime: Runtime, rows: int) -> Any:
    async def check() -> bool:
        return _sample_sum(runtime, "steward_outbox_lag") == rows

    return check


def _published(runtime: Runtime, events: int) -> Any:
    async def check() -> bool:
        return _sample_sum(runtime, "steward_events_published") == events

    return check
