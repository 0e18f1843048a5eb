"""Appraisal HTTP API."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.appraisal import service
from services.appraisal.schemas import ObservedManagerRead
from shared.app import UoW
from shared.auth import Principal, Role, require_roles

router = APIRouter(tags=["appraisal"])

Reader = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.HR, Role.MANAGEMENT, Role.ADMIN))]


@router.get("/observed-managers", response_model=list[ObservedManagerRead], summary="CMs appraisal has seen")
async def list_observed(uow: UoW, caller: Reader) -> list[ObservedManagerRead]:
    """Each CM's standing as learned from `staffing.managers`."""
    return await service.list_observed(uow, caller)
