"""The event envelope every Steward message travels in."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.timeutil import as_utc, utcnow

EVENT_TYPE_PATTERN = r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$"
# The default of `kafka.max_message_bytes`: the largest envelope a consumer accepts (see docs/operations.md).
MAX_MESSAGE_BYTES = 1_000_000


class Actor(BaseModel):
    """Who caused an event: a user with roles, or the system itself."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["user", "system"] = "user"
    user_id: str = Field(min_length=1, max_length=128)
    roles: tuple[str, ...] = ()


SYSTEM_ACTOR = Actor(kind="system", user_id="steward")


class Envelope(BaseModel):
    """One event as it travels on a topic; the payload is validated by its contract."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID
    event_type: str = Field(pattern=EVENT_TYPE_PATTERN, max_length=128)
    schema_version: int = Field(ge=1, le=1000)
    occurred_at: AwareDatetime
    producer: str = Field(min_length=1, max_length=64)
    org_id: str = Field(min_length=1, max_length=64)
    key: str = Field(min_length=1, max_length=128)
    correlation_id: str = Field(min_length=1, max_length=128)
    causation_id: str | None = Field(default=None, max_length=128)
    actor: Actor
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return utc_or_refuse(value)

    def to_bytes(self) -> bytes:
        """Serialize to the JSON bytes put on the wire."""
        return self.model_dump_json().encode("utf-8")


class EnvelopeError(ValueError):
    """A message that is not a valid envelope; it can never succeed, so it is dead-lettered."""


def utc_or_refuse(value: datetime) -> datetime:
    """The time in UTC; a ValueError (not an OverflowError) when UTC cannot hold it (year 1 at +14:00)."""
    try:
        return as_utc(value)
    except OverflowError as exc:
        raise ValueError(f"{value.isoformat()} is out of the representable range in UTC") from exc


def parse_envelope(raw: bytes | None, max_bytes: int = MAX_MESSAGE_BYTES) -> Envelope:
    """Parse wire bytes into an envelope, or raise EnvelopeError with a readable reason."""
    if raw is None:
        raise EnvelopeError("empty message (tombstone) where an envelope was expected")
    if len(raw) > max_bytes:
        raise EnvelopeError(f"message of {len(raw)} bytes exceeds {max_bytes}")
    try:
        return Envelope.model_validate_json(raw)
    except ValidationError as exc:
        raise EnvelopeError(_describe(exc)) from exc
    except (ArithmeticError, RecursionError, ValueError, TypeError) as exc:
        # Whatever else the parser may raise on hostile input is as final as a validation error.
        raise EnvelopeError(f"unreadable envelope: {type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class TimeWindow:
    """How far in the past and the future an event's times may lie; outside it, it is refused."""

    max_age: timedelta = timedelta(days=3660)
    max_ahead: timedelta = timedelta(days=1)
    # Payload fields that state when a fact was true, bounded like the envelope's `occurred_at`.
    fields: tuple[str, ...] = ("as_of",)

    def refusal(self, envelope: Envelope, payload: BaseModel | None, now: datetime) -> str | None:
        """Why the event's times are out of the window, or None when they are inside it."""
        times = [("occurred_at", envelope.occurred_at)]
        for name in self.fields:
            value = getattr(payload, name, None)
            if isinstance(value, datetime):
                times.append((name, value))
        for name, value in times:
            try:
                moment = as_utc(value)
            except OverflowError:
                return f"{name} {value.isoformat()} is out of the representable range in UTC"
            if moment < now - self.max_age or moment > now + self.max_ahead:
                return (
                    f"{name} {moment.isoformat()} is outside the accepted window "
                    f"(at most {self.max_age.days} days ago, {int(self.max_ahead.total_seconds())} s ahead)"
                )
        return None


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "message"
        parts.append(f"{where}: {err['msg']}")
    return "invalid envelope: " + "; ".join(parts)


def describe_validation_error(exc: ValidationError, prefix: str) -> str:
    """Summarize a pydantic validation error in one line."""
    return _describe(exc).replace("invalid envelope", prefix, 1)


def new_envelope(
    *,
    event_type: str,
    schema_version: int,
    producer: str,
    org_id: str,
    key: str,
    payload: BaseModel,
    actor: Actor,
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> Envelope:
    """Build a fresh envelope with a new event id, stamped now in UTC."""
    return Envelope(
        event_id=uuid4(),
        event_type=event_type,
        schema_version=schema_version,
        occurred_at=utcnow(),
        producer=producer,
        org_id=org_id,
        key=key,
        correlation_id=correlation_id or str(uuid4()),
        causation_id=causation_id,
        actor=actor,
        payload=payload.model_dump(mode="json"),
    )
