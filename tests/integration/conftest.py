"""Integration fixtures: one service at a time, in-process, on a real broker and database."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shared.settings import ServiceSettings
from tests.conftest import KafkaTarget
from tests.support import ORG, auth, eventually, make_settings, new_prefix, read_all, running


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


@pytest.fixture
async def staffing(database_url: str, kafka: KafkaTarget, prefix: str) -> AsyncIterator[Service]:
    """The staffing service, migrated and running on a fresh database."""
    from services.staffing.app import MIGRATIONS, create_app
    from services.staffing.settings import StaffingSettings

    settings = make_settings(
        StaffingSettings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
        expiry_sweep_seconds=0,
    )
    async with running(create_app(settings), MIGRATIONS) as client:
        yield Service(client, settings, kafka.bootstrap_servers, prefix)


@pytest.fixture
async def audit(database_url: str, kafka: KafkaTarget, prefix: str) -> AsyncIterator[Service]:
    """The audit service, migrated and running on a fresh database."""
    from services.audit.app import MIGRATIONS, create_app
    from services.audit.settings import AuditSettings

    settings = make_settings(
        AuditSettings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )
    async with running(create_app(settings), MIGRATIONS) as client:
        yield Service(client, settings, kafka.bootstrap_servers, prefix)


@pytest.fixture
async def customer(database_url: str, kafka: KafkaTarget, prefix: str) -> AsyncIterator[Service]:
    """The customer service, migrated and running on a fresh database."""
    from services.customer.app import MIGRATIONS, create_app
    from services.customer.settings import CustomerSettings

    settings = make_settings(
        CustomerSettings,
        database_url=database_url,
        bootstrap=kafka.bootstrap_servers,
        idempotent=kafka.idempotent,
        prefix=prefix,
    )
    async with running(create_app(settings), MIGRATIONS) as client:
        yield Service(client, settings, kafka.bootstrap_servers, prefix)
