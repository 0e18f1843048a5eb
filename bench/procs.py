"""Service processes for the benchmarks: each service as `steward up` runs it, on a database of its own."""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.common import SECRET
from shared.auth import issue_token
from shared.migrations import upgrade_async
from steward.catalog import ServiceEntry, entry
from steward.embedded_broker import free_port

PREFIX = "bench."


class ServiceProcess:
    """One service as a uvicorn process on a loopback port."""

    def __init__(self, name: str, database_url: str, bootstrap: str, log_dir: Path, **env: str) -> None:
        self.entry: ServiceEntry = entry(name)
        self.port = free_port()
        self.database_url = database_url
        self.url = f"http://127.0.0.1:{self.port}"
        p = self.entry.env_prefix
        self.env = dict(os.environ)
        self.env.update(
            {
                f"{p}PROFILE": "test",
                f"{p}DATABASE_URL": database_url,
                f"{p}JWT_SECRET": SECRET,
                f"{p}KAFKA__BOOTSTRAP_SERVERS": bootstrap,
                f"{p}KAFKA__IDEMPOTENT_PRODUCER": "false",
                f"{p}KAFKA__TOPIC_PREFIX": PREFIX,
                f"{p}LOG_LEVEL": "WARNING",
                **{f"{p}{k.upper()}": v for k, v in env.items()},
            }
        )
        self._log = (log_dir / f"{name}.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        """Migrate its database and start it."""
        await upgrade_async(self.entry.migrations, self.database_url)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                self.entry.app_factory,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def token(self, user: str, *roles: str, org: str) -> str:
        """A bearer token this service accepts."""
        settings = self.entry.settings(profile="test", jwt_secret=SECRET)
        return issue_token(settings, user_id=user, roles=roles, org_id=org)

    def stop(self) -> None:
        """Stop it (terminate, then kill)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


async def wait_ready(services: list[ServiceProcess], timeout: float = 90.0) -> None:
    """Until every service's /readyz answers 200."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=3.0) as client:
        for service in services:
            while True:
                try:
                    if (await client.get(f"{service.url}/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{service.entry.name} not ready")
                await asyncio.sleep(0.2)


@contextmanager
def log_dir() -> Iterator[Path]:
    """A temporary folder for service logs (kept under bench/results/logs when STEWARD_BENCH_KEEP_LOGS)."""
    if os.environ.get("STEWARD_BENCH_KEEP_LOGS"):
        folder = Path(__file__).parent / "results" / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory() as temporary:
        yield Path(temporary)
