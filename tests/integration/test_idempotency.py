"""Idempotency-Key on every POST (issue 14): a retry gets the first answer, with no second effect.

In-process on SQLite and PostgreSQL; the outbox shows the events a command raised.
"""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from shared.idempotency import REPLAYED_HEADER
from shared.runtime import Runtime
from tests.inprocess import Offline
from tests.integration.offline_support import offline, with_managers
from tests.rules.test_customer_visits import _maintenance

FILE = {"kind": "corporate", "primary_manager_id": "m-c", "co_manager_ids": ["m-s"]}


async def _count(svc: Offline, sql: str) -> int:
    runtime: Runtime = svc.app.state.runtime
    async with runtime.uow() as uow:
        return int((await uow.session.execute(text(sql))).scalar_one())


async def _twice(svc: Offline, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    """POST twice with one key: the same status and body, the second marked as replayed."""
    keyed = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    first = await svc.client.post(url, headers=keyed, json=body)
    assert first.status_code == 201, first.text
    again = await svc.client.post(url, headers=keyed, json=dict(reversed(list(body.items()))))  # same JSON
    assert again.status_code == first.status_code
    assert again.content == first.content
    assert again.headers[REPLAYED_HEADER] == "true"
    assert REPLAYED_HEADER not in first.headers
    return first.json()


async def test_customer_visit_and_recommendation_posted_twice_give_one_row_and_one_event(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        cm = svc.as_("m-c", "cm")
        made = await _twice(svc, "/customers", {**FILE, "name": "钱塘果园"}, sup)
        assert await _count(svc, "SELECT count(*) FROM customers") == 1
        assert await _count(svc, "SELECT count(*) FROM outbox WHERE event_type = 'customer.registered'") == 1

        await _twice(svc, f"/customers/{made['id']}/visits", _maintenance(4), cm)
        assert await _count(svc, "SELECT count(*) FROM visits") == 1
        assert await _count(svc, "SELECT count(*) FROM outbox WHERE event_type = 'visit.filed'") == 1

        report = await svc.client.post(
            f"/customers/{made['id']}/reports",
            headers=cm,
            json={"kind": "risk_analysis", "title": "霜冻风险", "body": "moderate"},
        )
        recommendation = {
            "product": "loans",
            "amount": "500000.00",
            "term_months": 12,
            "purpose": "fertiliser",
            "rationale": "seasonal need",
            "report_ids": [report.json()["id"]],
        }
        await _twice(svc, f"/customers/{made['id']}/credit-recommendations", recommendation, cm)
        assert await _count(svc, "SELECT count(*) FROM credit_recommendations") == 1
        submitted = "SELECT count(*) FROM outbox WHERE event_type = 'credit-recommendation.submitted'"
        assert await _count(svc, submitted) == 1


async def test_an_expense_posted_twice_gives_one_row_and_one_event(database_url):
    async with offline("staffing", database_url) as svc:
        hr = svc.as_("hr-1", "hr")
        cm = await svc.client.post(
            "/managers",
            headers=hr,
            json={"employee_no": "E-77", "name": "赵六", "grade": "trainee", "branch": "b"},
        )
        me = svc.as_(cm.json()["id"], "cm")
        today = datetime.now(UTC).date().isoformat()
        expense = {"category": "gifts", "amount": "99.50", "spent_on": today, "receipt_ref": "R-1"}
        await _twice(svc, f"/managers/{cm.json()['id']}/expenses", expense, me)
        assert await _count(svc, "SELECT count(*) FROM expenses") == 1
        assert await _count(svc, "SELECT count(*) FROM outbox WHERE event_type = 'expense.recorded'") == 1


async def test_a_key_is_per_caller_and_refused_for_another_request(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        key = {"Idempotency-Key": "order-2026-0001"}
        first = await svc.client.post("/customers", headers={**sup, **key}, json={**FILE, "name": "甲"})
        assert first.status_code == 201
        other = await svc.client.post("/customers", headers={**sup, **key}, json={**FILE, "name": "乙"})
        assert other.status_code == 422, other.text
        assert "another request" in other.text
        another_user = svc.as_("sup-2", "supervisor")
        theirs = await svc.client.post(
            "/customers", headers={**another_user, **key}, json={**FILE, "name": "乙"}
        )
        assert theirs.status_code == 201, "keys belong to their caller"
        assert theirs.json()["id"] != first.json()["id"]
        bad = await svc.client.post("/customers", headers={**sup, "Idempotency-Key": "x" * 256}, json=FILE)
        assert bad.status_code == 422
        assert await _count(svc, "SELECT count(*) FROM customers") == 2


async def test_a_refused_request_keeps_no_key_and_may_be_retried(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        key = {**sup, "Idempotency-Key": str(uuid.uuid4())}
        body = {**FILE, "name": "丙", "primary_manager_id": "m-nobody"}
        refused = await svc.client.post("/customers", headers=key, json=body)
        assert refused.status_code >= 400
        assert await _count(svc, "SELECT count(*) FROM idempotency_keys") == 0
        again = await svc.client.post("/customers", headers=key, json=body)
        assert again.status_code == refused.status_code
        assert REPLAYED_HEADER not in again.headers


async def test_concurrent_duplicates_make_one_customer_and_both_get_its_answer(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        key = {**sup, "Idempotency-Key": str(uuid.uuid4())}
        body = {**FILE, "name": "并发"}
        answers = await asyncio.gather(
            *(svc.client.post("/customers", headers=key, json=body) for _ in range(4))
        )
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1
        assert await _count(svc, "SELECT count(*) FROM customers") == 1
        assert await _count(svc, "SELECT count(*) FROM outbox WHERE event_type = 'customer.registered'") == 1


async def test_expired_keys_are_forgotten_and_purged(database_url):
    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        key = {**sup, "Idempotency-Key": "k-1"}
        assert (
            await svc.client.post("/customers", headers=key, json={**FILE, "name": "丁"})
        ).status_code == 201
        runtime: Runtime = svc.app.state.runtime
        past = datetime.now(UTC) - timedelta(hours=1)
        async with runtime.uow() as uow:
            await uow.session.execute(text("UPDATE idempotency_keys SET expires_at = :t"), {"t": past})
            await uow.session.commit()
        again = await svc.client.post("/customers", headers=key, json={**FILE, "name": "丁"})
        assert again.status_code == 201
        assert REPLAYED_HEADER not in again.headers, "an expired key is a new key"
        assert await _count(svc, "SELECT count(*) FROM customers") == 2
        assert await _count(svc, "SELECT count(*) FROM idempotency_keys") == 1


async def test_the_answer_is_stored_in_the_transaction_of_the_effect(database_url, monkeypatch):
    """A failure between the effect and storing its answer keeps neither: the retry then runs once."""
    from shared.idempotency import Claim

    async with offline("customer", database_url) as svc:
        sup = await with_managers(svc)
        key = {**sup, "Idempotency-Key": str(uuid.uuid4())}
        real_store = Claim.store

        async def crash(self: Claim, status: int, headers: dict[str, str], body: bytes) -> None:
            raise ConnectionError("the database went away")

        monkeypatch.setattr(Claim, "store", crash)
        lost = await svc.client.post("/customers", headers=key, json={**FILE, "name": "戊"})
        assert lost.status_code == 503, lost.text
        assert await _count(svc, "SELECT count(*) FROM customers") == 0
        assert await _count(svc, "SELECT count(*) FROM outbox") == 0
        assert await _count(svc, "SELECT count(*) FROM idempotency_keys") == 0
        monkeypatch.setattr(Claim, "store", real_store)
        retried = await svc.client.post("/customers", headers=key, json={**FILE, "name": "戊"})
        assert retried.status_code == 201
        assert await _count(svc, "SELECT count(*) FROM customers") == 1


async def test_every_post_documents_the_key(tmp_path):
    for service in ("customer", "staffing", "appraisal", "audit"):
        async with offline(service, f"sqlite+aiosqlite:///{tmp_path / service}.db") as svc:
            spec = (await svc.client.get("/openapi.json")).json()
            posts = [(path, ops["post"]) for path, ops in spec["paths"].items() if "post" in ops]
            assert posts
            for path, post in posts:
                names = [p["name"] for p in post.get("parameters", [])]
                assert "Idempotency-Key" in names, f"{service} POST {path}"
