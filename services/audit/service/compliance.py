"""Continuous compliance (R-I2) and early warnings (R-I1).

A finding is raised when a rule breaks and resolved when it clears, never raised twice while open.
"""

from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import delete, func, select

from services.audit.models import (
    CUSTOMER_REFS,
    AssignmentProjectionRow,
    FindingRow,
    GradeLimitRow,
    ManagerWatchRow,
    WatchRow,
)
from services.audit.service.config import config_for
from shared.consumer import Rejected
from shared.contracts.audit import FindingRaised, FindingResolved
from shared.contracts.default_ladder import DEFAULT_LADDER_GRADES
from shared.customer_refs import resolve
from shared.envelope import Envelope
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

SYSTEM = "steward-compliance"
LIMITS = {g.code: g.authorization_limit for g in DEFAULT_LADDER_GRADES}


async def raise_once(
    uow: UnitOfWork,
    envelope: Envelope | WatchRow,
    rule: str,
    subject: str,
    description: str,
    severity: str = "medium",
    manager_id: str | None = None,
    customer_id: str | None = None,
) -> None:
    """Open a finding for (rule, subject) unless one is open; either way, add the evidence."""
    evidence = list(envelope.evidence) if isinstance(envelope, WatchRow) else [f"event:{envelope.event_id}"]
    found = await uow.session.scalar(
        select(FindingRow).where(
            FindingRow.org_id == envelope.org_id,
            FindingRow.rule_id == rule,
            FindingRow.subject_key == subject,
            FindingRow.status == "open",
        )
    )
    if found is not None:
        found.evidence = [*found.evidence, *(e for e in evidence if e not in found.evidence)]
        return
    finding = FindingRow(
        id=f"f-{uuid4().hex[:12]}",
        org_id=envelope.org_id,
        rule_id=rule,
        subject_key=subject,
        manager_id=manager_id,
        customer_id=customer_id,
        severity=severity,
        description=description,
        evidence=evidence,
        status="open",
        raised_by=SYSTEM,
        raised_at=utcnow(),
    )
    uow.session.add(finding)
    uow.emit(
        "audit.finding-raised",
        key=customer_id or manager_id or subject,
        org_id=envelope.org_id,
        payload=FindingRaised(
            finding_id=finding.id,
            rule_id=rule,
            manager_id=manager_id,
            customer_id=customer_id,
            severity=severity,
            description=description,
        ),
    )


async def resolve_open(uow: UnitOfWork, org_id: str, rule: str, subject: str, reason: str) -> None:
    """The condition cleared: resolve the open finding for (rule, subject), if any."""
    found = await uow.session.scalar(
        select(FindingRow).where(
            FindingRow.org_id == org_id,
            FindingRow.rule_id == rule,
            FindingRow.subject_key == subject,
            FindingRow.status == "open",
        )
    )
    if found is None:
        return
    found.status, found.remediation, found.resolved_by, found.resolved_at = (
        "resolved",
        reason,
        SYSTEM,
        utcnow(),
    )
    uow.emit(
        "audit.finding-resolved",
        key=found.customer_id or found.manager_id or subject,
        org_id=org_id,
        payload=FindingResolved(finding_id=found.id, rule_id=rule, remediation=reason),
    )


async def primary_of(uow: UnitOfWork, customer_id: str) -> str | None:
    return await uow.session.scalar(
        select(AssignmentProjectionRow.manager_id)
        .where(AssignmentProjectionRow.customer_id == customer_id)
        .limit(1)
    )


async def on_customer_compliance(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-C3, R-C1, R-Q5: mirror customer service's compliance of each team."""
    subject = f"customer:{event.customer_id}"
    for rule in ("R-C3", "R-C1", "R-Q5"):
        issues = [i for i in event.issues if i.startswith(rule)]
        if issues and not event.compliant:
            await raise_once(
                uow,
                envelope,
                rule,
                subject,
                "; ".join(issues),
                "high",
                await primary_of(uow, event.customer_id),
                event.customer_id,
            )
        else:
            await resolve_open(uow, envelope.org_id, rule, subject, "the team complies again")


async def on_manager(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """Keep each CM's grade and certification; R-Q7: an expired CM who still serves customers."""
    row = await locked_watch(uow, envelope.org_id, event.manager_id)
    subject = f"manager:{event.manager_id}"
    if envelope.event_type == "manager.registered":
        row.branch = event.branch
    if envelope.event_type in ("manager.registered", "manager.certified"):
        row.grade, row.certified = event.grade, True
        await resolve_open(uow, envelope.org_id, "R-Q7", subject, "certification renewed")
    elif envelope.event_type == "manager.grade-changed" and event.to_grade:
        row.grade = event.to_grade
    elif envelope.event_type == "manager.certification-expired":
        row.certified = False
        if await _serves_anyone(uow, event.manager_id):
            await raise_once(
                uow,
                envelope,
                "R-Q7",
                subject,
                "certification expired while still serving customers",
                "high",
                event.manager_id,
            )


async def locked_watch(uow: UnitOfWork, org_id: str, manager_id: str) -> ManagerWatchRow:
    """The CM's watch row, locked for this transaction (created if new).

    R-Q7 is decided by two events on two topics, consumed concurrently: the certification's expiry
    and a new assignment. Both lock this row, so whichever commits second sees the other's write.
    """
    row = await uow.session.get(ManagerWatchRow, manager_id, with_for_update=True)
    if row is None:
        row = ManagerWatchRow(manager_id=manager_id, org_id=org_id, grade="", certified=True)
        uow.session.add(row)
        await uow.session.flush()
    return row


async def _serves_anyone(uow: UnitOfWork, manager_id: str) -> bool:
    return (
        await uow.session.scalar(
            select(AssignmentProjectionRow.customer_id)
            .where(AssignmentProjectionRow.manager_id == manager_id)
            .limit(1)
        )
        is not None
    )


async def after_assignment(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-Q7: a customer given to an uncertified CM."""
    for manager_id in sorted({event.primary_manager_id, *event.co_manager_ids}):
        watch = await locked_watch(uow, envelope.org_id, manager_id)
        if not watch.certified:
            await raise_once(
                uow,
                envelope,
                "R-Q7",
                f"manager:{manager_id}",
                "certification expired while still serving customers",
                "high",
                manager_id,
            )


async def on_recommendation(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1: above the author's limit without a senior co-sign, or by a CM not serving the customer."""
    subject = f"recommendation:{event.recommendation_id}"
    serving = await uow.session.get(AssignmentProjectionRow, (event.customer_id, event.author))
    if serving is None and await primary_of(uow, event.customer_id) is not None:
        await raise_once(
            uow,
            envelope,
            "R-I1",
            subject,
            "recommended by a CM not serving the customer",
            "high",
            event.author,
            event.customer_id,
        )
    watch = await uow.session.get(ManagerWatchRow, event.author)
    grade = watch.grade if watch else ""
    published = await uow.session.get(GradeLimitRow, (envelope.org_id, grade))
    limit = published.authorization_limit if published else LIMITS.get(grade, Decimal("0"))
    if event.amount > limit and event.cosigned_by is None:
        await raise_once(
            uow,
            envelope,
            "R-I1",
            subject + ":limit",
            f"{event.amount} exceeds the authorization limit {limit} without a senior co-sign",
            "high",
            event.author,
            event.customer_id,
        )


async def on_expenses(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I4/R-P2: a CM over the budget of their grade; cleared when the year is closed and deducted."""
    subject = f"expenses:{event.manager_id}:{event.year}"
    if envelope.event_type == "expense.budget-exceeded":
        await raise_once(
            uow,
            envelope,
            "R-I4",
            subject,
            f"{event.category} spending {event.spent} over the budget {event.budget}",
            "medium",
            event.manager_id,
        )
    elif envelope.event_type == "expense.year-closed":
        await resolve_open(
            uow, envelope.org_id, "R-I4", subject, f"year closed; overspend {event.overspend} deducted"
        )


async def on_rating(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1 early warning: a poor rating or warning flags from the risk department."""
    subject = f"rating:{event.customer_id}"
    if event.warning_flags or event.rating in (await config_for(uow, envelope.org_id)).rating_warnings:
        flags = ", ".join(event.warning_flags) or "none"
        await raise_once(
            uow,
            envelope,
            "R-I1",
            subject,
            f"early warning: rating {event.rating}, flags {flags}",
            "high",
            await primary_of(uow, event.customer_id),
            event.customer_id,
        )
    else:
        await resolve_open(uow, envelope.org_id, "R-I1", subject, f"rating {event.rating} without warnings")


async def on_balances(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1 early warning: an overdue loan balance at core banking."""
    if event.customer_id is None:  # v2: named by core banking's number
        customer_id = await resolve(uow.session, CUSTOMER_REFS, envelope.org_id, event.external_id)
        if customer_id is None:
            raise Rejected(
                f"balances for unknown external id {event.external_id}: audit has seen no customer file of "
                f"{envelope.org_id} with this core banking number (replay once customer.registered is in)"
            )
        event = event.resolved(customer_id)
    subject = f"overdue:{event.customer_id}"
    if event.overdue > 0:
        await raise_once(
            uow,
            envelope,
            "R-I1",
            subject,
            f"early warning: overdue balance {event.overdue}",
            "high",
            await primary_of(uow, event.customer_id),
            event.customer_id,
        )
    else:
        await resolve_open(uow, envelope.org_id, "R-I1", subject, "no overdue balance")


async def summary(uow: UnitOfWork, org_id: str) -> list[dict[str, Any]]:
    """Open findings counted per branch, CM and rule."""
    async with uow:
        rows = await uow.session.execute(
            select(ManagerWatchRow.branch, FindingRow.manager_id, FindingRow.rule_id, func.count())
            .select_from(FindingRow)
            .outerjoin(ManagerWatchRow, ManagerWatchRow.manager_id == FindingRow.manager_id)
            .where(FindingRow.org_id == org_id, FindingRow.status == "open")
            .group_by(ManagerWatchRow.branch, FindingRow.manager_id, FindingRow.rule_id)
            .order_by(ManagerWatchRow.branch, FindingRow.manager_id, FindingRow.rule_id)
        )
        return [{"branch": b, "manager_id": m, "rule_id": r, "open_findings": n} for b, m, r, n in rows.all()]


async def on_ladder(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1: the authorization limits of the cooperative's ladder in force (newest version wins)."""
    known = await uow.session.scalar(
        select(GradeLimitRow.ladder_version).where(GradeLimitRow.org_id == envelope.org_id).limit(1)
    )
    if known is not None and known >= event.version:
        return
    await uow.session.execute(delete(GradeLimitRow).where(GradeLimitRow.org_id == envelope.org_id))
    for grade in event.grades:
        uow.session.add(
            GradeLimitRow(
                org_id=envelope.org_id,
                code=grade.code,
                ladder_version=event.version,
                authorization_limit=grade.authorization_limit,
            )
        )
