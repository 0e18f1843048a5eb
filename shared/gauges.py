"""Gauges read from the database on a timer: dead letters open, and each service's business gauges.

A service lists its business gauges in `services/<name>/gauges.py` (`GAUGES`): one grouped SQL query
each, whose columns are the labels then the value. A refresh costs one query per gauge every
`interval` seconds, whatever the scrape rate; a failing query is logged and its gauge keeps its values.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.every import every
from shared.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BusinessGauge:
    """One gauge: its name, help, label names and the query giving (labels..., value) rows.

    With `age` the value column is a timestamp and the gauge holds its age in seconds.
    """

    name: str
    help: str
    labels: tuple[str, ...]
    query: str
    age: bool = False


# Dead letters still open, by topic and the kind of reason (the reason itself is free text).
DEAD_LETTERS_OPEN = BusinessGauge(
    "steward_dead_letters_open",
    "Dead letters not yet replayed or discarded, by topic and kind of reason",
    ("topic", "reason"),
    """
    SELECT topic,
           CASE
             WHEN reason LIKE 'unexpected %' THEN 'unexpected'
             WHEN reason LIKE 'transient failure persisted%' THEN 'transient'
             WHEN reason LIKE 'failed after %' THEN 'handler_failed'
             WHEN reason LIKE 'no contract%' OR reason LIKE '%schema_version%' THEN 'contract'
             WHEN reason LIKE 'invalid %' OR reason LIKE 'unreadable %' THEN 'invalid'
             ELSE 'rejected'
           END AS kind,
           COUNT(*)
    FROM dead_letters WHERE status = 'open' GROUP BY topic, kind
    """,
)


def service_gauges(service: str) -> tuple[BusinessGauge, ...]:
    """The service's business gauges (none when it has no `gauges` module)."""
    try:
        module = import_module(f"services.{service}.gauges")
    except ModuleNotFoundError as exc:
        if exc.name == f"services.{service}.gauges":
            return ()
        raise
    found: tuple[BusinessGauge, ...] = module.GAUGES
    return found


class Probed(Protocol):
    """The readiness checks of a running service (shared.runtime.Runtime)."""

    async def database_ready(self) -> tuple[bool, str]: ...

    async def broker_ready(self) -> tuple[bool, str]: ...

    def consumers_ready(self) -> tuple[bool, str]: ...


class DatabaseGauges:
    """Holds the gauges in the service's registry and refreshes them from its database."""

    def __init__(self, registry: CollectorRegistry, specs: Sequence[BusinessGauge]) -> None:
        self.specs = tuple(specs)
        self._gauges = {
            spec.name: Gauge(spec.name, spec.help, list(spec.labels), registry=registry)
            for spec in self.specs
        }
        self._ready = Gauge(
            "steward_ready",
            "1 when the check /readyz?deep=1 makes passes (database, broker, consumers), else 0",
            ["check"],
            registry=registry,
        )
        self.last_error: str | None = None

    async def probe(self, runtime: Probed) -> None:
        """Record what readiness would answer now, so that Prometheus can alert on it."""
        database, _ = await runtime.database_ready()
        broker, _ = await runtime.broker_ready()
        consumers, _ = runtime.consumers_ready()
        for check, ok in (("database", database), ("broker", broker), ("consumers", consumers)):
            self._ready.labels(check).set(1.0 if ok else 0.0)

    async def refresh(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        """Run every query once and replace each gauge's values with what it returned."""
        now = utcnow()
        async with session_factory() as session:
            for spec in self.specs:
                try:
                    rows = (await session.execute(text(spec.query))).all()
                except Exception as exc:  # one broken query must not hide the others
                    self.last_error = f"{spec.name}: {type(exc).__name__}: {exc}"
                    log.warning("gauge refresh failed: %s", self.last_error)
                    await session.rollback()
                    continue
                gauge = self._gauges[spec.name]
                gauge.clear()
                for row in rows:
                    *labels, value = row
                    number = _age(value, now) if spec.age else float(value or 0)
                    gauge.labels(*(str(label) for label in labels)).set(number)

    async def run(
        self, runtime: Probed, session_factory: async_sessionmaker[AsyncSession], interval: float
    ) -> None:
        """Probe readiness and refresh the gauges every `interval` seconds until cancelled."""

        async def once() -> None:
            await self.probe(runtime)
            await self.refresh(session_factory)

        # the database may be down: readiness already says so
        await every(interval, once, what="gauge refresh", log=log, level=logging.DEBUG)


def _age(value: Any, now: datetime) -> float:
    """Seconds since a timestamp read raw (a datetime, or ISO text from SQLite); 0 when none."""
    if value is None:
        return 0.0
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (now - when).total_seconds())
