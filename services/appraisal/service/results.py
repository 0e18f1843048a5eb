"""Result sheets (a CM sees only their own) and pay in kind recorded against them (R-P3)."""

from sqlalchemy import select

from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.pay import ZERO, pay_in_kind
from services.appraisal.models import CycleRow, InKindRow, ResultRow
from services.appraisal.schemas.results import InKindCreate, InKindRead, ResultRead
from services.appraisal.service.common import cycle_in_org, may_read_all
from services.appraisal.service.scope import SCOPE
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _sheet(uow: UnitOfWork, cycle: CycleRow, row: ResultRow) -> ResultRead:
    paid = list(
        await uow.session.scalars(
            select(InKindRow)
            .where(InKindRow.cycle_id == cycle.id, InKindRow.manager_id == row.manager_id)
            .order_by(InKindRow.id)
        )
    )
    in_kind = sum((p.value for p in paid), ZERO)
    return ResultRead.model_validate(row).model_copy(
        update={
            "year": cycle.year,
            "cycle_version": cycle.version,
            "final": cycle.status in (CycleStatus.FINALIZED, CycleStatus.SUPERSEDED),
            "pay_in_kind": [InKindRead.model_validate(p) for p in paid],
            "floating_pay_in_cash": row.floating_pay - in_kind,
        }
    )


async def _visible(
    uow: UnitOfWork, cycle_id: str, manager_id: str, caller: Principal
) -> tuple[CycleRow, ResultRow]:
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
        cycle, row = await _visible(uow, cycle_id, manager_id, caller)
        return await _sheet(uow, cycle, row)


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
        return [await _sheet(uow, cycle, r) for r in rows]


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
        return [await _sheet(uow, c, r) for c, r in rows.all()]


async def record_in_kind(
    uow: UnitOfWork, cycle_id: str, manager_id: str, cmd: InKindCreate, caller: Principal
) -> ResultRead:
    """R-P3: part of a finalized floating pay paid in kind, recorded at its value."""
    async with uow:
        cycle, row = await _visible(uow, cycle_id, manager_id, caller)
        already = await uow.session.scalars(
            select(InKindRow.value).where(InKindRow.cycle_id == cycle.id, InKindRow.manager_id == manager_id)
        )
        finalized = cycle.status == CycleStatus.FINALIZED.value
        value = pay_in_kind(finalized, row.floating_pay, list(already), cmd.value)
        uow.session.add(
            InKindRow(
                cycle_id=cycle.id,
                manager_id=manager_id,
                description=cmd.description,
                value=value,
                recorded_by=caller.user_id,
                recorded_at=utcnow(),
            )
        )
        await uow.commit()
        return await _sheet(uow, cycle, row)
