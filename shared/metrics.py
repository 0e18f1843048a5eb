"""Prometheus metrics of one service, in a registry of its own."""

import contextlib
from typing import TYPE_CHECKING

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


class Metrics:
    """Request, event and outbox metrics exposed on /metrics."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        # CPU, memory, open files, GC: the process's own (one process per service in production).
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        self._pool_in_use = Gauge(
            "steward_db_pool_in_use",
            "Database connections checked out of the pool now",
            registry=self.registry,
        )
        labels = {"service": service}
        self.http_requests = Counter(
            "steward_http_requests",
            "HTTP requests served",
            ["method", "route", "status"],
            registry=self.registry,
        ).labels
        self.http_latency = Histogram(
            "steward_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
        ).labels
        self.events_consumed = Counter(
            "steward_events_consumed",
            "Events consumed, by outcome",
            ["consumer", "topic", "outcome"],
            registry=self.registry,
        ).labels
        self.events_published = Counter(
            "steward_events_published",
            "Events published from the outbox",
            ["topic"],
            registry=self.registry,
        ).labels
        self.events_dead_lettered = Counter(
            "steward_events_dead_lettered",
            "Messages sent to a dead-letter topic",
            ["consumer", "topic"],
            registry=self.registry,
        ).labels
        self.outbox_lag = Gauge(
            "steward_outbox_lag",
            "Outbox rows not yet published",
            list(labels),
            registry=self.registry,
        ).labels(**labels)
        self.outbox_oldest_seconds = Gauge(
            "steward_outbox_oldest_unpublished_seconds",
            "Age of the oldest unpublished outbox row",
            list(labels),
            registry=self.registry,
        ).labels(**labels)
        self.outbox_parked = Gauge(
            "steward_outbox_parked",
            "Outbox rows parked because they can never be published (see /admin/outbox)",
            list(labels),
            registry=self.registry,
        ).labels(**labels)
        self.outbox_parked_rows = Counter(
            "steward_outbox_parked_rows",
            "Outbox rows parked since the process started",
            list(labels),
            registry=self.registry,
        ).labels(**labels)
        self._consumer_lag = Gauge(
            "steward_consumer_lag",
            "Records past the committed offset, per consumer group and partition",
            ["group", "topic", "partition"],
            registry=self.registry,
        )
        self.consumer_lag = self._consumer_lag.labels

    def watch_pool(self, engine: "AsyncEngine | None") -> None:
        """Read the pool's checked-out connections at every scrape."""
        if engine is None:
            return
        pool = engine.sync_engine.pool
        checked_out = getattr(pool, "checkedout", None)
        if callable(checked_out):
            self._pool_in_use.set_function(lambda: float(checked_out()))

    def forget_consumer_lag(self, group: str, topic: str, partition: str) -> None:
        """Stop exporting the lag of a partition this process no longer holds (else summed twice)."""
        with contextlib.suppress(KeyError):
            self._consumer_lag.remove(group, topic, partition)
