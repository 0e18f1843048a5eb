"""Who serves whom (R-C1, R-C2, R-C3, R-Q5, R-A4)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from services.customer.api.deps import Operator, Reader, RiskThreshold, Supervisor, Writer
from services.customer.domain.classification import CONTROL_ROLES
from services.customer.queries import files, managers
from services.customer.schemas import (
    AssignmentRead,
    AssignmentSet,
    ClassificationModel,
    CustomerRead,
    ManagerProjectionRead,
    ReassignmentCreate,
    ReassignmentRead,
)
from services.customer.service import assignment
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(tags=["assignments"])
Control = Annotated[Principal, Depends(require_roles(*(Role(r) for r in CONTROL_ROLES)))]


class ControlRequest(BaseModel):
    """R-C3: the request of a product department or internal control for two or more CMs."""

    model_config = ConfigDict(extra="forbid")

    requested: bool = Field(description="True asks for two or more CMs; False withdraws it", examples=[True])


@router.put("/customers/{customer_id}/assignment", response_model=CustomerRead, summary="Set who serves")
async def set_assignment(
    customer_id: str, body: AssignmentSet, uow: UoW, caller: Supervisor, threshold: RiskThreshold
) -> CustomerRead:
    """Primary, co-managers, team and attribution from now on; the old assignment stays in the history."""
    return await assignment.set_assignment(uow, customer_id, body, caller, threshold)


@router.get(
    "/customers/{customer_id}/assignments", response_model=list[AssignmentRead], summary="Assignment history"
)
async def assignment_history(customer_id: str, uow: UoW, caller: Reader, page: Paged) -> list[AssignmentRead]:
    """Effective-dated and kept forever: who served the customer when, with which share (R-A4)."""
    return page.window(await files.assignment_history(uow, customer_id, caller))


@router.put("/customers/{customer_id}/classification", response_model=CustomerRead, summary="Classify")
async def classify(
    customer_id: str, body: ClassificationModel, uow: UoW, caller: Writer, threshold: RiskThreshold
) -> CustomerRead:
    """A team that now breaks R-C1/R-C3/R-Q5 is marked non-compliant and published, not changed."""
    return await assignment.classify(uow, customer_id, body, caller, threshold)


@router.put(
    "/customers/{customer_id}/control-request", response_model=CustomerRead, summary="Ask for two CMs"
)
async def request_control(
    customer_id: str, body: ControlRequest, uow: UoW, caller: Control, threshold: RiskThreshold
) -> CustomerRead:
    """R-C3: only the control roles set or clear the request; the team is re-evaluated."""
    return await assignment.request_control(uow, customer_id, body.requested, caller, threshold)


@router.post("/reassignments", response_model=ReassignmentRead, summary="Bulk reassignment")
async def reassign(
    body: ReassignmentCreate, uow: UoW, caller: Supervisor, threshold: RiskThreshold
) -> ReassignmentRead:
    """Move customers from one CM to another in the same role; all or nothing; history kept."""
    return await assignment.reassign(uow, body, caller, threshold)


@router.get(
    "/managers/{manager_id}", response_model=ManagerProjectionRead, summary="A CM as customer knows them"
)
async def get_manager(manager_id: str, uow: UoW, caller: Operator) -> ManagerProjectionRead:
    """The projection of `staffing.managers` that assignment checks use."""
    return await managers.get_manager_view(uow, manager_id, caller)
