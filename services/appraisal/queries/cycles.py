"""The cycles of a cooperative as read: every version of every year, with its number of participants."""

from sqlalchemy import func, select

from services.appraisal.models import CycleRow, ParticipantRow
from services.appraisal.schemas.cycles import CycleRead
from services.appraisal.service.common import cycle_in_org
from shared.auth import Principal
from shared.pagination import Page
from shared.uow import UnitOfWork


async def read_cycle(uow: UnitOfWork, row: CycleRow) -> CycleRead:
    """A cycle with its number of participants."""
    count = await uow.session.scalar(
        select(func.count()).select_from(ParticipantRow).where(ParticipantRow.cycle_id == row.id)
    )
    read = CycleRead.model_validate(row)
    read.participants = count or 0
    return read


async def list_cycles(uow: UnitOfWork, caller: Principal, year: int | None, page: Page) -> list[CycleRead]:
    """The cycles of the caller's cooperative, newest first."""
    query = select(CycleRow).where(CycleRow.org_id == caller.org_id)
    if year is not None:
        query = query.where(CycleRow.year == year)
    async with uow:
        rows = await page.rows(
            uow.session, query.order_by(CycleRow.year.desc(), CycleRow.version.desc(), CycleRow.id)
        )
        return [await read_cycle(uow, r) for r in rows]


async def get_cycle(uow: UnitOfWork, cycle_id: str, caller: Principal) -> CycleRead:
    """One cycle."""
    async with uow:
        return await read_cycle(uow, await cycle_in_org(uow, cycle_id, caller))
