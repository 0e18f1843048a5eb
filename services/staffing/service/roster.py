"""The staff roll: registering staff, onboarding CMs, reading the roll."""

from uuid import uuid4

from sqlalchemy import select

from services.staffing.domain import certification
from services.staffing.domain.departure import ManagerStatus
from services.staffing.domain.qualification import check_hire_date, years_of_service
from services.staffing.models import ManagerRow
from services.staffing.schemas.roster import ManagerCreate, ManagerFilter, ManagerRead, StaffCreate
from services.staffing.service import offices
from services.staffing.service.common import (
    READ_ALL,
    emit_registered,
    ladder_in_force,
    today,
    visible_manager,
)
from shared.auth import Principal
from shared.errors import Conflict, RuleViolation
from shared.pagination import Page
from shared.timeutil import utcnow
from shared.uow import UnitOfWork


def read(row: ManagerRow) -> ManagerRead:
    """A staff record with whether it is certified today (R-Q7)."""
    result = ManagerRead.model_validate(row)
    years = years_of_service(row.hire_date, today()) if row.hire_date else None
    return result.model_copy(
        update={
            "certified": certification.is_certified(row.certified_until, today()),
            "years_of_service": years,
        }
    )


async def _check_employee_no(uow: UnitOfWork, org_id: str, employee_no: str) -> None:
    taken = await uow.session.scalar(
        select(ManagerRow.id).where(ManagerRow.org_id == org_id, ManagerRow.employee_no == employee_no)
    )
    if taken is not None:
        raise Conflict("staffing.roster.duplicate_employee_no", employee_no=employee_no)


async def register_staff(uow: UnitOfWork, cmd: StaffCreate, caller: Principal) -> ManagerRead:
    """Put a staff member on the roll, not yet a CM (R-Q2)."""
    check_hire_date(cmd.hire_date, today())
    async with uow:
        await _check_employee_no(uow, caller.org_id, cmd.employee_no)
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
    if cmd.hire_date is not None:
        check_hire_date(cmd.hire_date, now)
    async with uow:
        ladder = await ladder_in_force(uow, caller.org_id, now)
        grade = ladder.grade(cmd.grade)
        await _check_employee_no(uow, caller.org_id, cmd.employee_no)
        until = cmd.certified_until or certification.add_years(now, validity_years)
        if until > certification.add_years(now, validity_years):
            raise RuleViolation("staffing.roster.validity_too_long", validity_years=validity_years)
        row = ManagerRow(
            id=f"m-{uuid4().hex[:12]}",
            org_id=caller.org_id,
            employee_no=cmd.employee_no,
            name=cmd.name,
            grade=grade.code,
            branch=cmd.branch,
            status=ManagerStatus.ACTIVE.value,
            hire_date=cmd.hire_date,
            education=cmd.education.value if cmd.education else None,
            certified_until=until,
            created_at=utcnow(),
        )
        uow.session.add(row)
        emit_registered(uow, row)
        await uow.commit()
        return read(row)


async def get_manager(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerRead:
    """One record, if the caller may see it."""
    async with uow:
        return read(await visible_manager(uow, manager_id, caller))


async def list_managers(
    uow: UnitOfWork, caller: Principal, f: ManagerFilter, page: Page
) -> list[ManagerRead]:
    """The roll of the caller's cooperative, filtered and paginated."""
    query = select(ManagerRow).where(ManagerRow.org_id == caller.org_id)
    if not caller.has_any(READ_ALL):
        query = query.where(ManagerRow.id == caller.user_id)
    if f.status is not None:
        query = query.where(ManagerRow.status == f.status.value)
    if f.grade is not None:
        query = query.where(ManagerRow.grade == f.grade)
    if f.branch is not None:
        query = query.where(ManagerRow.branch == f.branch)
    if f.certification_expiring_before is not None:
        query = query.where(ManagerRow.certified_until < f.certification_expiring_before)
    async with uow:
        scope = await offices.scope_of(uow, caller)
        if scope is not None:  # a branch supervisor: the staff of their office's subtree
            query = query.where(ManagerRow.id.in_(offices.staff_in(caller.org_id, scope)))
        rows = await page.rows(uow.session, query.order_by(ManagerRow.employee_no, ManagerRow.id))
        return [read(r) for r in rows]
