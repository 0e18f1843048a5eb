"""Visits, visit plans and satisfaction (R-D2, R-D3, R-M1..R-M5), and daily work reports (R-W4)."""

from datetime import date, datetime, timedelta
from uuid import uuid4

from sqlalchemy import func, select

from services.customer.domain import visits as rules
from services.customer.domain.credit import check_author_serves
from services.customer.models import (
    COOPERATIVE_SETTINGS,
    AssignmentRow,
    CustomerRow,
    DailyReportRow,
    VisitRow,
)
from services.customer.schemas.visits import (
    DailyReportRead,
    DayOutcome,
    DayPlan,
    DueRead,
    SatisfactionRead,
    VisitCreate,
    VisitRead,
)
from services.customer.service.common import MANAGE, current, visible, visible_customer
from shared.auth import Principal
from shared.contracts.audit import CooperativeSettings
from shared.contracts.customer import DissatisfactionWarned, VisitFiled
from shared.cooperative_settings import in_force
from shared.errors import Forbidden, NotFound, RuleViolation
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _scores(uow: UnitOfWork, customer_id: str) -> list[int]:
    rows = await uow.session.scalars(
        select(VisitRow.satisfaction)
        .where(
            VisitRow.customer_id == customer_id,
            VisitRow.satisfaction.is_not(None),
            VisitRow.superseded.is_(False),
        )
        .order_by(VisitRow.occurred_at, VisitRow.filed_at)
    )
    return [s for s in rows if s is not None]


async def settings_at(uow: UnitOfWork, org_id: str, at: datetime) -> CooperativeSettings:
    """The cooperative's settings in force at `at`, as audit (their owner) published them (ADR 0012)."""
    return await in_force(uow.session, COOPERATIVE_SETTINGS, org_id, at)


async def file_visit(uow: UnitOfWork, customer_id: str, cmd: VisitCreate, caller: Principal) -> VisitRead:
    """R-M2: a serving CM files the report right after the visit; it is immutable (R-R3)."""
    now = utcnow()
    next_on = cmd.maintenance.next_visit_on if cmd.maintenance is not None else None
    rules.check_filed_in_time(cmd.occurred_at, now, next_on)
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        settings = await settings_at(uow, row.org_id, cmd.occurred_at)
        check_author_serves(caller.user_id, {a.manager_id for a in current(row)})
        version, supersedes = 1, None
        if cmd.supersedes_id is not None:
            previous = await uow.session.get(VisitRow, cmd.supersedes_id)
            # Another customer's visit (another CM's, another cooperative's) is not the caller's to know.
            if previous is None or previous.customer_id != row.id or previous.org_id != row.org_id:
                raise NotFound("customer.visit.not_found", supersedes_id=cmd.supersedes_id)
            rules.check_correction(previous.customer_id, row.id, previous.kind, cmd.kind.value)
            previous.superseded = True
            version, supersedes = previous.version + 1, previous.id
        before = rules.rolling(await _scores(uow, row.id), settings.satisfaction_window)
        record = {"sales": cmd.sales, "maintenance": cmd.maintenance, "phone": cmd.phone}[cmd.kind.value]
        assert record is not None
        visit = VisitRow(
            id=f"v-{uuid4().hex[:12]}",
            org_id=row.org_id,
            customer_id=row.id,
            manager_id=caller.user_id,
            kind=cmd.kind.value,
            occurred_at=cmd.occurred_at,
            plan=cmd.sales_plan.model_dump(mode="json") if cmd.sales_plan else {},
            record=record.model_dump(mode="json"),
            satisfaction=cmd.satisfaction,
            version=version,
            supersedes_id=supersedes,
            superseded=False,
            filed_at=now,
            filed_late=rules.filed_late(cmd.occurred_at, now, timedelta(hours=settings.report_delay_hours)),
        )
        uow.session.add(visit)
        await uow.session.flush()
        uow.emit(
            "visit.filed",
            key=row.id,
            org_id=row.org_id,
            payload=VisitFiled(
                visit_id=visit.id,
                customer_id=row.id,
                manager_id=caller.user_id,
                kind=visit.kind,
                occurred_at=cmd.occurred_at,
                satisfaction=cmd.satisfaction,
                version=version,
                supersedes_id=supersedes,
                filed_at=now,
                filed_late=visit.filed_late,
            ),
        )
        after = rules.rolling(await _scores(uow, row.id), settings.satisfaction_window)
        if rules.dissatisfaction_crossed(before, after, settings.satisfaction_threshold):
            uow.emit(
                "customer.dissatisfaction-warned",
                key=row.id,
                org_id=row.org_id,
                payload=DissatisfactionWarned(
                    customer_id=row.id,
                    rolling_average=str(after),
                    threshold=str(settings.satisfaction_threshold),
                ),
            )
        await uow.commit()
        return VisitRead.model_validate(visit)


