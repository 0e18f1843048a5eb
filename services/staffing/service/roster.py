"""The staff roll: registering staff and onboarding CMs who already hold the post."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import roster as rules
from services.staffing.domain.departure import ManagerStatus
from services.staffing.models import ManagerRow
from services.staffing.queries.access import ladder_in_force, today
from services.staffing.queries.roster import read
from services.staffing.schemas.roster import ManagerCreate, ManagerRead, StaffCreate
from services.staffing.service.common import emit_registered
from shared.auth import Principal
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


async def _taken(uow: UnitOfWork, org_id: str, employee_no: str) -> bool:
    taken = await uow.session.scalar(
        select(ManagerRow.id).where(ManagerRow.org_id == org_id, ManagerRow.employee_no == employee_no)
    )
    return taken is not None


async def register_staff(uow: UnitOfWork, cmd: StaffCreate, caller: Principal) -> ManagerRead:
    """Put a staff member on the roll, not yet a CM (R-Q2)."""
    async with uow:
        rules.register(
            cmd.employee_no, await _taken(uow, caller.org_id, cmd.employee_no), cmd.hire_date, today()
        )
        row = ManagerRow(
            id=f"m-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            employee_no=cmd.employee_no,
            name=cmd.name,
            grade=None,
            branch=cmd.branch,
            status=ManagerStatus.STAFF.value,
            hire_date=cmd.hire_date,
            education=cmd.education.value,
            health_attested=cmd.health_attested,
            ethics_attested=cmd.ethics_attested,
            bad_business_record=cmd.bad_business_record,
            created_at=utcnow(),
        )
        uow.session.add(row)
        await uow.commit()
        return read(row)


async def onboard_manager(
    uow: UnitOfWork, cmd: ManagerCreate, caller: Principal, validity_years: int
) -> ManagerRead:
    """Register a CM who already holds the post, and publish `manager.registered`."""
    now = today()
    async with uow:
        onboarded = rules.onboard(
            cmd.employee_no,
            await _taken(uow, caller.org_id, cmd.employee_no),
            cmd.grade,
            await ladder_in_force(uow, caller.org_id, now),
            cmd.hire_date,
            cmd.certified_until,
            validity_years,
            now,
        )
        row = ManagerRow(
            id=f"m-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            employee_no=cmd.employee_no,
            name=cmd.name,
            grade=onboarded.grade,
            branch=cmd.branch,
            status=ManagerStatus.ACTIVE.value,
            hire_date=cmd.hire_date,
            education=cmd.education.value if cmd.education else None,
            certified_until=onboarded.certified_until,
            created_at=utcnow(),
        )
        uow.session.add(row)
        emit_registered(uow, row)
        await uow.commit()
        return read(row)
