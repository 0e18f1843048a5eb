"""Staffing HTTP API: thin routes that call the service layer."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from services.staffing import service
from services.staffing.domain import ManagerStatus
from services.staffing.schemas import DepartureRequest, ManagerCreate, ManagerRead
from shared.app import UoW
from shared.auth import Principal, Role, require_roles

router = APIRouter(prefix="/managers", tags=["managers"])

HrOnly = Annotated[Principal, Depends(require_roles(Role.HR, Role.ADMIN))]
Reader = Annotated[Principal, Depends(require_roles(*service.READ_ALL, Role.CM))]
DepartureRequester = Annotated[Principal, Depends(require_roles(Role.HR, Role.ADMIN, Role.CM))]


@router.post("", response_model=ManagerRead, status_code=status.HTTP_201_CREATED, summary="Register a CM")
async def register_manager(body: ManagerCreate, uow: UoW, caller: HrOnly) -> ManagerRead:
    """HR puts a customer manager on the roll."""
    return await service.register_manager(uow, body, caller)


@router.get("", response_model=list[ManagerRead], summary="List CMs")
async def list_managers(
    uow: UoW,
    caller: Annotated[Principal, Depends(require_roles(*service.READ_ALL))],
    status_filter: Annotated[ManagerStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ManagerRead]:
    """The roll of the caller's cooperative."""
    return await service.list_managers(uow, caller, status_filter, limit, offset)


@router.get("/{manager_id}", response_model=ManagerRead, summary="Get a CM")
async def get_manager(manager_id: str, uow: UoW, caller: Reader) -> ManagerRead:
    """One CM; a CM may only read themself."""
    return await service.get_manager(uow, manager_id, caller)


@router.post(
    "/{manager_id}/departure",
    response_model=ManagerRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Request a CM's departure (R-I6)",
)
async def request_departure(
    manager_id: str, body: DepartureRequest, uow: UoW, caller: DepartureRequester
) -> ManagerRead:
    """The CM becomes departure-pending until audit has cleared every customer."""
    return await service.request_departure(uow, manager_id, body, caller)
