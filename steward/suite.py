"""Run the whole suite locally: embedded broker, migrations, four service processes."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.migrations import upgrade
from steward.catalog import SERVICES, ServiceEntry
from steward.embedded_broker import EmbeddedBroker


@dataclass
class SuiteConfig:
    """Where the suite runs: host, ports, data folder, broker."""

    host: str = "127.0.0.1"
    broker_port: int = 9092
    ports: dict[str, int] = field(default_factory=lambda: {s.name: s.default_port for s in SERVICES})
    var_dir: Path = Path("var")
    embedded_broker: bool = True
    bootstrap_servers: str | None = None
    ready_timeout: float = 60.0
    with_risk_desk: bool = False

    def database_url(self, service: ServiceEntry) -> str:
        """The SQLite database of one service under the data folder."""
        return f"sqlite+aiosqlite:///{(self.var_dir / f'{service.name}.db').resolve()}"

    def kafka_address(self) -> str:
        """The bootstrap address the services are given."""
        return self.bootstrap_servers or f"{self.host}:{self.broker_port}"


class Suite:
    """Starts, watches and stops the local suite."""

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.broker: EmbeddedBroker | None = None
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def service_env(self, service: ServiceEntry) -> dict[str, str]:
        """Environment of one service process: its database, the broker, the dev profile."""
        p = service.env_prefix
        env = dict(os.environ)
        env.update(
            {
                f"{p}DATABASE_URL": self.config.database_url(service),
                f"{p}KAFKA__BOOTSTRAP_SERVERS": self.config.kafka_address(),
                f"{p}KAFKA__IDEMPOTENT_PRODUCER": "false" if self.config.embedded_broker else "true",
                f"{p}HTTP_PORT": str(self.config.ports[service.name]),
                f"{p}OUTBOX_POLL_SECONDS": env.get(f"{p}OUTBOX_POLL_SECONDS", "0.5"),
            }
        )
        return env

    def start(self, log: Callable[[str], None]) -> None:
        """Broker, migrations, then the four services; returns when every /readyz is 200."""
        self.config.var_dir.mkdir(parents=True, exist_ok=True)
        logs = self.config.var_dir / "logs"
        logs.mkdir(exist_ok=True)
        if self.config.embedded_broker:
            self.broker = EmbeddedBroker(self.config.host, self.config.broker_port, logs / "broker.log")
            self.broker.start()
            log(f"broker     {self.broker.bootstrap_servers} (embedded tansu, memory only)")
        for service in SERVICES:
            upgrade(service.migrations, self.config.database_url(service))
        for service in SERVICES:
            port = self.config.ports[service.name]
            out = (logs / f"{service.name}.log").open("ab")
            self.processes[service.name] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    service.app_factory,
                    "--host",
                    self.config.host,
                    "--port",
                    str(port),
                    "--no-access-log",
                ],
                env=self.service_env(service),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready()
        for service in SERVICES:
            url = f"http://{self.config.host}:{self.config.ports[service.name]}"
            log(f"{service.name:<10} {url}  (docs {url}/docs, events {url}/asyncapi)")
        if self.config.with_risk_desk:
            self.start_risk_desk(logs)
            log("risk-desk  decides customer.credit-recommendations on risk.credit-decisions")

    def start_risk_desk(self, logs: Path) -> None:
        """The simulated risk department (`steward risk-desk`) as one more process of the suite."""
        env = dict(os.environ)
        env["STEWARD_RISK_DESK_KAFKA__IDEMPOTENT_PRODUCER"] = (
            "false" if self.config.embedded_broker else "true"
        )
        self.processes["risk-desk"] = subprocess.Popen(
            [sys.executable, "-m", "steward", "risk-desk", "--kafka", self.config.kafka_address()],
            env=env,
            stdout=(logs / "risk-desk.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        """Poll every service's /readyz until all answer 200, or raise TimeoutError."""
        deadline = time.monotonic() + self.config.ready_timeout
        pending = {s.name for s in SERVICES}
        with httpx.Client(timeout=2.0) as client:
            while pending and time.monotonic() < deadline:
                for name in sorted(pending):
                    process = self.processes[name]
                    if process.poll() is not None:
                        raise RuntimeError(
                            f"{name} exited with {process.returncode}; see var/logs/{name}.log"
                        )
                    try:
                        url = f"http://{self.config.host}:{self.config.ports[name]}/readyz"
                        if client.get(url).status_code == 200:
                            pending.discard(name)
                    except httpx.HTTPError:
                        pass
                if pending:
                    time.sleep(0.3)
        if pending:
            raise TimeoutError(
                f"not ready after {self.config.ready_timeout:.0f}s: {', '.join(sorted(pending))}"
            )

    def watch(self) -> int:
        """Block until a signal or a service dies; return the exit code to use."""
        stop = {"signal": 0}

        def on_signal(signum: int, _frame: object) -> None:
            stop["signal"] = signum

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not stop["signal"]:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping the suite", file=sys.stderr)
                    return 1
            if self.broker is not None and not self.broker.running():
                print("the embedded broker exited; stopping the suite", file=sys.stderr)
                return 1
            time.sleep(0.3)
        return 0

    def stop(self) -> None:
        """Stop the services (SIGTERM, then kill after 15 s), then the broker."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        if self.broker is not None:
            self.broker.stop()
            self.broker = None
