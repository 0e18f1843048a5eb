"""Batch consumption: many events in one transaction, keeping the inbox and per-message dead letters.

A batch is split into runs of events that have a batch handler; everything else (unparseable,
invalid, other event types) goes through `EventConsumer.process` one at a time, in order. A run
commits its effects and its inbox rows together, so a redelivered batch has no second effect.
Events the handler refuses are dead-lettered one by one after the commit. If the batch
transaction fails for any reason, its events are retried one at a time by the single-message
path, which owns the retries, the dead letters and the transient-failure handling.
"""

import asyncio
import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.dialects import sqlite

from shared.consumer import EventConsumer, Outcome, Received, Rejected
from shared.context import batch_context, caused_by, set_context
from shared.envelope import Envelope, EnvelopeError, parse_envelope
from shared.telemetry import consume_span, consume_spans
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

log = logging.getLogger(__name__)


# Every new event's inbox row in one statement over arrays (PostgreSQL): one plan whatever the
# batch size; ON CONFLICT skips events already recorded and RETURNING says which rows were new.
_INSERT_NEW_FROM_ARRAYS = text(
    """
    INSERT INTO inbox (consumer, event_id, topic, partition, "offset", processed_at)
    SELECT CAST(:consumer AS varchar), v.event_id, v.topic, v.partition, v."offset",
           CAST(:processed_at AS timestamptz)
    FROM unnest(CAST(:event_ids AS varchar[]), CAST(:topics AS varchar[]),
                CAST(:partitions AS integer[]), CAST(:offsets AS bigint[]))
         AS v(event_id, topic, partition, "offset")
    ON CONFLICT DO NOTHING
    RETURNING event_id
    """
)


@dataclass(frozen=True)
class _Item:
    record: Received
    envelope: Envelope
    payload: Any


