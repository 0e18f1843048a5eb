"""The running parts of one service: database, outbox relay, Kafka consumers; built at start-up."""

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.middlewares import AckPolicy
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.batch import BatchEventConsumer
from shared.consumer import EventConsumer, Received, Subscription, TransientFailure
from shared.db import create_engine, create_session_factory
from shared.envelope import TimeWindow
from shared.every import stop_if_cancelled
from shared.fetchwait import adapt_fetch_wait
from shared.kafka import (
    create_producer,
    end_fetches_quietly,
    ensure_topics,
    record_bytes,
    stop_producer,
    topics_with_dlq,
    within,
)
from shared.metrics import Metrics
from shared.outbox import KafkaSender, OutboxRelay
from shared.settings import KafkaSettings, ServiceSettings
from shared.tables import MessagingTables
from shared.uow import UnitOfWork
from shared.watch import ConsumerWatch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes a service: its name, tables, event subscriptions and the topics it publishes."""

    name: str
    title: str
    description: str
    tables: MessagingTables
    subscriptions: Sequence[Subscription] = ()
    publishes: Sequence[str] = ()
    background: Sequence[Callable[["Runtime"], Coroutine[Any, Any, None]]] = ()


@dataclass
class Runtime:
    """Everything a running service holds; nothing here exists before start-up."""

    settings: ServiceSettings
    definition: ServiceDefinition
    broker: KafkaBroker
    metrics: Metrics
    engine: AsyncEngine | None = None
    session_factory: async_sessionmaker[AsyncSession] | None = None
    relay: OutboxRelay | None = None
    producer: AIOKafkaProducer | None = None
    consumers: dict[str, EventConsumer] = field(default_factory=dict)
    watch: ConsumerWatch | None = None
    kafka_connected: bool = False
    kafka_error: str | None = None
    _tasks: list["asyncio.Task[None]"] = field(default_factory=list)

    def uow(self) -> UnitOfWork:
        """A new unit of work on this service's database, waking the relay on commit."""
        assert self.session_factory is not None, "runtime not started"
        relay = self.relay
        return UnitOfWork(
            self.session_factory,
            self.definition.tables,
            producer=self.definition.name,
            on_commit=relay.wake if relay else (lambda: None),
            topic_prefix=self.settings.kafka.topic_prefix,
        )

    def bind_consumers(self) -> None:
        """Build one idempotent consumer per subscription and attach it to the broker."""
        for sub in self.definition.subscriptions:
            options: dict[str, Any] = {
                "service": self.definition.name,
                "subscription": sub,
                "uow_factory": self.uow,
                "tables": self.definition.tables,
                "metrics": self.metrics,
                "max_attempts": self.settings.consumer_max_attempts,
                "backoff_seconds": self.settings.consumer_retry_backoff_seconds,
                "max_redeliveries": self.settings.consumer_max_redeliveries,
                "max_message_bytes": self.settings.kafka.max_message_bytes,
                "time_window": TimeWindow(
                    max_age=timedelta(days=self.settings.event_time_max_age_days),
                    max_ahead=timedelta(seconds=self.settings.event_time_max_ahead_seconds),
                ),
            }
            consumer = (
                BatchEventConsumer(**options, lanes=self._batch_lanes())
                if sub.batched
                else EventConsumer(**options)
            )
            self.consumers[sub.name] = consumer
            if self.settings.start_consumers:
                _attach(
                    self.broker,
                    consumer,
                    topic=self.settings.kafka.topic(sub.topic),
                    group_id=f"{self.settings.group_prefix}.{sub.name}",
                    kafka=self.settings.kafka,
                    batch_size=self.settings.consumer_batch_size,
                )

    def _batch_lanes(self) -> int:
        # SQLite has one writer at a time: parallel transactions would only wait for each other.
        return 1 if self.settings.database_url.startswith("sqlite") else self.settings.consumer_batch_lanes

    async def start(self) -> None:
        """Open the database, start the relay, and connect Kafka in the background."""
        self.engine = create_engine(self.settings.database_url, pool_size=self.settings.database_pool_size)
        self.session_factory = create_session_factory(self.engine)
        self.producer = create_producer(self.settings.kafka, client_id=f"{self.definition.name}-relay")
        self.relay = OutboxRelay(
            self.session_factory,
            self.definition.tables,
            KafkaSender(self.producer),
            service=self.definition.name,
            metrics=self.metrics,
            batch_size=self.settings.outbox_batch_size,
            poll_seconds=self.settings.outbox_poll_seconds,
            max_message_bytes=self.settings.kafka.max_message_bytes,
            # A broker that lost its topics (the embedded one keeps nothing across a restart) would
            # auto-create them on the first publish, with the wrong partitions and racing whoever
            # recreates them: after a failure, make sure they exist before publishing again.
            after_failure=self.ensure_topics,
        )
        self._tasks.append(asyncio.create_task(self._connect_kafka(), name="kafka-connect"))
        for job in self.definition.background:
            self._tasks.append(asyncio.create_task(job(self), name=f"background-{job.__name__}"))

    async def ensure_topics(self) -> None:
        """Create this service's missing topics (and their DLQs), unless the platform provisions them."""
        kafka = self.settings.kafka
        if not kafka.create_topics:
            return
        logical = [*(s.topic for s in self.definition.subscriptions), *self.definition.publishes]
        topics = topics_with_dlq(kafka.topic(t) for t in logical)
        await ensure_topics(kafka, topics, client_id=f"{self.definition.name}-admin")

    async def _connect_kafka(self) -> None:
        delay = 0.5
        while True:
            try:
                await self.ensure_topics()
                assert self.producer is not None
                await self.producer.start()
                break
            except Exception as exc:  # keep serving HTTP; readiness reports the broker down
                stop_if_cancelled()
                await self._kafka_failed(exc, delay)
                delay = min(delay * 2, 10.0)
        stop_if_cancelled()
        # The outbox needs only the producer: publish while the consumer groups are still joining.
        assert self.relay is not None
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        while True:
            try:
                await _start_subscribers_together(self.broker, self.settings.kafka)
                break
            except Exception as exc:
                stop_if_cancelled()
                await self._kafka_failed(exc, delay, consumers_only=True)
                delay = min(delay * 2, 10.0)
        stop_if_cancelled()
        self.kafka_connected = True
        self.kafka_error = None
        log.info("kafka connected; %d consumers running", len(self.consumers))
        if self.settings.start_consumers and self.definition.subscriptions:
            self.watch = ConsumerWatch(
                self.metrics,
                lambda: [
                    (getattr(s, "group_id", ""), getattr(s, "consumer", None))
                    for s in self.broker.subscribers
                ],
                topics=[self.settings.kafka.topic(s.topic) for s in self.definition.subscriptions],
                ensure_topics=self.ensure_topics,
                stall_seconds=self.settings.consumer_stall_seconds,
            )
            watching = self.watch.run(self.settings.consumer_watch_seconds)
            self._tasks.append(asyncio.create_task(watching, name="consumer-watch"))

    async def _kafka_failed(self, exc: Exception, delay: float, consumers_only: bool = False) -> None:
        self.kafka_error = f"{type(exc).__name__}: {exc}"
        log.warning("kafka not reachable, retrying in %.1fs: %s", delay, self.kafka_error)
        if consumers_only:
            await self._stop_broker()
        else:
            await self._reset_kafka_clients()
        stop_if_cancelled()
        await asyncio.sleep(delay)

    async def _reset_kafka_clients(self) -> None:
        await self._stop_broker()
        if self.producer is not None:
            await stop_producer(self.producer, self.settings.shutdown_step_seconds)
        self.producer = create_producer(self.settings.kafka, client_id=f"{self.definition.name}-relay")
        if self.relay is not None:
            self.relay.use_sender(KafkaSender(self.producer))

    async def stop(self) -> None:
        """Stop background work, consumers, producer and database in that order, each step bounded.

        A step still waiting after `shutdown_step_seconds` (a broker that is gone) is cut short and its
        clients closed anyway, so that no task outlives the service to retry a broker nobody needs.
        """
        bound = self.settings.shutdown_step_seconds
        if self.relay is not None:
            self.relay.stop()  # it finishes the batch in hand, if the broker acknowledges it in time
        await self._end_tasks(bound)
        await self._stop_broker()
        if self.producer is not None:
            await stop_producer(self.producer, bound)
        if self.engine is not None:
            await within(bound, self.engine.dispose(), "closing the database pool")

    async def _end_tasks(self, bound: float) -> None:
        """Cancel the background tasks (the relay only if it has not finished in time) and await them."""
        for graceful in (True, False):
            running = [t for t in self._tasks if not t.done()]
            for task in running:
                if not graceful or task.get_name() != "outbox-relay":
                    task.cancel()
            if running:
                await asyncio.wait(running, timeout=bound)
        for task in self._tasks:
            if not task.done():
                log.error("background task %s did not end when cancelled", task.get_name())
            elif not task.cancelled() and task.exception() is not None:
                log.warning("background task %s failed: %r", task.get_name(), task.exception())

    async def _stop_broker(self) -> None:
        """Stop the consumers (FastStream's broker), within the shutdown bound."""
        await within(self.settings.shutdown_step_seconds, self.broker.stop(), "stopping the consumers")

    async def database_ready(self) -> tuple[bool, str]:
        """Whether the database answers a trivial query within two seconds."""
        if self.engine is None:
            return False, "not started"
        try:
            async with asyncio.timeout(2):
                async with self.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            return True, "ok"
        except Exception as exc:
            return False, f"{type(exc).__name__}: {exc}"

    async def broker_ready(self) -> tuple[bool, str]:
        """Whether Kafka is connected and answers a ping within two seconds."""
        if not self.kafka_connected:
            return False, self.kafka_error or "connecting"
        try:
            ok = await self.broker.ping(timeout=2.0)
        except Exception as exc:
            return False, f"{type(exc).__name__}: {exc}"
        if not ok:
            return False, "broker did not answer"
        if self.relay is not None and self.relay.last_error:
            return False, f"outbox relay: {self.relay.last_error}"
        return True, "ok"

    def _kafka_consumers(self) -> list[tuple[str, Any]]:
        """(group, aiokafka consumer or None) of every subscriber."""
        return [(getattr(s, "group_id", ""), getattr(s, "consumer", None)) for s in self.broker.subscribers]

    def consumers_ready(self) -> tuple[bool, str]:
        """Whether every consumer advances whenever it has records pending (the deep readiness check)."""
        if not self.settings.start_consumers or not self.definition.subscriptions:
            return True, "no consumers"
        if self.watch is None:
            return False, self.kafka_error or "connecting"
        stalled = self.watch.stalled()
        if stalled:
            return False, "stalled: " + "; ".join(stalled[:10])
        return True, "ok"


