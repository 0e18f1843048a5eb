"""Idempotent consumers: inbox dedupe in the effect's transaction, bounded retries, dead letters."""

import asyncio
import logging
from collections.abc import Callable

from pydantic import BaseModel, ValidationError
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.context import caused_by, describe_message, message_context, set_context
from shared.contracts import EVENT_TYPES, dlq_topic
from shared.deadletter import REASON_CHARS, clean, dead_letter_row, dlq_copy, dlq_headers
from shared.deadletter import Received as Received
from shared.envelope import (
    MAX_MESSAGE_BYTES,
    Envelope,
    EnvelopeError,
    TimeWindow,
    describe_validation_error,
    parse_envelope,
)
from shared.errors import DomainError
from shared.metrics import Metrics
from shared.subscription import BatchHandler as BatchHandler
from shared.subscription import EveryHandler as EveryHandler
from shared.subscription import FastParse as FastParse
from shared.subscription import Handler as Handler
from shared.subscription import Outcome as Outcome
from shared.subscription import Rejected as Rejected
from shared.subscription import RetryLater as RetryLater
from shared.subscription import Subscription as Subscription
from shared.subscription import TransientFailure as TransientFailure
from shared.tables import MessagingTables
from shared.telemetry import consume_span
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

log = logging.getLogger(__name__)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(
        exc, RetryLater | OperationalError | InterfaceError | ConnectionError | TimeoutError | OSError
    ):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class EventConsumer:
    """Applies each event's effect exactly once, or dead-letters it with the reason."""

    def __init__(
        self,
        *,
        service: str,
        subscription: Subscription,
        uow_factory: Callable[[], UnitOfWork],
        tables: MessagingTables,
        metrics: Metrics,
        max_attempts: int = 3,
        backoff_seconds: float = 0.2,
        max_redeliveries: int = 10,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        time_window: TimeWindow | None = None,
    ) -> None:
        self.subscription = subscription
        self.consumer_id = f"{service}.{subscription.name}"
        self._uow_factory = uow_factory
        self._tables = tables
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._max_redeliveries = max_redeliveries
        self.max_message_bytes = max_message_bytes
        self._window = time_window or TimeWindow()
        # Deliveries of one record that failed transiently while the database answered.
        self._strikes: dict[tuple[str, int, int], int] = {}

    @property
    def topic(self) -> str:
        """The topic this consumer reads."""
        return self.subscription.topic

    async def process(self, record: Received, *, dead_letter_id: int | None = None) -> Outcome:
        """Apply one record; raise TransientFailure only when nothing could be recorded.

        Whatever else goes wrong is final: the record is dead-lettered with the reason, so no
        message can keep its partition from moving.
        """
        with (
            message_context(record.topic, record.partition, record.offset),
            consume_span(record, self.consumer_id),
        ):
            try:
                outcome = await self._process(record, dead_letter_id)
            except TransientFailure as exc:
                outcome = await self._after_transient(record, exc, dead_letter_id)
            except Exception as exc:
                log.exception("consumer %s: unexpected failure on %s", self.consumer_id, _where(record))
                outcome = await self._dead_letter(
                    record, f"unexpected {type(exc).__name__}: {exc}", None, 1, dead_letter_id
                )
        self._strikes.pop(_position(record), None)
        self._metrics.events_consumed(self.consumer_id, record.topic, outcome.value).inc()
        return outcome

    async def _after_transient(
        self, record: Received, exc: TransientFailure, dead_letter_id: int | None
    ) -> Outcome:
        """Redeliver while the database is down; a failure that persists while it answers is final."""
        if not await self._database_answers():
            raise exc
        position = _position(record)
        strikes = self._strikes.get(position, 0) + 1
        if strikes < self._max_redeliveries:
            if len(self._strikes) > 10_000:
                self._strikes.clear()
            self._strikes[position] = strikes
            raise exc
        reason = f"transient failure persisted over {strikes} deliveries: {exc}"
        return await self._dead_letter(record, reason, None, strikes, dead_letter_id)

    async def _database_answers(self) -> bool:
        try:
            async with self._uow_factory() as uow:
                await uow.session.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def admit(self, envelope: Envelope, handled: bool, parsed: BaseModel | None = None) -> BaseModel | None:
        """The validated payload (None when not checked); Rejected when the event can never apply.

        `parsed` is a payload a fast parser already validated: only its version and times are checked.
        """
        if parsed is not None:
            self._supported(envelope)
            payload: BaseModel | None = parsed
        else:
            payload = self._payload(envelope) if self._checked(envelope, handled) else None
        refusal = self._window.refusal(envelope, payload, utcnow())
        if refusal is not None:
            raise Rejected(refusal)
        return payload

    async def _process(self, record: Received, dead_letter_id: int | None) -> Outcome:
        try:
            envelope = parse_envelope(record.value, self.max_message_bytes)
        except EnvelopeError as exc:
            return await self._dead_letter(record, str(exc), None, 1, dead_letter_id)
        describe_message(envelope)
        handler = self.subscription.handlers.get(envelope.event_type)
        if handler is None and self.subscription.on_every is None:
            return Outcome.IGNORED
        try:
            payload = self.admit(envelope, handler is not None)
        except Rejected as exc:
            return await self._dead_letter(record, str(exc), envelope, 1, dead_letter_id)
        set_context(caused_by(envelope))
        last: BaseException | None = None
        for attempt in range(1, self._max_attempts + 1):
            try:
                return await self._apply_once(record, envelope, payload, handler)
            except (Rejected, DomainError) as exc:
                return await self._dead_letter(record, str(exc), envelope, attempt, dead_letter_id)
            except Exception as exc:
                last = exc
                log.warning(
                    "consumer %s failed on %s (attempt %d/%d): %s",
                    self.consumer_id,
                    envelope.event_id,
                    attempt,
                    self._max_attempts,
                    exc,
                )
                await asyncio.sleep(self._backoff * attempt)
        assert last is not None
        if _is_transient(last):
            raise TransientFailure(str(last)) from last
        reason = f"failed after {self._max_attempts} attempts: {type(last).__name__}: {last}"
        return await self._dead_letter(record, reason, envelope, self._max_attempts, dead_letter_id)

    @staticmethod
    def _checked(envelope: Envelope, handled: bool) -> bool:
        """Whether the payload is validated: always when handled; when kept only by `on_every`
        (audit's journal), whenever the event type has a contract."""
        return handled or envelope.event_type in EVENT_TYPES

    @staticmethod
    def _supported(envelope: Envelope) -> type[BaseModel]:
        """The event type's payload contract; Rejected when there is none or the version is newer."""
        contract = EVENT_TYPES.get(envelope.event_type)
        if contract is None:
            raise Rejected(f"no contract for event type {envelope.event_type}")
        if envelope.schema_version > contract.schema_version:
            raise Rejected(
                f"{envelope.event_type} schema_version {envelope.schema_version} is newer than "
                f"the supported {contract.schema_version}"
            )
        return contract.payload

    def _payload(self, envelope: Envelope) -> BaseModel:
        payload = self._supported(envelope)
        try:
            return payload.model_validate(envelope.payload)
        except ValidationError as exc:
            raise Rejected(describe_validation_error(exc, f"invalid {envelope.event_type} payload")) from exc
        except (ArithmeticError, RecursionError, ValueError, TypeError) as exc:
            raise Rejected(f"unreadable {envelope.event_type} payload: {type(exc).__name__}: {exc}") from exc

    async def _apply_once(
        self, record: Received, envelope: Envelope, payload: BaseModel | None, handler: Handler | None
    ) -> Outcome:
        inbox = self._tables.inbox
        event_id = str(envelope.event_id)
        if self.subscription.idempotent:
            async with self._uow_factory() as uow:
                if handler is not None:
                    await handler(uow, envelope, payload)
                await uow.commit()
                return Outcome.APPLIED
        try:
            async with self._uow_factory() as uow:
                if await self._seen(uow.session, event_id):
                    return Outcome.DUPLICATE
                await uow.session.execute(
                    insert(inbox).values(
                        consumer=self.consumer_id,
                        event_id=event_id,
                        topic=record.topic,
                        partition=record.partition,
                        offset=record.offset,
                        processed_at=utcnow(),
                    )
                )
                if handler is not None:
                    await handler(uow, envelope, payload)
                if self.subscription.on_every is not None:
                    await self.subscription.on_every(uow, [(envelope, record)])
                await uow.commit()
                return Outcome.APPLIED
        except IntegrityError:
            # A concurrent delivery of the same event won the inbox row: this one is a duplicate.
            async with self._uow_factory() as uow:
                if await self._seen(uow.session, event_id):
                    return Outcome.DUPLICATE
            raise

    async def _seen(self, session: AsyncSession, event_id: str) -> bool:
        inbox = self._tables.inbox
        found = await session.scalar(
            select(inbox.c.event_id).where(inbox.c.consumer == self.consumer_id, inbox.c.event_id == event_id)
        )
        return found is not None

    async def _dead_letter(
        self,
        record: Received,
        reason: str,
        envelope: Envelope | None,
        attempts: int,
        dead_letter_id: int | None,
    ) -> Outcome:
        reason = clean(reason, REASON_CHARS)
        try:
            fresh = await self._record_dead_letter(record, reason, envelope, attempts, dead_letter_id)
        except Exception as exc:
            if _is_transient(exc):
                raise TransientFailure(f"cannot record dead letter: {exc}") from exc
            # Something in the record itself defeats the database: keep its position and the reason.
            log.exception("consumer %s: full dead letter refused; recording a bare one", self.consumer_id)
            try:
                fresh = await self._record_dead_letter(
                    record, reason, None, attempts, dead_letter_id, bare=True
                )
            except Exception as again:
                raise TransientFailure(f"cannot record dead letter: {again}") from again
        if fresh:
            self._metrics.events_dead_lettered(self.consumer_id, record.topic).inc()
            with message_context(record.topic, record.partition, record.offset, envelope):
                log.error("dead-lettered %s for %s: %s", _where(record), self.consumer_id, reason)
        return Outcome.DEAD_LETTERED

    async def _record_dead_letter(
        self,
        record: Received,
        reason: str,
        envelope: Envelope | None,
        attempts: int,
        dead_letter_id: int | None,
        bare: bool = False,
    ) -> bool:
        """One dead letter per event id (per position when unparseable), and its `.dlq` copy; True if new."""
        table = self._tables.dead_letters
        async with self._uow_factory() as uow:
            if dead_letter_id is not None:
                await uow.session.execute(
                    update(table)
                    .where(table.c.id == dead_letter_id)
                    .values(reason=reason, attempts=table.c.attempts + attempts, status="open")
                )
                await uow.commit()
                return True
            same = (
                table.c.event_id == str(envelope.event_id)
                if envelope is not None
                else (table.c.topic == record.topic)
                & (table.c.partition == record.partition)
                & (table.c.offset == record.offset)
            )
            already = await uow.session.scalar(
                select(table.c.id).where(table.c.consumer == self.consumer_id, same).limit(1)
            )
            if already is None:
                row = dead_letter_row(self.consumer_id, record, reason, envelope, attempts)
                if bare:
                    row.update(key=None, headers={})
                await uow.session.execute(insert(table).values(**row))
                headers = dlq_headers(self.consumer_id, record, reason)
                copy = dlq_copy(record.key, record.value, headers, self.max_message_bytes)
                uow.emit_bytes(
                    topic=dlq_topic(record.topic), key=copy.key, value=copy.value, headers=copy.headers
                )
            await uow.commit()
        return already is None


def _position(record: Received) -> tuple[str, int, int]:
    return (record.topic, record.partition, record.offset)


def _where(record: Received) -> str:
    return f"{record.topic}[{record.partition}]@{record.offset}"
