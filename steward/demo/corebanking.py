"""Core banking and the risk department for the demo: balances and profit postings published to Kafka
as core banking would (the `steward import` envelopes), and the simulated risk desk when none runs."""

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import BaseModel

from shared.contracts.corebanking import BalanceReported, ProfitPosted
from shared.kafka import connection_options, ensure_topics, producer_options, topics_with_dlq
from steward.demo import activity
from steward.demo.plan import CustomerPlan
from steward.importer import KINDS, ClientKafkaSettings, envelope_for
from steward.risk_desk import RiskDesk, RiskDeskSettings

PRODUCER = "steward-demo"


@dataclass
class Published:
    """What was sent, and the last message of each partition (what a consumer has read once it has it)."""

    balances: int = 0
    postings: int = 0
    total_profit: int = 0
    last_posting: dict[int, tuple[str, str]] = field(default_factory=dict)
    last_balance: dict[int, tuple[str, str]] = field(default_factory=dict)


def events(c: CustomerPlan, year: int, seed: int) -> Iterator[tuple[str, BaseModel]]:
    """One customer's balances and profit postings of the year, in date order."""
    for b in activity.balances(c, year, seed):
        yield (
            "balances",
            BalanceReported(
                customer_id=c.id, deposit=b.deposit, loan=b.loan, overdue=b.overdue, as_of=b.as_of
            ),
        )
    for p in activity.postings(c, year, seed):
        posting_id = f"{seed}-{c.id}-{p.period}-{p.product}"
        yield (
            "pnl",
            ProfitPosted(
                posting_id=posting_id,
                customer_id=c.id,
                period=p.period,
                product=p.product,
                amount=p.amount,
                posted_on=p.posted_on,
            ),
        )


class CoreBanking:
    """R-C5/R-A2: publishes each customer's year as soon as its file is open (acks=all), in the background."""

    def __init__(
        self, year: int, seed: int, org: str, kafka: ClientKafkaSettings, advance: Callable[[int], None]
    ):
        self.year, self.seed, self.org, self.kafka, self.advance = year, seed, org, kafka, advance
        self.queue: asyncio.Queue[CustomerPlan | None] = asyncio.Queue()
        self.done = Published()
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Create the topics if needed and start sending."""
        if self.kafka.create_topics:
            topics = [self.kafka.topic(KINDS[name].contract.topic) for name in ("balances", "pnl")]
            await ensure_topics(self.kafka, topics_with_dlq(topics), client_id=PRODUCER)
        self.task = asyncio.create_task(self._run())

    def add(self, c: CustomerPlan) -> None:
        """Publish this customer's year (its file is open: it has an id)."""
        self.queue.put_nowait(c)

    async def finish(self) -> Published:
        """Wait until everything added is acknowledged by the broker."""
        self.queue.put_nowait(None)
        assert self.task is not None
        await self.task
        return self.done

    async def _run(self) -> None:
        producer = AIOKafkaProducer(client_id=PRODUCER, **producer_options(self.kafka))
        await producer.start()
        pending: list[tuple[BaseModel, asyncio.Future[Any]]] = []
        try:
            while (c := await self.queue.get()) is not None:
                for name, payload in events(c, self.year, self.seed):
                    envelope = envelope_for(KINDS[name], self.org, payload, f"demo:{self.seed}:{self.year}")
                    topic = self.kafka.topic(KINDS[name].contract.topic)
                    future = await producer.send(topic, value=envelope.to_bytes(), key=envelope.key.encode())
                    pending.append((payload, future))
                if len(pending) >= 500 or self.queue.empty():
                    await _settle(pending, self.done, self.advance)
            await _settle(pending, self.done, self.advance)
        finally:
            await producer.stop()


async def _settle(
    pending: list[tuple[BaseModel, "asyncio.Future[Any]"]], done: Published, advance: Callable[[int], None]
) -> None:
    for payload, future in pending:
        meta = await future
        if isinstance(payload, ProfitPosted):
            done.postings += 1
            done.total_profit += int(payload.amount * 100)
            done.last_posting[meta.partition] = (payload.reference, payload.posting_id)
        elif isinstance(payload, BalanceReported):
            done.balances += 1
            done.last_balance[meta.partition] = (payload.reference, payload.as_of.isoformat())
    advance(len(pending))
    pending.clear()


async def desk_running(kafka: ClientKafkaSettings) -> bool:
    """Whether a risk desk (`steward risk-desk`, `steward up --with-risk-desk`) is consuming now."""
    admin = AIOKafkaAdminClient(client_id=PRODUCER, request_timeout_ms=5_000, **connection_options(kafka))
    try:
        await admin.start()
        groups = await admin.describe_consumer_groups([f"{kafka.topic_prefix}steward.risk-desk"])
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    described = [group for response in groups for group in response.to_object().get("groups", [])]
    return any(group.get("members") for group in described)


class LocalDesk:
    """The simulated risk department run inside the demo, for as long as the demo needs it."""

    def __init__(self, kafka: ClientKafkaSettings) -> None:
        self.desk = RiskDesk(RiskDeskSettings(kafka=kafka))
        self.stop_event = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Consume recommendations and balances in the background."""
        self.task = asyncio.create_task(self.desk.run_until(self.stop_event))

    async def stop(self) -> None:
        """Stop after the current batch."""
        self.stop_event.set()
        if self.task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self.task, 15)
