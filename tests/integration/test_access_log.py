"""Issue 16: every read of a customer's data is recorded (who, role, cooperative, when, which customer, which
endpoint), auditors query it, old reads are purged, and a clean shutdown writes what was still buffered."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from services.customer.models import ACCESS_LOG
from tests.inprocess import Offline, serve_offline
from tests.support import ORG, eventually


async def _customer(svc: Offline) -> str:
    for manager_id, grade in (("m-s", "senior"), ("m-c", "cm")):
        body = {
            "manager_id": manager_id,
            "employee_no": manager_id.upper(),
            "name": manager_id,
            "grade": grade,
            "branch": "north",
            "status": "active",
            "certified_until": "2099-01-01",
        }
        await svc.deliver("staffing.managers", "manager.registered", manager_id, body)
    created = await svc.client.post(
        "/customers",
        headers=svc.as_("sup-1", "supervisor"),
        json={
            "name": "Orchard Co",
            "kind": "corporate",
            "primary_manager_id": "m-c",
            "co_manager_ids": ["m-s"],
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_reads_are_recorded_and_auditors_ask_who_saw_a_customer(tmp_path: Path) -> None:
    async with serve_offline("customer", tmp_path / "c.db", access_log_flush_seconds=0.05) as svc:
        cid = await _customer(svc)
        cm, sup = svc.as_("m-c", "cm"), svc.as_("sup-1", "supervisor")
        assert (await svc.client.get(f"/customers/{cid}", headers=cm)).status_code == 200
        assert (await svc.client.get("/customers?q=Orchard", headers=sup)).status_code == 200
        assert (await svc.client.get("/customers/export", headers=sup)).status_code == 200
        assert (await svc.client.get(f"/customers/{cid}/visits", headers=cm)).status_code == 200
        assert (await svc.client.get(f"/customers/{cid}/value", headers=cm)).status_code == 200
        assert (await svc.client.get("/customers/nobody", headers=cm)).status_code == 404  # not a read
        auditor = svc.as_("aud-1", "auditor")

        async def four_reads() -> httpx.Response | None:
            got = await svc.client.get(f"/access-log?customer_id={cid}", headers=auditor)
            assert got.status_code == 200, got.text
            return got if len(got.json()) >= 5 else None

        got = await eventually(four_reads, timeout=10, what="the reads written")
        reads = got.json()
        assert got.headers["x-total-count"] == "5"
        assert [(r["user_id"], r["endpoint"]) for r in reversed(reads)] == [
            ("m-c", "GET /customers/{customer_id}"),
            ("sup-1", "GET /customers"),
            ("sup-1", "GET /customers/export"),
            ("m-c", "GET /customers/{customer_id}/visits"),
            ("m-c", "GET /customers/{customer_id}/value"),
        ]
        assert reads[-1]["roles"] == ["cm"]
        assert next(r for r in reads if r["endpoint"].endswith("export"))["rows"] == 1
        mine = (await svc.client.get(f"/access-log?customer_id={cid}&user=m-c", headers=auditor)).json()
        assert {r["user_id"] for r in mine} == {"m-c"}
        assert len(mine) == 3
        later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
        window = await svc.client.get("/access-log", params={"from": later}, headers=auditor)
        assert window.status_code == 200
        assert window.json() == []
        assert (await svc.client.get("/access-log", params={"to": later}, headers=auditor)).json()
        other = svc.as_("aud-2", "auditor", org="rcc-other")
        assert (await svc.client.get(f"/access-log?customer_id={cid}", headers=other)).json() == []
        assert (await svc.client.get("/access-log", headers=cm)).status_code == 403
        assert (await svc.client.get("/access-log?from=yesterday", headers=auditor)).status_code == 422


async def test_a_clean_shutdown_writes_the_buffered_reads_and_old_reads_are_purged(
    tmp_path: Path,
) -> None:
    db = tmp_path / "c.db"
    async with serve_offline(
        "customer", db, access_log_flush_seconds=300, access_log_retention_days=30
    ) as svc:
        async with svc.app.state.runtime.uow() as uow:
            old = datetime.now(UTC) - timedelta(days=31)
            row = {
                "at": old,
                "org_id": ORG,
                "user_id": "u",
                "roles": "cm",
                "endpoint": "GET /x",
                "customer_id": "c",
            }
            await uow.session.execute(insert(ACCESS_LOG).values(**row))
            await uow.commit()
        cid = await _customer(svc)
        for _ in range(3):
            assert (
                await svc.client.get(f"/customers/{cid}", headers=svc.as_("m-c", "cm"))
            ).status_code == 200
        access_log = svc.app.state.access_log
        assert access_log.pending == 3  # buffered: the flush period has not come
        await access_log.purge(svc.app.state.runtime, now=True)  # retention 30 days: the old read goes
    with sqlite3.connect(db) as con:
        rows = con.execute("select customer_id, user_id from access_log order by id").fetchall()
    assert rows == [(cid, "m-c")] * 3
