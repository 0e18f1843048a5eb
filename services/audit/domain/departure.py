"""Departure audits (R-I6): every customer reviewed, every finding resolved, before the CM may leave."""

from collections.abc import Iterable
from enum import StrEnum

from shared.errors import Conflict, Forbidden, RuleViolation


class AuditStatus(StrEnum):
    """Where a departure audit stands."""

    AWAITING_PORTFOLIO = "awaiting_portfolio"
    IN_PROGRESS = "in_progress"
    CLEARED = "cleared"
    CANCELLED = "cancelled"


class ItemStatus(StrEnum):
    """Where one customer of the departing CM stands."""

    PENDING = "pending"
    FINDING = "finding"
    CLEAR = "clear"


OPEN = frozenset({AuditStatus.AWAITING_PORTFOLIO, AuditStatus.IN_PROGRESS})


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
        raise Conflict("audit.departure.cleared_not_cancellable")
    return AuditStatus.CANCELLED


def check_auditor(auditor_id: str, departing_manager_id: str) -> None:
    """Nobody audits their own departure."""
    if auditor_id == departing_manager_id:
        raise Forbidden("audit.departure.own")


def check_reviewable(audit_status: AuditStatus, item_status: ItemStatus) -> None:
    """An item is reviewed only while its audit is open, and not once it is clear."""
    if audit_status is AuditStatus.CLEARED:
        raise Conflict("audit.departure.already_cleared")
    if audit_status is AuditStatus.CANCELLED:
        raise Conflict("audit.departure.cancelled")
    if item_status is ItemStatus.CLEAR:
        raise Conflict("audit.item.already_clear")


def check_clearable(open_findings: int) -> None:
    """R-I6: an item with an open finding is not clear until the finding is resolved."""
    if open_findings:
        raise RuleViolation("audit.item.open_findings", open_findings=open_findings)
