"""Development targets (R-D1, R-D4)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from services.customer.domain.pipeline import Stage
from services.customer.queries import pipeline as reading
from services.customer.schemas.pipeline import ProspectCreate, ProspectRead, StageChange, StageSummary
from services.customer.service import pipeline
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(prefix="/targets", tags=["development"])
Developer = Annotated[Principal, Depends(require_roles(Role.CM, Role.SUPERVISOR, Role.ADMIN))]
Overseer = Annotated[Principal, Depends(require_roles(Role.MANAGEMENT, Role.SUPERVISOR, Role.ADMIN))]


@router.post(
    "", response_model=ProspectRead, status_code=status.HTTP_201_CREATED, summary="Add a target (R-D1)"
)
async def add_target(body: ProspectCreate, uow: UoW, caller: Developer) -> ProspectRead:
    """Segment scores, whether it is an ideal target, a preliminary value assessment."""
    return await pipeline.add_target(uow, body, caller)


@router.get("", response_model=list[ProspectRead], summary="The pipeline")
async def list_targets(
    uow: UoW, caller: Developer, page: Paged, stage: Annotated[Stage | None, Query()] = None
) -> list[ProspectRead]:
    """Best segment score first; a CM sees their own targets."""
    return await reading.list_targets(uow, caller, stage, page)


@router.get("/summary", response_model=list[StageSummary], summary="The pipeline by stage")
async def pipeline_by_stage(uow: UoW, caller: Overseer, page: Paged) -> list[StageSummary]:
    """Read-only counts per stage in the caller's cooperative and office scope (management included)."""
    return page.window(await reading.summary(uow, caller))


@router.get("/{prospect_id}", response_model=ProspectRead, summary="A target")
async def get_target(prospect_id: str, uow: UoW, caller: Developer) -> ProspectRead:
    """With the development goals for its kind (R-D4)."""
    return await reading.get_target(uow, prospect_id, caller)


@router.post("/{prospect_id}/stage", response_model=ProspectRead, summary="Move a target")
async def change_stage(prospect_id: str, body: StageChange, uow: UoW, caller: Developer) -> ProspectRead:
    """target → contacted → visited → proposal → won, or lost (with the reason)."""
    return await pipeline.change_stage(uow, prospect_id, body, caller)
