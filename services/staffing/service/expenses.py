"""Marketing expenses (R-P2, R-I4): record, track against the grade's budget, close the year."""

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import func, select

from services.staffing.domain import expenses as rules
from services.staffing.domain.ladder import ExpenseCategory
from services.staffing.models import BudgetRow, ExpenseRow, ExpenseYearRow, GradeChangeRow, ManagerRow
from services.staffing.schemas.expenses import (
    BudgetSet,
    BudgetSummary,
    CategoryRead,
    ExpenseCreate,
    ExpenseRead,
    YearClosed,
)
from services.staffing.service.common import MANAGE, ladder_in_force, today, visible_manager
from services.staffing.service.served import serves
from shared.auth import Principal
from shared.contracts.expenses import ExpenseBudgetExceeded, ExpenseRecorded, ExpenseYearClosed
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

ZERO = Decimal("0")


async def budget_for(
    uow: UnitOfWork, org_id: str, grade: str | None, year: int
) -> dict[ExpenseCategory, Decimal]:
    """R-P2: HR's budget for the grade and year, else the ladder's in force on 1 January."""
    if grade is None:
        return {}
    overrides = await uow.session.scalars(
        select(BudgetRow).where(BudgetRow.org_id == org_id, BudgetRow.year == year, BudgetRow.grade == grade)
    )
    set_by_hr = {ExpenseCategory(b.category): b.amount for b in overrides}
    if set_by_hr:
        return set_by_hr
    ladder = await ladder_in_force(uow, org_id, date(year, 1, 1))
    spec = next((g for g in ladder.grades if g.code == grade), None)
    return dict(spec.expense_budget) if spec else {}


async def grade_in(uow: UnitOfWork, row: ManagerRow, year: int) -> str | None:
    """The grade a CM held at the end of a year (a later promotion or demotion does not change its budget)."""
    later = await uow.session.scalars(
        select(GradeChangeRow)
        .where(
            GradeChangeRow.manager_id == row.id,
            GradeChangeRow.changed_at >= datetime(year + 1, 1, 1, tzinfo=UTC),
        )
        .order_by(GradeChangeRow.changed_at, GradeChangeRow.id)
        .limit(1)
    )
    change = later.first()
    return change.from_grade if change is not None else row.grade


async def spent_in(uow: UnitOfWork, manager_id: str, year: int) -> dict[ExpenseCategory, Decimal]:
    """What a CM spent per category in a year."""
    rows = await uow.session.execute(
        select(ExpenseRow.category, ExpenseRow.amount).where(
            ExpenseRow.manager_id == manager_id,
            ExpenseRow.spent_on >= date(year, 1, 1),
            ExpenseRow.spent_on <= date(year, 12, 31),
        )
    )
    spent: dict[ExpenseCategory, Decimal] = {}
    for category, amount in rows.all():
        spent[ExpenseCategory(category)] = spent.get(ExpenseCategory(category), ZERO) + amount
    return spent


async def _closed_years(uow: UnitOfWork, org_id: str) -> list[int]:
    return list(await uow.session.scalars(select(ExpenseYearRow.year).where(ExpenseYearRow.org_id == org_id)))


async def record_expense(
    uow: UnitOfWork, manager_id: str, cmd: ExpenseCreate, caller: Principal
) -> ExpenseRead:
    """R-P2: a CM records their own expense; crossing the yearly total budget raises an event."""
    rules.check_recorder(caller.user_id, manager_id, caller.has_any(MANAGE))
    async with uow:
        row = await visible_manager(uow, manager_id, caller)
        served = cmd.customer_id is not None and await serves(uow, row.org_id, cmd.customer_id, row.id)
        closed = await _closed_years(uow, row.org_id)
        rules.check_recording(
            row.id, row.status, cmd.amount, cmd.spent_on, today(), closed, cmd.customer_id, served
        )
        year = cmd.spent_on.year
        budget = await budget_for(uow, row.org_id, await grade_in(uow, row, year), year)
        exceeded = rules.budget_after(
            cmd.category, cmd.amount, year, budget, await spent_in(uow, row.id, year)
        )
        expense = ExpenseRow(
            id=f"ex-{uuid4().hex[:12]}",
            org_id=row.org_id,
            manager_id=row.id,
            category=cmd.category.value,
            amount=cmd.amount,
            spent_on=cmd.spent_on,
            customer_id=cmd.customer_id,
            receipt_ref=cmd.receipt_ref,
            description=cmd.description,
            recorded_by=caller.user_id,
            recorded_at=utcnow(),
        )
        uow.session.add(expense)
        # Serialise on the CM's versioned row: two concurrent expenses cannot both miss the crossing.
        row.last_expense_at = expense.recorded_at
        uow.emit(
            "expense.recorded",
            key=row.id,
            org_id=row.org_id,
            payload=ExpenseRecorded(
                expense_id=expense.id,
                manager_id=row.id,
                category=cmd.category.value,
                amount=cmd.amount,
                spent_on=cmd.spent_on,
                customer_id=cmd.customer_id,
            ),
        )
        if exceeded is not None:
            uow.emit(
                "expense.budget-exceeded",
                key=row.id,
                org_id=row.org_id,
                payload=ExpenseBudgetExceeded(
                    manager_id=row.id,
                    year=exceeded.year,
                    category=exceeded.category.value,
                    budget=exceeded.budget,
                    spent=exceeded.spent,
                ),
            )
        await uow.commit()
        return ExpenseRead.model_validate(expense)


