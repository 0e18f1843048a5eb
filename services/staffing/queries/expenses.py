"""Marketing expenses as callers and the year's close read them (R-P2, R-I4): budgets, spending, summaries."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from services.staffing.domain import expenses as rules
from services.staffing.domain.ladder import ExpenseCategory
from services.staffing.models import BudgetRow, ExpenseRow, ExpenseYearRow, GradeChangeRow, ManagerRow
from services.staffing.queries.access import ladder_in_force, visible_manager
from services.staffing.schemas.expenses import BudgetSummary, CategoryRead, ExpenseRead
from shared.auth import Principal
from shared.uow import UnitOfWork


async def budget_for(
    uow: UnitOfWork, org_id: str, grade: str | None, year: int
) -> dict[ExpenseCategory, Decimal]:
    """R-P2: the grade's budget for a year (HR's, else the ladder's in force on 1 January)."""
    if grade is None:
        return {}
    overrides = await uow.session.scalars(
        select(BudgetRow).where(BudgetRow.org_id == org_id, BudgetRow.year == year, BudgetRow.grade == grade)
    )
    set_by_hr = {ExpenseCategory(b.category): b.amount for b in overrides}
    return rules.budget_of(grade, set_by_hr, await ladder_in_force(uow, org_id, date(year, 1, 1)))


async def grade_in(uow: UnitOfWork, row: ManagerRow, year: int) -> str | None:
    """R-P2: the grade a CM held at the end of a year."""
    later = await uow.session.scalars(
        select(GradeChangeRow.from_grade)
        .where(
            GradeChangeRow.manager_id == row.id,
            GradeChangeRow.changed_at >= datetime(year + 1, 1, 1, tzinfo=UTC),
        )
        .order_by(GradeChangeRow.changed_at, GradeChangeRow.id)
        .limit(1)
    )
    return rules.grade_held(row.grade, list(later))


async def spent_in(uow: UnitOfWork, manager_id: str, year: int) -> dict[ExpenseCategory, Decimal]:
    """What a CM spent per category in a year."""
    first, last = rules.year_span(year)
    rows = await uow.session.execute(
        select(ExpenseRow.category, ExpenseRow.amount).where(
            ExpenseRow.manager_id == manager_id, ExpenseRow.spent_on >= first, ExpenseRow.spent_on <= last
        )
    )
    return rules.spent_by_category((category, amount) for category, amount in rows.all())


async def closed_years(uow: UnitOfWork, org_id: str) -> list[int]:
    """The expense years the cooperative has closed."""
    return list(await uow.session.scalars(select(ExpenseYearRow.year).where(ExpenseYearRow.org_id == org_id)))


async def summary(uow: UnitOfWork, row: ManagerRow, year: int) -> BudgetSummary:
    """R-P2/R-I4: a CM's year: the grade held, each category's budget and spending, the overspend."""
    grade = await grade_in(uow, row, year)
    budget = await budget_for(uow, row.org_id, grade, year)
    year_summary = rules.year_summary(grade, budget, await spent_in(uow, row.id, year))
    return BudgetSummary(
        manager_id=row.id,
        year=year,
        grade=year_summary.grade,
        categories=[
            CategoryRead(
                category=s.category,
                budget=s.budget,
                spent=s.spent,
                remaining=s.remaining,
                overspend=s.overspend,
            )
            for s in year_summary.categories
        ],
        overspend=year_summary.overspend,
    )


async def budget_summary(uow: UnitOfWork, manager_id: str, year: int, caller: Principal) -> BudgetSummary:
    """R-I4: running total and remaining budget per category."""
    async with uow:
        return await summary(uow, await visible_manager(uow, manager_id, caller), year)


async def list_expenses(uow: UnitOfWork, manager_id: str, year: int, caller: Principal) -> list[ExpenseRead]:
    """A CM's expenses in a year."""
    first, last = rules.year_span(year)
    async with uow:
        await visible_manager(uow, manager_id, caller)
        rows = await uow.session.scalars(
            select(ExpenseRow)
            .where(
                ExpenseRow.manager_id == manager_id, ExpenseRow.spent_on >= first, ExpenseRow.spent_on <= last
            )
            .order_by(ExpenseRow.spent_on, ExpenseRow.recorded_at, ExpenseRow.id)
        )
        return [ExpenseRead.model_validate(r) for r in rows]
