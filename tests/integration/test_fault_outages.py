"""Faults: the broker stops for 30 s while HTTP writes go on; PostgreSQL stops and comes back.

Broker outage (PostgreSQL and SQLite): staffing keeps accepting writes, its outbox holds their
events and `/readyz` names the broker; the embedded broker keeps nothing across its restart, so the
test recreates the topics (as `steward up` would at start); then every event written during the
outage is published. (A consumer of a broker that forgot its logs may keep its old offsets and
skip what was written again below them: real Kafka keeps its logs, and docs/performance.md says so.)

Database outage (a throwaway PostgreSQL server of the test's own, never the machine's): requests
answer 503 with a clear message, a write refused then left nothing behind, a consumed event waits
and is applied after, and the service recovers without a restart.
"""

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest

from services.staffing.app import MIGRATIONS as STAFFING_MIGRATIONS
from services.staffing.app import create_app as create_staffing
from services.staffing.models import MESSAGING as STAFFING_TABLES
from services.staffing.models import ManagerRow
from services.staffing.settings import StaffingSettings
from shared.kafka import ensure_topics, topics_with_dlq
from steward.embedded_broker import EmbeddedBroker, free_port
from tests.integration.fault_support import count, create_database, rows, throwaway_postgres
from tests.support import auth, envelope_bytes, eventually, make_settings, produce, read_all, running

OUTAGE_SECONDS = 30
OUTBOX = STAFFING_TABLES.outbox


def _settings(cls, database_url: str, bootstrap: str, prefix: str, **extra):
    return make_settings(
        cls, database_url=database_url, bootstrap=bootstrap, idempotent=False, prefix=prefix, **extra
    )


async def _recreate_topics(bootstrap: str, prefix: str) -> None:
    """What the services create at start-up, created again on the new, empty broker."""
    logical = ("staffing.managers", "staffing.expenses", "audit.cases", "appraisal.results")
    settings = _settings(StaffingSettings, "sqlite://", bootstrap, prefix)
    names = topics_with_dlq(settings.kafka.topic(t) for t in logical)

    async def created() -> bool:
        try:
            await ensure_topics(settings.kafka, names, client_id="fault-test")
        except Exception:  # the broker is still starting
            return False
        return True

    await eventually(created, timeout=30, what="topics on the restarted broker")


