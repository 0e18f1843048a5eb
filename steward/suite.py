"""Run the whole suite locally: embedded broker, migrations, four service processes."""

import errno
import os
import signal
import socket
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
from steward.issuer import ISSUER_FILE, LocalIssuer


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
    console_port: int | None = 8000

    def taken_ports(self) -> list[tuple[str, int]]:
        """The ports the suite needs that something else already listens on."""
        wanted = [(name, port) for name, port in self.ports.items()]
        if self.embedded_broker:
            wanted.insert(0, ("broker", self.broker_port))
        if self.console_port is not None:
            wanted.append(("console", self.console_port))
        return [(name, port) for name, port in wanted if port_taken(self.host, port)]

    def database_url(self, service: ServiceEntry) -> str:
        """The SQLite database of one service under the data folder."""
        return f"sqlite+aiosqlite:///{(self.var_dir / f'{service.name}.db').resolve()}"

    def kafka_address(self) -> str:
        """The bootstrap address the services are given."""
        return self.bootstrap_servers or f"{self.host}:{self.broker_port}"


def port_taken(host: str, port: int) -> bool:
    """True if binding the port fails because it is in use."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


CONSOLE_FACTORY = "services.console.app:app"


class Suite:
    """Starts, watches and stops the local suite."""

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.broker: EmbeddedBroker | None = None
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.issuer: LocalIssuer | None = None

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
        if self.issuer is not None:  # verified through discovery and JWKS, as in production (ADR 0007)
            env[f"{p}OIDC_ISSUER"] = self.issuer.url
        return env

    def start(self, log: Callable[[str], None]) -> None:
        """Broker, migrations, the four services, then the console; returns when every /readyz is 200."""
        taken = self.config.taken_ports()
        if taken:
            listed = ", ".join(f"{name} {self.config.host}:{port}" for name, port in taken)
            raise RuntimeError(
                f"port already in use: {listed}. Stop what listens there (another `steward up`?) "
                "or choose other ports (--broker-port, --customer-port, ..., --console-port)."
            )
        self.config.var_dir.mkdir(parents=True, exist_ok=True)
        logs = self.config.var_dir / "logs"
        logs.mkdir(exist_ok=True)
        if self.config.embedded_broker:
            self.broker = EmbeddedBroker(self.config.host, self.config.broker_port, logs / "broker.log")
            self.broker.start()
            log(f"broker     {self.broker.bootstrap_servers} (embedded tansu, memory only)")
        self.issuer = LocalIssuer(self.config.host).start()
        self.issuer.advertise(self.config.var_dir)
        log(f"issuer     {self.issuer.url}  (local token issuer: steward token asks it)")
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
        if self.config.console_port is not None:
            self.start_console(logs)  # it needs no service to start: it starts alongside them
        self.wait_ready()
        for service in SERVICES:
            url = f"http://{self.config.host}:{self.config.ports[service.name]}"
            log(f"{service.name:<10} {url}  (docs {url}/docs, events {url}/asyncapi)")
        if self.config.console_port is not None:
            self.wait_ready(("console",), {"console": self.config.console_port})
            url = f"http://{self.config.host}:{self.config.console_port}"
            log(f"console    {url}  (the Workbench: sign in there)")
        if self.config.with_risk_desk:
            self.start_risk_desk(logs)
            log("risk-desk  decides customer.credit-recommendations on risk.credit-decisions")

    def console_env(self) -> dict[str, str]:
        """Environment of the console: where each service answers."""
        env = dict(os.environ)
        for service in SERVICES:
            url = f"http://{self.config.host}:{self.config.ports[service.name]}"
            env[f"STEWARD_CONSOLE_{service.name.upper()}_URL"] = url
        return env

    def start_console(self, logs: Path) -> None:
        """The Workbench (services/console) as one more process."""
        port = str(self.config.console_port)
        bind = ["--host", self.config.host, "--port", port, "--no-access-log"]
        self.processes["console"] = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", CONSOLE_FACTORY, *bind],
            env=self.console_env(),
            stdout=(logs / "console.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

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

    def wait_ready(self, names: tuple[str, ...] | None = None, ports: dict[str, int] | None = None) -> None:
        """Poll every service's /readyz until all answer 200, or raise TimeoutError."""
        deadline = time.monotonic() + self.config.ready_timeout
        pending = set(names or (s.name for s in SERVICES))
        ports = ports or self.config.ports
        with httpx.Client(timeout=2.0) as client:
            while pending and time.monotonic() < deadline:
                for name in sorted(pending):
                    process = self.processes[name]
                    if process.poll() is not None:
                        raise RuntimeError(
                            f"{name} exited with {process.returncode}; see var/logs/{name}.log"
                        )
                    try:
                        url = f"http://{self.config.host}:{ports[name]}/readyz"
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
        if self.issuer is not None:
            self.issuer.stop()
            self.issuer = None
            (self.config.var_dir / ISSUER_FILE).unlink(missing_ok=True)
        if self.broker is not None:
            self.broker.stop()
            self.broker = None
