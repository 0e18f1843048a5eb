"""The office tree (cooperative → branches → outlets) and who belongs where."""

from datetime import date

from fastapi import APIRouter, status

from services.staffing.api.deps import HR, Reader
from services.staffing.queries import offices as office_reads
from services.staffing.schemas.offices import (
    OfficeCreate,
    OfficeMove,
    OfficeRead,
    StaffOfficeRead,
    StaffOfficeWrite,
)
from services.staffing.service import offices
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(tags=["offices"])


@router.post(
    "/offices", response_model=OfficeRead, status_code=status.HTTP_201_CREATED, summary="Open an office"
)
async def open_office(body: OfficeCreate, uow: UoW, caller: HR) -> OfficeRead:
    """The head office (no parent) once, then branches and outlets under it, from a date."""
    return await offices.open_office(uow, body, caller)


@router.get("/offices", response_model=list[OfficeRead], summary="The office tree on a date")
async def list_offices(uow: UoW, caller: Reader, page: Paged, as_of: date | None = None) -> list[OfficeRead]:
    """Depth first from the head office, as the tree stood on `as_of` (today)."""
    return await office_reads.list_offices(uow, caller, as_of, page)


@router.get("/offices/{office_id}", response_model=OfficeRead, summary="An office on a date")
async def get_office(office_id: str, uow: UoW, caller: Reader, as_of: date | None = None) -> OfficeRead:
    """Where the office stood in the tree on `as_of` (today)."""
    return await office_reads.get_office(uow, office_id, caller, as_of)


@router.post("/offices/{office_id}/moves", response_model=OfficeRead, summary="Move an office from a date")
async def move_office(office_id: str, body: OfficeMove, uow: UoW, caller: HR) -> OfficeRead:
    """The office (and everything under it) hangs under another office from a date."""
    return await offices.move_office(uow, office_id, body, caller)


@router.get("/offices/{office_id}/staff", response_model=list[StaffOfficeRead], summary="Staff of an office")
async def office_staff(
    office_id: str, uow: UoW, caller: Reader, page: Paged, below: bool = False
) -> list[StaffOfficeRead]:
    """Who belongs to the office; with `below`, to the offices under it today too."""
    return await office_reads.office_staff(uow, office_id, caller, below, page)


@router.put("/office-staff/{user_id}", response_model=StaffOfficeRead, summary="Put a user in an office")
async def assign_staff(user_id: str, body: StaffOfficeWrite, uow: UoW, caller: HR) -> StaffOfficeRead:
    """The user's data scope follows their office (a supervisor sees their office's subtree)."""
    return await offices.assign_staff(uow, user_id, body, caller)