async def list_visits(uow: UnitOfWork, customer_id: str, caller: Principal) -> list[VisitRead]:
    """Every visit report of a customer, newest first; superseded versions are kept and marked."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        visits = await uow.session.scalars(
            select(VisitRow)
            .where(VisitRow.customer_id == row.id)
            .order_by(VisitRow.occurred_at.desc(), VisitRow.id.desc())
        )
        return [VisitRead.model_validate(v) for v in visits]


async def satisfaction(uow: UnitOfWork, customer_id: str, caller: Principal) -> SatisfactionRead:
    """R-M5: the scores, the rolling average and the warning state."""
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        scores = await _scores(uow, row.id)
        settings = await settings_at(uow, row.org_id, utcnow())
    average = rules.rolling(scores, settings.satisfaction_window)
    return SatisfactionRead(
        customer_id=customer_id,
        scores=scores,
        rolling_average=average,
        threshold=settings.satisfaction_threshold,
        warning=average is not None and average < settings.satisfaction_threshold,
    )


async def visit_schedule(
    uow: UnitOfWork,
    caller: Principal,
    manager_id: str | None,
    branch: str | None,
    overdue_only: bool,
    page: Page,
) -> list[DueRead]:
    """R-M4: next-due dates by importance level, by the cooperative's settings in force today (ADR 0012)."""
    now = utcnow()
    today = now.date()
    last_visit = (
        select(VisitRow.customer_id, func.max(VisitRow.occurred_at).label("last"))
        .where(VisitRow.kind.in_([k.value for k in rules.IN_PERSON]))
        .group_by(VisitRow.customer_id)
        .subquery()
    )
    query = (
        visible(caller)
        .add_columns(last_visit.c.last)
        .outerjoin(last_visit, last_visit.c.customer_id == CustomerRow.id)
    )
    if branch is not None:
        query = query.where(CustomerRow.branch == branch)
    if manager_id is not None:
        query = query.where(
            CustomerRow.id.in_(
                select(AssignmentRow.customer_id).where(
                    AssignmentRow.manager_id == manager_id, AssignmentRow.valid_to.is_(None)
                )
            )
        )
    result = []
    async with uow:
        settings = await settings_at(uow, caller.org_id, now)
        # Whether a file is overdue is computed here, not in SQL: the page is cut from the full schedule.
        for row, last in (
            await uow.session.execute(query.order_by(CustomerRow.file_no, CustomerRow.id))
        ).all():
            last_day = last.date() if last is not None else None
            due = rules.next_due(last_day, row.created_at.date(), settings.visit_interval(row.importance))
            overdue = rules.is_overdue(due, today, settings.visit_tolerance_days)
            if overdue or not overdue_only:
                result.append(
                    DueRead(
                        customer_id=row.id,
                        name=row.name,
                        importance=row.importance,
                        branch=row.branch,
                        managers=[a.manager_id for a in current(row)],
                        last_visit=last_day,
                        next_due=due,
                        overdue=overdue,
                    )
                )
    return page.window(result)


def _own(caller: Principal, manager_id: str) -> None:
    if caller.user_id != manager_id:
        raise Forbidden("customer.day.own_report")


async def plan_day(
    uow: UnitOfWork, manager_id: str, day: date, cmd: DayPlan, caller: Principal
) -> DailyReportRead:
    """R-W4: the morning plan: tasks by priority, customers to visit, expected results."""
    _own(caller, manager_id)
    async with uow:
        existing = await uow.session.scalar(
            select(DailyReportRow).where(DailyReportRow.manager_id == manager_id, DailyReportRow.day == day)
        )
        rules.check_day_plan(day, utcnow().date(), existing is not None)
        report = DailyReportRow(
            org_id=caller.org_id,
            manager_id=manager_id,
            day=day,
            plan=[t.model_dump(mode="json") for t in cmd.tasks],
            planned_at=utcnow(),
        )
        uow.session.add(report)
        await uow.commit()
        return DailyReportRead.model_validate(report)


async def report_day(
    uow: UnitOfWork, manager_id: str, day: date, cmd: DayOutcome, caller: Principal
) -> DailyReportRead:
    """R-W4: the evening outcome of the planned tasks."""
    _own(caller, manager_id)
    async with uow:
        report = await uow.session.scalar(
            select(DailyReportRow).where(DailyReportRow.manager_id == manager_id, DailyReportRow.day == day)
        )
        rules.check_day_outcome(day, utcnow().date(), report is not None, bool(report and report.outcome))
        assert report is not None
        for outcome in cmd.outcomes:
            if outcome.task >= len(report.plan):
                raise RuleViolation("customer.day.task_not_planned", task=outcome.task, day=day)
        report.outcome, report.reported_at = [o.model_dump(mode="json") for o in cmd.outcomes], utcnow()
        await uow.commit()
        return DailyReportRead.model_validate(report)


async def get_day(uow: UnitOfWork, manager_id: str, day: date, caller: Principal) -> DailyReportRead:
    """A CM's day; the CM themself or a supervisor reads it."""
    if caller.user_id != manager_id and not caller.has_any(MANAGE):
        raise NotFound("customer.day.not_found", manager_id=manager_id, day=day)
    async with uow:
        report = await uow.session.scalar(
            select(DailyReportRow).where(
                DailyReportRow.manager_id == manager_id,
                DailyReportRow.day == day,
                DailyReportRow.org_id == caller.org_id,
            )
        )
        if report is None:
            raise NotFound("customer.day.not_found", manager_id=manager_id, day=day)
        return DailyReportRead.model_validate(report)
