"""The whole system in one process, no broker: services on SQLite, outboxes pumped into consumers.

Each service runs its real app (HTTP API, lifespan, database, units of work) with its Kafka consumers off.
`pump` reads every service's unpublished outbox rows through the real outbox relay (`OutboxRelay`, with a
sender that keeps the records instead of sending them) and hands each record to every consumer of its
topic in the system: the same `EventConsumer.process` / `BatchEventConsumer.process_batch` the Kafka
subscribers call. `settle` pumps until nothing moves. Order is deterministic: outside events first, then
the services in a fixed order, each outbox in id order, each record to the consumers in a fixed order.

    async with start_system(tmp_path) as system:
        await system["staffing"].client.post("/managers/m-1/departure", headers=system.as_("hr-1", "hr"))
        await system.settle()
        audits = await system["audit"].client.get("/departure-audits", headers=system.as_("aud-1", "auditor"))

The "single-process runner that tests the whole system in a second" of event-sourcing frameworks: rule
tests that cross services run here; the real broker stays for reliability, fault, batch and scale-out
tests and the end-to-end smoke.
"""

import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from shared.batch import BatchEventConsumer
from shared.consumer import EventConsumer, Outcome, Received, TransientFailure
from shared.outbox import OutboundRecord, OutboxRelay
from shared.runtime import Runtime
from shared.settings import ServiceSettings
from steward.embedded_broker import free_port
from tests import pgpool
from tests.inprocess import QUIET, SERVICES, Offline, build_app, migrations, settings_class
from tests.support import ORG, envelope_bytes, make_settings, new_prefix, running

T = TypeVar("T")
# No Kafka consumers (the pump delivers), no periodic refresh of the business gauges (no rule reads them).
HARNESS: dict[str, Any] = {"start_consumers": False, "business_gauge_seconds": 0}
# A record a consumer keeps refusing for a transient reason is redelivered at most this many times.
REDELIVERIES = 10


@dataclass(frozen=True)
class Carried:
    """One record the pump carried: where it came from, its topic and its envelope."""

    source: str
    topic: str
    key: str
    envelope: dict[str, Any]
    outcomes: dict[str, Outcome | None]

    @property
    def event_type(self) -> str:
        """The envelope's event type."""
        return str(self.envelope["event_type"])


class _Keeper:
    """An outbox relay sender that keeps what it is given (the pump delivers it)."""

    def __init__(self) -> None:
        self.records: list[OutboundRecord] = []

    async def send_all(self, records: Sequence[OutboundRecord]) -> None:
        self.records.extend(records)


@dataclass
class _Member:
    """One service of the system and the relay that reads its outbox."""

    service: Offline
    relay: OutboxRelay
    keeper: _Keeper


@dataclass
class System:
    """Services of one cooperative's Steward, wired by the pump instead of a broker."""

    prefix: str
    members: dict[str, _Member] = field(default_factory=dict)
    carried: list[Carried] = field(default_factory=list)
    _outside: list[tuple[str, str, bytes]] = field(default_factory=list)
    _offsets: dict[str, "itertools.count[int]"] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Offline:
        """The running service of that name."""
        return self.members[name].service

    def as_(self, user: str, *roles: str, org: str = ORG) -> dict[str, str]:
        """Headers of a caller with roles (every service trusts the same test secret)."""
        return next(iter(self.members.values())).service.as_(user, *roles, org=org)

    def view(self, name: str) -> "View":
        """One service as a test of that service sees it: its client, and events sent and settled."""
        return View(self, name)

    def publish(
        self, topic: str, event_type: str, key: str, payload: dict[str, Any], **envelope: Any
    ) -> None:
        """An outside system's event on a logical topic (core banking, risk); delivered by the next pump."""
        self._outside.append((topic, key, envelope_bytes(event_type, key, payload, **envelope)))

    def publish_raw(self, topic: str, key: str, value: bytes) -> None:
        """Raw bytes on a logical topic, as a misbehaving producer would write them."""
        self._outside.append((topic, key, value))

    async def pump(self) -> int:
        """One round: outside events, then every service's pending outbox rows, each to its consumers."""
        carried = 0
        outside, self._outside = self._outside, []
        for topic, key, value in outside:
            await self._deliver("outside", self.prefix + topic, key, value, {})
            carried += 1
        for name, member in self.members.items():
            while await member.relay.publish_pending():
                records, member.keeper.records = member.keeper.records, []
                for record in records:
                    await self._deliver(name, record.topic, record.key, record.value, record.headers)
                    carried += 1
        return carried

    async def settle(self, max_rounds: int = 50) -> int:
        """Pump until a round carries nothing; return how many records moved (a loop fails the test)."""
        total = 0
        for _ in range(max_rounds):
            moved = await self.pump()
            if not moved:
                return total
            total += moved
        raise AssertionError(f"the system did not settle in {max_rounds} rounds: events keep causing events")

    def events(self, topic: str, event_type: str | None = None) -> list[dict[str, Any]]:
        """Envelopes carried so far on a logical topic (optionally of one type), in order."""
        return [
            c.envelope
            for c in self.carried
            if c.topic == topic and (event_type is None or c.event_type == event_type)
        ]

    def consumers(self, topic: str) -> list[EventConsumer]:
        """Every consumer in the system that reads a logical topic, in service order."""
        found = []
        for member in self.members.values():
            runtime: Runtime = member.service.app.state.runtime
            found.extend(c for c in runtime.consumers.values() if c.topic == topic)
        return found

    async def _deliver(
        self, source: str, full_topic: str, key: str, value: bytes, headers: dict[str, str]
    ) -> None:
        topic = full_topic.removeprefix(self.prefix)
        offsets = self._offsets.setdefault(full_topic, itertools.count())
        record = Received(
            topic=full_topic,
            partition=0,
            offset=next(offsets),
            key=key.encode(),
            value=value,
            headers=tuple((k, v.encode()) for k, v in headers.items()),
        )
        outcomes: dict[str, Outcome | None] = {}
        for consumer in self.consumers(topic):
            outcomes[consumer.consumer_id] = await _consume(consumer, record)
        try:
            envelope = json.loads(value)
        except ValueError:
            envelope = {"event_type": None, "raw": value.decode(errors="replace")}
        if not isinstance(envelope, dict):
            envelope = {"event_type": None, "raw": envelope}
        self.carried.append(Carried(source, topic, key, envelope, outcomes))


