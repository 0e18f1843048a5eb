"""Rules that wait on a deadline (R-R4, R-M4, R-M5): load, decide (`domain/deadlines.py`), persist."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from services.audit.domain import compliance as decide
from services.audit.domain import deadlines as rules
from services.audit.models import SettingsVersionRow, VisitPlanRow, WatchRow
from services.audit.service.compliance import apply, primary_of, resolve_open
from services.audit.service.config import config_for
from shared.contracts.customer import DissatisfactionWarned, VisitFiled
from shared.envelope import Envelope
from shared.rules import RuleId
from shared.timeutil import as_utc, utcnow
from shared.uow import UnitOfWork


async def watch(uow: UnitOfWork, org_id: str, evidence: str, deadline: rules.Watch) -> None:
    """Remember a deadline; one already watched stays, unless the decision moves it."""
    row = await uow.session.get(WatchRow, (deadline.rule.value, deadline.subject))
    if row is None:
        uow.session.add(
            WatchRow(
                rule_id=deadline.rule.value,
                subject_key=deadline.subject,
                org_id=org_id,
                due=deadline.due,
                manager_id=deadline.manager_id,
                customer_id=deadline.customer_id,
                evidence=[evidence],
            )
        )
    elif deadline.moves:
        row.due = deadline.due


async def met(uow: UnitOfWork, org_id: str, done: rules.Met) -> None:
    """Forget a deadline that was met and resolve its open finding."""
    await uow.session.execute(
        delete(WatchRow).where(WatchRow.rule_id == done.rule.value, WatchRow.subject_key == done.subject)
    )
    await resolve_open(uow, org_id, done.rule, done.subject, done.reason)


async def on_decision(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-R4: questions from risk must be answered by their due date."""
    deadline = rules.questions_due(event.recommendation_id, [q.due_date for q in event.questions])
    if deadline is not None:
        await watch(uow, envelope.org_id, f"event:{envelope.event_id}", deadline)


async def on_answer(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-R4: an answer clears the question's watch and any overdue finding."""
    await met(uow, envelope.org_id, rules.answered(event.recommendation_id))


async def when_dissatisfaction_warned_watch_follow_up(
    uow: UnitOfWork, envelope: Envelope, event: DissatisfactionWarned
) -> None:
    """R-M5: a dissatisfaction warning must be followed by a visit within the days in force at the warning."""
    warned_at = as_utc(envelope.occurred_at)
    days = (await config_for(uow, envelope.org_id, warned_at)).dissatisfaction_visit_days
    responsible = await primary_of(uow, event.customer_id)
    deadline = rules.follow_up(event.customer_id, warned_at, days, responsible)
    await watch(uow, envelope.org_id, f"event:{envelope.event_id}", deadline)


async def when_visit_filed_clear_follow_up(uow: UnitOfWork, envelope: Envelope, event: VisitFiled) -> None:
    """R-M5, R-M4: a visit in person answers the warning and starts the next visit interval."""
    if rules.answers_warning(event.kind):
        await met(uow, envelope.org_id, rules.visited(event.customer_id))
        await follow_visit_plan(uow, envelope, event.customer_id, visited_at=event.occurred_at)


async def follow_visit_plan(
    uow: UnitOfWork,
    envelope: Envelope,
    customer_id: str,
    importance: str | None = None,
    visited_at: datetime | None = None,
    named: str | None = None,
) -> None:
    """R-M4: the next in-person visit is due by the importance level's interval, plus a tolerance."""
    row = await uow.session.get(VisitPlanRow, customer_id)
    last = as_utc(row.last_visit) if row and row.last_visit else None
    known = decide.VisitPlan(row.importance, as_utc(row.since), last) if row else None
    plan = rules.plan_after(known, envelope.occurred_at, importance, visited_at)
    if row is None:
        row = VisitPlanRow(customer_id=customer_id, org_id=envelope.org_id, since=plan.since)
        uow.session.add(row)
    row.importance = plan.importance
    if plan.last_visit != last:
        row.last_visit = plan.last_visit
    await _plan_watch(uow, row, utcnow(), f"event:{envelope.event_id}", named)


async def _plan_watch(
    uow: UnitOfWork, row: VisitPlanRow, now: datetime, evidence: str, named: str | None = None
) -> None:
    """R-M4: the plan's next visit is due by the interval and tolerance in force `now`."""
    config = await config_for(uow, row.org_id, now)
    last = as_utc(row.last_visit) if row.last_visit else None
    plan = decide.VisitPlan(row.importance, as_utc(row.since), last)
    interval, tolerance = config.visit_interval(plan.importance), config.visit_tolerance_days
    watched = await uow.session.get(WatchRow, (RuleId.R_M4.value, decide.customer_subject(row.customer_id)))
    # a new deadline names the CM responsible now; a moved one keeps whom it named
    responsible = None if watched else await primary_of(uow, row.customer_id) or named
    deadline, cleared = rules.next_visit(row.customer_id, plan, interval, tolerance, now, responsible)
    await watch(uow, row.org_id, evidence, deadline)
    if cleared is not None:
        await resolve_open(uow, row.org_id, cleared.rule, cleared.subject, cleared.reason)


async def recheck_settings(uow: UnitOfWork, org_id: str | None, now: datetime) -> int:
    """Versions of the settings that took effect by `now`: re-plan their cooperative's visits (R-M4)."""
    query = select(SettingsVersionRow).where(
        SettingsVersionRow.rechecked_at.is_(None), SettingsVersionRow.effective_from <= now
    )
    if org_id is not None:
        query = query.where(SettingsVersionRow.org_id == org_id)
    versions = list(await uow.session.scalars(query))
    for org, since in rules.taking_effect((v.org_id, as_utc(v.effective_from)) for v in versions).items():
        for plan in list(await uow.session.scalars(select(VisitPlanRow).where(VisitPlanRow.org_id == org))):
            await _plan_watch(uow, plan, now, f"settings:{since.isoformat()}")
    for version in versions:
        version.rechecked_at = now
    await uow.session.flush()
    return len(versions)


async def on_customer(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-M4: a new customer or a new importance level sets the visit plan."""
    named = getattr(event, "primary_manager_id", None)
    await follow_visit_plan(uow, envelope, event.customer_id, importance=event.importance, named=named)


async def sweep(uow: UnitOfWork, org_id: str | None, now: datetime | None = None) -> int:
    """Re-check settings that took effect, then raise a finding for every passed deadline; return how many."""
    now = now or utcnow()
    count = 0
    async with uow:
        await recheck_settings(uow, org_id, now)
        query = select(WatchRow).where(WatchRow.due < now)
        if org_id is not None:
            query = query.where(WatchRow.org_id == org_id)
        for row in list(await uow.session.scalars(query.limit(5000))):
            count += 1
            raised = decide.deadline_passed(
                RuleId(row.rule_id), row.subject_key, as_utc(row.due), row.manager_id, row.customer_id
            )
            await apply(uow, row, [raised])
        await uow.commit()
    return count