async def _hire(client: httpx.AsyncClient, hr: dict[str, str], employee_no: str) -> str:
    r = await client.post(
        "/managers",
        headers=hr,
        json={"employee_no": employee_no, "name": "Outage Test", "grade": "cm", "branch": "north"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_broker_down_30s_writes_go_on_readyz_says_so_and_every_event_arrives_after(
    database_url, prefix, tmp_path: Path
):
    broker = EmbeddedBroker("127.0.0.1", free_port(), log_file=tmp_path / "broker.log")
    broker.start()
    bootstrap = broker.bootstrap_servers
    settings = _settings(StaffingSettings, database_url, bootstrap, prefix, expiry_sweep_seconds=0)
    hr = auth(settings, "hr-1", "hr")
    try:
        async with running(create_staffing(settings), STAFFING_MIGRATIONS, wait_for_kafka=True) as s:
            await _hire(s, hr, "B0")
            await eventually(lambda: _drained(database_url), what="the first event published")

            broker.stop()
            during: list[str] = []
            readiness: list[dict] = []
            stopped_at = time.monotonic()
            while time.monotonic() - stopped_at < OUTAGE_SECONDS:
                during.append(await _hire(s, hr, f"D{len(during)}"))
                if len(during) % 3 == 0:  # readyz waits up to 2 s for the broker's answer
                    ready = await s.get("/readyz")
                    if ready.status_code == 503:
                        readiness.append(ready.json())
                await asyncio.sleep(0.5)
            assert len(during) >= OUTAGE_SECONDS // 2
            assert readiness, "readyz never reported the broker down"
            assert readiness[-1]["broker"]["ok"] is False
            assert readiness[-1]["database"]["ok"] is True
            assert await count(database_url, OUTBOX, OUTBOX.c.published_at.is_(None)) == len(during)

            broker.start()
            await _recreate_topics(bootstrap, prefix)
            during.append(await _hire(s, hr, "A0"))  # writes go on; each commit wakes the relay
            await eventually(
                lambda: _drained(database_url),
                timeout=60,
                what="the outbox drained after the broker came back",
            )
            records = await read_all(bootstrap, f"{prefix}staffing.managers", timeout=10)
            delivered = [json.loads(r.value)["payload"]["manager_id"] for r in records]
            assert set(during) <= set(delivered)
            assert len(set(delivered)) == len(during)  # the broker forgot B0, published before it stopped
            await eventually(lambda: _ready(s), timeout=90, what="readyz 200 again")
    finally:
        broker.stop()


async def _drained(database_url: str) -> bool:
    return await count(database_url, OUTBOX, OUTBOX.c.published_at.is_(None)) == 0


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200


async def test_postgres_down_requests_fail_503_nothing_half_written_and_recovery_without_restart(
    kafka, prefix
):
    with throwaway_postgres() as server:
        if server is None:
            pytest.skip("no PostgreSQL binaries (initdb, pg_ctl), or no postgres user to run them as root")
        database_url = await create_database(server.admin_url, "steward_outage")
        settings = make_settings(
            StaffingSettings,
            database_url=database_url,
            bootstrap=kafka.bootstrap_servers,
            idempotent=kafka.idempotent,
            prefix=prefix,
            expiry_sweep_seconds=0,
        )
        hr = auth(settings, "hr-1", "hr")
        async with running(
            create_staffing(settings), STAFFING_MIGRATIONS, wait_for_kafka=True, wait_for_partitions=True
        ) as s:
            first = await _hire(s, hr, "P1")
            await asyncio.to_thread(server.stop)

            refused = await s.post(
                "/managers",
                headers=hr,
                json={"employee_no": "P2", "name": "During Outage", "grade": "cm", "branch": "north"},
            )
            assert refused.status_code == 503, refused.text
            assert refused.json()["detail"] == "the database is unavailable; nothing was changed, retry later"
            assert refused.headers["Retry-After"]
            read = await s.get(f"/managers/{first}", headers=hr)
            assert read.status_code == 503, read.text
            ready = await s.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["database"]["ok"] is False
            # An event consumed while the database is down waits; it is not dead-lettered.
            proposal = envelope_bytes(
                "appraisal.grade-proposed",
                first,
                {"manager_id": first, "year": 2026, "kind": "keep", "reason": "steady"},
                producer="appraisal",
            )
            await produce(kafka.bootstrap_servers, f"{prefix}appraisal.results", proposal, key=first.encode())
            await asyncio.sleep(2)

            await asyncio.to_thread(server.start)

            async def recovered() -> httpx.Response | None:
                r = await s.get(f"/managers/{first}", headers=hr)
                return r if r.status_code == 200 else None

            await eventually(recovered, timeout=30, what="reads answering again without a restart")
            second = await _hire(s, hr, "P3")
            assert await count(database_url, ManagerRow.__table__) == 2
            employee_numbers = {
                json.loads(row.value)["payload"]["employee_no"]
                for row in await _outbox(database_url)
                if row.event_type == "manager.registered"
            }
            assert employee_numbers == {"P1", "P3"}, "the refused write left an event behind"
            assert (await s.get(f"/managers/{second}", headers=hr)).status_code == 200

            async def proposal_applied() -> bool:
                listed = await s.get("/grade-proposals", headers=hr)
                return listed.status_code == 200 and any(p["manager_id"] == first for p in listed.json())

            await eventually(
                proposal_applied, timeout=60, what="the event consumed during the outage applied"
            )
            letters = await s.get("/admin/dead-letters", headers=auth(settings, "ops", "admin", "platform"))
            assert letters.json() == []
            await eventually(lambda: _ready(s), timeout=90, what="readyz 200 again")


async def _outbox(database_url: str) -> list:
    return await rows(database_url, OUTBOX.select())
