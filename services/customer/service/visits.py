"""Visits, visit plans and satisfaction (R-D2, R-D3, R-M1..R-M5), and daily work reports (R-W4)."""

from datetime import date, timedelta
from uuid import uuid4

from sqlalchemy import select

from services.customer.domain import visits as rules
from services.customer.domain.credit import check_author_serves
from services.customer.models import DailyReportRow, VisitRow
from services.customer.queries.files import current, visible_customer
from services.customer.queries.visits import scores, settings_at
from services.customer.schemas.visits import DailyReportRead, DayOutcome, DayPlan, VisitCreate, VisitRead
from shared.auth import Principal
from shared.contracts.customer import DissatisfactionWarned, VisitFiled
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def file_visit(uow: UnitOfWork, customer_id: str, cmd: VisitCreate, caller: Principal) -> VisitRead:
    """R-M2: a serving CM files the report right after the visit; it is immutable (R-R3)."""
    now = utcnow()
    next_on = cmd.maintenance.next_visit_on if cmd.maintenance is not None else None
    rules.check_filed_in_time(cmd.occurred_at, now, next_on)
    async with uow:
        row = await visible_customer(uow, customer_id, caller)
        settings = await settings_at(uow, row.org_id, cmd.occurred_at)
        check_author_serves(caller.user_id, {a.manager_id for a in current(row)})
        previous = None if cmd.supersedes_id is None else await uow.session.get(VisitRow, cmd.supersedes_id)
        prior = None
        if previous is not None:
            prior = rules.PriorVisit(
                previous.id, previous.customer_id, previous.org_id, previous.kind, previous.version
            )
        version, supersedes = rules.version_of(cmd.supersedes_id, prior, row.id, row.org_id, cmd.kind.value)
        if previous is not None:
            previous.superseded = True
        before = rules.rolling(await scores(uow, row.id), settings.satisfaction_window)
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
        after = rules.rolling(await scores(uow, row.id), settings.satisfaction_window)
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


async def _day(uow: UnitOfWork, manager_id: str, day: date) -> DailyReportRow | None:
    return await uow.session.scalar(
        select(DailyReportRow).where(DailyReportRow.manager_id == manager_id, DailyReportRow.day == day)
    )


async def plan_day(
    uow: UnitOfWork, manager_id: str, day: date, cmd: DayPlan, caller: Principal
) -> DailyReportRead:
    """R-W4: the morning plan: tasks by priority, customers to visit, expected results."""
    rules.check_own_day(caller.user_id, manager_id)
    async with uow:
        rules.check_day_plan(day, utcnow().date(), await _day(uow, manager_id, day) is not None)
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
    rules.check_own_day(caller.user_id, manager_id)
    async with uow:
        report = await _day(uow, manager_id, day)
        rules.check_day_outcome(day, utcnow().date(), report is not None, bool(report and report.outcome))
        assert report is not None
        rules.check_tasks_planned((o.task for o in cmd.outcomes), len(report.plan), day)
        report.outcome, report.reported_at = [o.model_dump(mode="json") for o in cmd.outcomes], utcnow()
        await uow.commit()
        return DailyReportRead.model_validate(report)