async def _start_subscribers_together(broker: KafkaBroker, kafka: KafkaSettings) -> None:
    """Like `broker.start()`, but every consumer group joins at once rather than one after another."""
    await broker.connect()

    async def start(subscriber: Any) -> None:
        await subscriber.start()
        end_fetches_quietly(getattr(subscriber, "consumer", None))

    await asyncio.gather(*(start(subscriber) for subscriber in broker.subscribers))
    for subscriber in broker.subscribers:
        adapt_fetch_wait(
            getattr(subscriber, "consumer", None),
            minimum_ms=kafka.fetch_min_wait_ms,
            maximum_ms=kafka.fetch_max_wait_ms,
            grace_ms=kafka.fetch_wait_grace_ms,
        )
    for publisher in broker.publishers:
        await publisher.start()
    broker.running = True


def _received(record: Any) -> Received:
    return Received(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
        headers=tuple(record.headers or ()),
    )


def _attach(
    broker: KafkaBroker,
    consumer: EventConsumer,
    topic: str,
    group_id: str,
    kafka: KafkaSettings,
    batch_size: int,
) -> None:
    batch = isinstance(consumer, BatchEventConsumer)

    async def handle(msg: KafkaMessage) -> None:
        raw = msg.raw_message
        try:
            if isinstance(consumer, BatchEventConsumer):
                records = raw if isinstance(raw, tuple) else (raw,)
                await consumer.process_batch([_received(r) for r in records])
            else:
                assert not isinstance(raw, tuple)
                await consumer.process(_received(raw))
        except TransientFailure:
            # Nothing was recorded: back off, then let the message be redelivered (nack seeks back).
            await asyncio.sleep(1.0)
            raise

    handle.__name__ = consumer.consumer_id.replace(".", "_").replace("-", "_")
    options: dict[str, Any] = {"batch": True, "max_records": batch_size} if batch else {}
    broker.subscriber(
        topic,
        group_id=group_id,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
        session_timeout_ms=kafka.session_timeout_ms,
        rebalance_timeout_ms=kafka.rebalance_timeout_ms,
        fetch_max_wait_ms=kafka.fetch_max_wait_ms,
        max_partition_fetch_bytes=record_bytes(kafka),
        title=f"{consumer.consumer_id}:{topic}",
        description="Handles: " + ", ".join(sorted(consumer.subscription.handlers)),
        decoder=_raw_only,
        **options,
    )(handle)


async def _raw_only(_message: Any) -> None:
    """The consumers read the raw records themselves: skip FastStream's JSON decoding of bodies."""
    return None
