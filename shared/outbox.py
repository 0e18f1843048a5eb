"""The outbox relay: publishes committed events in order, marks them sent, survives restarts."""

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiokafka import errors
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.deadletter import clean
from shared.envelope import MAX_MESSAGE_BYTES
from shared.every import stop_if_cancelled
from shared.metrics import Metrics
from shared.tables import MessagingTables
from shared.telemetry import publish_spans
from shared.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboundRecord:
    """One outbox row ready to send."""

    topic: str
    key: str
    value: bytes
    headers: dict[str, str]


class Sender(Protocol):
    """Sends records to Kafka, in the order given, waiting for every acknowledgement.

    Raises RecordRefused when one record can never be sent; those before it were acknowledged.
    """

    async def send_all(self, records: Sequence[OutboundRecord]) -> None: ...


class RecordRefused(Exception):
    """The record at `index` can never be published (too large, refused by the broker for good)."""

    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


# Broker and client errors that no retry can cure: the row is parked instead of retried forever.
FINAL_SEND_ERRORS: tuple[type[Exception], ...] = (
    errors.MessageSizeTooLargeError,
    errors.RecordListTooLargeError,
    errors.RecordTooLargeError,
    errors.InvalidTopicError,
    errors.InvalidMessageError,
)


class OutboxRelay:
    """Moves outbox rows to Kafka; one publisher per database at a time keeps per-key order."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        sender: Sender,
        *,
        service: str,
        metrics: Metrics,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        after_failure: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._tables = tables
        self._sender = sender
        self._metrics = metrics
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._max_message_bytes = max_message_bytes
        self._lock_key = zlib.crc32(f"steward-outbox-{service}".encode())
        self._service = service
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._after_failure = after_failure
        self.last_error: str | None = None

    def wake(self) -> None:
        """Publish now rather than at the next poll; called right after a commit with events."""
        self._wakeup.set()

    def use_sender(self, sender: Sender) -> None:
        """Send through a new client from now on (after a reconnect)."""
        self._sender = sender

    def stop(self) -> None:
        """Ask the run loop to finish."""
        self._stopping = True
        self._wakeup.set()

    async def run(self) -> None:
        """Publish until stopped, waking on commits and polling as a fallback."""
        backoff = self._poll_seconds
        while not self._stopping:
            stop_if_cancelled()  # a library call in the round may have swallowed our cancel
            try:
                if self.last_error is not None and self._after_failure is not None:
                    await self._after_failure()
                sent = await self.publish_pending()
                self.last_error = None
                backoff = self._poll_seconds
                if sent == self._batch_size:
                    continue
            except Exception as exc:  # the relay must outlive broker and database outages
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("outbox relay failed, retrying in %.1fs: %s", backoff, self.last_error)
                backoff = min(backoff * 2, 30.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=backoff)
            self._wakeup.clear()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows in id order; return how many were sent."""
        outbox = self._tables.outbox
        async with self._session_factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                got = await session.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": self._lock_key}
                )
                if not got:
                    return 0
            rows = (
                await session.execute(
                    select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.value, outbox.c.headers)
                    .where(outbox.c.published_at.is_(None), outbox.c.parked_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                )
            ).all()
            await self._update_lag(session)
            if not rows:
                await session.commit()
                return 0
            oversized = next((i for i, r in enumerate(rows) if len(r.value) > self._max_message_bytes), None)
            if oversized is not None:
                # Consumers would refuse it (KAFKA__MAX_MESSAGE_BYTES): park it, send what came before.
                rows = rows[: oversized + 1]
            ids = [r.id for r in rows]
            records = [OutboundRecord(r.topic, r.key, bytes(r.value), dict(r.headers)) for r in rows]
            try:
                with publish_spans(records, f"{self._service}.outbox") as sending:
                    if oversized is not None:
                        await self._sender.send_all(sending[:oversized])
                        size = len(rows[oversized].value)
                        raise RecordRefused(
                            oversized, f"value of {size} bytes exceeds {self._max_message_bytes}"
                        )
                    await self._sender.send_all(sending)
            except RecordRefused as refused:
                await self._park(session, ids, refused)
                return refused.index + 1
            except Exception as exc:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(ids))
                    .values(attempts=outbox.c.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000])
                )
                await session.commit()
                raise
            await session.execute(update(outbox).where(outbox.c.id.in_(ids)).values(published_at=utcnow()))
            await session.commit()
        for record in records:
            self._metrics.events_published(record.topic).inc()
        return len(rows)

    async def _park(self, session: AsyncSession, ids: list[int], refused: RecordRefused) -> None:
        """Mark the rows sent before the refused one published, park it with the reason, commit."""
        outbox = self._tables.outbox
        now = utcnow()
        if refused.index:
            await session.execute(
                update(outbox).where(outbox.c.id.in_(ids[: refused.index])).values(published_at=now)
            )
        reason = clean(refused.reason, 2_000)
        parked = ids[refused.index]
        await session.execute(
            update(outbox).where(outbox.c.id == parked).values(parked_at=now, parked_reason=reason)
        )
        await session.commit()
        self._metrics.outbox_parked_rows.inc()
        log.error("outbox row %d parked, the relay moves on: %s", parked, reason)

    async def _update_lag(self, session: AsyncSession) -> None:
        outbox = self._tables.outbox
        parked = await session.scalar(select(func.count()).where(outbox.c.parked_at.is_not(None)))
        self._metrics.outbox_parked.set(parked or 0)
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(outbox.c.created_at)).where(
                    outbox.c.published_at.is_(None), outbox.c.parked_at.is_(None)
                )
            )
        ).one()
        self._metrics.outbox_lag.set(count)
        age = (utcnow() - as_utc(oldest)).total_seconds() if oldest is not None else 0.0
        self._metrics.outbox_oldest_seconds.set(age)


class KafkaSender:
    """A Sender over an aiokafka producer: queue every record, then await every ack."""

    def __init__(self, producer: "ProducerLike") -> None:
        self._producer = producer

    async def send_all(self, records: Sequence[OutboundRecord]) -> None:
        """Send in order; RecordRefused for the first record that can never be sent, else raise if
        any record is not acknowledged."""
        futures = []
        refused: RecordRefused | None = None
        for index, record in enumerate(records):
            try:
                futures.append(
                    await self._producer.send(
                        record.topic,
                        value=record.value,
                        key=record.key.encode("utf-8"),
                        headers=[(k, v.encode("utf-8")) for k, v in record.headers.items()],
                    )
                )
            except FINAL_SEND_ERRORS as exc:
                refused = RecordRefused(index, f"{type(exc).__name__}: {exc}")
                break
        results = await asyncio.gather(*futures, return_exceptions=True)
        for index, result in enumerate(results):
            if isinstance(result, FINAL_SEND_ERRORS):
                raise RecordRefused(index, f"{type(result).__name__}: {result}")
            if isinstance(result, BaseException):
                raise result
        if refused is not None:
            raise refused


class ProducerLike(Protocol):
    """The part of AIOKafkaProducer the relay uses."""

    async def send(
        self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]
    ) -> "asyncio.Future[object]": ...
