"""Reading the profit ledger (R-A2) and the CMs appraisal knows."""

from sqlalchemy import exists, select

from services.appraisal.models import AssignmentPeriodRow, ManagerRow, PostingRow
from services.appraisal.schemas.ledger import HeldRead, ManagerRead, PostingRead
from shared.auth import Principal
from shared.uow import UnitOfWork


async def list_managers(uow: UnitOfWork, caller: Principal) -> list[ManagerRead]:
    """The CMs of the caller's cooperative as appraisal learned of them."""
    async with uow:
        rows = await uow.session.scalars(
            select(ManagerRow)
            .where(ManagerRow.org_id == caller.org_id)
            .order_by(ManagerRow.manager_id)
            .limit(5000)
        )
        return [ManagerRead.model_validate(r) for r in rows]


async def held_postings(uow: UnitOfWork, caller: Principal, limit: int) -> list[HeldRead]:
    """R-A2: postings whose customer no assignment names yet; they count once it does."""
    known = exists().where(AssignmentPeriodRow.customer_id == PostingRow.customer_id)
    async with uow:
        rows = await uow.session.scalars(
            select(PostingRow)
            .where(PostingRow.org_id == caller.org_id, ~known)
            .order_by(PostingRow.received_at, PostingRow.posting_id)
            .limit(limit)
        )
        return [HeldRead.model_validate(r) for r in rows]


async def customer_postings(uow: UnitOfWork, customer_id: str, caller: Principal) -> list[PostingRead]:
    """Every posting of one customer, oldest first."""
    async with uow:
        rows = await uow.session.scalars(
            select(PostingRow)
            .where(PostingRow.org_id == caller.org_id, PostingRow.customer_id == customer_id)
            .order_by(PostingRow.posted_on, PostingRow.posting_id)
            .limit(5000)
        )
        return [PostingRead.model_validate(r) for r in rows]
