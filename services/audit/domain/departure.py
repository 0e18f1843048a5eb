"""Departure audits (R-I6): every customer reviewed, every finding resolved, before the CM may leave."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
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


@dataclass(frozen=True)
class NewItem:
    """R-I6: one customer of the departing CM to review, and where audit learned of it."""

    customer_id: str
    name: str
    kind: str
    source: str


@dataclass(frozen=True)
class Cleared:
    """R-I6: the audit cleared this moment; staffing may depart the CM."""

    cleared_at: datetime
    items_reviewed: int


def settle(
    current: AuditStatus, portfolio_received: bool, items: Sequence[ItemStatus], now: datetime
) -> tuple[AuditStatus, Cleared | None]:
    """R-I6: the audit's status after a change, and the clearance when it clears now (once only)."""
    status = status_after_review(portfolio_received, items)
    if status is AuditStatus.CLEARED and current is not AuditStatus.CLEARED:
        return status, Cleared(now, len(items))
    return status, None


def accepts_portfolio(status: AuditStatus, portfolio_received: bool) -> bool:
    """R-I6: the portfolio is taken once, and never by a cancelled audit."""
    return not portfolio_received and status is not AuditStatus.CANCELLED


def portfolio_items(
    known: Iterable[str], portfolio: Iterable[tuple[str, str, str]], still_served: Iterable[str]
) -> list[NewItem]:
    """R-I6: one item per customer of the portfolio, plus any the assignment projection still shows."""
    seen = set(known)
    items: list[NewItem] = []
    candidates = [NewItem(c, name, kind, "portfolio") for c, name, kind in portfolio]
    candidates += [NewItem(c, c, "unknown", "assignment-projection") for c in still_served]
    for item in candidates:
        if item.customer_id not in seen:
            seen.add(item.customer_id)
            items.append(item)
    return items


def late_item(known: Iterable[str], customer_id: str) -> NewItem | None:
    """R-I6: a customer given to the CM while their departure is audited becomes an item (once)."""
    if customer_id in set(known):
        return None
    return NewItem(customer_id, customer_id, "unknown", "late-assignment")


def clear_item(
    auditor_id: str, manager_id: str, audit: AuditStatus, item: ItemStatus, open_findings: int
) -> ItemStatus:
    """R-I6: an auditor other than the CM clears a reviewable item with no open finding."""
    check_auditor(auditor_id, manager_id)
    check_reviewable(audit, item)
    check_clearable(open_findings)
    return ItemStatus.CLEAR


def raise_finding(auditor_id: str, manager_id: str, audit: AuditStatus, item: ItemStatus) -> ItemStatus:
    """R-I6: a finding on a reviewable item blocks it (and the departure) until resolved."""
    check_auditor(auditor_id, manager_id)
    check_reviewable(audit, item)
    return ItemStatus.FINDING


def check_resolvable(finding_status: str) -> None:
    """A finding is resolved once."""
    if finding_status != "open":
        raise Conflict("audit.finding.resolved")


def after_resolution(open_findings_left: int) -> ItemStatus | None:
    """An item whose last open finding is resolved goes back to the auditor (pending); else unchanged."""
    return None if open_findings_left else ItemStatus.PENDING


def waiting_hours(now: datetime, requested_at: datetime | None, opened_at: datetime) -> Decimal:
    """How long a departure has waited on audit, in hours to a tenth, from its request (else the audit)."""
    started = requested_at or opened_at
    return Decimal((now - started).total_seconds() / 3600).quantize(Decimal("0.1"))


def item_evidence(audit_id: str, given: str) -> list[str]:
    """R-I6: a departure finding's evidence: the audit it was raised in, then what the auditor gave."""
    return [f"departure-audit:{audit_id}", *filter(None, [given.strip()])]


def team_roles(primary: str, co_managers: Iterable[str]) -> list[tuple[str, str]]:
    """Who serves a customer and as what: the primary, then each co-manager (R-I6 reads this projection)."""
    return [(primary, "primary"), *((m, "co_manager") for m in co_managers if m != primary)]


def items_done(items: Iterable[ItemStatus]) -> int:
    """R-I6: the audit's progress, the customers found clear."""
    return sum(1 for i in items if i is ItemStatus.CLEAR)
