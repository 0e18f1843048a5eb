"""Per-request and per-message context: who acts, and which correlation chain we are in."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from uuid import uuid4

from shared.envelope import SYSTEM_ACTOR, Actor, Envelope


@dataclass(frozen=True)
class CallContext:
    """The actor and correlation chain that events raised now belong to."""

    actor: Actor
    correlation_id: str
    causation_id: str | None = None


_current: ContextVar[CallContext | None] = ContextVar("steward_call_context", default=None)


def current_context() -> CallContext:
    """The context of the current request or message; a fresh system context if none is set."""
    ctx = _current.get()
    if ctx is None:
        ctx = CallContext(actor=SYSTEM_ACTOR, correlation_id=str(uuid4()))
        _current.set(ctx)
    return ctx


def set_context(ctx: CallContext) -> None:
    """Make ctx the context of the current task."""
    _current.set(ctx)


def caused_by(envelope: Envelope) -> CallContext:
    """The context of handling one event: events raised for it keep its actor and correlation id."""
    return CallContext(
        actor=envelope.actor, correlation_id=envelope.correlation_id, causation_id=str(envelope.event_id)
    )


def batch_context(envelopes: Iterable[Envelope]) -> CallContext:
    """The context of a batch: its events' own actor and correlation when they share them, else the system
    with a fresh correlation id (a batch handler raising an event for one of them passes `cause=`)."""
    chains = {(e.actor, e.correlation_id) for e in envelopes}
    if len(chains) == 1:
        ((actor, correlation_id),) = chains
        return CallContext(actor=actor, correlation_id=correlation_id)
    return CallContext(actor=SYSTEM_ACTOR, correlation_id=str(uuid4()))


def current_correlation_id() -> str | None:
    """The correlation id in force, if any, for logs."""
    ctx = _current.get()
    return ctx.correlation_id if ctx else None


@dataclass(frozen=True)
class MessageContext:
    """The Kafka record being consumed, and its event once parsed: every log line about it names them."""

    topic: str
    partition: int
    offset: int
    event_type: str | None = None
    event_id: str | None = None
    correlation_id: str | None = None


_message: ContextVar[MessageContext | None] = ContextVar("steward_message_context", default=None)


@contextmanager
def message_context(
    topic: str, partition: int, offset: int, envelope: Envelope | None = None
) -> Iterator[None]:
    """Within the block, log lines carry the record's topic, partition and offset (and its event's ids)."""
    token = _message.set(MessageContext(topic, partition, offset))
    if envelope is not None:
        describe_message(envelope)
    try:
        yield
    finally:
        _message.reset(token)


def describe_message(envelope: Envelope) -> None:
    """Name the event of the record being consumed (its type, id and correlation id) for its log lines."""
    current = _message.get()
    if current is not None:
        _message.set(
            replace(
                current,
                event_type=envelope.event_type,
                event_id=str(envelope.event_id),
                correlation_id=envelope.correlation_id,
            )
        )


def current_message() -> MessageContext | None:
    """The record being consumed, if any, for logs."""
    return _message.get()
