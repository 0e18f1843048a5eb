"""The roll: staff, CMs, departures."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from services.staffing.api.deps import HR, AnyStaff, Settings
from services.staffing.queries import roster as roster_reads
from services.staffing.schemas.roster import (
    DepartureRequest,
    DepartureWithdrawal,
    ManagerCreate,
    ManagerFilter,
    ManagerRead,
    StaffCreate,
)
from services.staffing.service import departures, roster
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(tags=["roll"])
DepartureRequester = Annotated[Principal, Depends(require_roles(Role.HR, Role.ADMIN, Role.CM))]


@router.post(
    "/staff", response_model=ManagerRead, status_code=status.HTTP_201_CREATED, summary="Register staff"
)
async def register_staff(body: StaffCreate, uow: UoW, caller: HR) -> ManagerRead:
    """Put a staff member on the roll; they may then apply for the CM post (R-Q2)."""
    return await roster.register_staff(uow, body, caller)


@router.post(
    "/managers", response_model=ManagerRead, status_code=status.HTTP_201_CREATED, summary="Onboard a CM"
)
async def onboard_manager(body: ManagerCreate, uow: UoW, caller: HR, settings: Settings) -> ManagerRead:
    """Register a CM who already holds the post and a certification."""
    return await roster.onboard_manager(uow, body, caller, settings.certification_validity_years)


@router.get("/managers", response_model=list[ManagerRead], summary="List the roll")
async def list_managers(
    uow: UoW, caller: AnyStaff, filters: Annotated[ManagerFilter, Query()], page: Paged
) -> list[ManagerRead]:
    """Filter by status, grade, branch, certification expiring before a date; a CM sees only themself."""
    return await roster_reads.list_managers(uow, caller, filters, page)


@router.get("/managers/{manager_id}", response_model=ManagerRead, summary="Get a staff record")
async def get_manager(manager_id: str, uow: UoW, caller: AnyStaff) -> ManagerRead:
    """One record; a CM may only read themself."""
    return await roster_reads.get_manager(uow, manager_id, caller)


@router.post(
    "/managers/{manager_id}/departure",
    response_model=ManagerRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Request a CM's departure (R-I6)",
)
async def request_departure(
    manager_id: str, body: DepartureRequest, uow: UoW, caller: DepartureRequester
) -> ManagerRead:
    """The CM becomes departure-pending until audit has cleared every customer."""
    return await departures.request_departure(uow, manager_id, body, caller)


@router.post(
    "/managers/{manager_id}/departure/withdrawal",
    response_model=ManagerRead,
    summary="Withdraw a departure (R-I6)",
)
async def withdraw_departure(
    manager_id: str, body: DepartureWithdrawal, uow: UoW, caller: DepartureRequester
) -> ManagerRead:
    """The CM stays on the post; audit cancels the departure audit."""
    return await departures.withdraw_departure(uow, manager_id, body, caller)
