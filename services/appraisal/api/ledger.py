"""The profit ledger (R-A2) and what appraisal knows of the CMs."""

from fastapi import APIRouter, Query

from services.appraisal.api.deps import Reader
from services.appraisal.queries import ledger
from services.appraisal.schemas.ledger import (
    AssignmentPeriodRead,
    HeldRead,
    ManagerRead,
    OverspendRead,
    PostingRead,
    TeamRead,
)
from shared.app import UoW
from shared.pagination import Paged

router = APIRouter(tags=["ledger"])


@router.get("/managers", response_model=list[ManagerRead], summary="CMs appraisal knows")
async def list_managers(uow: UoW, caller: Reader, page: Paged) -> list[ManagerRead]:
    """Each CM's standing, branch and grade as learned from `staffing.managers`."""
    return await ledger.list_managers(uow, caller, page)


@router.get("/ledger/held", response_model=list[HeldRead], summary="Postings held for unknown customers")
async def held(uow: UoW, caller: Reader, page: Paged) -> list[HeldRead]:
    """R-A2: postings whose customer is not yet known; applied as soon as it is."""
    return await ledger.held_postings(uow, caller, page)


@router.get(
    "/ledger/customers/{customer_id}", response_model=list[PostingRead], summary="A customer's postings"
)
async def customer_postings(customer_id: str, uow: UoW, caller: Reader, page: Paged) -> list[PostingRead]:
    """R-A2: every profit posting of a customer, corrections included."""
    return await ledger.customer_postings(uow, customer_id, caller, page)


@router.get(
    "/ledger/customers/{customer_id}/assignments",
    response_model=list[AssignmentPeriodRead],
    summary="A customer's assignment periods",
)
async def customer_assignments(
    customer_id: str, uow: UoW, caller: Reader, page: Paged
) -> list[AssignmentPeriodRead]:
    """R-A4: who served the customer when, as appraisal attributes its profit."""
    return page.window(await ledger.customer_assignments(uow, customer_id, caller))


@router.get("/teams", response_model=list[TeamRead], summary="Teams and their leads")
async def list_teams(uow: UoW, caller: Reader, page: Paged) -> list[TeamRead]:
    """The teams whose pools their leads split (R-A4)."""
    return await ledger.list_teams(uow, caller, page)


@router.get("/ledger/overspends", response_model=list[OverspendRead], summary="A year's overspends (R-P2)")
async def list_overspends(
    uow: UoW, caller: Reader, page: Paged, year: int = Query(ge=2000, le=2200)
) -> list[OverspendRead]:
    """The marketing overspend per CM that a year's pay deducts."""
    return page.window(await ledger.list_overspends(uow, caller, year))
