"""What a consumer subscribes with: handlers per event type, their outcomes and their exceptions."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from shared.deadletter import Received
from shared.envelope import Envelope
from shared.uow import UnitOfWork

Handler = Callable[[UnitOfWork, Envelope, Any], Awaitable[None]]
EveryHandler = Callable[[UnitOfWork, Sequence[tuple[Envelope, "Received"]]], Awaitable[None]]
# Applies many events of one type in one transaction; returns {index: reason} for those it refuses,
# which must have had no effect (they are dead-lettered one by one).
BatchHandler = Callable[[UnitOfWork, Sequence[tuple[Envelope, Any]]], Awaitable[Mapping[int, str]]]
# Envelope and payload from bytes in one pass, or None when the ordinary path must decide.
FastParse = Callable[[bytes], tuple[Envelope, BaseModel] | None]


class Rejected(Exception):
    """The event is well-formed but can never be applied; it goes to the dead-letter topic.

    Handlers may also raise any DomainError: the rules refusing an event is just as final.
    """


class RetryLater(Exception):
    """A handler lost a race it can win next time; never dead-lettered, redelivered instead."""


class TransientFailure(Exception):
    """The effect could not be committed for a reason outside the message (database down)."""


class Outcome(StrEnum):
    """What became of one delivered message."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class Subscription:
    """A named consumer of one topic and the handler for each event type it cares about.

    `on_every`, when given, runs in the same transaction for every valid envelope on the topic,
    handled or not (audit's journal uses it), after the handlers, with the transaction's events in
    order. `batch_handlers` make the topic consumed in batches: events of those types are applied
    many to a transaction (see `shared.batch`); each still needs its one-at-a-time handler, used
    for replays and when a batch fails. `batch_each` batches a topic without batch handlers: one
    transaction runs each event's own handler in order, then `on_every` over them all.
    `idempotent` says that applying an event twice changes nothing (balances by `as_of`): such a
    subscription writes no inbox row per event (ADR 0011); its dead letters stay. `fast_parse`, when
    given, parses a hot event's envelope and payload from bytes in one pass (`shared.wire`), or returns
    None to leave the record to the ordinary parse.
    """

    name: str
    topic: str
    handlers: Mapping[str, Handler]
    on_every: "EveryHandler | None" = None
    batch_handlers: Mapping[str, BatchHandler] = field(default_factory=dict)
    batch_each: bool = False
    idempotent: bool = False
    fast_parse: "FastParse | None" = None

    @property
    def batched(self) -> bool:
        """True when the topic is consumed in batches."""
        return bool(self.batch_handlers) or self.batch_each

    def __post_init__(self) -> None:
        missing = set(self.batch_handlers) - set(self.handlers)
        if missing:
            raise ValueError(f"{self.name}: batch handlers without a single handler: {sorted(missing)}")
        if self.batch_handlers and self.on_every is not None:
            raise ValueError(f"{self.name}: on_every needs batch_each, not batch handlers")
        if self.batch_handlers and self.batch_each:
            raise ValueError(f"{self.name}: batch_each and batch handlers exclude each other")
        if self.idempotent and self.on_every is not None:
            raise ValueError(f"{self.name}: on_every is not idempotent; keep the inbox")
