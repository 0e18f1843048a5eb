"""Independent scaling, proved on the real broker: two replicas of a service as separate processes.

Consumers: two audit processes share one consumer group on a topic of four partitions; both get
partitions; one is killed (SIGKILL) while events are still arriving; the survivor takes its
partitions over, and every event's effect (one journal row, one inbox row) exists exactly once.

Outbox relay: two staffing processes share one database and publish its outbox; one is killed
mid-stream; whatever was published twice changes nothing in the consumer (audit), which holds
exactly one effect per outbox row. Both run on SQLite and PostgreSQL.
"""

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import distinct, func, select

from services.audit.app import MIGRATIONS as AUDIT_MIGRATIONS
from services.audit.app import create_app as create_audit
from services.audit.models import MESSAGING as AUDIT_TABLES
from services.audit.models import JournalRow
from services.audit.settings import AuditSettings
from services.staffing.app import MIGRATIONS as STAFFING_MIGRATIONS
from services.staffing.models import MESSAGING as STAFFING_TABLES
from services.staffing.settings import StaffingSettings
from shared.db import create_engine
from shared.settings import ServiceSettings
from steward.embedded_broker import free_port
from tests.conftest import KafkaTarget
from tests.support import (
    auth,
    envelope_bytes,
    eventually,
    make_settings,
    metric_value,
    read_all,
    running,
    service_env,
    spawn_uvicorn,
    wait_http,
)
from tests.templates import migrate_async

PARTITIONS = 4
CONSUMED = "steward_events_consumed_total"


@dataclass
class Replica:
    """One service process on its own port."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Base URL of the replica."""
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, nothing is flushed or committed."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """Terminate if still running (test clean-up)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def tail(self) -> str:
        """The end of the replica's log, for failure messages."""
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


@contextlib.contextmanager
def replicas(
    count: int, app_factory: str, env: dict[str, str], tmp_path: Path, name: str
) -> Iterator[list[Replica]]:
    """Start `count` processes of one service with the same settings; stop them all afterwards."""
    started: list[Replica] = []
    try:
        for i in range(count):
            port = free_port()
            log = tmp_path / f"{name}-{i}.log"
            started.append(Replica(f"{name}-{i}", spawn_uvicorn(app_factory, port, env, log), port, log))
        yield started
    finally:
        for replica in started:
            replica.stop()


async def wait_ready(replica: Replica) -> None:
    """Until the replica's /readyz says database and broker are up."""
    try:
        await wait_http(f"{replica.url}/readyz", timeout=150, status=200)
    except AssertionError as exc:
        raise AssertionError(f"{replica.name} never became ready:\n{replica.tail()}") from exc


async def metric(client: httpx.AsyncClient, replica: Replica, name: str, **labels: str) -> float:
    """One sample of a replica's /metrics."""
    return metric_value((await client.get(f"{replica.url}/metrics")).text, name, **labels)


def _settings(
    cls: type[ServiceSettings], database_url: str, kafka: KafkaTarget, prefix: str
) -> ServiceSettings:
    return make_settings(
        cls,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )


def _env(env_prefix: str, settings: ServiceSettings, **extra: str) -> dict[str, str]:
    env = service_env(env_prefix, settings)
    env[f"{env_prefix}KAFKA__TOPIC_PARTITIONS"] = str(PARTITIONS)
    env.update({f"{env_prefix}{k.upper()}": v for k, v in extra.items()})
    return env


async def _scalar(database_url: str, query) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def _journal(database_url: str, topic: str) -> tuple[int, int]:
    """Rows audit's journal holds for a topic, and how many distinct events they are (one query)."""
    query = select(func.count(), func.count(distinct(JournalRow.event_id))).where(JournalRow.topic == topic)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows, events = (await conn.execute(query)).one()
            return int(rows), int(events)
    finally:
        await engine.dispose()


async def _inbox(database_url: str, consumer: str) -> int:
    inbox = AUDIT_TABLES.inbox
    return await _scalar(
        database_url, select(func.count()).select_from(inbox).where(inbox.c.consumer == consumer)
    )


