"""Idle CPU of the four services and the embedded broker: fixed 500 ms fetch wait, fixed 15 ms, adaptive.

Customer, staffing, appraisal and audit run as processes (as `steward up` runs them) on PostgreSQL with
nothing to do; after they are ready and have joined their groups, each process's CPU time (user and
system, from /proc) is read over `WINDOW` seconds. The figure is the share of one core each takes.
"""

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from bench.common import pg_database, save, scale
from bench.procs import ServiceProcess, log_dir, wait_ready
from steward.embedded_broker import EmbeddedBroker, free_port

SERVICES = ("customer", "staffing", "appraisal", "audit")
WINDOW = scale(30, 5)
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


MODES: dict[str, tuple[int, int]] = {"fixed500": (500, 500), "fixed15": (15, 15), "adaptive": (15, 500)}


async def _idle(bootstrap: str, broker_pid: int, logs: Path, mode: str) -> dict[str, Any]:
    floor_ms, fetch_wait_ms = MODES[mode]
    urls: list[str] = []
    contexts = [pg_database(f"idle{mode}_{name}") for name in SERVICES]
    for context in contexts:
        urls.append(await context.__aenter__())
    wait = {"kafka__fetch_max_wait_ms": str(fetch_wait_ms), "kafka__fetch_min_wait_ms": str(floor_ms)}
    services = [
        ServiceProcess(name, url, bootstrap, logs, **wait) for name, url in zip(SERVICES, urls, strict=True)
    ]
    try:
        for service in services:
            await service.start()
        await wait_ready(services)
        await asyncio.sleep(10)  # group joins and first fetches settle
        pids = {s.entry.name: s.process.pid for s in services if s.process is not None}
        pids["broker"] = broker_pid
        before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
        started = time.monotonic()
        await asyncio.sleep(WINDOW)
        elapsed = time.monotonic() - started
        share = {
            name: round((_cpu_seconds(pid) - before[name]) / elapsed * 100, 1) for name, pid in pids.items()
        }
    finally:
        for service in services:
            service.stop()
        for context in reversed(contexts):
            await context.__aexit__(None, None, None)
    return {
        "mode": mode,
        "load_average": os.getloadavg(),
        "fetch_min_wait_ms": floor_ms,
        "fetch_max_wait_ms": fetch_wait_ms,
        "percent_of_a_core": share,
        "total": round(sum(share.values()), 1),
    }


async def main() -> dict[str, Any]:
    """Each mode on a fresh broker."""
    runs = []
    for wait in MODES:
        with log_dir() as logs, EmbeddedBroker("127.0.0.1", free_port()) as broker:
            pid = broker._process.pid if broker._process is not None else 0
            runs.append(await _idle(broker.bootstrap_servers, pid, logs, wait))
    return save("idle", {"window_s": WINDOW, "runs": runs})
