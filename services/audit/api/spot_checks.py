"""Spot checks (R-I5)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from services.audit.api.deps import Auditor, ItemId, Reader
from services.audit.queries import spot_checks as read_checks
from services.audit.schemas import (
    FindingCreate,
    FindingRead,
    ItemClear,
    Reproduction,
    SpotCheckCreate,
    SpotCheckRead,
)
from services.audit.service import spot_checks
from services.audit.settings import AuditSettings
from shared.app import UoW
from shared.auth import Principal, Role, require_roles
from shared.pagination import Paged

router = APIRouter(prefix="/spot-checks", tags=["spot checks"])
# An auditor runs their own cooperative's due check; the platform operator runs every cooperative's.
Scheduler = Annotated[Principal, Depends(require_roles(Role.AUDITOR, Role.PLATFORM))]


@router.post(
    "", response_model=SpotCheckRead, status_code=status.HTTP_201_CREATED, summary="Start a spot check"
)
async def start(body: SpotCheckCreate, uow: UoW, caller: Auditor) -> SpotCheckRead:
    """Regular or random; the seed and population are recorded so the draw can be reproduced."""
    return await spot_checks.start(uow, body, caller)


@router.post("/regular-run", response_model=list[str], summary="Start due regular spot checks now")
async def run_regular(uow: UoW, caller: Scheduler, request: Request) -> list[str]:
    """Also runs on a schedule: a regular check for each cooperative whose last one is too old.

    An auditor starts their own cooperative's only; the platform operator every cooperative's.
    """
    settings: AuditSettings = request.app.state.settings
    started = await spot_checks.schedule_regular(
        uow,
        settings.regular_spot_check_days or 90,
        settings.regular_spot_check_population,
        settings.regular_spot_check_size,
        only_org=None if caller.has_any((Role.PLATFORM,)) else caller.org_id,
    )
    return started


@router.get("", response_model=list[SpotCheckRead], summary="Spot checks")
async def list_checks(uow: UoW, caller: Reader, page: Paged) -> list[SpotCheckRead]:
    """Newest first."""
    return await read_checks.list_checks(uow, caller, page)


@router.get("/{check_id}", response_model=SpotCheckRead, summary="A spot check")
async def get(check_id: str, uow: UoW, caller: Reader) -> SpotCheckRead:
    """With its seed, population size and items."""
    return await read_checks.get(uow, check_id, caller)


@router.get("/{check_id}/reproduction", response_model=Reproduction, summary="Reproduce the draw")
async def reproduce(check_id: str, uow: UoW, caller: Reader) -> Reproduction:
    """Draw again from the recorded population with the recorded seed and compare."""
    return await read_checks.reproduce(uow, check_id, caller)


@router.post(
    "/{check_id}/items/{item_id}/clear", response_model=SpotCheckRead, summary="Clear a sampled item"
)
async def clear_item(
    check_id: str, item_id: ItemId, body: ItemClear, uow: UoW, caller: Auditor
) -> SpotCheckRead:
    """Only with no open finding."""
    return await spot_checks.clear_item(uow, check_id, item_id, body, caller)


@router.post(
    "/{check_id}/items/{item_id}/findings",
    response_model=FindingRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record a finding",
)
async def raise_finding(
    check_id: str, item_id: ItemId, body: FindingCreate, uow: UoW, caller: Auditor
) -> FindingRead:
    """Resolved through `/findings/{id}/resolution` like any finding."""
    return await spot_checks.raise_finding(uow, check_id, item_id, body, caller)
