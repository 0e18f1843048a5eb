"""`steward demo`: a year of a cooperative played against a running suite."""

import asyncio
from enum import StrEnum
from typing import Annotated

import httpx
import typer
from aiokafka.errors import KafkaError
from rich.console import Console

from steward.demo.client import ApiError
from steward.demo.runner import DemoConfig, run_demo
from steward.demo.seed import DemoError


class DeskMode(StrEnum):
    """Whether the demo runs the simulated risk department itself."""

    AUTO = "auto"
    START = "start"
    EXTERNAL = "external"


def demo_command(
    managers: Annotated[int, typer.Option(min=8, max=500, help="CMs, over three grades")] = 40,
    customers: Annotated[int, typer.Option(min=32, max=20_000, help="Customers of every kind")] = 2000,
    seed: Annotated[int, typer.Option(help="The same seed plays the same year")] = 2025,
    year: Annotated[int | None, typer.Option(help="The year to play (default: last year)")] = None,
    org: Annotated[str, typer.Option(help="Cooperative (org_id); it must have no CMs yet")] = "rcc-demo",
    customer_url: str = "http://127.0.0.1:8001",
    staffing_url: str = "http://127.0.0.1:8002",
    appraisal_url: str = "http://127.0.0.1:8003",
    audit_url: str = "http://127.0.0.1:8004",
    kafka: Annotated[
        str, typer.Option(help="Bootstrap servers, for core banking's messages")
    ] = "127.0.0.1:9092",
    topic_prefix: Annotated[str, typer.Option(help="As the services' KAFKA__TOPIC_PREFIX")] = "",
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="API calls in flight")] = 8,
    risk_desk: Annotated[
        DeskMode, typer.Option(help="auto: run the simulated risk desk unless one is already consuming")
    ] = DeskMode.AUTO,
    wait: Annotated[float, typer.Option(min=5, help="Seconds to wait for the suite at each step")] = 300.0,
) -> None:
    """Seed a cooperative and play a year: visits, credit, core banking, a departure, the appraisal."""
    console = Console()
    config = DemoConfig(
        urls={
            "customer": customer_url,
            "staffing": staffing_url,
            "appraisal": appraisal_url,
            "audit": audit_url,
        },
        kafka=kafka,
        topic_prefix=topic_prefix,
        org=org,
        seed=seed,
        managers=managers,
        customers=customers,
        year=year,
        concurrency=concurrency,
        risk_desk=risk_desk.value,
        wait=wait,
    )
    try:
        asyncio.run(run_demo(config, console))
    except (DemoError, ApiError, TimeoutError, ValueError, KafkaError, httpx.HTTPError) as exc:
        console.print(f"[bold red]the demo stopped:[/] {exc}")
        raise typer.Exit(1) from exc
