"""Unit of work: one transaction for a command's state change and the events it raises."""

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self
from uuid import uuid4

from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.bulk import write_rows
from shared.context import caused_by, current_context
from shared.contracts import contract_for
from shared.envelope import Envelope, new_envelope
from shared.idempotency import Claim, active_claim
from shared.tables import MessagingTables
from shared.telemetry import outbound_headers
from shared.timeutil import utcnow


class UnitOfWork:
    """A session plus an outbox: state and events commit together or not at all."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        producer: str,
        on_commit: Callable[[], None] = lambda: None,
        topic_prefix: str = "",
    ) -> None:
        self._topic_prefix = topic_prefix
        self._session_factory = session_factory
        self.tables = tables
        self.producer = producer
        self._on_commit = on_commit
        self._pending: list[dict[str, object]] = []
        self._session: AsyncSession | None = None
        self._claim: Claim | None = None

    @property
    def session(self) -> AsyncSession:
        """The open session; only valid inside `async with`."""
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        self._pending = []
        # A POST with an Idempotency-Key: its key is reserved first thing in the command's transaction,
        # and a transaction already held for it (an earlier block of the same request) is carried on.
        claim = self._claim = active_claim()
        if claim is not None and claim.session is not None:
            self._session = claim.session
            return self
        self._session = self._session_factory()
        if claim is not None:
            try:
                await claim.reserve(self._session)
            except BaseException:
                await self.__aexit__(None, None, None)
                raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        self._pending = []
        claim, self._claim = self._claim, None
        if claim is not None and session is not None and claim.session is session:
            if exc is not None:  # the command failed after committing: nothing of it is kept
                await claim.release()
            return  # held: the key's answer commits with it (shared.idempotency)
        if session is not None:
            await session.rollback()
            await session.close()

    def emit(
        self, event_type: str, *, key: str, org_id: str, payload: BaseModel, cause: Envelope | None = None
    ) -> Envelope:
        """Raise an event; it is written to the outbox when this unit commits. It carries the actor and
        correlation of `cause` when given (a batch handler names the event it answers), else the context's."""
        contract = contract_for(event_type)
        if not isinstance(payload, contract.payload):
            raise TypeError(f"{event_type} carries {contract.payload.__name__}, not {type(payload).__name__}")
        ctx = caused_by(cause) if cause is not None else current_context()
        envelope = new_envelope(
            event_type=event_type,
            schema_version=contract.schema_version,
            producer=self.producer,
            org_id=org_id,
            key=key,
            payload=payload,
            actor=ctx.actor,
            correlation_id=ctx.correlation_id,
            causation_id=ctx.causation_id,
        )
        self._queue(
            event_id=str(envelope.event_id),
            event_type=event_type,
            topic=f"{self._topic_prefix}{contract.topic}",
            key=key,
            value=envelope.to_bytes(),
            headers={
                "event_type": event_type,
                "correlation_id": envelope.correlation_id,
                **outbound_headers(),  # the trace continues where the event is consumed
            },
        )
        return envelope

    def emit_many(
        self, event_type: str, org_id: str, events: Sequence[tuple[str, BaseModel | dict[str, Any]]]
    ) -> None:
        """Raise many events of one type (key, payload): the contract, context and headers looked up once.

        A payload is its contract's model, or a dict already in its JSON form that the caller built to
        the contract (bulk imports: a test holds each such builder to the model's own `model_dump`).
        """
        contract = contract_for(event_type)
        ctx = current_context()
        topic = f"{self._topic_prefix}{contract.topic}"
        now, traced = utcnow(), outbound_headers()
        correlation_id = ctx.correlation_id or str(uuid4())
        headers = {"event_type": event_type, "correlation_id": correlation_id, **traced}
        head = {
            "event_type": event_type,
            "schema_version": contract.schema_version,
            "occurred_at": now,
            "producer": self.producer,
            "org_id": org_id,
        }
        tail = {
            "correlation_id": correlation_id,
            "causation_id": ctx.causation_id,
            "actor": ctx.actor.model_dump(mode="json"),
        }
        for key, payload in events:
            if isinstance(payload, BaseModel):
                if not isinstance(payload, contract.payload):
                    raise TypeError(
                        f"{event_type} carries {contract.payload.__name__}, not {type(payload).__name__}"
                    )
                payload = payload.model_dump(mode="json")
            event_id = str(uuid4())
            # The envelope's own field order and JSON form (`Envelope.to_bytes`), without a model per event.
            value = to_json({"event_id": event_id, **head, "key": key, **tail, "payload": payload})
            self._pending.append(
                {
                    "event_id": event_id,
                    "event_type": event_type,
                    "topic": topic,
                    "key": key,
                    "value": value,
                    "headers": headers,
                    "created_at": now,
                    "attempts": 0,
                }
            )

    def emit_bytes(self, *, topic: str, key: str, value: bytes, headers: dict[str, str]) -> None:
        """Queue exact bytes for a physical topic; dead letters use it to keep the original message."""
        self._queue(
            event_id=str(uuid4()),
            event_type="dead-letter",
            topic=topic,
            key=key,
            value=value,
            headers=headers,
        )

    def _queue(self, **row: object) -> None:
        self._pending.append({**row, "created_at": utcnow(), "attempts": 0})

    async def commit(self) -> None:
        """Write queued events to the outbox, commit, and wake the relay."""
        rows = self._pending
        if rows:  # a bulk import's many events by COPY on PostgreSQL (shared.bulk)
            await write_rows(self.session, self.tables.outbox, rows)
        self._pending = []
        if self._claim is not None:  # held until the answer is stored in the same transaction
            await self.session.flush()
            self._claim.hold(self.session, self._on_commit if rows else lambda: None)
            return
        await self.session.commit()
        if rows:
            self._on_commit()
