"""Benchmark 5: `GET /customers/{id}` of the customer service (PostgreSQL, one uvicorn process).

Paced: 200 requests/s for 30 s, open loop (each request's latency counts from when it was due, so
a stall is not hidden), against the service and then the same work done by hand
(`bench/samework_app.py`: FastAPI + asyncpg, the same token check, row and assignments); target p99
under 15 ms. Full load: 8 keep-alive connections as fast as they go, 10 s per app per round, three
rounds with the three apps alternated (the service, the same work by hand, a bare FastAPI endpoint
returning a customer-sized JSON body from memory), all running at once in the same kind of uvicorn
process; the ratios are the medians of each round's. Target: the service reaches 0.7 of the same-work
rate. The service runs at its shipped log level (INFO: one `steward.access` line per request) and
records each read in its access log, as it does in production.
The load generator is a minimal keep-alive HTTP/1.1 client on raw sockets, so that it costs the
two shared cores little next to the servers it measures.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import ORG, SECRET, customer_id, pg_database, save, scale, seed_customers, summary_ms
from bench.procs import ServiceProcess, log_dir, wait_ready
from steward.embedded_broker import EmbeddedBroker, free_port

RATE = 200
PACED_SECONDS = scale(30, 5)
FULL_SECONDS = scale(10, 3)
CONNECTIONS = 8
PACED_CONNECTIONS = 16
# One database connection per concurrent request: a smaller pool would open and close its overflow
# connections on every request (a PostgreSQL backend and a TLS attempt each), which is what the
# first run of this benchmark measured.
POOL_SIZE = PACED_CONNECTIONS
TARGET_P99_MS = 15
TARGET_RATIO = 0.5
TARGET_SAME_WORK = 0.7  # of bench/samework_app.py: token, row and assignments by hand (issue 20)


class Connection:
    """One keep-alive HTTP/1.1 connection; GET only."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """Send one GET and read the whole response; return the status code."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.extra}\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        """Close the socket."""
        if self.writer is not None:
            self.writer.close()


async def _paced(port: int, path: str, headers: dict[str, str]) -> list[float]:
    pool = [Connection(port, headers) for _ in range(PACED_CONNECTIONS)]
    free: asyncio.Queue[Connection] = asyncio.Queue()
    for conn in pool:
        free.put_nowait(conn)
    latencies: list[float] = []

    async def one(due: float) -> None:
        conn = await free.get()
        try:
            status = await conn.get(path)
            assert status == 200, status
            latencies.append(time.perf_counter() - due)
        finally:
            free.put_nowait(conn)

    started = time.perf_counter()
    tasks = []
    for i in range(RATE * PACED_SECONDS):
        due = started + i / RATE
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    for conn in pool:
        conn.close()
    return latencies


async def _full_load(port: int, path: str, headers: dict[str, str]) -> float:
    done = 0
    stop_at = time.perf_counter() + FULL_SECONDS

    async def worker() -> None:
        nonlocal done
        conn = Connection(port, headers)
        try:
            while time.perf_counter() < stop_at:
                assert await conn.get(path) == 200
                done += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return done / (time.perf_counter() - started)


async def _warm(port: int, path: str, headers: dict[str, str]) -> None:
    conn = Connection(port, headers)
    for _ in range(200):
        assert await conn.get(path) == 200
    conn.close()


UVICORN = (sys.executable, "-m", "uvicorn")
QUIET = ("--no-access-log", "--log-level", "warning")
ROUNDS = scale(3, 1)


@contextmanager
def _other(logs: Path, app: str, env: dict[str, str]) -> Iterator[int]:
    """Another app in a uvicorn process like the service's; yields its port."""
    port = free_port()
    with (logs / f"{app.split(':')[0]}.log").open("ab") as out:
        process = subprocess.Popen(
            [*UVICORN, app, "--host", "127.0.0.1", "--port", str(port), *QUIET],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
        try:
            yield port
        finally:
            process.terminate()
            process.wait(10)


def _probe(port: int, headers: dict[str, str], path: str) -> Callable[[], Awaitable[int]]:
    """A readiness probe: one GET of path on a fresh connection each time it is called."""
    return lambda: Connection(port, headers).get(path)


async def _until_up(probe: Callable[[], Awaitable[int]]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if await probe() == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("app did not start")
        await asyncio.sleep(0.2)


async def _alternated(ports: dict[str, int], path: str, headers: dict[str, str]) -> dict[str, list[float]]:
    """Full-load rounds of every app in turn (the order rotating each round), so load drifts hit all."""
    rates: dict[str, list[float]] = {name: [] for name in ports}
    order = list(ports)
    for _ in range(ROUNDS):
        for name in order:
            rates[name].append(await _full_load(ports[name], path, headers))
        order = order[1:] + order[:1]
    return rates


async def main() -> dict[str, object]:
    """Paced GETs of the service and of the same work by hand; full load of the three apps, alternated."""
    with log_dir() as logs, EmbeddedBroker("127.0.0.1", free_port()) as broker:
        async with pg_database("http") as url:
            await seed_customers(url, 1_000)
            # the shipped log level: the request's `steward.access` line is part of the budget
            service = ServiceProcess(
                "customer",
                url,
                broker.bootstrap_servers,
                logs,
                database_pool_size=str(POOL_SIZE),
                log_level="INFO",
            )
            same_env = {
                "SAMEWORK_DATABASE_URL": url.replace("postgresql+asyncpg://", "postgresql://"),
                "SAMEWORK_JWT_SECRET": SECRET,
                "SAMEWORK_POOL_SIZE": str(POOL_SIZE),
            }
            try:
                await service.start()
                await wait_ready([service])
                headers = {"Authorization": f"Bearer {service.token('sup-bench', 'supervisor', org=ORG)}"}
                path = f"/customers/{customer_id(1)}"
                with (
                    _other(logs, "bench.samework_app:app", same_env) as same_port,
                    _other(logs, "bench.bare_app:app", {}) as bare_port,
                ):
                    ports = {"service": service.port, "same_work": same_port, "bare": bare_port}
                    for port in ports.values():
                        await _until_up(_probe(port, headers, path))
                        await _warm(port, path, headers)
                    loads = [os.getloadavg()[0]]
                    paced = await _paced(service.port, path, headers)
                    same_paced = await _paced(same_port, path, headers)
                    loads.append(os.getloadavg()[0])
                    rates = await _alternated(ports, path, headers)
                    loads.append(os.getloadavg()[0])
            finally:
                service.stop()
    latency = summary_ms(paced)
    medians = {name: statistics.median(r) for name, r in rates.items()}
    rounds = list(zip(rates["service"], rates["same_work"], rates["bare"], strict=True))
    same_ratio = statistics.median(s / w for s, w, _ in rounds)
    bare_ratio = statistics.median(s / b for s, _, b in rounds)
    return save(
        "http_get",
        {
            "database_pool_size": POOL_SIZE,
            "service_log_level": "INFO",
            "paced": {"rate_per_s": RATE, "seconds": PACED_SECONDS, "requests": len(paced), **latency},
            "full_load": {
                "connections": CONNECTIONS,
                "seconds_per_round": FULL_SECONDS,
                "rounds": [[round(x) for x in r] for r in rounds],
                "service_req_per_s": round(medians["service"]),
                "bare_fastapi_req_per_s": round(medians["bare"]),
                "service_over_bare": round(bare_ratio, 2),
                "same_work_req_per_s": round(medians["same_work"]),
                "service_over_same_work": round(same_ratio, 2),
            },
            "same_work_paced": summary_ms(same_paced),
            "load_average_1min": {"start": loads[0], "after_paced": loads[1], "end": loads[2]},
            "target": f"p99 < {TARGET_P99_MS} ms at {RATE}/s; full load >= {TARGET_SAME_WORK} of same-work",
            "met": latency["p99_ms"] < TARGET_P99_MS and same_ratio >= TARGET_SAME_WORK,
        },
    )
