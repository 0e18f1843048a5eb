"""Benchmark 8: the Workbench under 20 simulated customer managers (PostgreSQL).

Customer and staffing run as processes on PostgreSQL with 2,000 customers shared among 40 CMs (seeded
like benchmark 5), the console as its own uvicorn process. 20 CMs sign in through the dev sign-in and
browse for 60 s, each in a loop with a think time: My day, the customer list, its second page, one of
their customers and the two parts the browser loads into it (value, file sections). Each page reports
`Server-Timing: backend;dur=..., total;dur=...`: the time the console spent on it and the wall time
during which it waited on the services (parallel calls counted once). Reported: p50/p95 of the page
time as the client sees it and as the server measures it, errors (non-200, or a page with a "service
not answering" banner), and the ratio of the console's time to the backend time for the same pages.
Targets: p95 < 200 ms, 0 errors, ratio <= 1.3.
"""

import asyncio
import os
import random
import re
import subprocess
import sys
import time
from collections import defaultdict
from typing import Any

import httpx

from bench.common import ORG, SECRET, percentile, pg_database, save, scale, seed_customers
from bench.procs import ServiceProcess, log_dir, wait_ready
from shared.auth import issue_token
from shared.settings import ServiceSettings
from steward.embedded_broker import EmbeddedBroker, free_port

USERS = 20
MANAGERS = 40
CUSTOMERS = scale(2_000, 200)
SECONDS = scale(60, 10)
THINK_SECONDS = 1.0
TARGET_P95_MS = 200
TARGET_RATIO = 1.3
TIMING = re.compile(r"backend;dur=([\d.]+), total;dur=([\d.]+)")
Sample = tuple[float, float, float, bool]  # client ms, server total ms, backend ms, page whole


async def _managers(staffing: ServiceProcess) -> list[str]:
    token = staffing.token("hr-bench", "hr", org=ORG)
    ids = []
    async with httpx.AsyncClient(timeout=10) as http:
        for i in range(MANAGERS):
            answer = await http.post(
                f"{staffing.url}/managers",
                headers={"Authorization": f"Bearer {token}"},
                json={"employee_no": f"E{i:04d}", "name": f"CM {i}", "grade": "cm", "branch": "north"},
            )
            answer.raise_for_status()
            ids.append(answer.json()["id"])
    return ids


