"""What customer service knows of a CM, from `staffing.managers` (for operators checking the projection)."""

from services.customer.models import ManagerProjectionRow
from services.customer.schemas import ManagerProjectionRead
from shared.auth import Principal
from shared.errors import NotFound
from shared.uow import UnitOfWork


async def get_manager_view(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerProjectionRead:
    """The CM as the projection holds them, if of the caller's cooperative; else 404."""
    async with uow:
        row = await uow.session.get(ManagerProjectionRow, manager_id)
        if row is None or row.org_id != caller.org_id:
            raise NotFound("customer.manager_not_known", manager_id=manager_id)
        return ManagerProjectionRead.model_validate(row)
