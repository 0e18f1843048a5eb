"""Marketing expenses and budgets (R-P2, R-I4)."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from services.staffing.api.deps import HR, AnyStaff
from services.staffing.queries import expenses as expense_reads
from services.staffing.schemas.expenses import (
    BudgetSet,
    BudgetSummary,
    ExpenseCreate,
    ExpenseRead,
    YearClosed,
)
from services.staffing.service import expenses
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged
from shared.timeutil import utcnow

router = APIRouter(tags=["expenses"])
Spender = Annotated[Principal, Depends(require_roles(Role.CM, Role.HR, Role.ADMIN))]
Year = Annotated[int, Query(ge=2000, le=2200)]


def _this_year() -> int:
    return utcnow().year


@router.post(
    "/managers/{manager_id}/expenses",
    response_model=ExpenseRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record an expense (R-P2)",
)
async def record_expense(manager_id: str, body: ExpenseCreate, uow: UoW, caller: Spender) -> ExpenseRead:
    """A CM records their own marketing expense."""
    return await expenses.record_expense(uow, manager_id, body, caller)


@router.get("/managers/{manager_id}/expenses", response_model=list[ExpenseRead], summary="A CM's expenses")
async def list_expenses(
    manager_id: str, uow: UoW, caller: AnyStaff, page: Paged, year: Year | None = None
) -> list[ExpenseRead]:
    """Expenses of a year (default: this year)."""
    return page.window(await expense_reads.list_expenses(uow, manager_id, year or _this_year(), caller))


@router.get("/managers/{manager_id}/budget", response_model=BudgetSummary, summary="Budget status (R-I4)")
async def budget_summary(
    manager_id: str, uow: UoW, caller: AnyStaff, year: Year | None = None
) -> BudgetSummary:
    """Per category: budget, spent, remaining, overspend."""
    return await expense_reads.budget_summary(uow, manager_id, year or _this_year(), caller)


@router.put(
    "/budgets", response_model=dict[str, Decimal], summary="Re-set a grade's budget for a year (R-P2)"
)
async def set_budget(body: BudgetSet, uow: UoW, caller: HR) -> dict[str, Decimal]:
    """By local price level and market conditions."""
    return await expenses.set_budget(uow, body, caller)


@router.post("/expense-years/{year}/closure", response_model=YearClosed, summary="Close a year (R-P2)")
async def close_year(year: Annotated[int, Path(ge=2000, le=2200)], uow: UoW, caller: HR) -> YearClosed:
    """Publish every CM's overspend of the year for the appraisal to deduct."""
    return await expenses.close_year(uow, year, caller)
