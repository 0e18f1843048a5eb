"""The profit ledger (R-A2) and the CMs, teams and overspends appraisal knows, as read."""

from sqlalchemy import exists, select

from services.appraisal.models import AssignmentPeriodRow, ManagerRow, OverspendRow, PostingRow, TeamRow
from services.appraisal.schemas.ledger import (
    AssignmentPeriodRead,
    HeldRead,
    ManagerRead,
    OverspendRead,
    PostingRead,
    TeamRead,
)
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal
from shared.pagination import Page
from shared.uow import UnitOfWork


async def _customer_in_scope(uow: UnitOfWork, customer_id: str, caller: Principal) -> bool:
    """A customer is inside a restricted caller's scope when a CM placed inside it ever served them."""
    if await SCOPE.office_of(uow.session, caller) is None:
        return True
    served = select(AssignmentPeriodRow.id).where(
        AssignmentPeriodRow.org_id == caller.org_id,
        AssignmentPeriodRow.customer_id == customer_id,
        SCOPE.staff_in_scope(caller, AssignmentPeriodRow.primary_manager_id),
    )
    return await uow.session.scalar(served.limit(1)) is not None


async def list_managers(uow: UnitOfWork, caller: Principal, page: Page) -> list[ManagerRead]:
    """The CMs of the caller's cooperative as appraisal learned of them."""
    async with uow:
        rows = await page.rows(
            uow.session,
            select(ManagerRow)
            .where(ManagerRow.org_id == caller.org_id, SCOPE.staff_in_scope(caller, ManagerRow.manager_id))
            .order_by(ManagerRow.manager_id),
        )
        return [ManagerRead.model_validate(r) for r in rows]


async def held_postings(uow: UnitOfWork, caller: Principal, page: Page) -> list[HeldRead]:
    """R-A2: postings whose customer no assignment names yet; they count once it does."""
    known = exists().where(AssignmentPeriodRow.customer_id == PostingRow.customer_id)
    async with uow:
        if await SCOPE.office_of(uow.session, caller) is not None:
            return []  # a customer no one serves yet belongs to no office below the head office
        rows = await page.rows(
            uow.session,
            select(PostingRow)
            .where(PostingRow.org_id == caller.org_id, ~known)
            .order_by(PostingRow.received_at, PostingRow.posting_id),
        )
        return [HeldRead.model_validate(r) for r in rows]


async def customer_postings(
    uow: UnitOfWork, customer_id: str, caller: Principal, page: Page
) -> list[PostingRead]:
    """Every posting of one customer, oldest first (none for a customer outside the caller's scope)."""
    async with uow:
        if not await _customer_in_scope(uow, customer_id, caller):
            return []
        rows = await page.rows(
            uow.session,
            select(PostingRow)
            .where(PostingRow.org_id == caller.org_id, PostingRow.customer_id == customer_id)
            .order_by(PostingRow.posted_on, PostingRow.posting_id),
        )
        return [PostingRead.model_validate(r) for r in rows]


async def customer_assignments(
    uow: UnitOfWork, customer_id: str, caller: Principal
) -> list[AssignmentPeriodRead]:
    """R-A4: the assignment periods of a customer as appraisal attributes its profit."""
    async with uow:
        if not await _customer_in_scope(uow, customer_id, caller):
            return []
        rows = await uow.session.scalars(
            select(AssignmentPeriodRow)
            .where(
                AssignmentPeriodRow.org_id == caller.org_id, AssignmentPeriodRow.customer_id == customer_id
            )
            .order_by(AssignmentPeriodRow.effective_at, AssignmentPeriodRow.id)
        )
        return [AssignmentPeriodRead.model_validate(r) for r in rows]


async def list_teams(uow: UnitOfWork, caller: Principal, page: Page) -> list[TeamRead]:
    """The teams of the cooperative and who leads them (the lead splits the team's pool)."""
    async with uow:
        rows = await page.rows(
            uow.session,
            select(TeamRow)
            .where(TeamRow.org_id == caller.org_id, SCOPE.staff_in_scope(caller, TeamRow.lead_id))
            .order_by(TeamRow.team_id),
        )
        return [TeamRead.model_validate(r) for r in rows]


async def list_overspends(uow: UnitOfWork, caller: Principal, year: int) -> list[OverspendRead]:
    """R-P2: the overspends of a year as staffing closed it."""
    async with uow:
        rows = await uow.session.scalars(
            select(OverspendRow)
            .where(
                OverspendRow.org_id == caller.org_id,
                OverspendRow.year == year,
                SCOPE.staff_in_scope(caller, OverspendRow.manager_id),
            )
            .order_by(OverspendRow.manager_id)
        )
        return [OverspendRead.model_validate(r) for r in rows]
