"""Integration fixtures: one service at a time, in-process, on a real broker and database."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypeVar

import httpx
import pytest

from shared.settings import ServiceSettings
from tests.conftest import KafkaTarget
from tests.support import (
    ORG,
    auth,
    envelope_bytes,
    eventually,
    make_settings,
    new_prefix,
    produce,
    read_all,
    running,
)

T = TypeVar("T")


@pytest.fixture
def prefix() -> str:
    """A topic prefix that keeps this test's topics apart from every other test's."""
    return new_prefix()


@pytest.fixture
def bootstrap(kafka: KafkaTarget) -> str:
    """The broker address."""
    return kafka.bootstrap_servers


@dataclass
class Service:
    """A running service under test: its HTTP client, settings and topics."""

    client: httpx.AsyncClient
    settings: ServiceSettings
    bootstrap: str
    prefix: str

    def as_(self, user: str, *roles: str, org: str = ORG) -> dict[str, str]:
        """Headers of a caller with roles."""
        return auth(self.settings, user, *roles, org=org)

    async def send(
        self, topic: str, event_type: str, key: str, payload: dict[str, Any], **envelope: Any
    ) -> None:
        """Publish an outside event on one of the test's topics (as `tests.harness.View.send` does)."""
        body = envelope_bytes(event_type, key, payload, **envelope)
        await produce(self.bootstrap, f"{self.prefix}{topic}", body, key=key.encode())

    async def send_raw(self, topic: str, key: str, value: bytes) -> None:
        """Publish raw bytes on one of the test's topics (as `tests.harness.View.send_raw` does)."""
        await produce(self.bootstrap, f"{self.prefix}{topic}", value, key=key.encode())

    async def until(self, check: Callable[[], Awaitable[T | None]], what: str = "") -> T:
        """Poll check until it holds (in-process, `View.until` settles and checks once)."""
        return await eventually(check, what=what)

    async def events(self, topic: str, event_type: str | None = None) -> list[dict[str, Any]]:
        """Envelopes on one of the test's topics so far (optionally of one type)."""
        records = await read_all(self.bootstrap, f"{self.prefix}{topic}")
        found = [json.loads(r.value) for r in records]
        return [e for e in found if event_type is None or e["event_type"] == event_type]

    async def wait_events(self, topic: str, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        """Poll until at least `count` events of a type are on the topic."""

        async def enough() -> list[dict[str, Any]] | None:
            found = await self.events(topic, event_type)
            return found if len(found) >= count else None

        return await eventually(enough, what=f"{count} {event_type} on {topic}")


@asynccontextmanager
async def serve(
    name: str, database_url: str, kafka: KafkaTarget, prefix: str, **extra: Any
) -> AsyncIterator[Service]:
    """One service of the catalog, migrated and running in-process on a fresh database."""
    from steward.catalog import entry

    item = entry(name)
    module = import_module(item.app_factory.split(":")[0])
    settings = make_settings(
        item.settings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
        **extra,
    )
    async with running(module.create_app(settings), item.migrations) as client:
        yield Service(client, settings, kafka.bootstrap_servers, prefix)


@pytest.fixture
async def staffing(database_url: str, kafka: KafkaTarget, prefix: str) -> AsyncIterator[Service]:
    """The staffing service (the expiry sweep off: tests run it by hand)."""
    async with serve("staffing", database_url, kafka, prefix, expiry_sweep_seconds=0) as service:
        yield service


@pytest.fixture
async def audit(database_url: str, kafka: KafkaTarget, prefix: str) -> AsyncIterator[Service]:
    """The audit service."""
    async with serve("audit", database_url, kafka, prefix) as service:
        yield service


@pytest.fixture
async def customer(database_url: str, kafka: KafkaTarget, prefix: str) -> AsyncIterator[Service]:
    """The customer service."""
    async with serve("customer", database_url, kafka, prefix) as service:
        yield service


@pytest.fixture
async def appraisal(database_url: str, kafka: KafkaTarget, prefix: str) -> AsyncIterator[Service]:
    """The appraisal service (automatic opening off: tests open cycles by hand)."""
    async with serve("appraisal", database_url, kafka, prefix, auto_open_check_seconds=0) as service:
        yield service
