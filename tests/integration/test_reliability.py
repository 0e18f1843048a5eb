"""The event machinery against the real broker, on SQLite and PostgreSQL.

Outbox survives a kill; duplicates have no second effect; poison goes to the DLQ and the
partition moves on; a crash between the effect's commit and the offset commit applies once.
"""

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from services.appraisal.app import MIGRATIONS as APPRAISAL_MIGRATIONS
from services.appraisal.app import create_app as create_appraisal
from services.appraisal.models import MESSAGING as APPRAISAL_TABLES
from services.appraisal.settings import AppraisalSettings
from services.staffing.app import MIGRATIONS as STAFFING_MIGRATIONS
from services.staffing.app import create_app as create_staffing
from services.staffing.models import MESSAGING as STAFFING_TABLES
from services.staffing.settings import StaffingSettings
from shared.db import create_engine
from steward.embedded_broker import free_port
from tests.support import (
    auth,
    envelope_bytes,
    eventually,
    make_settings,
    metric_value,
    produce,
    read_all,
    running,
    service_env,
    spawn_uvicorn,
    wait_http,
)
from tests.templates import migrate_async

REGISTERED = {"employee_no": "E7", "name": "Zhao Min", "grade": "cm", "branch": "west", "status": "active"}


async def _count(database_url: str, table, where=None) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            query = select(func.count()).select_from(table)
            if where is not None:
                query = query.where(where)
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


def _appraisal(database_url, kafka, prefix) -> AppraisalSettings:
    return make_settings(
        AppraisalSettings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )


async def test_outbox_event_committed_before_a_kill_is_published_after_restart(
    database_url, kafka, prefix, tmp_path: Path
):
    dead_kafka = f"127.0.0.1:{free_port()}"
    settings = make_settings(
        StaffingSettings,
        database_url=database_url,
        bootstrap=dead_kafka,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )
    await migrate_async(STAFFING_MIGRATIONS, database_url)
    port = free_port()
    process = spawn_uvicorn(
        "services.staffing.app:app",
        port,
        service_env("STEWARD_STAFFING_", settings),
        tmp_path / "staffing.log",
    )
    try:
        ready = await wait_http(f"http://127.0.0.1:{port}/readyz")
        assert ready.status_code == 503
        assert ready.json()["broker"]["ok"] is False
        assert ready.json()["database"]["ok"] is True
        import httpx

        async with httpx.AsyncClient() as client:
            created = await client.post(
                f"http://127.0.0.1:{port}/managers",
                json={"employee_no": "E1", "name": "Sun Li", "grade": "senior", "branch": "north"},
                headers=auth(settings, "hr-1", "hr"),
            )
        assert created.status_code == 201, created.text
        assert (
            await _count(
                database_url, STAFFING_TABLES.outbox, STAFFING_TABLES.outbox.c.published_at.is_(None)
            )
            == 1
        )
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    live = settings.model_copy(
        update={"kafka": settings.kafka.model_copy(update={"bootstrap_servers": kafka.bootstrap_servers})}
    )
    async with running(create_staffing(live), None):

        async def published():
            records = await read_all(kafka.bootstrap_servers, f"{prefix}staffing.managers")
            return [json.loads(r.value) for r in records]

        events = await eventually(published, what="the outbox event after restart")
        assert [e["payload"]["employee_no"] for e in events] == ["E1"]
        outbox = STAFFING_TABLES.outbox
        await eventually(
            lambda: _zero(database_url, outbox, outbox.c.published_at.is_(None)),
            what="outbox row marked sent",
        )


async def _zero(database_url, table, where) -> bool:
    return await _count(database_url, table, where) == 0


async def test_a_duplicate_delivery_has_no_second_effect(database_url, kafka, prefix):
    settings = _appraisal(database_url, kafka, prefix)
    message = envelope_bytes("manager.registered", "m-dup", {"manager_id": "m-dup", **REGISTERED})
    app = create_appraisal(settings)
    async with running(app, APPRAISAL_MIGRATIONS) as client:
        topic = f"{prefix}staffing.managers"
        await produce(kafka.bootstrap_servers, topic, message, key=b"m-dup")
        await produce(kafka.bootstrap_servers, topic, message, key=b"m-dup")

        async def both_seen():
            text = (await client.get("/metrics")).text
            labels = {"consumer": "appraisal.managers", "topic": topic}
            applied = metric_value(text, "steward_events_consumed_total", outcome="applied", **labels)
            duplicate = metric_value(text, "steward_events_consumed_total", outcome="duplicate", **labels)
            return (applied, duplicate) if applied + duplicate >= 2 else None

        assert await eventually(both_seen, what="two deliveries") == (1.0, 1.0)
        seen = (await client.get("/managers", headers=auth(settings, "sup", "supervisor"))).json()
    assert [(m["manager_id"], m["events_seen"]) for m in seen] == [("m-dup", 1)]
    assert await _count(database_url, APPRAISAL_TABLES.inbox) == 1


