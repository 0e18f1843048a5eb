"""Marketing expenses (R-P2, R-I4): record, track against the grade's budget, close the year."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

from sqlalchemy import func, select

from services.staffing.domain import access
from services.staffing.domain import expenses as rules
from services.staffing.models import BudgetRow, ExpenseRow, ExpenseYearRow, ManagerRow
from services.staffing.queries.access import ladder_in_force, today, visible_manager
from services.staffing.queries.expenses import budget_for, closed_years, grade_in, spent_in, summary
from services.staffing.schemas.expenses import BudgetSet, ExpenseCreate, ExpenseRead, YearClosed
from services.staffing.service.served import serves
from shared.auth import Principal
from shared.contracts.expenses import ExpenseBudgetExceeded, ExpenseRecorded, ExpenseYearClosed
from shared.timeutil import utcnow
from shared.uow import UnitOfWork

ZERO = Decimal("0")


async def record_expense(
    uow: UnitOfWork, manager_id: str, cmd: ExpenseCreate, caller: Principal
) -> ExpenseRead:
    """R-P2: a CM records their own expense; crossing the yearly total budget raises an event."""
    rules.check_recorder(caller.user_id, manager_id, access.manages(caller.roles))
    async with uow:
        row = await visible_manager(uow, manager_id, caller)
        served = cmd.customer_id is not None and await serves(uow, row.org_id, cmd.customer_id, row.id)
        closed = await closed_years(uow, row.org_id)
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


async def set_budget(uow: UnitOfWork, cmd: BudgetSet, caller: Principal) -> dict[str, Decimal]:
    """R-P2: HR re-sets a grade's budget for a coming year (by local price level and market)."""
    async with uow:
        ladder = await ladder_in_force(uow, caller.org_id, date(cmd.year, 1, 1))
        ladder.grade(cmd.grade)
        rules.check_budget(cmd.year, today(), await closed_years(uow, caller.org_id), cmd.budget.values())
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
        first, last = rules.year_span(year)
        spenders = await uow.session.scalars(
            select(ExpenseRow.manager_id)
            .where(
                ExpenseRow.org_id == caller.org_id, ExpenseRow.spent_on >= first, ExpenseRow.spent_on <= last
            )
            .group_by(ExpenseRow.manager_id)
            .order_by(func.min(ExpenseRow.manager_id))
        )
        total = ZERO
        count = 0
        for manager_id in list(spenders):
            row = await uow.session.get(ManagerRow, manager_id)
            assert row is not None
            year_summary = await summary(uow, row, year)
            total += year_summary.overspend
            count += 1
            uow.emit(
                "expense.year-closed",
                key=row.id,
                org_id=row.org_id,
                payload=ExpenseYearClosed(
                    manager_id=row.id,
                    year=year,
                    grade=year_summary.grade,
                    budget={c.category.value: c.budget for c in year_summary.categories},
                    spent={c.category.value: c.spent for c in year_summary.categories},
                    overspend=year_summary.overspend,
                ),
            )
        uow.session.add(
            ExpenseYearRow(org_id=caller.org_id, year=year, closed_by=caller.user_id, closed_at=utcnow())
        )
        await uow.commit()
    return YearClosed(year=year, managers=count, total_overspend=total)
