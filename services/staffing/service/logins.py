"""Link a CM's sign-in login to their manager record and publish it on `staffing.offices`."""

from sqlalchemy import select

from services.staffing.domain.logins import needs_link
from services.staffing.models import LOGIN_LINKS
from services.staffing.queries.access import manager_in_org
from services.staffing.schemas.logins import LoginRead, LoginWrite
from shared.auth import Principal
from shared.contracts.offices import StaffLoginLinked
from shared.logins import link
from shared.uow import UnitOfWork


async def set_login(uow: UnitOfWork, manager_id: str, cmd: LoginWrite, caller: Principal) -> LoginRead:
    """One login per manager and per cooperative: a login linked to another manager is a 409."""
    async with uow:
        await manager_in_org(uow, manager_id, caller.org_id)
        holder = await uow.session.scalar(
            select(LOGIN_LINKS.c.manager_id).where(
                LOGIN_LINKS.c.org_id == caller.org_id, LOGIN_LINKS.c.login == cmd.login
            )
        )
        if needs_link(cmd.login, manager_id, holder):
            await link(uow.session, LOGIN_LINKS, caller.org_id, cmd.login, manager_id)
            uow.emit(
                "staff.login-linked",
                key=manager_id,
                org_id=caller.org_id,
                payload=StaffLoginLinked(login=cmd.login, manager_id=manager_id),
            )
            await uow.commit()
        return LoginRead(manager_id=manager_id, login=cmd.login)
