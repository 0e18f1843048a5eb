"""Who may call the audit API."""

from typing import Annotated

from fastapi import Depends, Path

from shared.auth import Principal, Role, require_roles

Reader = Annotated[
    Principal, Depends(require_roles(Role.AUDITOR, Role.ADMIN, Role.HR, Role.SUPERVISOR, Role.MANAGEMENT))
]
Auditor = Annotated[Principal, Depends(require_roles(Role.AUDITOR))]
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
# Item ids are 64-bit: a larger number is a 422, not an overflow in the database driver.
ItemId = Annotated[int, Path(ge=1, le=2**63 - 1)]
