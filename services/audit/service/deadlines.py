"""Compliance rules that wait on a deadline (R-R4, R-M4, R-M5), and the sweep that raises them."""

from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import delete, select

from services.audit.domain import compliance as decide
from services.audit.models import SettingsVersionRow, VisitPlanRow, WatchRow
from services.audit.service.compliance import apply, primary_of, resolve_open
from services.audit.service.config import config_for
from shared.envelope import Envelope
from shared.rules import RuleId
from shared.timeutil import as_utc, utcnow
from shared.uow import UnitOfWork


async def watch(
    uow: UnitOfWork, envelope: Envelope, rule: str, subject: str, due: Any, **who: str | None
) -> None:
    """Remember a deadline a compliance rule waits on."""
    row = await uow.session.get(WatchRow, (rule, subject))
    if row is None:
        uow.session.add(
            WatchRow(
                rule_id=rule,
                subject_key=subject,
                org_id=envelope.org_id,
                due=due,
                evidence=[f"event:{envelope.event_id}"],
                **who,
            )
        )


async def on_decision(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-R4: questions from risk must be answered by their due date."""
    if event.questions:
        due = min(q.due_date for q in event.questions)
        await watch(
            uow,
            envelope,
            "R-R4",
            f"recommendation:{event.recommendation_id}",
            datetime.combine(due, time.max, tzinfo=UTC),
        )


async def on_answer(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-R4: an answer clears the question's watch and any overdue finding."""
    subject = f"recommendation:{event.recommendation_id}"
    await uow.session.execute(
        delete(WatchRow).where(WatchRow.rule_id == "R-R4", WatchRow.subject_key == subject)
    )
    await resolve_open(uow, envelope.org_id, "R-R4", subject, "the question was answered")


async def on_activity(uow: UnitOfWork, envelope: Envelope, event: Any) -> None:
    """R-M5: a dissatisfaction warning must be followed by a visit within a set number of days."""
    subject = f"customer:{event.customer_id}"
    if envelope.event_type == "customer.dissatisfaction-warned":
        config = await config_for(uow, envelope.org_id, as_utc(envelope.occurred_at))
        await watch(
            uow,
            envelope,
            "R-M5",
            subject,
            decide.follow_up_due(
                as_utc(envelope.occurred_at),
                config.dissatisfaction_visit_days,
            ),
            customer_id=event.customer_id,
            manager_id=await primary_of(uow, event.customer_id),
        )
    elif envelope.event_type == "visit.filed" and event.kind != "phone":
        await uow.session.execute(
            delete(WatchRow).where(WatchRow.rule_id == "R-M5", WatchRow.subject_key == subject)
        )
        await resolve_open(uow, envelope.org_id, "R-M5", subject, "the customer was visited")
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
    plan = await uow.session.get(VisitPlanRow, customer_id)
    if plan is None:
        plan = VisitPlanRow(
            customer_id=customer_id,
            org_id=envelope.org_id,
            importance=importance or "ordinary",
            since=envelope.occurred_at,
        )
        uow.session.add(plan)
    if importance is not None:
        plan.importance = importance
    if visited_at is not None and (plan.last_visit is None or visited_at > as_utc(plan.last_visit)):
        plan.last_visit = visited_at
    await _plan_watch(uow, plan, utcnow(), f"event:{envelope.event_id}", named)


async def _plan_watch(
    uow: UnitOfWork, plan: VisitPlanRow, now: datetime, evidence: str, named: str | None = None
) -> None:
    """R-M4: the plan's next visit is due by the interval and tolerance in force `now`."""
    config = await config_for(uow, plan.org_id, now)
    due = decide.visit_due(
        decide.VisitPlan(
            plan.importance, as_utc(plan.since), as_utc(plan.last_visit) if plan.last_visit else None
        ),
        config.visit_interval(plan.importance),
        config.visit_tolerance_days,
    )
    subject = f"customer:{plan.customer_id}"
    row = await uow.session.get(WatchRow, ("R-M4", subject))
    if row is None:
        uow.session.add(
            WatchRow(
                rule_id="R-M4",
                subject_key=subject,
                org_id=plan.org_id,
                due=due,
                customer_id=plan.customer_id,
                manager_id=await primary_of(uow, plan.customer_id) or named,
                evidence=[evidence],
            )
        )
    else:
        row.due = due
    if due > now:
        await resolve_open(uow, plan.org_id, "R-M4", subject, "visited within the plan")


async def recheck_settings(uow: UnitOfWork, org_id: str | None, now: datetime) -> int:
    """Versions of the settings that took effect by `now`: re-plan their cooperative's visits (R-M4)."""
    query = select(SettingsVersionRow).where(
        SettingsVersionRow.rechecked_at.is_(None), SettingsVersionRow.effective_from <= now
    )
    if org_id is not None:
        query = query.where(SettingsVersionRow.org_id == org_id)
    versions = list(await uow.session.scalars(query))
    for org in sorted({v.org_id for v in versions}):
        since = max(as_utc(v.effective_from) for v in versions if v.org_id == org)
        plans = await uow.session.scalars(select(VisitPlanRow).where(VisitPlanRow.org_id == org))
        for plan in list(plans):
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