async def _consume(consumer: EventConsumer, record: Received) -> Outcome | None:
    """Hand one record to a consumer as its Kafka subscriber would, redelivering a transient failure."""
    for _ in range(REDELIVERIES):
        try:
            if isinstance(consumer, BatchEventConsumer):
                await consumer.process_batch([record])
                return None
            return await consumer.process(record)
        except TransientFailure:
            continue
    raise AssertionError(f"{consumer.consumer_id} kept failing transiently on {record.topic}@{record.offset}")


def _member(service: Offline) -> _Member:
    runtime: Runtime = service.app.state.runtime
    assert runtime.session_factory is not None, "service not started"
    keeper = _Keeper()
    relay = OutboxRelay(
        runtime.session_factory,
        runtime.definition.tables,
        keeper,
        service=runtime.definition.name,
        metrics=runtime.metrics,
        max_message_bytes=runtime.settings.kafka.max_message_bytes,
    )
    return _Member(service, relay, keeper)


@asynccontextmanager
async def start_system(
    folder: Path,
    services: Sequence[str] = SERVICES,
    postgres: str | None = None,
    **settings: dict[str, Any],
) -> AsyncIterator[System]:
    """Start the services sharing one topic prefix, each on a fresh database of its own.

    SQLite files in `folder`, or databases on the PostgreSQL server of the admin URL `postgres`, each
    as fresh as a new copy of its migrated template and seen by this system only (`tests.pgpool`).
    `settings` gives a service extra settings: `audit={"visit_tolerance_days": 3}`.
    """
    system = System(prefix=new_prefix())
    closed = f"127.0.0.1:{free_port()}"  # nothing listens: the runtime's Kafka connection never comes up
    async with AsyncExitStack() as stack:
        for name in services:
            if postgres is None:
                url = f"sqlite+aiosqlite:///{folder / f'{name}.db'}"
                to_migrate: Path | None = migrations(name)
            else:  # already at head: a copy of the run's migrated template, or one reset to it
                url = await stack.enter_async_context(pgpool.database(migrations(name), postgres))
                to_migrate = None
            config = make_settings(
                settings_class(name),
                database_url=url,
                bootstrap=closed,
                idempotent=False,
                prefix=system.prefix,
                **{**HARNESS, **QUIET.get(name, {}), **settings.get(name, {})},
            )
            app = build_app(name, config)
            client = await stack.enter_async_context(running(app, to_migrate))
            system.members[name] = _member(Offline(name, app, client, config))
        yield system


@dataclass
class View:
    """One service of a system with the helpers its own tests use (client, headers, send, events)."""

    system: System
    name: str

    @property
    def client(self) -> httpx.AsyncClient:
        """The service's HTTP client."""
        return self.system[self.name].client

    @property
    def settings(self) -> ServiceSettings:
        """The service's settings."""
        return self.system[self.name].settings

    def as_(self, user: str, *roles: str, org: str = ORG) -> dict[str, str]:
        """Headers of a caller with roles."""
        return self.system[self.name].as_(user, *roles, org=org)

    async def send(
        self, topic: str, event_type: str, key: str, payload: dict[str, Any], **envelope: Any
    ) -> None:
        """An outside event on a logical topic, delivered and settled."""
        self.system.publish(topic, event_type, key, payload, **envelope)
        await self.system.settle()

    async def send_raw(self, topic: str, key: str, value: bytes) -> None:
        """Raw bytes on a logical topic (a hand-made or malformed envelope), delivered and settled."""
        self.system.publish_raw(topic, key, value)
        await self.system.settle()

    async def until(self, check: Callable[[], Awaitable[T | None]], what: str = "") -> T:
        """Settle the system, then check once: what a broker test polls for must hold by then."""
        await self.system.settle()
        result = await check()
        assert result, f"not so once the system settled: {what or check}"
        return result

    async def events(self, topic: str, event_type: str | None = None) -> list[dict[str, Any]]:
        """Envelopes on a logical topic once the system settled (optionally of one type)."""
        await self.system.settle()
        return self.system.events(topic, event_type)

    async def wait_events(self, topic: str, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        """The envelopes of a type on a topic once settled; fails unless there are at least `count`."""
        found = await self.events(topic, event_type)
        assert len(found) >= count, f"{len(found)} {event_type} on {topic}, expected at least {count}"
        return found