@contextlib.asynccontextmanager
async def producer(bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    """A producer as core banking would run one."""
    client = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


class BalanceStream:
    """Core banking publishing balances: one event to every partition every tick, until stopped."""

    def __init__(self, client: AIOKafkaProducer, topic: str) -> None:
        self.client = client
        self.topic = topic
        self.sent = 0
        self.stopped = asyncio.Event()

    async def run(self, tick: float = 0.1) -> None:
        """Publish until stop() (each batch fully acknowledged before the next)."""
        while not self.stopped.is_set():
            sends = []
            for partition in range(PARTITIONS):
                customer = f"c-{self.sent + partition}"
                value = envelope_bytes(
                    "balance.reported",
                    customer,
                    {
                        "customer_id": customer,
                        "deposit": "100.00",
                        "loan": "0.00",
                        "overdue": "0.00",
                        "as_of": datetime.now(UTC).isoformat(),
                    },
                    producer="corebanking",
                )
                sends.append(
                    await self.client.send(
                        self.topic, value=value, key=customer.encode(), partition=partition
                    )
                )
            await asyncio.gather(*sends)
            self.sent += len(sends)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopped.wait(), timeout=tick)

    def stop(self) -> None:
        """Stop after the batch in flight."""
        self.stopped.set()


@pytest.mark.timeout(180)
async def test_two_consumer_replicas_share_partitions_and_one_takes_over_when_the_other_is_killed(
    database_url, kafka, prefix, tmp_path: Path
):
    started = time.monotonic()
    settings = _settings(AuditSettings, database_url, kafka, prefix)
    await migrate_async(AUDIT_MIGRATIONS, database_url)
    topic = f"{prefix}corebanking.balances"
    consumer = "audit.watch-corebanking-balances"
    labels = {"consumer": consumer, "topic": topic}
    env = _env("STEWARD_AUDIT_", settings, compliance_sweep_seconds="0")
    with replicas(2, "services.audit.app:app", env, tmp_path, "audit") as (first, second):
        await asyncio.gather(wait_ready(first), wait_ready(second))
        async with httpx.AsyncClient(timeout=5.0) as client, producer(kafka.bootstrap_servers) as out:
            stream = BalanceStream(out, topic)
            streaming = asyncio.create_task(stream.run())
            try:

                async def both_applied() -> tuple[float, float] | None:
                    a = await metric(client, first, CONSUMED, outcome="applied", **labels)
                    b = await metric(client, second, CONSUMED, outcome="applied", **labels)
                    return (a, b) if min(a, b) >= 8 else None

                # Both replicas hold partitions: each applied events that only its partitions carried.
                before_kill = await eventually(both_applied, timeout=45, what="both replicas applying events")
                sent_at_kill = stream.sent
                first.kill()  # mid-stream: the producer keeps publishing to all four partitions
                await asyncio.sleep(3.0)
            finally:
                stream.stop()
                await streaming
            total = stream.sent
            assert total > sent_at_kill, "nothing was published after the kill"

            async def all_applied() -> tuple[int, int] | None:
                rows, events = await _journal(database_url, topic)
                return (rows, events) if events >= total else None

            try:
                rows, events = await eventually(
                    all_applied, timeout=45, what=f"{total} events in the journal"
                )
            except AssertionError as exc:
                raise AssertionError(
                    f"{await _journal(database_url, topic)} of {total}:\n{second.tail()}"
                ) from exc
            # The survivor applied everything published to the dead replica's partitions after the kill.
            survivor = {
                outcome: await metric(client, second, CONSUMED, outcome=outcome, **labels)
                for outcome in ("applied", "duplicate", "dead_lettered")
            }
            verification = (
                await client.get(
                    f"{second.url}/journal/verification", headers=auth(settings, "aud", "auditor")
                )
            ).json()

    # Exactly once: one journal row and one inbox row per event, nothing dead-lettered, the chain intact.
    assert (rows, events) == (total, total)
    assert await _inbox(database_url, consumer) == total
    assert survivor["dead_lettered"] == 0
    # The killed replica held partitions; everything published after its death, to all four partitions,
    # was applied by the survivor alone.
    assert survivor["applied"] >= total - sent_at_kill + before_kill[1]
    assert verification["ok"] is True, verification
    assert verification["rows_checked"] == total
    print(
        f"\nconsumer scale-out: {total} events, {sent_at_kill} before the kill; applied before the kill "
        f"{before_kill}, survivor applied {survivor['applied']:.0f} with {survivor['duplicate']:.0f} "
        f"redelivered duplicates; {time.monotonic() - started:.1f}s"
    )


