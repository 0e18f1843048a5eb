"""Where `GET /customers/{id}` spends its time: the customer app in-process on PostgreSQL, pyinstrument.

`python -m bench.profile_get [requests]`: seeds 2,000 customers, warms up, then profiles `requests`
GETs as direct calls of the ASGI app (no sockets, no uvicorn, no client) with pyinstrument and prints
the call tree (or, with `BENCH_CPU_LINES=<lines>`, cProfile's CPU time per function), and the CPU time
per request of the service's app next to the same-work app (`bench/samework_app.py`) run
the same way, alternated in rounds: through httpx's ASGI client (as rounds 3 and 4 measured) and as direct
ASGI calls (the apps' own CPU, no client's). Not a numbered benchmark: `python -m bench http` gives the rates.
"""

import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import time
from typing import Any

import httpx
from starlette.types import ASGIApp, Message

from bench.common import ORG, SECRET, customer_id, pg_database, seed_customers
from services.customer.app import create_app
from services.customer.settings import CustomerSettings
from shared.auth import issue_token
from shared.settings import KafkaSettings
from steward.embedded_broker import free_port

CUSTOMERS = 2_000
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CPU_PROFILE = int(os.environ.get("BENCH_CPU_LINES", "0"))  # lines of a cProfile of CPU time, if set


async def _cpu_per_request(client: httpx.AsyncClient, auth: dict[str, str], n: int) -> float:
    started = time.process_time()
    for i in range(n):
        response = await client.get(f"/customers/{customer_id(i % CUSTOMERS)}", headers=auth)
        assert response.status_code == 200, response.text
    return (time.process_time() - started) / n * 1e6


async def _app_cpu_per_request(app: ASGIApp, auth: dict[str, str], n: int) -> float:
    """The same GETs as direct ASGI calls: the app's own CPU, without an HTTP client's."""
    headers = [(b"host", b"b"), *((k.lower().encode(), v.encode()) for k, v in auth.items())]
    status: list[int] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    started = time.process_time()
    for i in range(n):
        path = f"/customers/{customer_id(i % CUSTOMERS)}"
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "server": ("b", 80),
            "client": ("127.0.0.1", 50000),
            "state": {},
        }
        await app(scope, receive, send)
    spent = (time.process_time() - started) / n * 1e6
    assert set(status) == {200}, set(status)
    return spent


async def main() -> dict[str, Any]:
    """Seed, profile the service's GET, then compare CPU per request with the same-work app."""
    from pyinstrument import Profiler

    async with pg_database("profget") as url:
        await seed_customers(url, CUSTOMERS, managers=["m-bench"])
        settings = CustomerSettings(
            profile="test",
            database_url=url,
            jwt_secret=SECRET,
            start_consumers=False,
            kafka=KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}", idempotent_producer=False),
        )
        token = issue_token(settings, user_id="sup-1", roles=["supervisor"], org_id=ORG)
        auth = {"Authorization": f"Bearer {token}"}
        os.environ.update(SAMEWORK_DATABASE_URL=url.replace("+asyncpg", ""), SAMEWORK_JWT_SECRET=SECRET)
        os.environ["SAMEWORK_POOL_SIZE"] = "2"
        from bench import samework_app

        samework_app.SECRET = SECRET
        app, same = create_app(settings), samework_app.app
        async with (
            app.router.lifespan_context(app),
            same.router.lifespan_context(same),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as svc,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=same), base_url="http://b") as hand,
        ):
            for client in (svc, hand):
                await _cpu_per_request(client, auth, 200)
            if CPU_PROFILE:  # CPU time per function: wall-clock samples mislead on a loaded machine
                cpu = cProfile.Profile(time.process_time)
                cpu.enable()
                await _app_cpu_per_request(app, auth, N)
                cpu.disable()
                pstats.Stats(cpu).sort_stats(os.environ.get("BENCH_CPU_SORT", "cumulative")).print_stats(
                    CPU_PROFILE
                )
            else:
                profiler = Profiler(async_mode="enabled", interval=0.0005)
                profiler.start()
                await _app_cpu_per_request(app, auth, N)
                profiler.stop()
                print(profiler.output_text(unicode=False, color=False, show_all=False), flush=True)
            rounds: dict[str, list[float]] = {k: [] for k in ("service", "samework", "app", "app_samework")}
            for _ in range(ROUNDS):
                rounds["service"].append(await _cpu_per_request(svc, auth, N))
                rounds["samework"].append(await _cpu_per_request(hand, auth, N))
                rounds["app"].append(await _app_cpu_per_request(app, auth, N))
                rounds["app_samework"].append(await _app_cpu_per_request(same, auth, N))
    medians = {k: statistics.median(v) for k, v in rounds.items()}
    result = {
        "cpu_us_per_request": {k: round(v) for k, v in medians.items()},
        # through httpx's ASGI client, as rounds 3 and 4 measured (the client's CPU counts on both sides)
        "samework_over_service": round(medians["samework"] / medians["service"], 2),
        # direct ASGI calls: the apps' own CPU only
        "app_samework_over_service": round(medians["app_samework"] / medians["app"], 2),
        "load_average": os.getloadavg(),
    }
    print(result, flush=True)
    return result


if __name__ == "__main__":
    asyncio.run(main())
