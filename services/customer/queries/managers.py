"""What customer service knows of CMs and grades, from `staffing.managers`: read, never brought up to date.

Commands bring the ladder version in force into the projection first (`service/common.py`); a read takes
the version in force from the versions kept, so it answers the same without writing.
"""

from datetime import date

from sqlalchemy import select

from services.customer.domain import ladder
from services.customer.domain.assignment import GradeView, ManagerView
from services.customer.models import LadderVersionRow, ManagerProjectionRow
from services.customer.schemas import ManagerProjectionRead
from shared.auth import Principal
from shared.contracts.staffing import LadderGrade
from shared.errors import NotFound
from shared.uow import UnitOfWork


async def manager_view(uow: UnitOfWork, manager_id: str) -> ManagerView | None:
    """What the projection knows of a CM."""
    row = await uow.session.get(ManagerProjectionRow, manager_id)
    if row is None:
        return None
    return ManagerView(row.manager_id, row.org_id, row.status, row.certified_until, row.grade)


async def grades_on(uow: UnitOfWork, org_id: str, on: date) -> dict[str, GradeView]:
    """R-Q3/R-Q5: the grades of the ladder version in force on the day, or the default ladder's."""
    versions = (
        await uow.session.execute(
            select(LadderVersionRow.version, LadderVersionRow.effective_from).where(
                LadderVersionRow.org_id == org_id
            )
        )
    ).all()
    chosen = ladder.version_to_hold([(v, d) for v, d in versions], on, None)
    kept = await uow.session.get(LadderVersionRow, (org_id, chosen)) if chosen is not None else None
    grades = (LadderGrade.model_validate(g) for g in (kept.grades if kept is not None else ()))
    return ladder.grades_in_force(
        GradeView(g.code, g.may_lead_teams, frozenset(g.customer_classes)) for g in grades
    )


async def get_manager_view(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerProjectionRead:
    """The CM as the projection holds them, if of the caller's cooperative; else 404."""
    async with uow:
        row = await uow.session.get(ManagerProjectionRow, manager_id)
        if row is None or row.org_id != caller.org_id:
            raise NotFound("customer.manager_not_known", manager_id=manager_id)
        return ManagerProjectionRead.model_validate(row)
