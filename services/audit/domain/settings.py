"""When a cooperative's compliance settings take effect (issue 19, finding 1): bounds on a new version."""

from datetime import UTC, date, datetime, time, timedelta

from shared.errors import RuleViolation

MAX_DAYS_AHEAD = 5 * 366


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
