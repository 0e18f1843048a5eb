"""R-P3: part of a finalized floating pay paid in kind, recorded at its value against the result sheet."""

from sqlalchemy import select

from services.appraisal.domain.cycle import CycleStatus
from services.appraisal.domain.pay import pay_in_kind
from services.appraisal.models import InKindRow
from services.appraisal.queries.results import sheet_of, visible_sheet
from services.appraisal.schemas.results import InKindCreate, ResultRead
from shared.auth import Principal
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def record_in_kind(
    uow: UnitOfWork, cycle_id: str, manager_id: str, cmd: InKindCreate, caller: Principal
) -> ResultRead:
    """R-P3: part of a finalized floating pay paid in kind, recorded at its value."""
    async with uow:
        cycle, row = await visible_sheet(uow, cycle_id, manager_id, caller)
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
        return await sheet_of(uow, cycle, row)
