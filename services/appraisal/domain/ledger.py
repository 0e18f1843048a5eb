"""R-A2: the profit ledger: each posting id booked once, a customer not yet known held under its number."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

HELD = "external:"  # a posting's customer while its core banking number names no known customer

Booked = tuple[str, str]  # cooperative, posting id
Figures = tuple[object, ...]  # what makes two postings under one id the same
YearKey = tuple[str, int, str]  # cooperative, year, customer


def held_as(external_id: str) -> str:
    """The customer id a posting is held under until its number becomes known."""
    return f"{HELD}{external_id}"


def posting_year(period: str) -> int:
    """The year a posting counts for, from its period ("2025-03")."""
    return int(period[:4])


def posting_refused(posting_id: str, known: Figures | None, again: Figures) -> str | None:
    """R-A2: a posting id is booked once; an exact repeat is ignored, other figures under it are refused."""
    if known is None or known == again:
        return None
    return f"posting {posting_id} was already booked with other figures; post a correction"


def booking(
    known: Mapping[Booked, Figures], incoming: Sequence[tuple[Booked, Figures]]
) -> tuple[list[int], dict[int, str]]:
    """R-A2 for a batch: which postings to book (ids new to the ledger and to the batch), which refused.

    An exact repeat of a posting already booked, or earlier in the batch, is neither.
    """
    seen = dict(known)
    book: list[int] = []
    refused: dict[int, str] = {}
    for index, (key, figures) in enumerate(incoming):
        before = seen.get(key)
        if before is None:
            seen[key] = figures
            book.append(index)
        elif (reason := posting_refused(key[1], before, figures)) is not None:
            refused[index] = reason
    return book, refused


def year_totals(booked: Iterable[tuple[YearKey, Decimal]]) -> dict[YearKey, Decimal]:
    """R-A2: what newly booked postings add to their customers' totals of the year."""
    totals: dict[YearKey, Decimal] = {}
    for key, amount in booked:
        totals[key] = totals.get(key, Decimal(0)) + amount
    return totals
