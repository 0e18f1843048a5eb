"""The staff roll as callers read it: one record, or the roll filtered and paginated."""

from sqlalchemy import select

from services.staffing.domain import access, certification
from services.staffing.domain.qualification import years_of_service
from services.staffing.models import LOGIN_LINKS, ManagerRow
from services.staffing.queries.access import scope_of, staff_in, today, visible_manager
from services.staffing.schemas.logins import LoginRead
from services.staffing.schemas.roster import ManagerFilter, ManagerRead
from shared.auth import Principal
from shared.errors import NotFound
from shared.pagination import Page
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


async def get_manager(uow: UnitOfWork, manager_id: str, caller: Principal) -> ManagerRead:
    """One record, if the caller may see it."""
    async with uow:
        return read(await visible_manager(uow, manager_id, caller))


async def list_managers(
    uow: UnitOfWork, caller: Principal, f: ManagerFilter, page: Page
) -> list[ManagerRead]:
    """The roll of the caller's cooperative, filtered and paginated."""
    query = select(ManagerRow).where(ManagerRow.org_id == caller.org_id)
    if not access.reads_all(caller.roles):
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
        scope = await scope_of(uow, caller)
        if scope is not None:  # a branch supervisor: the staff of their office's subtree
            query = query.where(ManagerRow.id.in_(staff_in(caller.org_id, scope)))
        rows = await page.rows(uow.session, query.order_by(ManagerRow.employee_no, ManagerRow.id))
        return [read(r) for r in rows]


async def get_login(uow: UnitOfWork, manager_id: str, caller: Principal) -> LoginRead:
    """The manager's sign-in login, else 404 (a CM reads their own)."""
    async with uow:
        await visible_manager(uow, manager_id, caller)
        login = await uow.session.scalar(
            select(LOGIN_LINKS.c.login).where(
                LOGIN_LINKS.c.org_id == caller.org_id, LOGIN_LINKS.c.manager_id == manager_id
            )
        )
    if login is None:
        raise NotFound("staffing.manager.no_login", manager_id=manager_id)
    return LoginRead(manager_id=manager_id, login=login)
