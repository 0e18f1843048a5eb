"""The grade ladder."""

from datetime import date

from fastapi import APIRouter, status

from services.staffing.api.deps import HR, AnyStaff
from services.staffing.queries import ladder as ladder_reads
from services.staffing.schemas.ladder import LadderCreate, LadderRead
from services.staffing.service import ladder
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(prefix="/ladder", tags=["ladder"])


@router.get("", response_model=LadderRead, summary="The ladder in force (R-Q3..R-Q5)")
async def current_ladder(uow: UoW, caller: AnyStaff, on: date | None = None) -> LadderRead:
    """Grades with their classes, products, budgets, pay, limits, pass marks and standards; `on` a date."""
    return await ladder_reads.current_ladder(uow, caller, on)


@router.get("/versions", response_model=list[LadderRead], summary="Every published ladder version")
async def ladder_versions(uow: UoW, caller: AnyStaff, page: Paged) -> list[LadderRead]:
    """Versions, oldest first; a year's appraisal uses the one in force that year."""
    return page.window(await ladder_reads.ladder_versions(uow, caller))


@router.post(
    "/versions", response_model=LadderRead, status_code=status.HTTP_201_CREATED, summary="Publish a ladder"
)
async def publish_ladder(body: LadderCreate, uow: UoW, caller: HR) -> LadderRead:
    """A new version from a date; published on `staffing.managers` as `ladder.published`."""
    return await ladder.publish_ladder(uow, body, caller)
