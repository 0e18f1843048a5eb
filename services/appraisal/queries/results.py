"""Result sheets as read (a CM sees only their own), with the pay in kind recorded against them (R-P3)."""

from sqlalchemy import select

from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.pay import in_cash
from services.appraisal.models import CycleRow, InKindRow, ResultRow
from services.appraisal.schemas.results import InKindRead, ResultRead
from services.appraisal.service.common import cycle_in_org, may_read_all
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import Page
from shared.uow import UnitOfWork


async def sheet_of(uow: UnitOfWork, cycle: CycleRow, row: ResultRow) -> ResultRead:
    """A CM's result sheet, with what was paid in kind and the floating pay left in cash."""
    paid = list(
        await uow.session.scalars(
            select(InKindRow)
            .where(InKindRow.cycle_id == cycle.id, InKindRow.manager_id == row.manager_id)
            .order_by(InKindRow.id)
        )
    )
    read = ResultRead.model_validate(row)
    read.year, read.cycle_version, read.final = cycle.year, cycle.version, CycleStatus(cycle.status).final
    read.pay_in_kind = [InKindRead.model_validate(p) for p in paid]
    read.floating_pay_in_cash = in_cash(row.floating_pay, (p.value for p in paid))
    return read


async def visible_sheet(
    uow: UnitOfWork, cycle_id: str, manager_id: str, caller: Principal
) -> tuple[CycleRow, ResultRow]:
    """A CM's cycle and sheet, if the caller may read it."""
    # An unknown cycle, a missing sheet and someone else's sheet all answer alike.
    missing = NotFound("appraisal.result.not_found", manager_id=manager_id, cycle_id=cycle_id)
    cycle = await cycle_in_org(uow, cycle_id, caller, missing)
    row = await uow.session.get(ResultRow, (cycle.id, manager_id))
    if row is None or (not may_read_all(caller) and caller.user_id != manager_id):
        raise missing
    if caller.user_id != manager_id and not await SCOPE.covers_staff(uow.session, caller, manager_id):
        raise missing  # a CM outside the reader's office scope
    return cycle, row


async def get_result(uow: UnitOfWork, cycle_id: str, manager_id: str, caller: Principal) -> ResultRead:
    """One CM's result sheet; a CM reads only their own, readers every one."""
    async with uow:
        cycle, row = await visible_sheet(uow, cycle_id, manager_id, caller)
        return await sheet_of(uow, cycle, row)


async def list_results(uow: UnitOfWork, cycle_id: str, caller: Principal, page: Page) -> list[ResultRead]:
    """The result sheets of a cycle (readers), or the caller's own (a CM)."""
    async with uow:
        cycle = await cycle_in_org(uow, cycle_id, caller)
        query = select(ResultRow).where(ResultRow.cycle_id == cycle.id)
        if not may_read_all(caller):
            query = query.where(ResultRow.manager_id == caller.user_id)
        else:
            query = query.where(SCOPE.staff_in_scope(caller, ResultRow.manager_id))
        rows = await page.rows(uow.session, query.order_by(ResultRow.manager_id))
        return [await sheet_of(uow, cycle, r) for r in rows]


async def my_results(uow: UnitOfWork, caller: Principal) -> list[ResultRead]:
    """A CM's own finalized results, newest year first."""
    async with uow:
        rows = await uow.session.execute(
            select(CycleRow, ResultRow)
            .join(ResultRow, ResultRow.cycle_id == CycleRow.id)
            .where(
                CycleRow.org_id == caller.org_id,
                CycleRow.status == CycleStatus.FINALIZED.value,
                ResultRow.manager_id == caller.user_id,
            )
            .order_by(CycleRow.year.desc(), CycleRow.version.desc(), CycleRow.id)
        )
        return [await sheet_of(uow, c, r) for c, r in rows.all()]
