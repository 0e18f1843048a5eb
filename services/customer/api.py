"""Customer HTTP API: thin routes that call the service layer."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from services.customer import service
from services.customer.schemas import CustomerCreate, CustomerRead, ManagerProjectionRead
from shared.app import UoW
from shared.auth import Principal, Role, require_roles

router = APIRouter(tags=["customers"])

Reader = Annotated[Principal, Depends(require_roles(*service.READ_ALL, Role.CM))]
Assigner = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN, Role.CM))]
Operator = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR))]


@router.post(
    "/customers",
    response_model=CustomerRead,
    status_code=status.HTTP_201_CREATED,
    summary="Open a customer file",
)
async def register_customer(body: CustomerCreate, uow: UoW, caller: Assigner) -> CustomerRead:
    """Open a file with one primary responsible CM and optional co-managers."""
    return await service.register_customer(uow, body, caller)


@router.get("/customers", response_model=list[CustomerRead], summary="List customers")
async def list_customers(
    uow: UoW,
    caller: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CustomerRead]:
    """A CM sees only the customers they serve; supervisors, auditors and risk see the cooperative's."""
    return await service.list_customers(uow, caller, limit, offset)


@router.get("/customers/{customer_id}", response_model=CustomerRead, summary="Get a customer")
async def get_customer(customer_id: str, uow: UoW, caller: Reader) -> CustomerRead:
    """One customer file; 404 for a CM who does not serve it."""
    return await service.get_customer(uow, customer_id, caller)


@router.get(
    "/managers/{manager_id}",
    response_model=ManagerProjectionRead,
    summary="A CM as customer service knows them",
)
async def get_manager(manager_id: str, uow: UoW, caller: Operator) -> ManagerProjectionRead:
    """The projection of `staffing.managers` that assignment checks use."""
    return await service.get_manager_view(uow, manager_id, caller)