@pytest.mark.timeout(180)
async def test_two_outbox_relays_never_change_what_a_consumer_applies(
    database_url, kafka, prefix, tmp_path: Path
):
    started = time.monotonic()
    staffing = _settings(StaffingSettings, database_url, kafka, prefix)
    await migrate_async(STAFFING_MIGRATIONS, database_url)
    audit_url = f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"  # the consumer; the relays are under test
    audit_settings = make_settings(
        AuditSettings,
        database_url=audit_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
        compliance_sweep_seconds=0,
    )
    topic = f"{prefix}staffing.managers"
    consumer = "audit.watch-staffing-managers"
    env = _env("STEWARD_STAFFING_", staffing, expiry_sweep_seconds="0")
    hr = auth(staffing, "hr-1", "hr")
    audit_app = create_audit(audit_settings)  # type: ignore[arg-type]
    async with running(audit_app, AUDIT_MIGRATIONS):
        with replicas(2, "services.staffing.app:app", env, tmp_path, "staffing") as (first, second):
            await asyncio.gather(wait_ready(first), wait_ready(second))
            async with httpx.AsyncClient(timeout=10.0) as client:

                async def onboard(replica: Replica, n: int) -> None:
                    body = {"employee_no": f"E{n:04d}", "name": f"CM {n}", "grade": "cm", "branch": "north"}
                    try:
                        response = await client.post(f"{replica.url}/managers", json=body, headers=hr)
                    except httpx.HTTPError:
                        if replica is first and first.process.poll() is not None:
                            return  # killed while answering: the command may or may not have committed
                        raise
                    assert response.status_code == 201, response.text

                published = "steward_events_published_total"
                await asyncio.gather(*(onboard((first, second)[n % 2], n) for n in range(24)))

                serialised = database_url.startswith("postgresql")

                async def relays_published() -> bool:
                    a = await metric(client, first, published, topic=topic)
                    b = await metric(client, second, published, topic=topic)
                    # PostgreSQL: a per-batch advisory lock lets one relay publish at a time, and
                    # which one wins each batch is up to timing. SQLite has no such lock: both publish.
                    return a + b > 0 if serialised else a > 0 and b > 0

                await eventually(relays_published, timeout=20, what="the relays publishing")
                # Commands keep arriving at both while one replica dies with rows in flight.
                burst = [onboard((first, second)[n % 2], n) for n in range(24, 48)]
                tasks = [asyncio.create_task(b) for b in burst]
                await asyncio.sleep(0.05)
                first.kill()
                await asyncio.gather(*tasks)
                await asyncio.gather(*(onboard(second, n) for n in range(48, 60)))

                outbox = STAFFING_TABLES.outbox

                async def all_sent() -> bool:
                    pending = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                    return await _scalar(database_url, pending) == 0

                await eventually(all_sent, timeout=30, what="every outbox row published by the survivor")
        rows = await _scalar(database_url, select(func.count()).select_from(outbox))

        async def consumed() -> tuple[int, int] | None:
            found = await _journal(audit_url, topic)
            return found if found[1] >= rows else None

        journal_rows, journal_events = await eventually(consumed, timeout=30, what=f"{rows} events at audit")
        records = await read_all(kafka.bootstrap_servers, topic)

    event_ids = [json.loads(r.value)["event_id"] for r in records]
    outbox_ids = await _event_ids(database_url)
    assert rows >= 48
    assert set(event_ids) == outbox_ids  # every row on the topic, whatever was sent twice
    # The consumer's result: exactly one effect per outbox row.
    assert (journal_rows, journal_events) == (rows, rows)
    assert await _inbox(audit_url, consumer) == rows
    print(
        f"\noutbox scale-out: {rows} rows, {len(event_ids)} records on the topic "
        f"({len(event_ids) - len(set(event_ids))} sent twice); {time.monotonic() - started:.1f}s"
    )


async def _event_ids(database_url: str) -> set[str]:
    outbox = STAFFING_TABLES.outbox
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return set((await conn.execute(select(outbox.c.event_id))).scalars().all())
    finally:
        await engine.dispose()
