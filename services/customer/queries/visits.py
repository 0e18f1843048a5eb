"""Visit reports, satisfaction, the visit schedule and a CM's day as read (R-M2..R-M5, R-W4)."""

from datetime import date, datetime

from sqlalchemy import func, select

from services.customer.domain import visits as rules
from services.customer.models import COOPERATIVE_SETTINGS, CustomerRow, DailyReportRow, VisitRow
from services.customer.queries.files import MANAGE, current, served_by, visible, visible_customer
from services.customer.schemas.visits import DailyReportRead, DueRead, SatisfactionRead, VisitRead
from shared.auth import Principal
from shared.contracts.audit import CooperativeSettings
from shared.cooperative_settings import in_force
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def scores(uow: UnitOfWork, customer_id: str) -> list[int]:
    """R-M5: the customer's satisfaction scores, oldest first (corrected reports count once)."""
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
        found = await scores(uow, row.id)
        settings = await settings_at(uow, row.org_id, utcnow())
    average = rules.rolling(found, settings.satisfaction_window)
    return SatisfactionRead(
        customer_id=customer_id,
        scores=found,
        rolling_average=average,
        threshold=settings.satisfaction_threshold,
        warning=rules.warned(average, settings.satisfaction_threshold),
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
        query = query.where(CustomerRow.id.in_(served_by(manager_id)))
    result = []
    async with uow:
        settings = await settings_at(uow, caller.org_id, now)
        # Whether a file is overdue is computed here, not in SQL: the page is cut from the full schedule.
        for row, last in (
            await uow.session.execute(query.order_by(CustomerRow.file_no, CustomerRow.id))
        ).all():
            last_day = last.date() if last is not None else None
            interval = settings.visit_interval(row.importance)
            due, overdue = rules.due(
                last_day, row.created_at.date(), interval, now.date(), settings.visit_tolerance_days
            )
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
