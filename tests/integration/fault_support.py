"""Helpers of the fault tests: seeded customers, bulk produce, row counts, a throwaway PostgreSQL."""

import asyncio
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from glob import glob
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import func, insert, select

from services.customer.app import MIGRATIONS as CUSTOMER_MIGRATIONS
from services.customer.models import AssignmentRow, CustomerRow
from shared.db import create_engine
from steward.embedded_broker import free_port, wait_for_port
from tests.support import ORG, envelope_bytes
from tests.templates import migrate_async

SEEDED_AT = datetime(2026, 1, 2, tzinfo=UTC)
BALANCES_FROM = datetime(2026, 3, 1, tzinfo=UTC)


def customer_id(i: int) -> str:
    """The id of the i-th seeded customer."""
    return f"c-{i:06d}"


async def seed_customers(database_url: str, count: int, managers: int = 0) -> None:
    """Migrate the customer database; insert customers, each served by one of `managers` CMs if any."""
    await migrate_async(CUSTOMER_MIGRATIONS, database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            for start in range(0, count, 2_000):
                ids = range(start, min(count, start + 2_000))
                await conn.execute(insert(CustomerRow.__table__), [_customer(i) for i in ids])
                if managers:
                    await conn.execute(
                        insert(AssignmentRow.__table__),
                        [
                            {
                                "customer_id": customer_id(i),
                                "manager_id": f"m-{i % managers:03d}",
                                "role": "primary",
                                "valid_from": SEEDED_AT,
                                "changed_by": "seed",
                            }
                            for i in ids
                        ],
                    )
    finally:
        await engine.dispose()


def _customer(i: int) -> dict[str, Any]:
    return {
        "id": customer_id(i),
        "org_id": ORG,
        "file_no": f"F{i:06d}",
        "name": f"Farm {i}",
        "kind": "farm_household",
        "branch": "north",
        "importance": "ordinary",
        "classification": {},
        "attribution_mode": "shares",
        "compliant": True,
        "compliance_issues": [],
        "created_at": SEEDED_AT,
        "created_by": "seed",
        "row_version": 1,
    }


def balance(cid: str, round_: int) -> bytes:
    """Core banking's report of a customer's balances in a round (newer rounds are later as-ofs)."""
    return envelope_bytes(
        "balance.reported",
        cid,
        {
            "customer_id": cid,
            "deposit": f"{1000 + round_}.{round_ % 100:02d}",
            "loan": f"{round_ * 10}.50",
            "overdue": "0.00" if round_ % 2 else "7.25",
            "as_of": (BALANCES_FROM + timedelta(hours=round_)).isoformat(),
        },
        producer="corebanking",
    )


def expected_balances(round_: int) -> tuple[int, int, int, datetime]:
    """The stored row (hundredths) a customer has after its newest report was of `round_`."""
    return (
        100_000 + round_ * 100 + round_ % 100,
        round_ * 1000 + 50,
        0 if round_ % 2 else 725,
        BALANCES_FROM + timedelta(hours=round_),
    )


def departure(manager_id: str) -> bytes:
    """Staffing's manager.departure-requested for a CM."""
    return envelope_bytes(
        "manager.departure-requested",
        manager_id,
        {"manager_id": manager_id, "requested_at": "2026-04-01T09:00:00+00:00", "reason": "leaving"},
        producer="staffing",
    )


async def produce_many(bootstrap: str, topic: str, records: Iterable[tuple[bytes, bytes]]) -> int:
    """Publish (key, value) records in order per key, batched; return how many."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=False, linger_ms=10
    )
    await producer.start()
    sent = 0
    try:
        pending = []
        for key, value in records:
            pending.append(await producer.send(topic, value=value, key=key))
            sent += 1
            if len(pending) >= 5_000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


async def scalar(database_url: str, statement: Any) -> Any:
    """One value from the database (a fresh engine each time: safe across restarts and outages)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(statement)).scalar_one()
    finally:
        await engine.dispose()


async def count(database_url: str, table: Any, *where: Any) -> int:
    """Rows of a table matching the conditions."""
    return int(await scalar(database_url, select(func.count()).select_from(table).where(*where)))


async def rows(database_url: str, statement: Any) -> list[Any]:
    """All rows of a query."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(statement)).all())
    finally:
        await engine.dispose()


def envelopes(records: Iterable[Any]) -> list[dict[str, Any]]:
    """Kafka records parsed as envelopes."""
    return [json.loads(r.value) for r in records]


def metric_total(text: str, name: str, **labels: str) -> float:
    """The sum of every sample of a Prometheus metric whose labels include the given ones."""
    from prometheus_client.parser import text_string_to_metric_families

    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


# A throwaway PostgreSQL server: its own data folder and loopback port, never the machine's own server.


@dataclass
class ThrowawayPostgres:
    """A PostgreSQL server in a temporary folder that a test may stop and start at will."""

    bin_dir: Path
    data_dir: Path
    port: int
    as_user: list[str]

    @property
    def admin_url(self) -> str:
        """asyncpg URL of its `postgres` database."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-w", "-t", "30", *args],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.data_dir / "server.log"), "start")
        wait_for_port("127.0.0.1", self.port, 30)

    def stop(self) -> None:
        """Stop it at once (connections are cut, as when the server goes away)."""
        self._ctl("-m", "immediate", "stop")

    def running(self) -> bool:
        """Whether the server process is up."""
        return (self.data_dir / "postmaster.pid").exists()


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _postgres_bin() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres | None]:
    """initdb + pg_ctl on a free port under a temp folder; None where PostgreSQL binaries are missing."""
    bin_dir = _postgres_bin()
    if bin_dir is None or (os.geteuid() == 0 and not _has_user("postgres")):
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="steward-pg-", dir="/tmp"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the postgres user
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data_dir = folder / "data"
    server = ThrowawayPostgres(bin_dir, data_dir, free_port(), as_user)
    subprocess.run(
        [
            *as_user,
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    server.start()
    try:
        yield server
    finally:
        if server.running():
            try:
                server.stop()
            except subprocess.CalledProcessError:
                _kill_postmaster(data_dir)
        shutil.rmtree(folder, ignore_errors=True)


def _kill_postmaster(data_dir: Path) -> None:
    pid_file = data_dir / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:  # poll until the postmaster is gone
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def create_database(admin_url: str, name: str) -> str:
    """Create a database on a server; return its URL."""
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin_url.rpartition("/")[0] + f"/{name}"


async def committed(bootstrap: str, group: str, topic: str) -> int:
    """Records a consumer group has committed on a topic (its offsets summed); 0 when unknown.

    An idempotent subscription (balances, ADR 0011) writes no inbox row: its progress is its offsets.
    """
    # Assigned, never subscribed: it reads the group's offsets without joining the group.
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        await consumer.start()
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        return sum([await consumer.committed(tp) or 0 for tp in partitions])
    except Exception:
        return 0
    finally:
        await consumer.stop()