async def list_expenses(uow: UnitOfWork, manager_id: str, year: int, caller: Principal) -> list[ExpenseRead]:
    """A CM's expenses in a year."""
    async with uow:
        await visible_manager(uow, manager_id, caller)
        rows = await uow.session.scalars(
            select(ExpenseRow)
            .where(
                ExpenseRow.manager_id == manager_id,
                ExpenseRow.spent_on >= date(year, 1, 1),
                ExpenseRow.spent_on <= date(year, 12, 31),
            )
            .order_by(ExpenseRow.spent_on, ExpenseRow.recorded_at, ExpenseRow.id)
        )
        return [ExpenseRead.model_validate(r) for r in rows]


async def _summary(uow: UnitOfWork, row: ManagerRow, year: int) -> BudgetSummary:
    grade = await grade_in(uow, row, year)
    budget = await budget_for(uow, row.org_id, grade, year)
    summary = rules.year_summary(grade, budget, await spent_in(uow, row.id, year))
    return BudgetSummary(
        manager_id=row.id,
        year=year,
        grade=summary.grade,
        categories=[
            CategoryRead(
                category=s.category,
                budget=s.budget,
                spent=s.spent,
                remaining=s.remaining,
                overspend=s.overspend,
            )
            for s in summary.categories
        ],
        overspend=summary.overspend,
    )


async def budget_summary(uow: UnitOfWork, manager_id: str, year: int, caller: Principal) -> BudgetSummary:
    """R-I4: running total and remaining budget per category."""
    async with uow:
        return await _summary(uow, await visible_manager(uow, manager_id, caller), year)


async def set_budget(uow: UnitOfWork, cmd: BudgetSet, caller: Principal) -> dict[str, Decimal]:
    """R-P2: HR re-sets a grade's budget for a coming year (by local price level and market)."""
    async with uow:
        ladder = await ladder_in_force(uow, caller.org_id, date(cmd.year, 1, 1))
        ladder.grade(cmd.grade)
        rules.check_budget(cmd.year, today(), await _closed_years(uow, caller.org_id), cmd.budget.values())
        for category, amount in cmd.budget.items():
            existing = await uow.session.get(BudgetRow, (caller.org_id, cmd.year, cmd.grade, category.value))
            if existing is None:
                existing = BudgetRow(
                    org_id=caller.org_id, year=cmd.year, grade=cmd.grade, category=category.value
                )
                uow.session.add(existing)
            existing.amount, existing.reason = amount, cmd.reason
            existing.set_by, existing.set_at = caller.user_id, utcnow()
        await uow.commit()
    return {c.value: a for c, a in cmd.budget.items()}


async def close_year(uow: UnitOfWork, year: int, caller: Principal) -> YearClosed:
    """R-P2: publish every CM's spending and overspend of a finished year, once."""
    if year >= today().year:
        rules.check_can_close(year, today(), False)
    async with uow:
        closed = await uow.session.get(ExpenseYearRow, (caller.org_id, year)) is not None
        rules.check_can_close(year, today(), closed)
        spenders = await uow.session.scalars(
            select(ExpenseRow.manager_id)
            .where(
                ExpenseRow.org_id == caller.org_id,
                ExpenseRow.spent_on >= date(year, 1, 1),
                ExpenseRow.spent_on <= date(year, 12, 31),
            )
            .group_by(ExpenseRow.manager_id)
            .order_by(func.min(ExpenseRow.manager_id))
        )
        total = ZERO
        count = 0
        for manager_id in list(spenders):
            row = await uow.session.get(ManagerRow, manager_id)
            assert row is not None
            summary = await _summary(uow, row, year)
            total += summary.overspend
            count += 1
            uow.emit(
                "expense.year-closed",
                key=row.id,
                org_id=row.org_id,
                payload=ExpenseYearClosed(
                    manager_id=row.id,
                    year=year,
                    grade=summary.grade,
                    budget={c.category.value: c.budget for c in summary.categories},
                    spent={c.category.value: c.spent for c in summary.categories},
                    overspend=summary.overspend,
                ),
            )
        uow.session.add(
            ExpenseYearRow(org_id=caller.org_id, year=year, closed_by=caller.user_id, closed_at=utcnow())
        )
        await uow.commit()
    return YearClosed(year=year, managers=count, total_overspend=total)
