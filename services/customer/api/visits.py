"""Visits, visit plans, satisfaction (R-D2, R-D3, R-M1..R-M5) and daily work reports (R-W4)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from services.customer.access_log import AccessReads
from services.customer.api.deps import Reader
from services.customer.queries import visits as reading
from services.customer.schemas.visits import (
    DailyReportRead,
    DayOutcome,
    DayPlan,
    DueRead,
    SatisfactionRead,
    VisitCreate,
    VisitRead,
)
from services.customer.service import visits
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(tags=["visits and daily reports"])
CM = Annotated[Principal, Depends(require_roles(Role.CM))]
CMOrSupervisor = Annotated[Principal, Depends(require_roles(Role.CM, Role.SUPERVISOR, Role.ADMIN))]


@router.post(
    "/customers/{customer_id}/visits",
    response_model=VisitRead,
    status_code=status.HTTP_201_CREATED,
    summary="File a visit report (R-M2)",
)
async def file_visit(customer_id: str, body: VisitCreate, uow: UoW, caller: CM) -> VisitRead:
    """Sales (R-D2 plan, R-D3 record), maintenance (R-M3 checklist) or phone (R-M1); immutable once filed."""
    return await visits.file_visit(uow, customer_id, body, caller)


@router.get("/customers/{customer_id}/visits", response_model=list[VisitRead], summary="Visit reports")
async def list_visits(
    customer_id: str, uow: UoW, caller: Reader, page: Paged, reads: AccessReads
) -> list[VisitRead]:
    """Newest first; read them before the next visit (R-M2)."""
    found = page.window(await reading.list_visits(uow, customer_id, caller))
    reads.customers(caller, [customer_id])
    return found


@router.get(
    "/customers/{customer_id}/satisfaction", response_model=SatisfactionRead, summary="Satisfaction (R-M5)"
)
async def satisfaction(customer_id: str, uow: UoW, caller: Reader) -> SatisfactionRead:
    """Scores, the rolling average and whether it is below the warning threshold."""
    return await reading.satisfaction(uow, customer_id, caller)


@router.get("/visit-schedule", response_model=list[DueRead], summary="Visit plan and overdue visits (R-M4)")
async def visit_schedule(
    uow: UoW,
    caller: Reader,
    page: Paged,
    manager_id: Annotated[str | None, Query(max_length=64)] = None,
    branch: Annotated[str | None, Query(max_length=64)] = None,
    overdue: bool = False,
) -> list[DueRead]:
    """Next-due date per customer by importance level; `overdue=true` for the overdue list."""
    return await reading.visit_schedule(uow, caller, manager_id, branch, overdue, page)


@router.put(
    "/managers/{manager_id}/days/{day}/plan",
    response_model=DailyReportRead,
    status_code=status.HTTP_201_CREATED,
    summary="Morning plan (R-W4)",
)
async def plan_day(manager_id: str, day: date, body: DayPlan, uow: UoW, caller: CM) -> DailyReportRead:
    """Tasks by priority (primary, secondary, minor), customers to visit, expected results."""
    return await visits.plan_day(uow, manager_id, day, body, caller)


@router.put(
    "/managers/{manager_id}/days/{day}/outcome", response_model=DailyReportRead, summary="Evening outcome"
)
async def report_day(manager_id: str, day: date, body: DayOutcome, uow: UoW, caller: CM) -> DailyReportRead:
    """What happened to each planned task."""
    return await visits.report_day(uow, manager_id, day, body, caller)


@router.get("/managers/{manager_id}/days/{day}", response_model=DailyReportRead, summary="A CM's day")
async def get_day(manager_id: str, day: date, uow: UoW, caller: CMOrSupervisor) -> DailyReportRead:
    """The plan and the outcome."""
    return await reading.get_day(uow, manager_id, day, caller)