def _console(
    customer: ServiceProcess, staffing: ServiceProcess, logs: Any
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "STEWARD_CONSOLE_PROFILE": "dev",
            "STEWARD_CONSOLE_CUSTOMER_URL": customer.url,
            "STEWARD_CONSOLE_STAFFING_URL": staffing.url,
            "STEWARD_CONSOLE_DEV_ORG": ORG,
            "STEWARD_CONSOLE_LOG_LEVEL": "WARNING",
            "STEWARD_JWT_SECRET": SECRET,  # the dev sign-in mints what the services verify
        }
    )
    bind = ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "services.console.app:app", *bind],
        env=env,
        stdout=(logs / "console.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    return process, f"http://127.0.0.1:{port}"


async def _sign_in(http: httpx.AsyncClient, manager_id: str) -> None:
    form = await http.get(f"/sign-in?org={ORG}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, form.text[:300]
    answer = await http.post(
        "/sign-in", data={"role": "cm", "org": ORG, "csrf_token": csrf.group(1), "manager_id": manager_id}
    )
    assert answer.status_code == 303, answer.text[:300]


async def _user(
    base: str, manager_id: str, customers: list[str], stop_at: float, seen: dict[str, list[Sample]]
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        await _sign_in(http, manager_id)
        rng = random.Random(manager_id)
        while time.monotonic() < stop_at:
            customer = rng.choice(customers)
            for kind, path in (
                ("my-day", "/my-day"),
                ("customers", "/customers"),
                ("customers-page-2", "/customers?offset=20"),
                ("customer", f"/customers/{customer}"),
                # what the browser then loads into it (htmx, when revealed)
                ("customer-value", f"/customers/{customer}/value"),
                ("customer-file", f"/customers/{customer}/file"),
            ):
                started = time.perf_counter()
                answer = await http.get(path)
                elapsed = time.perf_counter() - started
                timing = TIMING.search(answer.headers.get("server-timing", ""))
                ok = answer.status_code == 200 and "data-missing=" not in answer.text and timing is not None
                backend, total = (float(timing.group(1)), float(timing.group(2))) if timing else (0.0, 0.0)
                seen[kind].append((elapsed * 1000, total, backend, ok))
                await asyncio.sleep(THINK_SECONDS)


def _summary(rows: list[Sample]) -> dict[str, Any]:
    client = [r[0] for r in rows]
    total = [r[1] for r in rows]
    backend = [r[2] for r in rows]
    return {
        "pages": len(rows),
        "errors": sum(1 for r in rows if not r[3]),
        "client_p50_ms": round(percentile(client, 50), 1),
        "client_p95_ms": round(percentile(client, 95), 1),
        "server_p50_ms": round(percentile(total, 50), 1),
        "server_p95_ms": round(percentile(total, 95), 1),
        "backend_p50_ms": round(percentile(backend, 50), 1),
        "backend_p95_ms": round(percentile(backend, 95), 1),
        "ratio_total_to_backend": round(sum(total) / max(sum(backend), 1e-9), 2),
    }


async def main() -> dict[str, Any]:
    """Seed, start, browse, report."""
    with log_dir() as logs, EmbeddedBroker("127.0.0.1", free_port()) as broker:
        async with pg_database("console_c") as customer_db, pg_database("console_s") as staffing_db:
            staffing = ServiceProcess("staffing", staffing_db, broker.bootstrap_servers, logs)
            await staffing.start()
            await wait_ready([staffing])
            managers = await _managers(staffing)
            await seed_customers(customer_db, CUSTOMERS, managers=managers)
            customer = ServiceProcess(
                "customer", customer_db, broker.bootstrap_servers, logs, database_pool_size="20"
            )
            await customer.start()
            console, base = _console(customer, staffing, logs)
            try:
                await wait_ready([customer])
                async with httpx.AsyncClient(timeout=2) as probe:
                    for _ in range(150):
                        try:
                            if (await probe.get(f"{base}/readyz")).status_code == 200:
                                break
                        except httpx.HTTPError:
                            await asyncio.sleep(0.2)
                owned: dict[str, list[str]] = defaultdict(list)
                reader = issue_token(
                    ServiceSettings(jwt_secret=SECRET), user_id="sup", roles=["supervisor"], org_id=ORG
                )
                async with httpx.AsyncClient(timeout=30) as http:
                    for mid in managers[:USERS]:
                        rows = await http.get(
                            f"{customer.url}/customers",
                            params={"manager_id": mid, "limit": 500},
                            headers={"Authorization": f"Bearer {reader}"},
                        )
                        owned[mid] = [c["id"] for c in rows.json()]
                seen: dict[str, list[Sample]] = defaultdict(list)
                stop_at = time.monotonic() + SECONDS
                await asyncio.gather(*(_user(base, m, owned[m], stop_at, seen) for m in managers[:USERS]))
            finally:
                console.terminate()
                console.wait(15)
                customer.stop()
                staffing.stop()
    every = [r for rows in seen.values() for r in rows]
    overall = _summary(every)
    result = {
        "users": USERS,
        "customers": CUSTOMERS,
        "seconds": SECONDS,
        "think_seconds": THINK_SECONDS,
        "overall": overall,
        "pages": {kind: _summary(rows) for kind, rows in sorted(seen.items())},
        "targets": {"p95_ms": TARGET_P95_MS, "errors": 0, "ratio": TARGET_RATIO},
        "met": {
            "p95": overall["server_p95_ms"] < TARGET_P95_MS,
            "errors": overall["errors"] == 0,
            "ratio": overall["ratio_total_to_backend"] <= TARGET_RATIO,
        },
    }
    return save("console", result)
