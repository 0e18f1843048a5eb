"""A CM's sign-in login: HR links it to the manager record, the other services follow (issue 16)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.staffing.api.deps import HR
from services.staffing.queries import roster as roster_reads
from services.staffing.schemas.logins import LoginRead, LoginWrite
from services.staffing.service import logins
from shared.app import UoW
from shared.auth import Principal, Role, require_roles

router = APIRouter(tags=["roster"])
Viewer = Annotated[
    Principal,
    Depends(require_roles(Role.HR, Role.ADMIN, Role.SUPERVISOR, Role.MANAGEMENT, Role.AUDITOR, Role.CM)),
]


@router.put("/managers/{manager_id}/login", response_model=LoginRead, summary="Link a CM's sign-in login")
async def set_login(manager_id: str, body: LoginWrite, uow: UoW, caller: HR) -> LoginRead:
    """The login signs in as this manager everywhere; a login linked to another manager is a 409."""
    return await logins.set_login(uow, manager_id, body, caller)


@router.get("/managers/{manager_id}/login", response_model=LoginRead, summary="A CM's sign-in login")
async def get_login(manager_id: str, uow: UoW, caller: Viewer) -> LoginRead:
    """The login linked to the manager; a CM reads their own."""
    return await roster_reads.get_login(uow, manager_id, caller)