class BatchEventConsumer(EventConsumer):
    """An EventConsumer that also applies batches of the event types it has batch handlers for.

    With `lanes` > 1 a batch is split by message key into that many sub-batches applied in
    parallel transactions: one key's events stay in one lane, in order, and database work overlaps
    with parsing. The batch is acknowledged only when every lane has committed.
    """

    def __init__(self, *args: Any, lanes: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lanes = max(1, lanes)

    async def process_batch(self, records: Sequence[Received]) -> None:
        """Apply records, in order per key; raise TransientFailure only when the database is down."""
        if self.lanes == 1 or len(records) < 2 * self.lanes:
            await self._process_lane(records)
            return
        lanes: list[list[Received]] = [[] for _ in range(self.lanes)]
        for record in records:
            lanes[zlib.crc32(record.key or b"") % self.lanes].append(record)
        results = await asyncio.gather(
            *(self._process_lane(lane) for lane in lanes if lane), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _process_lane(self, records: Sequence[Received]) -> None:
        run: list[_Item] = []
        for record in records:
            item = self._batchable(record)
            if item is not None:
                run.append(item)
                continue
            await self._flush(run)
            run = []
            await self.process(record)
        await self._flush(run)

    def _batchable(self, record: Received) -> _Item | None:
        """The parsed record if a batch can take it; else the single path decides (and explains)."""
        fast = self.subscription.fast_parse
        if fast is not None and record.value is not None and len(record.value) <= self.max_message_bytes:
            parsed = fast(record.value)
            if parsed is not None and parsed[0].event_type in self.subscription.batch_handlers:
                try:
                    return _Item(record, parsed[0], self.admit(parsed[0], True, parsed[1]))
                except Rejected:
                    return None
        try:
            envelope = parse_envelope(record.value, self.max_message_bytes)
        except EnvelopeError:
            return None
        sub = self.subscription
        if sub.batch_each:
            handled = envelope.event_type in sub.handlers
            if not handled and sub.on_every is None:
                return None
        elif envelope.event_type in sub.batch_handlers:
            handled = True
        else:
            return None
        try:
            return _Item(record, envelope, self.admit(envelope, handled))
        except Rejected:
            return None

    async def _flush(self, run: list[_Item]) -> None:
        if not run:
            return
        try:
            applied, duplicates, refused = await self._apply_batch(run)
        except Exception as exc:
            log.warning(
                "consumer %s: batch of %d failed (%s: %s); applying one at a time",
                self.consumer_id,
                len(run),
                type(exc).__name__,
                exc,
            )
            for item in run:
                await self.process(item.record)
            return
        counted = self._metrics.events_consumed
        topic = run[0].record.topic
        if applied:
            counted(self.consumer_id, topic, Outcome.APPLIED.value).inc(applied)
        if duplicates:
            counted(self.consumer_id, topic, Outcome.DUPLICATE.value).inc(duplicates)
        for item, reason in refused:
            outcome = await self._dead_letter(item.record, reason, item.envelope, 1, None)
            counted(self.consumer_id, topic, outcome.value).inc()

    async def _apply_batch(self, run: list[_Item]) -> tuple[int, int, list[tuple[_Item, str]]]:
        """One transaction: record every event in the inbox, apply those that were new, commit.

        The inbox insert skips events already recorded (ON CONFLICT DO NOTHING) and says which rows
        it wrote: one statement both dedupes and records. Refused events lose their inbox row again.
        """
        inbox = self._tables.inbox
        set_context(batch_context(item.envelope for item in run))
        unique: dict[str, _Item] = {}
        for item in run:
            unique.setdefault(str(item.envelope.event_id), item)
        now = utcnow()
        async with self._uow_factory() as uow:
            if self.subscription.idempotent:
                # ADR 0011: applying an event twice changes nothing, so no inbox row records it.
                declined = await self._apply_batch_handlers(uow, list(unique.values()))
                await uow.commit()
                return len(unique) - len(declined), len(run) - len(unique), declined
            if uow.session.get_bind().dialect.name == "postgresql":
                inserted = await uow.session.scalars(
                    _INSERT_NEW_FROM_ARRAYS,
                    {
                        "consumer": self.consumer_id,
                        "event_ids": list(unique),
                        "topics": [item.record.topic for item in unique.values()],
                        "partitions": [item.record.partition for item in unique.values()],
                        "offsets": [item.record.offset for item in unique.values()],
                        "processed_at": now,
                    },
                )
            else:
                inserted = await uow.session.scalars(
                    sqlite.insert(inbox).on_conflict_do_nothing().returning(inbox.c.event_id),
                    [
                        {
                            "consumer": self.consumer_id,
                            "event_id": event_id,
                            "topic": item.record.topic,
                            "partition": item.record.partition,
                            "offset": item.record.offset,
                            "processed_at": now,
                        }
                        for event_id, item in unique.items()
                    ],
                )
            recorded: set[str] = set(inserted.all())
            fresh = [item for event_id, item in unique.items() if event_id in recorded]
            if self.subscription.batch_each:
                await self._apply_each(uow, fresh)
                refused: list[tuple[_Item, str]] = []
            else:
                refused = await self._apply_batch_handlers(uow, fresh)
            if refused:
                await uow.session.execute(
                    delete(inbox).where(
                        inbox.c.consumer == self.consumer_id,
                        inbox.c.event_id.in_([str(item.envelope.event_id) for item, _ in refused]),
                    )
                )
            await uow.commit()
        return len(fresh) - len(refused), len(run) - len(fresh), refused

    async def _apply_batch_handlers(self, uow: UnitOfWork, items: list[_Item]) -> list[tuple[_Item, str]]:
        """Each run of one event type through its batch handler; the events it refuses."""
        refused: list[tuple[_Item, str]] = []
        for group in _same_type_runs(items):
            handler = self.subscription.batch_handlers[group[0].envelope.event_type]
            with consume_spans((item.record for item in group), self.consumer_id):  # off: no cost
                refusals = await handler(uow, [(item.envelope, item.payload) for item in group])
            refused.extend((group[index], reason) for index, reason in refusals.items())
        return refused

    async def _apply_each(self, uow: UnitOfWork, items: list[_Item]) -> None:
        """Each event's own handler in order, then `on_every` over them all; a refusal fails the batch."""
        sub = self.subscription
        for item in items:
            envelope = item.envelope
            set_context(caused_by(envelope))
            handler = sub.handlers.get(envelope.event_type)
            if handler is not None:
                with consume_span(item.record, self.consumer_id):
                    await handler(uow, envelope, item.payload)
        if sub.on_every is not None and items:
            await sub.on_every(uow, [(item.envelope, item.record) for item in items])


def _same_type_runs(items: list[_Item]) -> list[list[_Item]]:
    """Consecutive items of one event type, in order (a handler sees one type at a time)."""
    runs: list[list[_Item]] = []
    for item in items:
        if runs and runs[-1][0].envelope.event_type == item.envelope.event_type:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs
