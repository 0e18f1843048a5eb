"""Continuous compliance (R-I2) and early warnings (R-I1): load, decide (`audit.domain.compliance`), persist.

A finding is raised when a rule breaks and resolved when it clears, never raised twice while open.
"""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from services.audit.domain import compliance as decide
from services.audit.domain import findings
from services.audit.models import (
    CUSTOMER_REFS,
    AssignmentProjectionRow,
    BalanceSeenRow,
    FindingRow,
    GradeLimitRow,
    LadderLimitsRow,
    ManagerWatchRow,
    WatchRow,
)
from services.audit.service.config import config_for
from shared.consumer import Rejected
from shared.contracts.audit import FindingRaised, FindingResolved
from shared.contracts.expenses import ExpenseBudgetExceeded, ExpenseYearClosed
from shared.contracts.staffing import (
    ManagerCertificationExpired,
    ManagerCertified,
    ManagerGradeChanged,
    ManagerRegistered,
)
from shared.customer_refs import resolve
from shared.envelope import Envelope
from shared.messages import render
from shared.timeutil import as_utc, utcnow
from shared.uow import UnitOfWork


async def apply(uow: UnitOfWork, source: Envelope | WatchRow, decisions: list[decide.Decision]) -> None:
    """Persist the domain's decisions: open (or add evidence to) and resolve findings."""
    for decision in decisions:
        if isinstance(decision, decide.Raise):
            await _raise(uow, source, decision)
        else:
            await resolve_open(uow, source.org_id, decision.rule, decision.subject, decision.reason)


async def _raise(uow: UnitOfWork, source: Envelope | WatchRow, decision: decide.Raise) -> None:
    if isinstance(source, WatchRow):
        evidence = findings.evidence_of(None, source.evidence)
    else:
        evidence = findings.evidence_of(str(source.event_id))
    found = await _open(uow, source.org_id, decision.rule, decision.subject)
    if found is not None:
        found.evidence = findings.with_evidence(found.evidence, evidence)
        found.manager_id = findings.named_manager(found.manager_id, decision)
        return
    new = findings.opened(decision, evidence)
    finding = FindingRow(id=f"f-{uuid4().hex[:12]}", org_id=source.org_id, raised_at=utcnow(), **asdict(new))
    uow.session.add(finding)
    uow.emit(
        "audit.finding-raised",
        key=findings.event_key(new.customer_id, new.manager_id, new.subject_key),
        org_id=source.org_id,
        payload=FindingRaised(
            finding_id=finding.id,
            rule_id=new.rule_id,
            manager_id=new.manager_id,
            customer_id=new.customer_id,
            severity=new.severity,
            description=new.description,
        ),
    )


async def _open(uow: UnitOfWork, org_id: str, rule: str, subject: str) -> FindingRow | None:
    return await uow.session.scalar(
        select(FindingRow).where(
            FindingRow.org_id == org_id,
            FindingRow.rule_id == rule,
            FindingRow.subject_key == subject,
            FindingRow.status == findings.OPEN,
        )
    )


async def resolve_open(uow: UnitOfWork, org_id: str, rule: str, subject: str, reason: str) -> None:
    """The condition cleared: resolve the open finding for (rule, subject), if any."""
    found = await _open(uow, org_id, rule, subject)
    if found is None:
        return
    done = findings.resolve(found.status, reason, findings.SYSTEM, utcnow())
    found.status, found.remediation = done.status, done.remediation
    found.resolved_by, found.resolved_at = done.resolved_by, done.resolved_at
    uow.emit(
        "audit.finding-resolved",
        key=findings.event_key(found.customer_id, found.manager_id, subject),
        org_id=org_id,
        payload=FindingResolved(finding_id=found.id, rule_id=rule, remediation=reason),
    )


async def primary_of(uow: UnitOfWork, customer_id: str) -> str | None:
    """The CM responsible for the customer now: the primary (any serving CM for rows from before roles)."""
    rows = await uow.session.execute(
        select(AssignmentProjectionRow.manager_id, AssignmentProjectionRow.role).where(
            AssignmentProjectionRow.customer_id == customer_id
        )
    )
    return decide.responsible(rows)


async def on_visit_filed(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-M2: count a report filed later than the delay after its visit."""
    late = bool(getattr(event, "filed_late", False))
    await apply(uow, envelope, decide.late_report(event.manager_id, event.customer_id, late))


async def on_customer_compliance(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-C3, R-C1, R-Q5: mirror customer service's compliance of each team."""
    responsible = await primary_of(uow, event.customer_id)
    structured = [(v.rule, render(v.message_key, "en", v.params) or v.message_key) for v in event.violations]
    broken = decide.issues_of(structured, event.issues)
    await apply(
        uow, envelope, decide.team_compliance(event.customer_id, event.compliant, broken, responsible)
    )


async def when_registered_keep_manager(uow: UnitOfWork, envelope: Envelope, event: ManagerRegistered) -> None:
    """R-Q7: a CM took up the post: their grade, branch and certification; an expiry finding resolved."""
    row = await locked_watch(uow, envelope.org_id, event.manager_id)
    state, decisions = decide.manager_registered(_state(row), event.manager_id, event.grade, event.branch)
    await _keep(uow, envelope, row, state, decisions)


async def when_certified_resolve_expiry(uow: UnitOfWork, envelope: Envelope, event: ManagerCertified) -> None:
    """R-Q7: a CM certified again; an expiry finding resolved."""
    row = await locked_watch(uow, envelope.org_id, event.manager_id)
    state, decisions = decide.manager_certified(_state(row), event.manager_id, event.grade)
    await _keep(uow, envelope, row, state, decisions)


async def when_grade_changed_keep_grade(
    uow: UnitOfWork, envelope: Envelope, event: ManagerGradeChanged
) -> None:
    """R-I1: the CM's grade, whose authorization limit audit checks recommendations against."""
    row = await locked_watch(uow, envelope.org_id, event.manager_id)
    state, decisions = decide.grade_changed(_state(row), event.to_grade)
    await _keep(uow, envelope, row, state, decisions)


async def when_certification_expired_check_serving(
    uow: UnitOfWork, envelope: Envelope, event: ManagerCertificationExpired
) -> None:
    """R-Q7: an expired CM who still serves customers is a finding (the row is locked before asking)."""
    row = await locked_watch(uow, envelope.org_id, event.manager_id)
    serves = await _serves_anyone(uow, event.manager_id)
    state, decisions = decide.certification_expired(_state(row), event.manager_id, serves)
    await _keep(uow, envelope, row, state, decisions)


def _state(row: ManagerWatchRow) -> decide.ManagerState:
    return decide.ManagerState(grade=row.grade, certified=row.certified, branch=row.branch)


async def _keep(
    uow: UnitOfWork,
    envelope: Envelope,
    row: ManagerWatchRow,
    state: decide.ManagerState,
    decisions: list[decide.Decision],
) -> None:
    row.grade, row.certified, row.branch = state.grade, state.certified, state.branch
    await apply(uow, envelope, decisions)


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
    """R-Q7: a customer given to an uncertified CM; the customer's deadlines now name the new primary."""
    certified = {}
    for manager_id in sorted({event.primary_manager_id, *event.co_manager_ids}):
        certified[manager_id] = (await locked_watch(uow, envelope.org_id, manager_id)).certified
    await apply(uow, envelope, decide.assignment_certification(certified))
    for watch in await uow.session.scalars(
        select(WatchRow).where(WatchRow.subject_key == decide.customer_subject(event.customer_id))
    ):
        watch.manager_id = event.primary_manager_id


async def on_recommendation(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1: above the author's limit without a senior co-sign, or by a CM not serving the customer."""
    serving = await uow.session.get(AssignmentProjectionRow, (event.customer_id, event.author))
    watch = await uow.session.get(ManagerWatchRow, event.author)
    grade = watch.grade if watch else ""
    limit = await _limit_on(uow, envelope.org_id, grade, as_utc(envelope.occurred_at).date())
    rec = decide.Recommendation(
        event.recommendation_id, event.customer_id, event.author, event.amount, event.cosigned_by
    )
    anyone = await primary_of(uow, event.customer_id) is not None
    await apply(uow, envelope, decide.recommendation(rec, serving is not None, anyone, limit))


async def _limit_on(uow: UnitOfWork, org_id: str, grade: str, on: date) -> Decimal:
    ladders = [
        decide.ladder_limits(r.version, r.effective_from, r.limits.items())
        for r in await uow.session.scalars(select(LadderLimitsRow).where(LadderLimitsRow.org_id == org_id))
    ]
    legacy = {
        r.code: r.authorization_limit
        for r in await uow.session.scalars(select(GradeLimitRow).where(GradeLimitRow.org_id == org_id))
    }
    return decide.limit_on(ladders, grade, on, legacy)


async def when_budget_exceeded_raise_finding(
    uow: UnitOfWork, envelope: Envelope, event: ExpenseBudgetExceeded
) -> None:
    """R-I4/R-P2: a CM over their yearly budget."""
    decisions = decide.budget_exceeded(event.manager_id, event.year, event.spent, event.budget)
    await apply(uow, envelope, decisions)


async def when_year_closed_resolve_budget_finding(
    uow: UnitOfWork, envelope: Envelope, event: ExpenseYearClosed
) -> None:
    """R-I4/R-P2: the year closed and its overspend deducted clears the budget finding."""
    await apply(uow, envelope, decide.year_closed(event.manager_id, event.year, event.overspend))


async def on_rating(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1 early warning: a poor rating or warning flags from the risk department."""
    warnings = (await config_for(uow, envelope.org_id, as_utc(envelope.occurred_at))).rating_warnings
    responsible = await primary_of(uow, event.customer_id)
    decisions = decide.rating(event.customer_id, event.rating, event.warning_flags, warnings, responsible)
    await apply(uow, envelope, decisions)


async def on_balances(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1 early warning: an overdue loan balance; a report older than one judged is ignored."""
    if event.customer_id is None:  # v2: named by core banking's number
        customer_id = await resolve(uow.session, CUSTOMER_REFS, envelope.org_id, event.external_id)
        if customer_id is None:
            raise Rejected(
                f"balances for unknown external id {event.external_id}: audit has seen no customer file of "
                f"{envelope.org_id} with this core banking number (replay once customer.registered is in)"
            )
        event = event.resolved(customer_id)
    seen = await uow.session.get(BalanceSeenRow, (envelope.org_id, event.customer_id), with_for_update=True)
    state = decide.BalanceState(as_of=as_utc(seen.as_of) if seen else None)
    responsible = await primary_of(uow, event.customer_id)
    new, decisions = decide.balances(
        state, event.customer_id, event.overdue, as_utc(event.as_of), responsible
    )
    if new.as_of is not None and new != state:  # a newer report was judged
        if seen is None:
            uow.session.add(
                BalanceSeenRow(org_id=envelope.org_id, customer_id=event.customer_id, as_of=new.as_of)
            )
        else:
            seen.as_of = new.as_of
    await apply(uow, envelope, decisions)


async def on_ladder(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-I1: the authorization limits of each ladder version, applied from its effective date."""
    if await uow.session.get(LadderLimitsRow, (envelope.org_id, event.version)) is None:
        limits = {g.code: str(g.authorization_limit) for g in event.grades}
        uow.session.add(
            LadderLimitsRow(
                org_id=envelope.org_id,
                version=event.version,
                effective_from=event.effective_from,
                limits=limits,
            )
        )
