"""A cooperative's compliance settings over time (issue 19, finding 1): the version in force, a new one."""

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from shared.errors import RuleViolation

MAX_DAYS_AHEAD = 5 * 366
# what a write carries besides values: its date, and the schedule GET shows (read-only, ignored)
NOT_VALUES = frozenset({"effective_from", "scheduled"})
T = TypeVar("T")


def effective_moment(requested: date | None, now: datetime) -> datetime:
    """A version written for today (or no date) applies from now; a later day from its UTC midnight."""
    today = now.astimezone(UTC).date()
    if requested is None or requested == today:
        return now
    if requested < today:
        raise RuleViolation("audit.settings.effective_in_past", effective_from=requested.isoformat())
    if requested > today + timedelta(days=MAX_DAYS_AHEAD):
        raise RuleViolation(
            "audit.settings.effective_too_far", effective_from=requested.isoformat(), days=MAX_DAYS_AHEAD
        )
    return datetime.combine(requested, time.min, tzinfo=UTC)


def in_force_at(versions: Iterable[tuple[datetime, T]], at: datetime) -> T | None:
    """The version in force at `at`: the latest to take effect by then (None: the defaults apply)."""
    due = [(effective, v) for effective, v in versions if effective <= at]
    return max(due, key=lambda d: d[0])[1] if due else None


def scheduled_after(versions: Iterable[tuple[datetime, T]], now: datetime) -> list[T]:
    """The versions still to take effect after `now`, soonest first."""
    return [v for effective, v in sorted(versions, key=lambda e: e[0]) if effective > now]


def merged(base: Mapping[str, Any], sent: Iterable[str], write: Mapping[str, Any]) -> dict[str, Any]:
    """A write changes only the values it sends; the others keep those in force at its date."""
    return {**base, **{name: write[name] for name in sent if name not in NOT_VALUES}}
