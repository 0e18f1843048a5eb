"""Who may call the audit API."""

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, Role, require_roles

Reader = Annotated[
    Principal, Depends(require_roles(Role.AUDITOR, Role.ADMIN, Role.HR, Role.SUPERVISOR, Role.MANAGEMENT))
]
Auditor = Annotated[Principal, Depends(require_roles(Role.AUDITOR))]
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
