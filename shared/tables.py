"""The messaging tables every service has: outbox, inbox and dead letters."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

from shared.timeutil import as_utc

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_BigId = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class MessagingTables:
    """The outbox, inbox and dead-letter tables of one service's metadata."""

    outbox: Table
    inbox: Table
    dead_letters: Table


def define_messaging_tables(metadata: MetaData) -> MessagingTables:
    """Add the outbox, inbox and dead-letter tables to a service's metadata."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", _BigId, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("event_type", String(128), nullable=False),
        Column("topic", String(255), nullable=False),
        Column("key", String(128), nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        # A row that can never be published (too large, refused by the broker) waits here for an admin.
        Column("parked_at", UtcDateTime(), nullable=True),
        Column("parked_reason", Text, nullable=True),
    )
    Index("ix_outbox_unpublished", outbox.c.published_at, outbox.c.id)
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(128), nullable=False),
        Column("event_id", String(64), nullable=False),
        Column("topic", String(255), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("processed_at", UtcDateTime(), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )
    dead_letters = Table(
        "dead_letters",
        metadata,
        Column("id", _BigId, primary_key=True, autoincrement=True),
        Column("consumer", String(128), nullable=False),
        Column("topic", String(255), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("key", LargeBinary, nullable=True),
        Column("value", LargeBinary, nullable=True),
        Column("headers", JSON, nullable=False),
        Column("event_id", String(64), nullable=True),
        Column("event_type", String(128), nullable=True),
        Column("reason", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("status", String(16), nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("replayed_at", UtcDateTime(), nullable=True),
    )
    Index("ix_dead_letters_status", dead_letters.c.status, dead_letters.c.id)
    Index("ix_dead_letters_event", dead_letters.c.consumer, dead_letters.c.event_id)
    return MessagingTables(outbox=outbox, inbox=inbox, dead_letters=dead_letters)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored and returned as timezone-aware UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive times; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Steward stores timezone-aware UTC only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return aware UTC; SQLite hands back naive values that were stored as UTC."""
        if value is None:
            return None
        return as_utc(value)


class Hundredths(TypeDecorator[Decimal]):
    """A Decimal with two places stored as an exact integer of hundredths (fen, score points)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        """Refuse anything finer than a hundredth rather than round it silently."""
        if value is None:
            return None
        scaled = Decimal(value) * 100
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than two decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        """Back to a Decimal with exactly two places."""
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))
