"""Helpers the integration and e2e tests share: settings, running apps, Kafka I/O, polling."""

import asyncio
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from fastapi import FastAPI

from shared.auth import issue_token
from shared.runtime import Runtime
from shared.settings import KafkaSettings, ServiceSettings
from tests.templates import migrate_async

TEST_SECRET = "test-secret-for-the-steward-suite-0123456789"
ORG = "rcc-test"
S = TypeVar("S", bound=ServiceSettings)
T = TypeVar("T")


def make_settings(
    cls: type[S], *, database_url: str, bootstrap: str, idempotent: bool, prefix: str, **extra: Any
) -> S:
    """Settings for a service under test: its own database, a topic prefix that isolates the test."""
    return cls(
        profile="test",
        database_url=database_url,
        jwt_secret=TEST_SECRET,
        kafka=KafkaSettings(
            bootstrap_servers=bootstrap,
            idempotent_producer=idempotent,
            topic_prefix=prefix,
            session_timeout_ms=6_000,
            rebalance_timeout_ms=3_000,
        ),
        outbox_poll_seconds=0.2,
        consumer_retry_backoff_seconds=0.01,
        **extra,
    )


def new_prefix() -> str:
    """A topic prefix unique to one test."""
    return f"t{uuid.uuid4().hex[:10]}."


def auth(settings: ServiceSettings, user: str, *roles: str, org: str = ORG) -> dict[str, str]:
    """Bearer header for a user with roles."""
    return {"Authorization": f"Bearer {issue_token(settings, user_id=user, roles=roles, org_id=org)}"}


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float = 20.0, what: str = "") -> T:
    """Poll check until it returns a truthy value; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or check}")
        await asyncio.sleep(0.1)


def eventually_sync(
    check: Callable[[], T | None],
    timeout: float = 20.0,
    what: str = "",
    interval: float = 0.1,
    detail: Callable[[], object] | None = None,
) -> T:
    """`eventually` for synchronous tests (a browser, a TestClient): poll until check returns a truthy
    value; fail after timeout seconds, with `detail()` (what was last seen) in the message if given."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            seen = f": {detail()}" if detail is not None else ""
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or check}{seen}")
        time.sleep(interval)


async def stays(check: Callable[[], Awaitable[bool]], seconds: float, what: str = "") -> None:
    """Poll check for `seconds`: fail as soon as it is false (a condition that must keep holding)."""
    deadline = time.monotonic() + seconds
    while True:
        if not await check():
            raise AssertionError(f"no longer true: {what or check}")
        if time.monotonic() > deadline:
            return
        await asyncio.sleep(0.1)


@asynccontextmanager
async def running(
    app: FastAPI, migrations: Path | None, *, wait_for_kafka: bool = False, wait_for_partitions: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """Migrate, start the app's lifespan, wait for Kafka, and give an HTTP client."""
    runtime: Runtime = app.state.runtime
    if migrations is not None:
        await migrate_async(migrations, runtime.settings.database_url)
    async with app.router.lifespan_context(app):
        if wait_for_kafka:
            await eventually(_connected(runtime), timeout=30, what="kafka connection")
        if wait_for_partitions:
            await _wait_assigned(runtime)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


def _connected(runtime: Runtime) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return runtime.kafka_connected

    return check


async def _wait_assigned(runtime: Runtime, timeout: float = 30.0) -> None:
    """Wait until every subscriber of the app holds its partitions, so no message is missed."""
    deadline = time.monotonic() + timeout
    for subscriber in runtime.broker.subscribers:
        consumer = getattr(subscriber, "consumer", None)
        while consumer is not None and not consumer.assignment():
            if time.monotonic() > deadline:
                raise AssertionError("consumers got no partitions")
            await asyncio.sleep(0.1)


async def produce(
    bootstrap: str,
    topic: str,
    value: bytes,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> None:
    """Publish one raw record, as an outside system would."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers or [])
    finally:
        await producer.stop()


async def read_all(bootstrap: str, topic: str, timeout: float = 3.0) -> list[Any]:
    """Every record on a topic from offset 0 to its current end."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in partitions]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        while await _behind(consumer, ends) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for items in batch.values():
                records.extend(items)
        return records
    finally:
        await consumer.stop()


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return True
    return False


def service_env(env_prefix: str, settings: ServiceSettings) -> dict[str, str]:
    """Environment that gives a service process the same settings as `settings`."""
    import os

    env = dict(os.environ)
    kafka = settings.kafka
    env.update(
        {
            f"{env_prefix}PROFILE": settings.profile,
            f"{env_prefix}DATABASE_URL": settings.database_url,
            f"{env_prefix}JWT_SECRET": settings.jwt_key(),
            f"{env_prefix}KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            f"{env_prefix}KAFKA__IDEMPOTENT_PRODUCER": "true" if kafka.idempotent_producer else "false",
            f"{env_prefix}KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
            f"{env_prefix}KAFKA__SESSION_TIMEOUT_MS": str(kafka.session_timeout_ms),
            f"{env_prefix}KAFKA__REBALANCE_TIMEOUT_MS": str(
                kafka.rebalance_timeout_ms or kafka.session_timeout_ms
            ),
            f"{env_prefix}OUTBOX_POLL_SECONDS": str(settings.outbox_poll_seconds),
            f"{env_prefix}CONSUMER_RETRY_BACKOFF_SECONDS": str(settings.consumer_retry_backoff_seconds),
        }
    )
    return env


def spawn_uvicorn(app_factory: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Run a service as its own process, as `steward up` does."""
    import sys

    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            app_factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def wait_http(url: str, timeout: float = 90.0, status: int | None = None) -> httpx.Response:
    """Poll url until it answers (with `status` if given)."""
    async with httpx.AsyncClient(timeout=2.0) as client:

        async def check() -> httpx.Response | None:
            try:
                response = await client.get(url)
            except httpx.HTTPError:
                return None
            return response if status is None or response.status_code == status else None

        return await eventually(check, timeout=timeout, what=url)


def envelope_bytes(event_type: str, key: str, payload: dict[str, Any], **overrides: Any) -> bytes:
    """A valid envelope as an outside producer would write it."""
    import json
    from datetime import UTC, datetime

    body = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "schema_version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": "test",
        "org_id": ORG,
        "key": key,
        "correlation_id": str(uuid.uuid4()),
        "causation_id": None,
        "actor": {"kind": "system", "user_id": "test", "roles": []},
        "payload": payload,
    }
    body.update(overrides)
    return json.dumps(body).encode()


def metric_value(text: str, name: str, **labels: str) -> float:
    """Read one sample from a Prometheus text exposition (0 when absent)."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0