async def test_poison_messages_go_to_the_dlq_and_the_partition_moves_on(database_url, kafka, prefix):
    settings = _appraisal(database_url, kafka, prefix)
    admin = auth(settings, "ops", "admin", "platform")
    garbage = b"\x00not json at all"
    wrong_type = envelope_bytes("manager.registered", "m-p", {"manager_id": "m-p", "name": 42})
    good = envelope_bytes("manager.registered", "m-p", {"manager_id": "m-p", **REGISTERED})
    topic = f"{prefix}staffing.managers"
    async with running(create_appraisal(settings), APPRAISAL_MIGRATIONS) as client:
        for value in (garbage, wrong_type, good):
            await produce(kafka.bootstrap_servers, topic, value, key=b"m-p")

        async def good_applied():
            seen = (await client.get("/managers", headers=auth(settings, "sup", "supervisor"))).json()
            return seen or None

        assert [
            m["manager_id"] for m in await eventually(good_applied, what="good message after poison")
        ] == ["m-p"]
        letters = (await client.get("/admin/dead-letters", headers=admin)).json()
        assert len(letters) == 2
        reasons = sorted(letter["reason"] for letter in letters)
        assert reasons[0].startswith("invalid envelope")
        assert "invalid manager.registered payload" in reasons[1]
        assert (
            await client.get("/admin/dead-letters", headers=auth(settings, "cm-1", "cm"))
        ).status_code == 403

        async def dlq_records():
            records = await read_all(kafka.bootstrap_servers, f"{topic}.dlq")
            return records if len(records) == 2 else None

        records = await eventually(dlq_records, what="two records on the DLQ topic")
        assert sorted(r.value for r in records) == sorted([garbage, wrong_type])
        for record in records:
            headers = dict(record.headers)
            assert headers["dlq.consumer"] == b"appraisal.managers"
            assert headers["dlq.reason"]

        replay = await client.post(f"/admin/dead-letters/{letters[-1]['id']}/replay", headers=admin)
        assert replay.status_code == 200
        assert replay.json()["status"] == "open"


async def test_replaying_a_dead_letter_after_the_cause_is_fixed_applies_it(database_url, kafka, prefix):
    settings = make_settings(
        StaffingSettings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )
    hr, admin = auth(settings, "hr-1", "hr"), auth(settings, "ops", "admin", "platform")
    async with running(create_staffing(settings), STAFFING_MIGRATIONS) as client:
        manager = (
            await client.post(
                "/managers",
                json={"employee_no": "E9", "name": "Qian", "grade": "cm", "branch": "s"},
                headers=hr,
            )
        ).json()
        cleared = envelope_bytes(
            "audit.departure-cleared",
            manager["id"],
            {
                "audit_id": "da-1",
                "manager_id": manager["id"],
                "cleared_at": "2026-01-05T10:00:00+00:00",
                "items_reviewed": 0,
            },
            producer="audit",
        )
        # Cleared before any departure was requested: the rules refuse it, so it is dead-lettered.
        await produce(kafka.bootstrap_servers, f"{prefix}audit.cases", cleared, key=manager["id"].encode())

        async def one_letter():
            letters = (await client.get("/admin/dead-letters", headers=admin)).json()
            return letters or None

        letter = (await eventually(one_letter, what="the dead letter"))[0]
        assert "not departure_pending" in letter["reason"]
        assert (await client.get(f"/managers/{manager['id']}", headers=hr)).json()["status"] == "active"

        await client.post(f"/managers/{manager['id']}/departure", json={"reason": "leaving"}, headers=hr)
        replay = await client.post(f"/admin/dead-letters/{letter['id']}/replay", headers=admin)
        assert replay.json() == {"id": letter["id"], "outcome": "applied", "status": "replayed"}
        assert (await client.get(f"/managers/{manager['id']}", headers=hr)).json()["status"] == "departed"
        again = await client.post(f"/admin/dead-letters/{letter['id']}/replay", headers=admin)
        assert again.status_code == 409


async def test_a_crash_after_the_effect_but_before_the_offset_commit_applies_once(
    database_url, kafka, prefix, tmp_path: Path
):
    settings = _appraisal(database_url, kafka, prefix)
    await migrate_async(APPRAISAL_MIGRATIONS, database_url)
    topic = f"{prefix}staffing.managers"
    await produce(
        kafka.bootstrap_servers,
        topic,
        envelope_bytes("manager.registered", "m-c", {"manager_id": "m-c", **REGISTERED}),
        key=b"m-c",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.crash_worker"],
        env=service_env("STEWARD_APPRAISAL_", settings),
        stdout=(tmp_path / "worker.log").open("ab"),
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parents[2],
    )
    code = await asyncio.to_thread(worker.wait, 60)
    assert code == 137, (tmp_path / "worker.log").read_text()[-2000:]
    assert await _count(database_url, APPRAISAL_TABLES.inbox) == 1

    async with running(create_appraisal(settings), None) as client:

        async def redelivered():
            text = (await client.get("/metrics")).text
            return metric_value(
                text,
                "steward_events_consumed_total",
                consumer="appraisal.managers",
                topic=topic,
                outcome="duplicate",
            )

        assert await eventually(redelivered, what="the redelivery after the crash") == 1.0
        seen = (await client.get("/managers", headers=auth(settings, "sup", "supervisor"))).json()
    assert [(m["manager_id"], m["events_seen"]) for m in seen] == [("m-c", 1)]
