"""`steward demo`'s run: plan the cooperative from the seed, then seed it and play its year phase by phase."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.customer.settings import CustomerSettings
from shared.timeutil import utcnow
from steward.catalog import SERVICES
from steward.demo import activity, closing, seed, summary, year
from steward.demo.client import AUDITOR, HR, Api, settle
from steward.demo.corebanking import CoreBanking, LocalDesk, desk_running
from steward.demo.plan import Cooperative, CustomerPlan, ManagerPlan, grades_from_ladder, plan_cooperative
from steward.demo.seed import DemoError, Whose
from steward.importer import ClientKafkaSettings

THRESHOLD: Decimal = CustomerSettings.model_fields["senior_risk_threshold"].default


@dataclass
class DemoConfig:
    """Where the suite is and how big a cooperative to play."""

    urls: dict[str, str] = field(
        default_factory=lambda: {s.name: f"http://127.0.0.1:{s.default_port}" for s in SERVICES}
    )
    kafka: str = "127.0.0.1:9092"
    topic_prefix: str = ""
    org: str = "rcc-demo"
    seed: int = 2025
    managers: int = 40
    customers: int = 2000
    year: int | None = None
    concurrency: int = 8
    risk_desk: str = "auto"
    wait: float = 300.0


class Phases:
    """Progress bars per phase (rich), and how long each phase took."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    def bar(self, name: str, total: int) -> Callable[[int], None]:
        """A bar for a phase; the returned function advances it."""
        if self.progress is None:
            return lambda _n: None
        task = self.progress.add_task(name, total=max(total, 1))
        progress = self.progress
        return lambda n: progress.advance(task, n)

    async def run(self, name: str, work: Any) -> Any:
        """Await one phase and record its duration."""
        start = time.monotonic()
        try:
            return await work
        finally:
            self.timings[name] = round(time.monotonic() - start, 1)


async def _prepare(api: Api, config: DemoConfig, year_: int) -> Cooperative:
    if year_ >= utcnow().date().year:
        raise DemoError(f"the demo plays a year that has ended (R-A1 appraises a past year), not {year_}")
    missing = await api.ready()
    if missing:
        raise DemoError(f"not ready: {', '.join(missing)}; start the suite with `steward up` first")
    if await api.get("staffing", "/managers", HR, limit=1):
        raise DemoError(
            f"cooperative {config.org} already has CMs; pass --org with a new name, or a fresh suite"
        )
    ladder = await api.get("staffing", "/ladder", HR, on=f"{year_}-12-31")
    coop = plan_cooperative(
        config.seed, config.managers, config.customers, grades_from_ladder(ladder), THRESHOLD
    )
    activity.plan_profits(coop)
    return coop


def _leaving(m: ManagerPlan) -> bool:
    return m.story == "departing"


def _staying(m: ManagerPlan) -> bool:
    return m.story != "departing"


class Year:
    """The year's work, for the CMs chosen; the counts add up over the calls."""

    def __init__(self, api: Api, coop: Cooperative, year_: int, today: date, phases: Phases) -> None:
        self.api, self.coop, self.year, self.today = api, coop, year_, today
        self.visits = phases.bar(
            "visits", sum(len(activity.visits(c, year_, today, coop.seed)) for c in coop.customers)
        )
        managers = enumerate(coop.managers.values())
        self.costs = phases.bar(
            "expenses", sum(len(activity.expenses(m, i, year_, coop.seed)) for i, m in managers)
        )
        self.days = phases.bar("daily reports", len(coop.managers))
        self.counts: dict[str, int] = {"in_person": 0, "phone": 0, "expenses": 0, "daily_reports": 0}

    async def work(self, whose: Whose) -> None:
        """Visits, expenses and today's daily reports of the chosen CMs."""
        visits, expenses, reports = await asyncio.gather(
            year.file_visits(self.api, self.coop, self.year, self.today, self.visits, whose),
            year.record_expenses(self.api, self.coop, self.year, self.costs, whose),
            year.daily_reports(self.api, self.coop, self.today, self.days, whose),
        )
        for key, n in (*visits.items(), ("expenses", expenses), ("daily_reports", reports)):
            self.counts[key] += n


