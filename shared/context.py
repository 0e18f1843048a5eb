"""Per-request and per-message context: who acts, and which correlation chain we are in."""

from contextvars import ContextVar
from dataclasses import dataclass
from uuid import uuid4

from shared.envelope import SYSTEM_ACTOR, Actor


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


def current_correlation_id() -> str | None:
    """The correlation id in force, if any, for logs."""
    ctx = _current.get()
    return ctx.correlation_id if ctx else None
