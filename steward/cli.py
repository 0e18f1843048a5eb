"""The `steward` command line."""

import os
import signal
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shared.migrations import upgrade
from steward.catalog import SERVICES, entry
from steward.contracts_export import contracts_app
from steward.demo.command import demo_command
from steward.embedded_broker import EmbeddedBroker
from steward.importer import import_app
from steward.risk_desk import risk_desk_command
from steward.suite import Suite, SuiteConfig
from steward.token import token

app = typer.Typer(
    help="Steward: the customer-manager system of a rural credit cooperative.", no_args_is_help=True
)
console = Console()
app.add_typer(contracts_app, name="contracts")
app.add_typer(import_app, name="import")
app.command("risk-desk")(risk_desk_command)
app.command("demo")(demo_command)
app.command("token")(token)


@app.command()
def up(
    host: Annotated[str, typer.Option(help="Loopback address to bind")] = "127.0.0.1",
    broker_port: Annotated[int, typer.Option(help="Embedded broker port")] = 9092,
    customer_port: int = 8001,
    staffing_port: int = 8002,
    appraisal_port: int = 8003,
    audit_port: int = 8004,
    console_port: Annotated[int, typer.Option(help="The Workbench (browser console)")] = 8000,
    with_console: Annotated[
        bool, typer.Option("--console/--no-console", help="Start the Workbench (browser console)")
    ] = True,
    var_dir: Annotated[Path, typer.Option(help="Databases and logs")] = Path("var"),
    kafka: Annotated[str | None, typer.Option(help="Use this Kafka instead of the embedded broker")] = None,
    ready_timeout: float = 60.0,
    with_risk_desk: Annotated[bool, typer.Option(help="Also run the simulated risk department")] = False,
) -> None:
    """Start the embedded broker and the four services; Ctrl-C or SIGTERM stops them all."""
    config = SuiteConfig(
        host=host,
        broker_port=broker_port,
        var_dir=var_dir,
        embedded_broker=kafka is None,
        bootstrap_servers=kafka,
        ready_timeout=ready_timeout,
        with_risk_desk=with_risk_desk,
        console_port=console_port if with_console else None,
        ports={
            "customer": customer_port,
            "staffing": staffing_port,
            "appraisal": appraisal_port,
            "audit": audit_port,
        },
    )
    suite = Suite(config)
    code = 0
    try:
        suite.start(console.print)
        if config.console_port is not None:
            console.print(
                f"[bold green]Steward is up.[/] Open http://{host}:{config.console_port} to sign in; "
                "or get a token: steward token --user hr-1 --role hr"
            )
        else:
            console.print("[bold green]Steward is up.[/] Get a token: steward token --user hr-1 --role hr")
        code = suite.watch()
    except (RuntimeError, TimeoutError) as exc:
        console.print(f"[bold red]start-up failed:[/] {exc}")
        code = 1
    except KeyboardInterrupt:
        code = 0
    finally:
        console.print("stopping...")
        suite.stop()
    raise typer.Exit(code)


@app.command()
def broker(
    host: str = "127.0.0.1",
    port: int = 9092,
) -> None:
    """Run the embedded Kafka-protocol broker alone, until Ctrl-C or SIGTERM."""
    embedded = EmbeddedBroker(host, port)
    embedded.start()
    console.print(
        f"embedded broker on {embedded.bootstrap_servers} (memory only: nothing survives a restart)"
    )
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        while not stop["now"] and embedded.running():
            time.sleep(0.3)
    except KeyboardInterrupt:
        pass
    finally:
        embedded.stop()


@app.command()
def migrate(
    service: Annotated[list[str] | None, typer.Option(help="Only these services")] = None,
) -> None:
    """Apply each service's migrations to its configured database (STEWARD_<SERVICE>_DATABASE_URL)."""
    chosen = [entry(s) for s in service] if service else list(SERVICES)
    for item in chosen:
        url = item.settings().database_url
        if url.startswith("sqlite") and ":///./" in url:
            Path("var").mkdir(exist_ok=True)
        upgrade(item.migrations, url)
        console.print(f"{item.name}: migrated ({_redact(url)})")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point of the `steward` script."""
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
