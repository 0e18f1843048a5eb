"""Audit rules, free of I/O: the departure audit gate (R-I6)."""

from collections.abc import Iterable
from enum import StrEnum

from shared.errors import Conflict


class AuditStatus(StrEnum):
    """Where a departure audit stands."""

    AWAITING_PORTFOLIO = "awaiting_portfolio"
    IN_PROGRESS = "in_progress"
    CLEARED = "cleared"
    CANCELLED = "cancelled"


class ItemStatus(StrEnum):
    """Where one customer of the departing CM stands."""

    PENDING = "pending"
    CLEAR = "clear"


AUDITED_KINDS = frozenset({"corporate", "institutional", "individual", "farm_household"})


def status_after_review(portfolio_received: bool, items: Iterable[ItemStatus]) -> AuditStatus:
    """R-I6: cleared only once the portfolio is in and every customer on it is clear."""
    if not portfolio_received:
        return AuditStatus.AWAITING_PORTFOLIO
    if all(i is ItemStatus.CLEAR for i in items):
        return AuditStatus.CLEARED
    return AuditStatus.IN_PROGRESS


def cancel(audit_status: AuditStatus) -> AuditStatus:
    """R-I6: a withdrawn departure cancels its audit, unless it already cleared."""
    if audit_status is AuditStatus.CLEARED:
        raise Conflict("the departure audit already cleared; it cannot be cancelled")
    return AuditStatus.CANCELLED


def check_reviewable(audit_status: AuditStatus, item_status: ItemStatus) -> None:
    """An item can be cleared once, and only while its audit is open."""
    if audit_status is AuditStatus.CLEARED:
        raise Conflict("this departure audit is already cleared")
    if audit_status is AuditStatus.CANCELLED:
        raise Conflict("this departure audit was cancelled: the departure was withdrawn")
    if item_status is ItemStatus.CLEAR:
        raise Conflict("this item is already clear")
