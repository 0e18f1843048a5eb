"""R-P1, R-Q8: the grades a CM held during a year, read from the grade history."""

from collections.abc import Sequence
from datetime import date

# From that day on, the grade held (None: off the post), until the next spell's day.
Spell = tuple[date, str | None]


def days_in_year(year: int) -> int:
    """The days of a year: 365, or 366 in a leap year."""
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


def days_in_grades(history: Sequence[Spell], year: int) -> dict[str, int]:
    """R-P1: the days of the year a CM held each grade, from their spells in order.

    A grade holds from its spell's day until the next spell's; days off the post (no grade) count for none.
    """
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    days: dict[str, int] = {}
    for index, (since, grade) in enumerate(history):
        until = history[index + 1][0] if index + 1 < len(history) else end
        span = (min(until, end) - max(since, start)).days
        if grade is not None and span > 0:
            days[grade] = days.get(grade, 0) + span
    return days


def grade_at_year_end(history: Sequence[Spell], year: int, known: str | None) -> str | None:
    """R-Q8: the grade in force when the year ended (the last spell begun by then); else the one known now."""
    begun = [grade for since, grade in history if since.year <= year]
    return (begun[-1] if begun else None) or known