async def _play(
    api: Api, coop: Cooperative, config: DemoConfig, kafka: ClientKafkaSettings, phases: Phases
) -> dict[str, Any]:
    """The CM who leaves has their customers and their year first, so that audit reviews the departure
    while the rest of the cooperative is seeded and works through the year."""
    today = utcnow().date()
    year_ = config.year or today.year - 1
    out: dict[str, Any] = {"org": config.org, "year": year_, "seed": config.seed, "refusals": {}}
    staff = phases.bar("CMs and teams", len(coop.managers) + len(coop.teams))
    await phases.run("CMs and teams", seed.onboard(api, coop, year_, lambda: staff(1)))
    await seed.known_to_customer_service(api, coop, config.wait)
    work = Year(api, coop, year_, today, phases)
    events = sum(
        len(activity.postings(c, year_, coop.seed)) + len(activity.balances(c, year_, coop.seed))
        for c in coop.customers
    )
    bank = CoreBanking(year_, coop.seed, config.org, kafka, phases.bar("core banking", events))
    bar = phases.bar("customers", len(coop.customers))

    def opened(c: CustomerPlan) -> None:
        bar(1)
        bank.add(c)  # core banking knows the customer from now on: its year is published at once

    await bank.start()
    departure: asyncio.Future[Any] | None = None
    side = api.lane(2)  # audit's review of the departure goes on beside the year's bulk
    try:
        await seed.refuse_one_manager(api, coop, out["refusals"])
        await seed.open_customers(api, coop, opened, config.wait, _leaving)
        await work.work(_leaving)
        await closing.ask_to_leave(api, coop, today)  # before the rest: audit gets the portfolio early
        departure = asyncio.ensure_future(
            phases.run("departure", closing.depart(side, coop, out, config.wait))
        )
        await phases.run("customers", seed.open_customers(api, coop, opened, config.wait, _staying))
        await seed.refuse_before_promotion(api, coop, out["refusals"])
        published = await bank.finish()
        await phases.run("year", work.work(_staying))
        credit = phases.bar("credit", len(activity.recommendations(coop)))
        out["credit"] = await phases.run("credit", year.credit(api, coop, credit, config.wait))
        await departure
    finally:
        for task in (bank.task, departure):
            if task is not None and not task.done():
                task.cancel()
            elif task is not None and not task.cancelled():
                task.exception()  # retrieved here; raised above when it mattered
        await side.aclose()
        api.calls += side.calls
    out["published"] = {
        "postings": published.postings,
        "balances": published.balances,
        "total_profit": str(Decimal(published.total_profit) / 100),
    }
    out["visits"] = {k: work.counts[k] for k in ("in_person", "phone")}
    out["expenses"], out["daily_reports"] = work.counts["expenses"], work.counts["daily_reports"]
    await phases.run("appraisal", closing.appraise(api, coop, year_, published, out, phases.bar, config.wait))
    await phases.run("grades", closing.confirm_grades(api, coop, year_, out, config.wait))
    await phases.run("promotion", closing.lead_after_promotion(api, coop, out, config.wait))
    try:  # audit reads every topic into its journal: it is the last to catch up
        await phases.run("settle", settle(api, config.wait))
    except TimeoutError as exc:
        out["note"] = f"{exc}; audit's findings may still change"
    out["sweep"] = await api.post("audit", "/compliance/sweep", AUDITOR)
    spot = {
        "kind": "random",
        "population": "customers",
        "sample_size": 10,
        "strata": "branch",
        "seed": coop.seed,
    }
    out["spot_check"] = (await api.post("audit", "/spot-checks", AUDITOR, spot))["id"]
    return out


async def run_demo(config: DemoConfig, console: Console | None = None) -> tuple[Cooperative, dict[str, Any]]:
    """Seed the cooperative and play its year against a running suite; print progress and the summary."""
    api = Api(config.urls, config.org, config.concurrency)
    kafka = ClientKafkaSettings(bootstrap_servers=config.kafka, topic_prefix=config.topic_prefix)
    desk: LocalDesk | None = None
    started = time.monotonic()
    try:
        coop = await _prepare(api, config, config.year or utcnow().date().year - 1)
        if config.risk_desk == "start" or (config.risk_desk == "auto" and not await desk_running(kafka)):
            desk = LocalDesk(kafka)
            desk.start()
        progress = (
            None
            if console is None
            else Progress(
                TextColumn("{task.description:>14}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            )
        )
        phases = Phases(progress)
        if progress is not None:
            with progress:
                out = await _play(api, coop, config, kafka, phases)
        else:
            out = await _play(api, coop, config, kafka, phases)
        out["risk_desk"] = "started by the demo" if desk else "already running"
        out["summary"] = await summary.gather(api, coop, out)
        out["timings"] = {**phases.timings, "total": round(time.monotonic() - started, 1)}
        out["calls"] = api.calls
        if console is not None:
            summary.show(console, api, coop, out, out["summary"])
            phases_text = ", ".join(f"{k} {v:.0f}s" for k, v in out["timings"].items() if k != "total")
            console.print(
                f"played in {out['timings']['total']:.0f}s with {api.calls} API calls ({phases_text}); "
                f"risk desk {out['risk_desk']}"
            )
        return coop, out
    finally:
        if desk is not None:
            await desk.stop()
        await api.aclose()
