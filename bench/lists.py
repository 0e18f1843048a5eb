"""Benchmark: the list conventions and Idempotency-Key on the customer service (PostgreSQL, in-process).

50,000 customers (STEWARD_BENCH_QUICK: 2,000). Ratios against a baseline measured in the same run:
- `GET /customers?q=<name prefix>` against `GET /customers/{id}` (one row by primary key): the search
  is served by the (org_id, name_key) index, so it should cost a small multiple of a key lookup,
  however many customers there are;
- a first page of the whole roster with its `X-Total-Count` against the same page's read alone;
- `POST /customers` with a new `Idempotency-Key` against the same POST without one, and a replay.
"""

import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
from sqlalchemy import text

from bench.common import ORG, SECRET, customer_id, pg_database, save, scale, seed_customers, summary_ms
from services.customer.app import create_app
from services.customer.settings import CustomerSettings
from shared.auth import issue_token
from shared.consumer import Received
from shared.contracts.staffing import ManagerRegistered
from shared.envelope import SYSTEM_ACTOR, new_envelope
from shared.runtime import Runtime
from shared.settings import KafkaSettings
from steward.embedded_broker import free_port

CUSTOMERS = scale(50_000, 2_000)
ROUNDS = scale(300, 30)


async def _timed(call: Callable[[int], Awaitable[httpx.Response]], expect: int) -> list[float]:
    samples = []
    for i in range(ROUNDS):
        started = time.perf_counter()
        response = await call(i)
        samples.append(time.perf_counter() - started)
        assert response.status_code == expect, response.text
    return samples


async def _pair(
    base: Callable[[int], Awaitable[httpx.Response]],
    measured: Callable[[int], Awaitable[httpx.Response]],
    expect: int,
) -> tuple[list[float], list[float]]:
    """Alternate the two calls, so that a drift of the machine weighs on both alike."""
    first: list[float] = []
    second: list[float] = []
    for i in range(ROUNDS):
        for call, samples in ((base, first), (measured, second)):
            started = time.perf_counter()
            response = await call(i)
            samples.append(time.perf_counter() - started)
            assert response.status_code == expect, response.text
    return first, second


async def _manager(runtime: Runtime) -> None:
    payload = ManagerRegistered(
        manager_id="m-bench",
        employee_no="B1",
        name="m",
        grade="senior",
        branch="north",
        status="active",
        certified_until=date(2099, 1, 1),
    )
    envelope = new_envelope(
        event_type="manager.registered",
        schema_version=1,
        producer="staffing",
        org_id=ORG,
        key="m-bench",
        payload=payload,
        actor=SYSTEM_ACTOR,
    )
    consumer = runtime.consumers["manager-projection"]
    await consumer.process(Received("staffing.managers", 0, 0, b"m-bench", envelope.to_bytes()))


async def main() -> dict[str, Any]:
    """Seed, then time each pair in the same process."""
    async with pg_database("lists") as url:
        await seed_customers(url, CUSTOMERS, managers=["m-bench"])
        settings = CustomerSettings(
            profile="test",
            database_url=url,
            jwt_secret=SECRET,
            start_consumers=False,
            kafka=KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}", idempotent_producer=False),
        )
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
        ):
            runtime: Runtime = app.state.runtime
            async with runtime.uow() as uow:  # the search keys the service keeps on every write
                await uow.session.execute(text("UPDATE customers SET name_key = lower(name)"))
                await uow.session.execute(text("ANALYZE customers"))
                await uow.session.commit()
            await _manager(runtime)
            token = issue_token(settings, user_id="sup-1", roles=["supervisor"], org_id=ORG)
            auth = {"Authorization": f"Bearer {token}"}
            get = client.get
            one = await _timed(lambda i: get(f"/customers/{customer_id(i)}", headers=auth), 200)
            search = await _timed(
                lambda i: get("/customers", params={"q": f"farm {i + 1000}"}, headers=auth), 200
            )
            page = await _timed(lambda i: get("/customers", params={"limit": 20}, headers=auth), 200)
            body = {"name": "农户", "kind": "farm_household", "primary_manager_id": "m-bench"}
            plain, keyed = await _pair(
                lambda i: client.post("/customers", json=body, headers=auth),
                lambda i: client.post(
                    "/customers", json=body, headers={**auth, "Idempotency-Key": str(uuid.uuid4())}
                ),
                201,
            )
            replay_key = {**auth, "Idempotency-Key": "bench-replay"}
            await client.post("/customers", json=body, headers=replay_key)
            replay = await _timed(lambda i: client.post("/customers", json=body, headers=replay_key), 201)
    samples = {"one": one, "search": search, "page": page, "plain": plain, "keyed": keyed, "replay": replay}
    figures = {name: summary_ms(taken) for name, taken in samples.items()}

    def ratio(a: str, b: str) -> float:
        return round(figures[a]["p50_ms"] / figures[b]["p50_ms"], 2)

    return save(
        "lists",
        {
            "customers": CUSTOMERS,
            "rounds": ROUNDS,
            **figures,
            "ratio_search_to_get_by_id": ratio("search", "one"),
            "ratio_first_page_with_total_to_get_by_id": ratio("page", "one"),
            "ratio_keyed_post_to_plain_post": ratio("keyed", "plain"),
            "ratio_replay_to_plain_post": ratio("replay", "plain"),
        },
    )
